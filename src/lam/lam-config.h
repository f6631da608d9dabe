#ifndef EDGE_LAM_LAM_CONFIG_H
#define EDGE_LAM_LAM_CONFIG_H

#include "lam/flat-json.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup lam
 * What a GptModel reads at each time step.
 */
enum class LamInputKind
{
    TOKENS,  ///< token ids (B, T) through a learned embedding table (JSON "tokens")
    FEATURES ///< real vectors (B, T, F), e.g. CSI, through a Linear "patch" embedding
             ///< (JSON "features")
};

/// \return "tokens" or "features", the JSON spelling
std::string ToString(LamInputKind kind);

/**
 * \ingroup lam
 * \brief Dimensions of a GPT-style decoder (GPT-2 layout: pre-LayerNorm blocks,
 * learned positional embedding, GELU MLP, final LayerNorm, linear head).
 *
 * JSON form (a flat object, see the files in models/ and docs/lam-runtime.md): keys
 * "name", "description" (optional), "input" ("tokens" or "features"),
 * "vocab_size" (tokens), "input_features" (features), "output_size" (optional for
 * tokens: defaults to vocab_size), "context_length", "layers", "width", "heads",
 * "mlp_width", "bias" (optional, default true), "tie_embeddings" (optional, tokens
 * only, default false), "layer_norm_eps" (optional, default 1e-5).
 */
struct LamConfig
{
    std::string name;
    std::string description;
    LamInputKind inputKind{LamInputKind::TOKENS};
    int64_t vocabSize{0};      ///< token ids are in [0, vocabSize); TOKENS only
    int64_t inputFeatures{0};  ///< real features per time step; FEATURES only
    int64_t outputSize{0};     ///< head outputs per time step (logits or predicted features)
    int64_t contextLength{0};  ///< maximum time steps T (rows of the positional embedding)
    int64_t numLayers{0};      ///< transformer blocks
    int64_t width{0};          ///< model width C (residual stream)
    int64_t numHeads{0};       ///< attention heads; C / heads is the head width
    int64_t mlpWidth{0};       ///< hidden width of the MLP (GPT-2: 4 C)
    bool bias{true};           ///< bias in every Linear (GPT-2: true); LayerNorm always has one
    bool tieEmbeddings{false}; ///< head reuses the token embedding, without bias (GPT-2)
    double layerNormEps{1e-5};

    /**
     * Checks sizes and consistency.
     * \param source file name (or other origin) used in the messages
     * \throws std::invalid_argument naming the source, the JSON key and the value
     */
    void Validate(const std::string& source) const;
};

/**
 * Builds and validates a config from a parsed JSON object.
 * \throws std::invalid_argument naming the source and the key (missing, wrong
 *         type, unknown, or invalid value)
 */
LamConfig ParseLamConfig(const FlatJsonObject& json);

/// Loads and validates models/<name>.json-style files; errors name the path and key.
LamConfig LoadLamConfig(const std::string& path);

/**
 * Parameter count of the model a config describes, in closed form (no weights
 * are allocated, so GPT-2-sized configs are counted instantly). Equals the
 * numel() sum of a GptModel built from the config.
 */
int64_t CountLamParameters(const LamConfig& config);

} // namespace ns3

#endif // EDGE_LAM_LAM_CONFIG_H
