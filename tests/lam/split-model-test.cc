#include "lam/gpt-model.h"
#include "lam/lam-test-helpers.h"
#include "lam/payload-precision.h"
#include "lam/shard-cost.h"
#include "lam/split-model.h"

#include "ns3/test.h"

#include <map>
#include <stdexcept>
#include <string>

using namespace ns3;
using namespace ns3::lamtest;

namespace
{

/// Gradients of every trainable parameter, by name (after a backward pass).
std::map<std::string, torch::Tensor>
Gradients(const GptModel& model)
{
    std::map<std::string, torch::Tensor> gradients;
    for (const auto& item : model->named_parameters())
    {
        if (item.value().requires_grad())
        {
            gradients[item.key()] = item.value().grad().clone();
        }
    }
    return gradients;
}

/// Copies every parameter of `from` into `to` (same config and adapters).
void
CopyParameters(const GptModel& from, GptModel& to)
{
    torch::NoGradGuard noGrad;
    auto source = from->named_parameters();
    for (auto& item : to->named_parameters())
    {
        item.value().copy_(source[item.key()]);
    }
}

/// Randomises the LoRA B matrices (zero at creation), so that gradients reach every
/// adapter and the split test covers the adapter path.
void
PerturbAdapters(GptModel& model)
{
    torch::NoGradGuard noGrad;
    for (auto& item : model->named_parameters())
    {
        if (item.key().find("lora_b") != std::string::npos)
        {
            item.value().normal_(0.0, 0.05);
        }
    }
}

/// The split step's forward, loss and gradients equal those of the unsplit model
/// (fp32 payloads), for LoRA with a trainable front and for full training.
class SplitEqualsUnsplitTestCase : public TestCase
{
  public:
    SplitEqualsUnsplitTestCase()
        : TestCase("split forward and backward equal the unsplit model to 1e-5")
    {
    }

  private:
    void Check(const LamConfig& config,
               const std::optional<LoraOptions>& lora,
               int64_t deviceBlocks,
               const std::string& label)
    {
        torch::manual_seed(11);
        GptModel reference(config);
        GptModel split(config);
        if (lora)
        {
            FreezeBaseEnableLora(reference, *lora);
            FreezeBaseEnableLora(split, *lora);
            PerturbAdapters(reference);
        }
        CopyParameters(reference, split);
        torch::Tensor input = torch::randn({3, config.contextLength, config.inputFeatures});
        torch::Tensor target = torch::randn({3, config.contextLength, config.outputSize});
        auto mse = [&](const torch::Tensor& output) { return torch::mse_loss(output, target); };

        torch::Tensor loss = mse(reference->forward(input));
        loss.backward();
        std::map<std::string, torch::Tensor> expected = Gradients(reference);

        SplitStep step(SplitModel(split, deviceBlocks), PayloadPrecision::FP32);
        step.DeviceForward(input);
        step.ServerForward();
        step.DeviceBackward(mse);
        step.ServerBackward();
        step.DeviceFinish();
        NS_TEST_EXPECT_MSG_EQ_TOL(step.GetLoss(), loss.item<double>(), 1e-6, label << " loss");
        std::map<std::string, torch::Tensor> actual = Gradients(split);
        NS_TEST_ASSERT_MSG_EQ(actual.size(), expected.size(), label << " trainable tensors");
        for (const auto& [name, gradient] : expected)
        {
            double scale = std::max(1.0, gradient.abs().max().item<double>());
            double error = (actual[name] - gradient).abs().max().item<double>() / scale;
            NS_TEST_EXPECT_MSG_LT(error, 1e-5, label << " gradient of " << name);
        }
    }

    void DoRun() override
    {
        LamConfig config = Preset("csi-predictor-tiny");
        LoraOptions lora;
        lora.rank = 4;
        lora.trainTaskLayers = true;
        Check(config, lora, 1, "LoRA, 1 block on the device");
        Check(config, lora, 0, "LoRA, 0 blocks on the device");
        Check(config, std::nullopt, 1, "full training");
    }
};

/// Bytes on the air follow the tensor shapes and the payload format; a frozen front
/// gets no gradient down.
class SplitPayloadTestCase : public TestCase
{
  public:
    SplitPayloadTestCase()
        : TestCase("payload bytes and rounding of fp32, fp16 and bf16")
    {
    }

