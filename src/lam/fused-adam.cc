#include "fused-adam.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/util/string_utils.h>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <torch/utils.h>

namespace ns3
{

namespace
{

/// A description of `tensor` for error messages, e.g. "Float CPU tensor [768, 3072]".
std::string
Describe(const torch::Tensor& tensor)
{
    std::string shape;
    for (int64_t size : tensor.sizes())
    {
        shape += (shape.empty() ? "" : ", ") + std::to_string(size);
    }
    return std::string(c10::toString(tensor.scalar_type())) + " " +
           c10::DeviceTypeName(tensor.device().type()) + (tensor.is_sparse() ? " sparse" : "") +
           " tensor [" + shape + "]";
}

void
CheckParameter(const torch::Tensor& parameter)
{
    if (parameter.is_sparse() || parameter.scalar_type() != torch::kFloat ||
        !parameter.device().is_cpu() || !parameter.is_contiguous())
    {
        throw std::invalid_argument(
            "FusedAdam: parameters must be contiguous fp32 CPU tensors, not a " +
            Describe(parameter));
    }
}

/// The moments must be laid out like the parameter (a state loaded for another model is not).
void
CheckState(const torch::optim::AdamParamState& state, const torch::Tensor& parameter)
{
    for (const torch::Tensor& moment : {state.exp_avg(), state.exp_avg_sq()})
    {
        if (!moment.defined() || moment.sizes() != parameter.sizes() ||
            moment.scalar_type() != torch::kFloat || !moment.is_contiguous())
        {
            throw std::invalid_argument("FusedAdam: the Adam state of a " + Describe(parameter) +
                                        " is a " +
                                        (moment.defined() ? Describe(moment) : "missing tensor"));
        }
    }
}

void
CheckOptions(const torch::optim::AdamOptions& options)
{
    if (options.amsgrad())
    {
        throw std::invalid_argument("FusedAdam: amsgrad is not implemented");
    }
}

/// The scalars of one update at step t (1-based), in fp32 as Adam's kernels use them.
struct UpdateCoefficients
{
    float beta1;
    float oneMinusBeta1;
    float beta2;
    float oneMinusBeta2;
    float stepSize;        ///< lr / (1 - beta1^t)
    float sqrtCorrection2; ///< sqrt(1 - beta2^t)
    float eps;
    float weightDecay;
};

UpdateCoefficients
Coefficients(const torch::optim::AdamOptions& options, int64_t step)
{
    const double beta1 = std::get<0>(options.betas());
    const double beta2 = std::get<1>(options.betas());
    const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
    const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
    return {static_cast<float>(beta1),
            static_cast<float>(1.0 - beta1),
            static_cast<float>(beta2),
            static_cast<float>(1.0 - beta2),
            static_cast<float>(options.lr() / correction1),
            static_cast<float>(std::sqrt(correction2)),
            static_cast<float>(options.eps()),
            static_cast<float>(options.weight_decay())};
}

/// Elements [begin, end) of one update; the pointers do not alias.
void
UpdateRange(const UpdateCoefficients& c,
            int64_t begin,
            int64_t end,
            float* __restrict param,
            const float* __restrict grad,
            float* __restrict expAvg,
            float* __restrict expAvgSq)
{
    for (int64_t i = begin; i < end; ++i)
    {
        const float g = grad[i] + c.weightDecay * param[i];
        const float m = c.beta1 * expAvg[i] + c.oneMinusBeta1 * g;
        const float v = c.beta2 * expAvgSq[i] + c.oneMinusBeta2 * g * g;
        expAvg[i] = m;
        expAvgSq[i] = v;
        param[i] -= c.stepSize * (m / (std::sqrt(v) / c.sqrtCorrection2 + c.eps));
    }
}

} // namespace

FusedAdam::FusedAdam(std::vector<torch::optim::OptimizerParamGroup> paramGroups,
                     torch::optim::AdamOptions defaults)
    : torch::optim::Adam(std::move(paramGroups), defaults)
{
    CheckOptions(defaults);
    for (auto& group : param_groups())
    {
        CheckOptions(static_cast<const torch::optim::AdamOptions&>(group.options()));
        for (const torch::Tensor& parameter : group.params())
        {
            CheckParameter(parameter);
        }
    }
}

FusedAdam::FusedAdam(std::vector<torch::Tensor> params, torch::optim::AdamOptions defaults)
    : FusedAdam({torch::optim::OptimizerParamGroup(std::move(params))}, defaults)
{
}

torch::Tensor
FusedAdam::step(LossClosure closure)
{
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure != nullptr)
    {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    for (auto& group : param_groups())
    {
        const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
        CheckOptions(options);
        for (torch::Tensor& parameter : group.params())
        {
            if (!parameter.grad().defined())
            {
                continue;
            }
            CheckParameter(parameter);
            if (parameter.grad().is_sparse() || parameter.grad().scalar_type() != torch::kFloat)
            {
                throw std::invalid_argument("FusedAdam: gradients must be dense fp32, not a " +
                                            Describe(parameter.grad()));
            }
            const torch::Tensor grad = parameter.grad().contiguous();
            // Adam's state, under Adam's key, so save() and load() are Adam's.
            const std::string key = c10::guts::to_string(parameter.unsafeGetTensorImpl());
            auto& slot = state()[key];
            if (!slot)
            {
                auto fresh = std::make_unique<torch::optim::AdamParamState>();
                fresh->exp_avg(torch::zeros_like(parameter, torch::MemoryFormat::Contiguous));
                fresh->exp_avg_sq(torch::zeros_like(parameter, torch::MemoryFormat::Contiguous));
                slot = std::move(fresh);
            }
            auto& state = static_cast<torch::optim::AdamParamState&>(*slot);
            CheckState(state, parameter);
            state.step(state.step() + 1);
            const UpdateCoefficients coefficients = Coefficients(options, state.step());
            float* param = parameter.data_ptr<float>();
            const float* gradData = grad.data_ptr<float>();
            float* expAvg = state.exp_avg().data_ptr<float>();
            float* expAvgSq = state.exp_avg_sq().data_ptr<float>();
            at::parallel_for(
                0,
                parameter.numel(),
                at::internal::GRAIN_SIZE,
                [&](int64_t begin, int64_t end) {
                    UpdateRange(coefficients, begin, end, param, gradData, expAvg, expAvgSq);
                });
        }
    }
    return loss;
}

} // namespace ns3
