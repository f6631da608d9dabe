#ifndef EDGE_LAM_FUSED_ADAM_H
#define EDGE_LAM_FUSED_ADAM_H

#include <torch/optim/adam.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include <vector>

namespace ns3
{

/**
 * \ingroup lam
 * \brief torch::optim::Adam with each parameter updated in a single pass over its memory.
 *
 * LibTorch 1.13's Adam updates a parameter with seven tensor operations (two moment
 * updates, sqrt, division, epsilon, addcdiv, plus a temporary the size of the
 * parameter). Each is a dispatched kernel that streams the tensor through memory, so
 * for a large model the update is memory-bound (GPT-2 small: ~2.5 GB moved per step
 * instead of ~1 GB) and for a tiny one it is dispatch-bound (7 x 30 kernel launches).
 * This optimizer computes the same update element by element, in one loop per
 * parameter:
 *
 *   g = grad + weight_decay p
 *   m = beta1 m + (1 - beta1) g
 *   v = beta2 v + (1 - beta2) g^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * in fp32, like Adam's kernels; results differ from Adam's by rounding only
 * (tests/lam/fused-adam-test.cc). Options, per-parameter state, save() and load() are
 * Adam's own, so a checkpoint written with either optimizer loads into the other.
 *
 * Limits: parameters must be contiguous fp32 CPU tensors (module parameters are);
 * amsgrad is not implemented.
 */
class FusedAdam : public torch::optim::Adam
{
  public:
    /**
     * \throws std::invalid_argument if an option enables amsgrad or a parameter is not a
     *         contiguous fp32 CPU tensor (Adam's own option checks apply too)
     */
    explicit FusedAdam(std::vector<torch::optim::OptimizerParamGroup> paramGroups,
                       torch::optim::AdamOptions defaults = {});

    /// \copydoc FusedAdam(std::vector<torch::optim::OptimizerParamGroup>,
    /// torch::optim::AdamOptions)
    explicit FusedAdam(std::vector<torch::Tensor> params, torch::optim::AdamOptions defaults = {});

    /**
     * One Adam update of every parameter that has a gradient.
     * \param closure re-evaluates the loss (optional), as for torch::optim::Adam
     * \return the closure's loss, or an undefined tensor without closure
     * \throws std::invalid_argument if a gradient is sparse or not fp32, or a loaded state does
     *         not match its parameter
     */
    torch::Tensor step(LossClosure closure = nullptr) override;
};

} // namespace ns3

#endif // EDGE_LAM_FUSED_ADAM_H
