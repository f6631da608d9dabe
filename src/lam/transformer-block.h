#ifndef EDGE_LAM_TRANSFORMER_BLOCK_H
#define EDGE_LAM_TRANSFORMER_BLOCK_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/lam-config.h"
#include "lam/lora-linear.h"

#include <cstdint>

namespace ns3
{

/// GPT-2 initialisation: N(0, 0.02^2) for every weight and embedding, biases 0.
constexpr double kGpt2InitStd = 0.02;

/// LayerNorm over the model width with the config's epsilon.
torch::nn::LayerNormOptions LamLayerNormOptions(const LamConfig& config);

/**
 * \ingroup lam
 * \brief Multi-head causal self-attention with a fused q/k/v projection "c_attn"
 * (C -> 3C) and an output projection "c_proj" (C -> C), both LoraLinear.
 *
 * Written with matmul + masked softmax (scaled_dot_product_attention does not
 * exist in LibTorch 1.13): position t attends to positions 0..t only.
 */
class CausalSelfAttentionImpl : public torch::nn::Module
{
  public:
    /// \param config width, heads, bias; layers (for the GPT-2 init of c_proj)
    explicit CausalSelfAttentionImpl(const LamConfig& config);

    /// x (B, T, C) -> (B, T, C)
    torch::Tensor forward(const torch::Tensor& x);

    LoraLinear cAttn{nullptr}; ///< q, k, v projections stacked: (C) -> (3C)
    LoraLinear cProj{nullptr}; ///< output projection (C) -> (C)

  private:
    int64_t m_numHeads;
};

TORCH_MODULE(CausalSelfAttention);

/**
 * \ingroup lam
 * \brief The position-wise MLP: "c_fc" (C -> M), GELU (tanh approximation, as
 * GPT-2), "c_proj" (M -> C), both LoraLinear.
 */
class MlpImpl : public torch::nn::Module
{
  public:
    explicit MlpImpl(const LamConfig& config);

    /// x (B, T, C) -> (B, T, C)
    torch::Tensor forward(const torch::Tensor& x);

    LoraLinear cFc{nullptr};
    LoraLinear cProj{nullptr};
};

TORCH_MODULE(Mlp);

/**
 * \ingroup lam
 * \brief A pre-LayerNorm transformer block: x + attn(ln_1(x)), then + mlp(ln_2(x)).
 * Submodules "ln_1", "attn", "ln_2", "mlp" (nanoGPT names).
 */
class BlockImpl : public torch::nn::Module
{
  public:
    explicit BlockImpl(const LamConfig& config);

    /// x (B, T, C) -> (B, T, C)
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::LayerNorm ln1{nullptr};
    CausalSelfAttention attn{nullptr};
    torch::nn::LayerNorm ln2{nullptr};
    Mlp mlp{nullptr};
};

TORCH_MODULE(Block);

} // namespace ns3

#endif // EDGE_LAM_TRANSFORMER_BLOCK_H
