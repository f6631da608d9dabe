#include "lam/gpt-model.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <unordered_set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GptModel");

GptModelImpl::GptModelImpl(const LamConfig& config)
    : m_config(config)
{
    m_config.Validate(config.name.empty() ? "GptModel" : config.name);
    const int64_t c = config.width;
    torch::NoGradGuard noGrad;
    if (config.inputKind == LamInputKind::TOKENS)
    {
        wte = register_module("wte", torch::nn::Embedding(config.vocabSize, c));
        wte->weight.normal_(0.0, kGpt2InitStd);
    }
    else
    {
        // torch.nn.Linear's own initialisation, U(+-1/sqrt(F)), not GPT-2's N(0, 0.02^2):
        // GPT-2's scale is that of a table lookup; on F real features of unit RMS it
        // starts the embedding 5-7x smaller, which cost the subcarrier-token CSI corrector
        // 0.6-0.7 dB (docs/split-federated-fine-tuning.md).
        patchEmbed = register_module(
            "patch_embed",
            torch::nn::Linear(torch::nn::LinearOptions(config.inputFeatures, c).bias(config.bias)));
    }
    wpe = register_module("wpe", torch::nn::Embedding(config.contextLength, c));
    wpe->weight.normal_(0.0, kGpt2InitStd);
    h = register_module("h", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.numLayers; ++i)
    {
        h->push_back(Block(config));
    }
    lnF = register_module("ln_f", torch::nn::LayerNorm(LamLayerNormOptions(config)));
    if (!config.tieEmbeddings)
    {
        head = register_module(
            "head",
            torch::nn::Linear(torch::nn::LinearOptions(c, config.outputSize).bias(config.bias)));
        head->weight.normal_(0.0, kGpt2InitStd);
        if (config.bias)
        {
            head->bias.zero_();
        }
    }
}

const LamConfig&
GptModelImpl::GetConfig() const
{
    return m_config;
}

Block
GptModelImpl::GetBlock(size_t i) const
{
    if (i >= h->size())
    {
        throw std::invalid_argument("block index " + std::to_string(i) + " must be < " +
                                    std::to_string(h->size()));
    }
    return Block(h->ptr<BlockImpl>(i));
}

torch::Tensor
GptModelImpl::Embed(const torch::Tensor& input)
{
    const std::string& model = m_config.name;
    const bool tokens = m_config.inputKind == LamInputKind::TOKENS;
    const int64_t rank = tokens ? 2 : 3;
    if (input.dim() != rank)
    {
        throw std::invalid_argument(model + ": input of rank " + std::to_string(input.dim()) +
                                    " must have rank " + std::to_string(rank) +
                                    (tokens ? " (B, T)" : " (B, T, F)"));
    }
    const int64_t steps = input.size(1);
    if (steps < 1 || steps > m_config.contextLength)
    {
        throw std::invalid_argument(model + ": input of " + std::to_string(steps) +
                                    " time steps must have 1.." +
                                    std::to_string(m_config.contextLength) + " (context_length)");
    }
    torch::Tensor x;
    if (tokens)
    {
        if (input.scalar_type() != torch::kLong)
        {
            throw std::invalid_argument(model + ": token ids must be int64, not " +
                                        std::string(c10::toString(input.scalar_type())));
        }
        int64_t low = input.min().item<int64_t>();
        int64_t high = input.max().item<int64_t>();
        if (low < 0 || high >= m_config.vocabSize)
        {
            throw std::invalid_argument(model + ": token id " +
                                        std::to_string(low < 0 ? low : high) + " must be in [0, " +
                                        std::to_string(m_config.vocabSize) + ")");
        }
        x = wte->forward(input); // (B, T, C)
    }
    else
    {
        if (!input.is_floating_point() || input.size(2) != m_config.inputFeatures)
        {
            throw std::invalid_argument(model + ": input of " + std::to_string(input.size(2)) +
                                        " " + std::string(c10::toString(input.scalar_type())) +
                                        " features must have " +
                                        std::to_string(m_config.inputFeatures) +
                                        " floating-point features (input_features)");
        }
        x = patchEmbed->forward(input); // (B, T, F) -> (B, T, C)
    }
    torch::Tensor positions =
        torch::arange(steps, torch::TensorOptions().dtype(torch::kLong).device(input.device()));
    return x + wpe->forward(positions); // (B, T, C) + (T, C)
}

torch::Tensor
GptModelImpl::ForwardBlocks(torch::Tensor x, int64_t first, int64_t last)
{
    const auto layers = static_cast<int64_t>(h->size());
    if (first < 0 || first > last || last > layers)
    {
        throw std::invalid_argument("block range [" + std::to_string(first) + ", " +
                                    std::to_string(last) + ") must lie within [0, " +
                                    std::to_string(layers) + "]");
    }
    for (int64_t i = first; i < last; ++i)
    {
        x = h->ptr<BlockImpl>(i)->forward(x); // (B, T, C)
    }
    return x;
}

torch::Tensor
GptModelImpl::ForwardHead(const torch::Tensor& x)
{
    torch::Tensor y = lnF->forward(x); // (B, T, C)
    if (m_config.tieEmbeddings)
    {
        return torch::linear(y, wte->weight); // (B, T, V)
    }
    return head->forward(y); // (B, T, output_size)
}

torch::Tensor
GptModelImpl::forward(const torch::Tensor& input)
{
    return ForwardHead(ForwardBlocks(Embed(input), 0, m_config.numLayers));
}

const std::vector<std::string>&
LoraTargetNames()
{
    static const std::vector<std::string> names{"attn.c_attn",
                                                "attn.c_proj",
                                                "mlp.c_fc",
                                                "mlp.c_proj"};
    return names;
}

