#include "lam/transformer-block.h"

#include <cmath>
#include <limits>

namespace ns3
{

namespace
{

/// GPT-2 scales the init of projections into the residual stream by 1/sqrt(2 L), so
/// that the variance of the residual stream does not grow with depth.
double
ResidualInitStd(const LamConfig& config)
{
    return kGpt2InitStd / std::sqrt(2.0 * static_cast<double>(config.numLayers));
}

} // namespace

torch::nn::LayerNormOptions
LamLayerNormOptions(const LamConfig& config)
{
    return torch::nn::LayerNormOptions({config.width}).eps(config.layerNormEps);
}

CausalSelfAttentionImpl::CausalSelfAttentionImpl(const LamConfig& config)
    : m_numHeads(config.numHeads)
{
    cAttn = register_module("c_attn",
                            LoraLinear(config.width, 3 * config.width, config.bias, kGpt2InitStd));
    cProj = register_module(
        "c_proj",
        LoraLinear(config.width, config.width, config.bias, ResidualInitStd(config)));
}

torch::Tensor
CausalSelfAttentionImpl::forward(const torch::Tensor& x)
{
    const int64_t batch = x.size(0);
    const int64_t steps = x.size(1);
    const int64_t width = x.size(2);
    const int64_t headWidth = width / m_numHeads;

    std::vector<torch::Tensor> qkv = cAttn->forward(x).split(width, 2); // 3 x (B, T, C)
    auto heads = [&](const torch::Tensor& t) {
        return t.view({batch, steps, m_numHeads, headWidth}).transpose(1, 2); // (B, H, T, D)
    };
    torch::Tensor q = heads(qkv[0]);
    torch::Tensor k = heads(qkv[1]);
    torch::Tensor v = heads(qkv[2]);

    torch::Tensor scores =
        torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(headWidth));
    // (B, H, T, T); entries above the diagonal are future positions.
    torch::Tensor future =
        torch::ones({steps, steps}, torch::TensorOptions().dtype(torch::kBool).device(x.device()))
            .triu(1);
    scores = scores.masked_fill(future, -std::numeric_limits<double>::infinity());
    torch::Tensor y = torch::matmul(torch::softmax(scores, -1), v); // (B, H, T, D)
    y = y.transpose(1, 2).contiguous().view({batch, steps, width}); // (B, T, C)
    return cProj->forward(y);
}

MlpImpl::MlpImpl(const LamConfig& config)
{
    cFc = register_module("c_fc",
                          LoraLinear(config.width, config.mlpWidth, config.bias, kGpt2InitStd));
    cProj = register_module(
        "c_proj",
        LoraLinear(config.mlpWidth, config.width, config.bias, ResidualInitStd(config)));
}

torch::Tensor
MlpImpl::forward(const torch::Tensor& x)
{
    return cProj->forward(torch::gelu(cFc->forward(x), "tanh")); // (B, T, M) -> (B, T, C)
}

BlockImpl::BlockImpl(const LamConfig& config)
{
    ln1 = register_module("ln_1", torch::nn::LayerNorm(LamLayerNormOptions(config)));
    attn = register_module("attn", CausalSelfAttention(config));
    ln2 = register_module("ln_2", torch::nn::LayerNorm(LamLayerNormOptions(config)));
    mlp = register_module("mlp", Mlp(config));
}

torch::Tensor
BlockImpl::forward(const torch::Tensor& x)
{
    torch::Tensor h = x + attn->forward(ln1->forward(x)); // (B, T, C)
    return h + mlp->forward(ln2->forward(h));
}

} // namespace ns3