  private:
    void DoRun() override
    {
        LamConfig config = Preset("csi-predictor-tiny");
        torch::manual_seed(3);
        GptModel model(config);
        LoraOptions lora; // adapters in every block; embedding and head frozen
        FreezeBaseEnableLora(model, lora);
        const int64_t batch = 5;
        const int64_t steps = config.contextLength;
        const uint64_t activationElements = batch * steps * config.width;
        torch::Tensor input = torch::randn({batch, steps, config.inputFeatures});
        auto loss = [&](const torch::Tensor& output) { return output.pow(2).mean(); };
        for (PayloadPrecision precision :
             {PayloadPrecision::FP32, PayloadPrecision::FP16, PayloadPrecision::BF16})
        {
            for (int64_t deviceBlocks : {0, 1})
            {
                const uint64_t bytes =
                    activationElements * (precision == PayloadPrecision::FP32 ? 4 : 2);
                SplitStep step(SplitModel(model, deviceBlocks), precision);
                // The test macros evaluate their arguments more than once: call first.
                const uint64_t up = step.DeviceForward(input);
                const uint64_t down = step.ServerForward();
                const uint64_t gradientUp = step.DeviceBackward(loss);
                const uint64_t gradientDown = step.ServerBackward();
                NS_TEST_EXPECT_MSG_EQ(up, bytes, ToString(precision) << " activations up");
                NS_TEST_EXPECT_MSG_EQ(down, bytes, "representation down");
                NS_TEST_EXPECT_MSG_EQ(gradientUp, bytes, "gradient up");
                // The front has adapters with a block on the device; the bare embedding is frozen.
                const uint64_t expectedDown = deviceBlocks == 0 ? 0 : bytes;
                NS_TEST_EXPECT_MSG_EQ(gradientDown, expectedDown, "gradient down");
                step.DeviceFinish();
            }
        }

        // Rounding: relative error at most half an ulp (2^-11 fp16, 2^-8 bf16) in the
        // normal range; fp16 overflows above 65504 as the format does.
        torch::Tensor x = torch::randn({10000}) * 100;
        for (auto [precision, halfUlp] : {std::pair{PayloadPrecision::FP16, std::pow(2.0, -11)},
                                          std::pair{PayloadPrecision::BF16, std::pow(2.0, -8)}})
        {
            torch::Tensor sent = SendAsPayload(x, precision);
            double worst = ((sent - x).abs() / x.abs().clamp_min(1e-3)).max().item<double>();
            NS_TEST_EXPECT_MSG_LT_OR_EQ(worst, halfUlp * (1 + 1e-6), ToString(precision));
            NS_TEST_EXPECT_MSG_GT(worst, halfUlp / 4, ToString(precision) << " actually rounds");
        }
        NS_TEST_EXPECT_MSG_EQ(
            std::isinf(SendAsPayload(torch::tensor({1e5f}), PayloadPrecision::FP16).item<float>()),
            true,
            "fp16 saturates");
        NS_TEST_EXPECT_MSG_EQ((ParsePayloadPrecision("bf16") == PayloadPrecision::BF16),
                              true,
                              "parse");
        bool thrown = false;
        try
        {
            ParsePayloadPrecision("fp8");
        }
        catch (const std::invalid_argument& e)
        {
            thrown = std::string(e.what()).find("fp8") != std::string::npos;
        }
        NS_TEST_EXPECT_MSG_EQ(thrown, true, "bad precision named");
        thrown = false;
        try
        {
            SplitModel(model, config.numLayers);
        }
        catch (const std::invalid_argument& e)
        {
            thrown = true;
        }
        NS_TEST_EXPECT_MSG_EQ(thrown, true, "the server keeps at least one block");
    }
};

/// Shard FLOPs against the transformer FLOP count of Hoffmann et al. 2022 (Chinchilla,
/// Appendix F) and parameter counts against the built model.
class ShardCostTestCase : public TestCase
{
  public:
    ShardCostTestCase()
        : TestCase("shard FLOPs match the Chinchilla count; shard parameters match the model")
    {
    }

