#include "lam/shard-cost.h"

#include <algorithm>
#include <stdexcept>

namespace ns3
{

namespace
{

/// One matrix product of the forward pass, in execution order; or, with 0 FLOPs, a
/// layer with parameters but no product (lookup table, LayerNorm) whose gradient
/// still needs the gradients of everything after it.
struct Product
{
    double flops;       ///< forward FLOPs
    bool weight;        ///< has parameters; false for the attention products
    bool weightTrains;  ///< the weight gets a gradient
    int64_t loraRank;   ///< adapter rank on this Linear, 0 for none
    int64_t inFeatures; ///< Linear shapes, for the adapter
    int64_t outFeatures;
    bool loraTrains; ///< the adapter gets gradients
};

/// Whether LoRA options put an adapter on `target` of block `layer`.
bool
HasAdapter(const LoraOptions& lora, const std::string& target, int64_t layer)
{
    bool layerSelected =
        lora.layers.empty() ||
        std::find(lora.layers.begin(), lora.layers.end(), layer) != lora.layers.end();
    return layerSelected &&
           std::find(lora.targets.begin(), lora.targets.end(), target) != lora.targets.end();
}

} // namespace

uint64_t
ShardCost::TrainingMemoryBytes() const
{
    constexpr uint64_t kFloatBytes = 4;
    return kFloatBytes * (static_cast<uint64_t>(parameters) + 3 * static_cast<uint64_t>(trainable) +
                          static_cast<uint64_t>(activationScalars));
}

ShardCost
ComputeShardCost(const LamConfig& config,
                 const std::optional<LoraOptions>& lora,
                 const ShardSpan& span,
                 int64_t batch,
                 int64_t steps)
{
    if (span.firstBlock < 0 || span.firstBlock > span.lastBlock ||
        span.lastBlock > config.numLayers)
    {
        throw std::invalid_argument("shard blocks [" + std::to_string(span.firstBlock) + ", " +
                                    std::to_string(span.lastBlock) + ") must lie within [0, " +
                                    std::to_string(config.numLayers) + "] of " + config.name);
    }
    if (batch <= 0 || steps <= 0 || steps > config.contextLength)
    {
        throw std::invalid_argument(
            "shard cost needs batch > 0 and 1 <= steps <= " + std::to_string(config.contextLength) +
            ", not batch " + std::to_string(batch) + ", steps " + std::to_string(steps));
    }
    const bool fullTraining = !lora.has_value();
    const bool taskTrains = fullTraining || lora->trainTaskLayers;
    const double tokens = static_cast<double>(batch) * static_cast<double>(steps);
    const int64_t c = config.width;
    const int64_t m = config.mlpWidth;
    const int64_t t = steps;
    const int64_t tokenCount = batch * steps;

    ShardCost cost;
    std::vector<Product> products;
    auto linear = [&](int64_t in, int64_t out, bool trains, int64_t rank) {
        products.push_back({2.0 * tokens * in * out, true, trains, rank, in, out, rank > 0});
        cost.parameters += in * out + (config.bias ? out : 0) + rank * (in + out);
        cost.trainable += (trains ? in * out + (config.bias ? out : 0) : 0) + rank * (in + out);
        cost.activationScalars += tokenCount * (in + rank); // saved input (and x A^T)
    };

    auto parametersWithoutProduct = [&](int64_t count, bool trains) {
        products.push_back({0.0, true, trains, 0, 0, 0, false});
        cost.parameters += count;
        cost.trainable += trains ? count : 0;
    };

    if (span.embedding)
    {
        if (config.inputKind == LamInputKind::FEATURES)
        {
            linear(config.inputFeatures, c, taskTrains, 0);
        }
        else
        {
            parametersWithoutProduct(config.vocabSize * c, taskTrains); // a table lookup
        }
        parametersWithoutProduct(config.contextLength * c, fullTraining);
    }
    for (int64_t layer = span.firstBlock; layer < span.lastBlock; ++layer)
    {
        auto rank = [&](const std::string& target) {
            return !fullTraining && HasAdapter(*lora, target, layer) ? lora->rank : 0;
        };
        parametersWithoutProduct(2 * c, fullTraining); // ln_1
        linear(c, 3 * c, fullTraining, rank("attn.c_attn"));
        // q k^T and (softmax) v, per head over the full T x T square: 2 T C each per token.
        for (int product = 0; product < 2; ++product)
        {
            products.push_back({2.0 * tokens * t * c, false, false, 0, 0, 0, false});
        }
        // q, k, v, and the attention weights before and after softmax.
        cost.activationScalars += tokenCount * (3 * c + 2 * config.numHeads * t);
        linear(c, c, fullTraining, rank("attn.c_proj"));
        parametersWithoutProduct(2 * c, fullTraining); // ln_2
        linear(c, m, fullTraining, rank("mlp.c_fc"));
        cost.activationScalars += tokenCount * m; // GELU input
        linear(m, c, fullTraining, rank("mlp.c_proj"));
        cost.activationScalars += tokenCount * 2 * c; // the two LayerNorm inputs
    }
    if (span.head)
    {
        parametersWithoutProduct(2 * c, fullTraining); // ln_f
        cost.activationScalars += tokenCount * c;
        if (config.tieEmbeddings)
        {
            // x wte^T: the table is counted with the embedding, when this shard has it.
            products.push_back({2.0 * tokens * c * config.vocabSize,
                                true,
                                taskTrains && span.embedding,
                                0,
                                0,
                                0,
                                false});
            cost.activationScalars += tokenCount * c;
        }
        else
        {
            linear(c, config.outputSize, taskTrains, 0);
        }
    }

    // Backward in reverse order; a product needs the gradient of its input when
    // something before it trains or the shard's input wants a gradient.
    std::vector<bool> trainsUpTo(products.size());
    bool anyTrains = span.inputGradient;
    for (std::size_t i = 0; i < products.size(); ++i)
    {
        trainsUpTo[i] = anyTrains; // strictly before product i
        anyTrains = anyTrains || products[i].weightTrains || products[i].loraTrains;
    }
    for (std::size_t i = 0; i < products.size(); ++i)
    {
        const Product& p = products[i];
        cost.forwardFlops += p.flops;
        const bool inputGradient = trainsUpTo[i];
        if (!p.weight)
        {
            // Gradients of both operands (q and k, or weights and v) or none.
            cost.backwardFlops += inputGradient ? 2 * p.flops : 0;
            continue;
        }
        cost.backwardFlops += (p.weightTrains ? p.flops : 0) + (inputGradient ? p.flops : 0);
        if (p.loraRank > 0)
        {
            const double down = 2.0 * tokens * p.loraRank * p.inFeatures; // x A^T
            const double up = 2.0 * tokens * p.loraRank * p.outFeatures;  // (x A^T) B^T
            cost.forwardFlops += down + up;
            // dB and the gradient through B are needed for dA whenever the adapter trains.
            cost.backwardFlops += (p.loraTrains ? 2 * up + down : 0) + (inputGradient ? down : 0);
        }
    }
    return cost;
}

} // namespace ns3
