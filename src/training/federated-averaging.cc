#include "training/federated-averaging.h"

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

namespace ns3
{

namespace
{

std::string
Shape(const torch::Tensor& tensor)
{
    std::string text = "[";
    for (int64_t i = 0; i < tensor.dim(); ++i)
    {
        text += (i ? ", " : "") + std::to_string(tensor.size(i));
    }
    return text + "]";
}

} // namespace

NamedTensors
FederatedAverage(const std::vector<NamedTensors>& models, const std::vector<double>& weights)
{
    if (models.empty() || models.size() != weights.size())
    {
        throw std::invalid_argument("FedAvg needs one weight per model and at least one model (" +
                                    std::to_string(models.size()) + " models, " +
                                    std::to_string(weights.size()) + " weights)");
    }
    double total = 0;
    for (double weight : weights)
    {
        if (!(weight >= 0) || !std::isfinite(weight))
        {
            throw std::invalid_argument("FedAvg weight " + std::to_string(weight) +
                                        " must be finite and >= 0");
        }
        total += weight;
    }
    if (!(total > 0))
    {
        throw std::invalid_argument("FedAvg weights sum to 0");
    }
    torch::NoGradGuard noGrad;
    NamedTensors average;
    for (const auto& [name, tensor] : models[0])
    {
        average.emplace_back(name, torch::zeros_like(tensor, torch::kDouble));
    }
    for (std::size_t k = 0; k < models.size(); ++k)
    {
        if (models[k].size() != average.size())
        {
            throw std::invalid_argument("FedAvg: model " + std::to_string(k) + " has " +
                                        std::to_string(models[k].size()) +
                                        " tensors, model 0 has " + std::to_string(average.size()));
        }
        for (std::size_t i = 0; i < average.size(); ++i)
        {
            const auto& [name, tensor] = models[k][i];
            if (name != average[i].first || !tensor.sizes().equals(average[i].second.sizes()))
            {
                throw std::invalid_argument("FedAvg: tensor " + std::to_string(i) + " of model " +
                                            std::to_string(k) + " is '" + name + "' " +
                                            Shape(tensor) + ", model 0 has '" + average[i].first +
                                            "' " + Shape(average[i].second));
            }
            // Accumulate in double so the average does not depend on summation order
            // beyond double rounding.
            average[i].second.add_(tensor.to(torch::kDouble), weights[k] / total);
        }
    }
    for (std::size_t i = 0; i < average.size(); ++i)
    {
        average[i].second = average[i].second.to(models[0][i].second.scalar_type());
    }
    return average;
}

NamedTensors
CloneTensors(const NamedTensors& tensors)
{
    NamedTensors copies;
    for (const auto& [name, tensor] : tensors)
    {
        copies.emplace_back(name, tensor.detach().clone());
    }
    return copies;
}

void
AssignTensors(const NamedTensors& parameters, const NamedTensors& values)
{
    std::map<std::string, torch::Tensor> byName(values.begin(), values.end());
    torch::NoGradGuard noGrad;
    for (const auto& [name, parameter] : parameters)
    {
        auto value = byName.find(name);
        if (value == byName.end())
        {
            throw std::invalid_argument("no value for parameter '" + name + "'");
        }
        if (!value->second.sizes().equals(parameter.sizes()))
        {
            throw std::invalid_argument("parameter '" + name + "' has shape " + Shape(parameter) +
                                        ", the value " + Shape(value->second));
        }
        torch::Tensor target = parameter;
        target.copy_(value->second);
    }
}

int64_t
CountElements(const NamedTensors& tensors)
{
    int64_t count = 0;
    for (const auto& [name, tensor] : tensors)
    {
        count += tensor.numel();
    }
    return count;
}

} // namespace ns3