  private:
    void DoRun() override
    {
        // GPT-2 small, full training, T = 1024: Appendix F per sequence, without its
        // embedding lookup (counted there as a one-hot product) and softmax terms.
        LamConfig gpt2 = Preset("gpt2-small");
        const double t = 1024, c = 768, m = 3072, v = 50257, layers = 12;
        const double perLayer = 2 * t * 3 * c * c    // q, k, v
                                + 2 * t * t * c      // logits
                                + 2 * t * t * c      // softmax @ values
                                + 2 * t * c * c      // output projection
                                + 2 * t * 2 * c * m; // MLP
        const double forward = layers * perLayer + 2 * t * c * v;
        ShardSpan whole{true, 0, gpt2.numLayers, true, false};
        ShardCost cost = ComputeShardCost(gpt2, std::nullopt, whole, 1, 1024);
        NS_TEST_EXPECT_MSG_EQ_TOL(cost.forwardFlops / forward, 1.0, 1e-12, "forward");
        // Full training: backward = 2 x forward (Kaplan et al. 2020, Hoffmann et al. 2022).
        NS_TEST_EXPECT_MSG_EQ_TOL(cost.backwardFlops / forward, 2.0, 1e-12, "backward");
        NS_TEST_EXPECT_MSG_EQ(cost.parameters, CountLamParameters(gpt2), "parameters");

        // A split model's shards against the built model: parameter counts, and FLOPs
        // that add up to the whole.
        LamConfig config = Preset("csi-predictor-tiny");
        GptModel model(config);
        LoraOptions lora;
        lora.rank = 4;
        lora.trainTaskLayers = true;
        FreezeBaseEnableLora(model, lora);
        SplitModel split(model, 1);
        ShardCost front = ComputeShardCost(config, lora, split.FrontSpan(), 8, 16);
        ShardCost body = ComputeShardCost(config, lora, split.BodySpan(), 8, 16);
        ShardCost tail = ComputeShardCost(config, lora, split.TailSpan(), 8, 16);
        ShardSpan all{true, 0, config.numLayers, true, false};
        ShardCost unsplit = ComputeShardCost(config, lora, all, 8, 16);
        auto count = [](const NamedTensors& tensors) {
            int64_t n = 0;
            for (const auto& [name, tensor] : tensors)
            {
                n += tensor.numel();
            }
            return n;
        };
        NS_TEST_EXPECT_MSG_EQ(front.parameters + tail.parameters,
                              count(split.DeviceParameters(false)),
                              "device parameters");
        NS_TEST_EXPECT_MSG_EQ(body.parameters, count(split.ServerParameters(false)), "server");
        NS_TEST_EXPECT_MSG_EQ(front.trainable + tail.trainable,
                              count(split.DeviceParameters(true)),
                              "device trainable");
        NS_TEST_EXPECT_MSG_EQ(body.trainable,
                              count(split.ServerParameters(true)),
                              "server trainable");
        NS_TEST_EXPECT_MSG_EQ_TOL(front.forwardFlops + body.forwardFlops + tail.forwardFlops,
                                  unsplit.forwardFlops,
                                  1e-6 * unsplit.forwardFlops,
                                  "forward adds up");
        NS_TEST_EXPECT_MSG_EQ_TOL(front.backwardFlops + body.backwardFlops + tail.backwardFlops,
                                  unsplit.backwardFlops,
                                  1e-6 * unsplit.backwardFlops,
                                  "backward adds up");

        // A hand count (docs/lam-runtime.md, "FLOPs"): 1 block, C = 4, M = 8, F = O = 3,
        // B = 1, T = 2, rank-1 adapter on c_attn only, base and task layers frozen.
        LamConfig small = config;
        small.numLayers = 1;
        small.width = 4;
        small.numHeads = 1;
        small.mlpWidth = 8;
        small.inputFeatures = 3;
        small.outputSize = 3;
        LoraOptions one;
        one.rank = 1;
        one.targets = {"attn.c_attn"};
        ShardCost hand = ComputeShardCost(small, one, ShardSpan{true, 0, 1, true, false}, 1, 2);
        // forward: patch 48, c_attn 192 + adapter 16 + 48, q k^T 32, weights v 32, c_proj 64,
        // c_fc 128, c_proj 128, head 48
        NS_TEST_EXPECT_MSG_EQ_TOL(hand.forwardFlops, 736.0, 1e-9, "hand forward");
        // backward: adapter dB 48 + through B 48 + dA 16 (nothing before it trains, so no
        // input gradient for c_attn or patch), then input gradients 2 x 32 + 2 x 32 + 64 +
        // 128 + 128 + 48
        NS_TEST_EXPECT_MSG_EQ_TOL(hand.backwardFlops, 608.0, 1e-9, "hand backward");
    }
};

class SplitModelTestSuite : public TestSuite
{
  public:
    SplitModelTestSuite()
        : TestSuite("lam-split", TestSuite::UNIT)
    {
        AddTestCase(new SplitEqualsUnsplitTestCase, TestCase::QUICK);
        AddTestCase(new SplitPayloadTestCase, TestCase::QUICK);
        AddTestCase(new ShardCostTestCase, TestCase::QUICK);
    }
};

SplitModelTestSuite g_splitModelTestSuite;

} // namespace