namespace
{

/// Checks the options against the model; the selected block indices, sorted.
std::set<int64_t>
SelectLoraLayers(const LamConfig& config, const LoraOptions& options)
{
    if (options.rank <= 0)
    {
        throw std::invalid_argument("LoRA rank " + std::to_string(options.rank) + " must be > 0");
    }
    if (!(options.alpha > 0.0) || !std::isfinite(options.alpha))
    {
        throw std::invalid_argument("LoRA alpha " + std::to_string(options.alpha) + " must be > 0");
    }
    if (options.targets.empty())
    {
        throw std::invalid_argument("LoRA targets must not be empty");
    }
    const std::vector<std::string>& known = LoraTargetNames();
    std::set<std::string> seen;
    for (const std::string& target : options.targets)
    {
        if (std::find(known.begin(), known.end(), target) == known.end())
        {
            throw std::invalid_argument("LoRA target \"" + target +
                                        "\" is unknown (known: attn.c_attn, attn.c_proj, "
                                        "mlp.c_fc, mlp.c_proj)");
        }
        if (!seen.insert(target).second)
        {
            throw std::invalid_argument("LoRA target \"" + target + "\" is listed twice");
        }
    }
    std::set<int64_t> layers;
    for (int64_t layer : options.layers)
    {
        if (layer < 0 || layer >= config.numLayers)
        {
            throw std::invalid_argument("LoRA layer " + std::to_string(layer) + " must be in [0, " +
                                        std::to_string(config.numLayers) + ")");
        }
        if (!layers.insert(layer).second)
        {
            throw std::invalid_argument("LoRA layer " + std::to_string(layer) + " is listed twice");
        }
    }
    if (layers.empty())
    {
        for (int64_t layer = 0; layer < config.numLayers; ++layer)
        {
            layers.insert(layer);
        }
    }
    return layers;
}

/// The adapter-capable Linears of one block, by target name.
std::vector<std::pair<std::string, LoraLinear>>
BlockLinears(const Block& block)
{
    return {{"attn.c_attn", block->attn->cAttn},
            {"attn.c_proj", block->attn->cProj},
            {"mlp.c_fc", block->mlp->cFc},
            {"mlp.c_proj", block->mlp->cProj}};
}

int64_t
CountDistinct(const torch::nn::Module& module, bool trainableOnly)
{
    std::unordered_set<const void*> seen;
    int64_t count = 0;
    for (const torch::Tensor& parameter : module.parameters())
    {
        if ((!trainableOnly || parameter.requires_grad()) &&
            seen.insert(parameter.unsafeGetTensorImpl()).second)
        {
            count += parameter.numel();
        }
    }
    return count;
}

} // namespace

int64_t
FreezeBaseEnableLora(GptModel& model, const LoraOptions& options)
{
    const LamConfig& config = model->GetConfig();
    std::set<int64_t> layers = SelectLoraLayers(config, options);
    for (torch::Tensor& parameter : model->parameters())
    {
        // A stale gradient would still be applied by an optimizer holding this tensor.
        if (parameter.grad().defined())
        {
            parameter.mutable_grad() = torch::Tensor();
        }
        parameter.set_requires_grad(false);
    }
    int64_t adapted = 0;
    for (int64_t layer : layers)
    {
        for (auto& [name, linear] : BlockLinears(model->GetBlock(layer)))
        {
            if (std::find(options.targets.begin(), options.targets.end(), name) !=
                options.targets.end())
            {
                linear->EnableLora(options.rank, options.alpha);
                ++adapted;
            }
        }
    }
    if (options.trainTaskLayers)
    {
        torch::nn::Module& input = !model->wte.is_empty()
                                       ? static_cast<torch::nn::Module&>(*model->wte)
                                       : static_cast<torch::nn::Module&>(*model->patchEmbed);
        for (torch::Tensor& parameter : input.parameters())
        {
            parameter.set_requires_grad(true);
        }
        if (!model->head.is_empty())
        {
            for (torch::Tensor& parameter : model->head->parameters())
            {
                parameter.set_requires_grad(true);
            }
        }
    }
    NS_LOG_INFO(config.name << ": LoRA r=" << options.rank << " alpha=" << options.alpha << " on "
                            << adapted << " Linear layers; trainable "
                            << CountTrainableParameters(*model) << " of " << CountParameters(*model)
                            << " parameters");
    return adapted;
}

void
SetLoraActive(GptModel& model, bool active)
{
    for (size_t i = 0; i < model->h->size(); ++i)
    {
        for (auto& [name, linear] : BlockLinears(model->GetBlock(i)))
        {
            linear->SetLoraActive(active);
        }
    }
}

int64_t
CountLoraParameters(const LamConfig& config, const LoraOptions& options)
{
    std::set<int64_t> layers = SelectLoraLayers(config, options);
    const int64_t c = config.width;
    const int64_t m = config.mlpWidth;
    int64_t perBlock = 0;
    for (const std::string& target : options.targets)
    {
        // r (in + out): A is (r, in), B is (out, r).
        int64_t inPlusOut = target == "attn.c_attn"   ? c + 3 * c
                            : target == "attn.c_proj" ? c + c
                                                      : c + m; // mlp.c_fc and mlp.c_proj
        perBlock += options.rank * inPlusOut;
    }
    return static_cast<int64_t>(layers.size()) * perBlock;
}

int64_t
CountParameters(const torch::nn::Module& module)
{
    return CountDistinct(module, false);
}

int64_t
CountTrainableParameters(const torch::nn::Module& module)
{
    return CountDistinct(module, true);
}

} // namespace ns3
