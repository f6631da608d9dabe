#include "lam/lam-config.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

namespace
{

[[noreturn]] void
ThrowKeyError(const std::string& source, const std::string& key, const std::string& problem)
{
    throw std::invalid_argument(source + ": key \"" + key + "\": " + problem);
}

void
RequirePositive(const std::string& source, const std::string& key, int64_t value)
{
    if (value <= 0)
    {
        ThrowKeyError(source, key, "value " + std::to_string(value) + " must be > 0");
    }
}

} // namespace

std::string
ToString(LamInputKind kind)
{
    return kind == LamInputKind::TOKENS ? "tokens" : "features";
}

void
LamConfig::Validate(const std::string& source) const
{
    if (name.empty())
    {
        ThrowKeyError(source, "name", "must not be empty");
    }
    if (inputKind == LamInputKind::TOKENS)
    {
        RequirePositive(source, "vocab_size", vocabSize);
        if (inputFeatures != 0)
        {
            ThrowKeyError(source, "input_features", "is for \"features\" input, not \"tokens\"");
        }
        if (tieEmbeddings && outputSize != vocabSize)
        {
            ThrowKeyError(source,
                          "output_size",
                          "value " + std::to_string(outputSize) +
                              " must equal vocab_size when tie_embeddings is true");
        }
    }
    else
    {
        RequirePositive(source, "input_features", inputFeatures);
        if (vocabSize != 0)
        {
            ThrowKeyError(source, "vocab_size", "is for \"tokens\" input, not \"features\"");
        }
        if (tieEmbeddings)
        {
            ThrowKeyError(source, "tie_embeddings", "needs \"tokens\" input");
        }
    }
    RequirePositive(source, "output_size", outputSize);
    RequirePositive(source, "context_length", contextLength);
    RequirePositive(source, "layers", numLayers);
    RequirePositive(source, "width", width);
    RequirePositive(source, "heads", numHeads);
    RequirePositive(source, "mlp_width", mlpWidth);
    if (width % numHeads != 0)
    {
        ThrowKeyError(source,
                      "width",
                      "value " + std::to_string(width) + " must be divisible by heads (" +
                          std::to_string(numHeads) + ")");
    }
    if (!(layerNormEps > 0.0) || !std::isfinite(layerNormEps))
    {
        ThrowKeyError(source,
                      "layer_norm_eps",
                      "value " + std::to_string(layerNormEps) + " must be > 0");
    }
}

LamConfig
ParseLamConfig(const FlatJsonObject& json)
{
    json.CheckKeys({"name",
                    "description",
                    "input",
                    "vocab_size",
                    "input_features",
                    "output_size",
                    "context_length",
                    "layers",
                    "width",
                    "heads",
                    "mlp_width",
                    "bias",
                    "tie_embeddings",
                    "layer_norm_eps"});
    LamConfig config;
    config.name = json.GetString("name");
    if (json.Has("description"))
    {
        config.description = json.GetString("description");
    }
    std::string input = json.GetString("input");
    if (input != "tokens" && input != "features")
    {
        throw std::invalid_argument(json.KeyContext("input") + "unknown input kind \"" + input +
                                    "\" (known: \"tokens\", \"features\")");
    }
    config.inputKind = input == "tokens" ? LamInputKind::TOKENS : LamInputKind::FEATURES;
    const bool tokens = config.inputKind == LamInputKind::TOKENS;
    // Keys of the other input kind are read too, so that Validate() rejects them by name.
    if (tokens || json.Has("vocab_size"))
    {
        config.vocabSize = json.GetInteger("vocab_size");
    }
    if (!tokens || json.Has("input_features"))
    {
        config.inputFeatures = json.GetInteger("input_features");
    }
    config.outputSize =
        (tokens && !json.Has("output_size")) ? config.vocabSize : json.GetInteger("output_size");
    config.contextLength = json.GetInteger("context_length");
    config.numLayers = json.GetInteger("layers");
    config.width = json.GetInteger("width");
    config.numHeads = json.GetInteger("heads");
    config.mlpWidth = json.GetInteger("mlp_width");
    if (json.Has("bias"))
    {
        config.bias = json.GetBool("bias");
    }
    if (json.Has("tie_embeddings"))
    {
        config.tieEmbeddings = json.GetBool("tie_embeddings");
    }
    if (json.Has("layer_norm_eps"))
    {
        config.layerNormEps = json.GetNumber("layer_norm_eps");
    }
    config.Validate(json.GetSource());
    return config;
}

LamConfig
LoadLamConfig(const std::string& path)
{
    return ParseLamConfig(FlatJsonObject::Load(path));
}

int64_t
CountLamParameters(const LamConfig& config)
{
    const int64_t c = config.width;
    const int64_t b = config.bias ? 1 : 0;
    auto linear = [b](int64_t in, int64_t out) { return in * out + b * out; };
    const int64_t layerNorm = 2 * c; // gain and shift

    int64_t embedding = config.inputKind == LamInputKind::TOKENS ? config.vocabSize * c
                                                                 : linear(config.inputFeatures, c);
    int64_t positions = config.contextLength * c;
    int64_t attention = linear(c, 3 * c) + linear(c, c);
    int64_t mlp = linear(c, config.mlpWidth) + linear(config.mlpWidth, c);
    int64_t block = 2 * layerNorm + attention + mlp;
    int64_t head = config.tieEmbeddings ? 0 : linear(c, config.outputSize);
    return embedding + positions + config.numLayers * block + layerNorm + head;
}

} // namespace ns3
