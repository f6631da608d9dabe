#include "lam/lora-linear.h"

#include "ns3/log.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LoraLinear");

LoraLinearImpl::LoraLinearImpl(int64_t inFeatures,
                               int64_t outFeatures,
                               bool hasBias,
                               double initStd)
{
    if (inFeatures <= 0 || outFeatures <= 0)
    {
        throw std::invalid_argument("LoraLinear size " + std::to_string(inFeatures) + " x " +
                                    std::to_string(outFeatures) + " must be positive");
    }
    weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}));
    torch::NoGradGuard noGrad;
    weight.normal_(0.0, initStd);
    if (hasBias)
    {
        bias = register_parameter("bias", torch::zeros({outFeatures}));
    }
}

void
LoraLinearImpl::EnableLora(int64_t rank, double alpha)
{
    if (rank <= 0)
    {
        throw std::invalid_argument("LoRA rank " + std::to_string(rank) + " must be > 0");
    }
    if (!(alpha > 0.0) || !std::isfinite(alpha))
    {
        throw std::invalid_argument("LoRA alpha " + std::to_string(alpha) + " must be > 0");
    }
    if (HasLora())
    {
        throw std::invalid_argument("LoraLinear already has a LoRA adapter (rank " +
                                    std::to_string(GetRank()) + ")");
    }
    NS_LOG_FUNCTION(this << rank << alpha);
    weight.set_requires_grad(false);
    if (bias.defined())
    {
        bias.set_requires_grad(false);
    }
    int64_t inFeatures = GetInFeatures();
    // Same law as torch::nn::Linear's weight (Kaiming-uniform with a = sqrt(5)).
    double bound = 1.0 / std::sqrt(static_cast<double>(inFeatures));
    {
        torch::NoGradGuard noGrad;
        loraA =
            register_parameter("lora_a", torch::empty({rank, inFeatures}).uniform_(-bound, bound));
        loraB = register_parameter("lora_b", torch::zeros({GetOutFeatures(), rank}));
    }
    m_scaling = alpha / static_cast<double>(rank);
    loraActive = true;
}

void
LoraLinearImpl::SetLoraActive(bool active)
{
    loraActive = active && HasLora();
}

bool
LoraLinearImpl::HasLora() const
{
    return loraA.defined();
}

bool
LoraLinearImpl::IsLoraActive() const
{
    return loraActive;
}

int64_t
LoraLinearImpl::GetRank() const
{
    return HasLora() ? loraA.size(0) : 0;
}

double
LoraLinearImpl::GetScaling() const
{
    return m_scaling;
}

int64_t
LoraLinearImpl::GetInFeatures() const
{
    return weight.size(1);
}

int64_t
LoraLinearImpl::GetOutFeatures() const
{
    return weight.size(0);
}

torch::Tensor
LoraLinearImpl::forward(const torch::Tensor& x)
{
    torch::Tensor y = torch::linear(x, weight, bias); // (..., out)
    if (loraActive)
    {
        // (..., in) -> (..., r) -> (..., out); with B = 0 this adds exact zeros.
        y = y + m_scaling * torch::linear(torch::linear(x, loraA), loraB);
    }
    return y;
}

} // namespace ns3
