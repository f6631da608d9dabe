#ifndef EDGE_LAM_GPT_MODEL_H
#define EDGE_LAM_GPT_MODEL_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/lam-config.h"
#include "lam/transformer-block.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup lam
 * \brief A GPT-style decoder (GPT-2 layout, nanoGPT parameter names):
 * input embedding ("wte" for token ids or "patch_embed", a Linear from F real
 * features per step), learned positional embedding "wpe", blocks "h.0".."h.{L-1}",
 * final LayerNorm "ln_f", head "head" (absent when tie_embeddings: the head is
 * then x wte^T, without bias, as GPT-2).
 *
 * Weights start as GPT-2's: N(0, 0.02^2), residual projections scaled by
 * 1/sqrt(2 L), biases 0, LayerNorm gain 1. No dropout, so a forward pass is a
 * deterministic function of the weights and the input.
 */
class GptModelImpl : public torch::nn::Module
{
  public:
    /// \throws std::invalid_argument if the config is invalid (see LamConfig::Validate)
    explicit GptModelImpl(const LamConfig& config);

    /**
     * \param input token ids (B, T) int64 in [0, vocab_size) for TOKENS input, or
     *        features (B, T, F) floating point for FEATURES input; 1 <= T <= context_length
     * \return (B, T, output_size): logits, or predicted features
     * \throws std::invalid_argument on a wrong rank, dtype, size or token id
     */
    torch::Tensor forward(const torch::Tensor& input);

    /**
     * The pieces forward() chains, for models cut into shards (lam/split-model.h):
     * forward(x) == ForwardHead(ForwardBlocks(Embed(x), 0, layers)).
     * \return the (B, T, C) input embedding plus positions
     * \throws std::invalid_argument as forward()
     */
    torch::Tensor Embed(const torch::Tensor& input);

    /// Blocks [first, last) on x (B, T, C) -> (B, T, C); 0 <= first <= last <= layers.
    torch::Tensor ForwardBlocks(torch::Tensor x, int64_t first, int64_t last);

    /// Final LayerNorm and head: x (B, T, C) -> (B, T, output_size).
    torch::Tensor ForwardHead(const torch::Tensor& x);

    const LamConfig& GetConfig() const;

    /// \return block i in [0, layers)
    Block GetBlock(size_t i) const;

    torch::nn::Embedding wte{nullptr};     ///< (V, C); TOKENS input only
    torch::nn::Linear patchEmbed{nullptr}; ///< (F) -> (C); FEATURES input only
    torch::nn::Embedding wpe{nullptr};     ///< (context_length, C)
    torch::nn::ModuleList h{nullptr};      ///< the Blocks
    torch::nn::LayerNorm lnF{nullptr};     ///< final LayerNorm
    torch::nn::Linear head{nullptr};       ///< (C) -> (output_size); null when tied

  private:
    LamConfig m_config;
};

TORCH_MODULE(GptModel);

/**
 * \ingroup lam
 * Where to put LoRA adapters in a GptModel.
 */
struct LoraOptions
{
    int64_t rank{8};    ///< r
    double alpha{16.0}; ///< adapter output scaled by alpha / r
    /// Projections to adapt, named inside a block: "attn.c_attn" (fused q, k, v),
    /// "attn.c_proj", "mlp.c_fc", "mlp.c_proj". Default: all four.
    std::vector<std::string> targets{"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"};
    /// Block indices to adapt; empty means every block.
    std::vector<int64_t> layers;
    /// Keep the input embedding and the head trainable as well (a task-specific
    /// head, e.g. CSI prediction on a model pretrained on another input).
    bool trainTaskLayers{false};
};

/// \return the names FreezeBaseEnableLora() accepts as targets
const std::vector<std::string>& LoraTargetNames();

/**
 * Freezes every parameter of the model, then adds a trainable LoRA adapter
 * (LoraLinearImpl::EnableLora) to each selected projection of each selected
 * block; with trainTaskLayers, the input embedding and head are unfrozen too.
 * The model's output is unchanged by this call (B = 0).
 * \return the number of adapted Linear layers
 * \throws std::invalid_argument on a bad rank, alpha, target name or layer index,
 *         or if the model already has adapters
 */
int64_t FreezeBaseEnableLora(GptModel& model, const LoraOptions& options);

/// Switches all adapters of the model on (fine-tuned model) or off (base model).
void SetLoraActive(GptModel& model, bool active);

/// Closed form of the adapter parameters FreezeBaseEnableLora() adds: r (in + out)
/// per adapted Linear (embedding and head not included).
int64_t CountLoraParameters(const LamConfig& config, const LoraOptions& options);

/// \return the number of scalar parameters of a module (weights shared by two
///         submodules counted once)
int64_t CountParameters(const torch::nn::Module& module);

/// \return the number of scalar parameters with requires_grad
int64_t CountTrainableParameters(const torch::nn::Module& module);

} // namespace ns3

#endif // EDGE_LAM_GPT_MODEL_H
