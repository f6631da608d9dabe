#ifndef EDGE_LAM_SHARD_COST_H
#define EDGE_LAM_SHARD_COST_H

#include "lam/gpt-model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup lam
 * A contiguous piece of a GptModel: the input embedding, blocks [firstBlock,
 * lastBlock), and the final LayerNorm + head, each optional.
 */
struct ShardSpan
{
    bool embedding{false};
    int64_t firstBlock{0};
    int64_t lastBlock{0};
    bool head{false};
    /// Whether the gradient with respect to the shard's input is computed (another
    /// shard upstream trains and waits for it).
    bool inputGradient{false};
};

/**
 * \ingroup lam
 * What one training step of a shard costs, from the layer shapes alone.
 */
struct ShardCost
{
    double forwardFlops{0};       ///< matrix-product FLOPs of the forward pass
    double backwardFlops{0};      ///< matrix-product FLOPs of the backward pass
    int64_t parameters{0};        ///< scalars held (frozen and trainable)
    int64_t trainable{0};         ///< scalars with a gradient
    int64_t activationScalars{0}; ///< scalars autograd keeps between forward and backward

    /// Bytes a device holds to train the shard in fp32 with Adam: parameters, plus a
    /// gradient and two moments per trainable scalar, plus the saved activations.
    uint64_t TrainingMemoryBytes() const;
};

/**
 * \ingroup lam
 * \brief FLOPs, parameters and activation memory of one training step of a shard
 * on a batch of `batch` sequences of `steps` time steps.
 *
 * FLOPs count the matrix products only, a multiply-add as 2 FLOPs: the Linear
 * layers (and their LoRA adapters), the attention scores q k^T and the weighted sum
 * of values, which this model computes over the full T x T square (the causal mask
 * is applied after the product). Elementwise work (LayerNorm, GELU, softmax, bias,
 * residual adds) is O(T C) per step against O(T C^2) and is left out, as in the
 * usual transformer FLOP counts (Kaplan et al. 2020, Hoffmann et al. 2022, App. F).
 * Backward: a product costs its forward FLOPs once for the gradient of its weight
 * (when trainable) and once for the gradient of its input (when anything upstream,
 * or the shard's input, needs it); a LoRA adapter always propagates through B to
 * reach A.
 *
 * \param lora adapters and what trains; nullopt: every parameter trains
 * \throws std::invalid_argument for a span outside the model or a non-positive batch or
 *         steps above the context length
 */
ShardCost ComputeShardCost(const LamConfig& config,
                           const std::optional<LoraOptions>& lora,
                           const ShardSpan& span,
                           int64_t batch,
                           int64_t steps);

} // namespace ns3

#endif // EDGE_LAM_SHARD_COST_H
