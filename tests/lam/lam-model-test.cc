#include "lam/gpt-model.h"
#include "lam/lam-test-helpers.h"

#include "ns3/test.h"

#include <map>
#include <stdexcept>
#include <string>

using namespace ns3;
using namespace ns3::lamtest;

namespace
{

double
MaxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

/// A random input of the model's kind: token ids (B, T) or features (B, T, F).
torch::Tensor
RandomInput(const LamConfig& config, int64_t batch, int64_t steps)
{
    if (config.inputKind == LamInputKind::TOKENS)
    {
        return torch::randint(config.vocabSize, {batch, steps}, torch::kLong);
    }
    return torch::randn({batch, steps, config.inputFeatures});
}

/// The numel() sum of built models equals the closed form of CountLamParameters().
class LamModelCountTestCase : public TestCase
{
  public:
    LamModelCountTestCase()
        : TestCase("built models have the closed-form parameter count and output shape")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(1);
        for (const char* name : {"lam-tiny", "lam-small", "csi-predictor-tiny"})
        {
            LamConfig config = Preset(name);
            GptModel model(config);
            int64_t numel = 0;
            for (const auto& item : model->named_parameters())
            {
                numel += item.value().numel();
            }
            NS_TEST_ASSERT_MSG_EQ(numel, CountLamParameters(config), "numel sum of " << name);
            NS_TEST_ASSERT_MSG_EQ(CountParameters(*model), numel, "CountParameters of " << name);
            NS_TEST_ASSERT_MSG_EQ(CountTrainableParameters(*model), numel, "all trainable");

            torch::NoGradGuard noGrad;
            torch::Tensor y = model->forward(RandomInput(config, 2, 5));
            NS_TEST_ASSERT_MSG_EQ(y.sizes().vec(),
                                  (std::vector<int64_t>{2, 5, config.outputSize}),
                                  "output shape of " << name);
        }
        // A tied head adds no parameters: the count drops by exactly C V + V.
        LamConfig tied = Preset("lam-tiny");
        tied.tieEmbeddings = true;
        GptModel tiedModel(tied);
        NS_TEST_ASSERT_MSG_EQ(CountParameters(*tiedModel),
                              CountLamParameters(Preset("lam-tiny")) - (64 * 64 + 64),
                              "tied head");
        NS_TEST_ASSERT_MSG_EQ(CountParameters(*tiedModel),
                              CountLamParameters(tied),
                              "tied closed form");
    }
};

/// Output at position t does not depend on inputs at positions > t.
class LamCausalMaskTestCase : public TestCase
{
  public:
    LamCausalMaskTestCase()
        : TestCase("output at step t ignores inputs after t")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(2);
        torch::NoGradGuard noGrad;
        const int64_t steps = 12;
        const int64_t t = 6;
        for (const char* name : {"lam-tiny", "csi-predictor-tiny"})
        {
            LamConfig config = Preset(name);
            GptModel model(config);
            torch::Tensor x = RandomInput(config, 3, steps);
            torch::Tensor changed = x.clone();
            torch::Tensor future = RandomInput(config, 3, steps - t - 1);
            changed.narrow(1, t + 1, steps - t - 1).copy_(future);
            torch::Tensor y = model->forward(x);
            torch::Tensor yChanged = model->forward(changed);
            // Masked scores get weight exactly 0, so the past is reproduced up to
            // at most GEMM reordering.
            NS_TEST_EXPECT_MSG_LT_OR_EQ(
                MaxAbsDiff(y.narrow(1, 0, t + 1), yChanged.narrow(1, 0, t + 1)),
                1e-6,
                name << ": steps 0..t unchanged");
            // And the change is visible after t (the comparison above can fail).
            NS_TEST_EXPECT_MSG_GT(MaxAbsDiff(y.narrow(1, t + 1, steps - t - 1),
                                             yChanged.narrow(1, t + 1, steps - t - 1)),
                                  1e-4,
                                  name << ": steps after t changed");
        }
    }
};

/// Wrong input shapes, dtypes and token ids are rejected naming the value.
class LamModelInputTestCase : public TestCase
{
  public:
    LamModelInputTestCase()
        : TestCase("wrong inputs are rejected with a message")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(3);
        GptModel tokens(Preset("lam-tiny"));
        GptModel features(Preset("csi-predictor-tiny"));

        struct Case
        {
            std::string label;
            GptModel model;
            torch::Tensor input;
            std::string inMessage;
        };

        for (Case c :
             {Case{"float tokens", tokens, torch::zeros({1, 4}), "int64"},
              Case{"rank", tokens, torch::zeros({1, 4, 2}, torch::kLong), "rank 3"},
              Case{"too long", tokens, torch::zeros({1, 33}, torch::kLong), "33 time steps"},
              Case{"token id", tokens, torch::full({1, 4}, 64, torch::kLong), "token id 64"},
              Case{"negative id", tokens, torch::full({1, 4}, -1, torch::kLong), "token id -1"},
              Case{"features", features, torch::zeros({1, 4, 95}), "95"},
              Case{"integer features", features, torch::zeros({1, 4, 96}, torch::kLong), "Long"}})
        {
            std::string message;
            try
            {
                c.model->forward(c.input);
            }
            catch (const std::invalid_argument& e)
            {
                message = e.what();
            }
            NS_TEST_EXPECT_MSG_NE(message.find(c.inMessage),
                                  std::string::npos,
                                  c.label << ": " << message);
        }
    }
};

/// Freezing plus adapters with B = 0 reproduces the base model exactly, and
/// only the adapters are trainable, r (in + out) parameters per adapted Linear.
class LamLoraInitTestCase : public TestCase
{
  public:
    LamLoraInitTestCase()
        : TestCase("LoRA starts as the base model and only adapters are trainable")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(4);
        LamConfig config = Preset("lam-tiny"); // C = 64, M = 256, 2 layers
        const int64_t c = 64;
        const int64_t m = 256;
        GptModel model(config);
        torch::Tensor x = RandomInput(config, 2, 10);
        torch::Tensor base = model->forward(x).detach();

        LoraOptions options;
        options.rank = 4;
        options.alpha = 8.0;
        NS_TEST_ASSERT_MSG_EQ(FreezeBaseEnableLora(model, options), 8, "2 blocks x 4 Linears");
        NS_TEST_ASSERT_MSG_EQ(MaxAbsDiff(model->forward(x), base), 0.0, "B = 0: exact base output");

        // r (in + out) for c_attn (C -> 3C), attn.c_proj (C -> C), c_fc (C -> M), mlp.c_proj (M ->
        // C).
        const int64_t r = 4;
        int64_t expected = 2 * r * ((c + 3 * c) + (c + c) + (c + m) + (m + c));
        NS_TEST_ASSERT_MSG_EQ(CountTrainableParameters(*model), expected, "trainable = adapters");
        NS_TEST_ASSERT_MSG_EQ(CountLoraParameters(config, options), expected, "closed form");
        NS_TEST_ASSERT_MSG_EQ(CountParameters(*model),
                              CountLamParameters(config) + expected,
                              "total = base + adapters");
        for (const auto& item : model->named_parameters())
        {
            const std::string& name = item.key();
            bool adapter = name.size() > 7 && (name.compare(name.size() - 7, 7, ".lora_a") == 0 ||
                                               name.compare(name.size() - 7, 7, ".lora_b") == 0);
            NS_TEST_EXPECT_MSG_EQ(item.value().requires_grad(), adapter, name);
        }
        bool threw = false;
        try
        {
            FreezeBaseEnableLora(model, options);
        }
        catch (const std::invalid_argument&)
        {
            threw = true;
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "adapters cannot be added twice");

        // A subset: fused q/k/v of block 1 only; with the task layers of a feature model.
        GptModel one(config);
        LoraOptions subset = options;
        subset.targets = {"attn.c_attn"};
        subset.layers = {1};
        NS_TEST_ASSERT_MSG_EQ(FreezeBaseEnableLora(one, subset), 1, "one Linear");
        NS_TEST_ASSERT_MSG_EQ(CountTrainableParameters(*one), r * (c + 3 * c), "c_attn of block 1");
        NS_TEST_ASSERT_MSG_EQ(one->GetBlock(0)->attn->cAttn->HasLora(), false, "block 0 untouched");

        // GPT-2 small, r = 8 on c_attn: Hugging Face PEFT reports 294,912 trainable of
        // 124,734,720 parameters (counted without building the 124M weights).
        LoraOptions peft;
        peft.rank = 8;
        peft.targets = {"attn.c_attn"};
        LamConfig gpt2 = Preset("gpt2-small");
        NS_TEST_ASSERT_MSG_EQ(CountLoraParameters(gpt2, peft), 294912, "GPT-2 c_attn r=8");
        NS_TEST_ASSERT_MSG_EQ(CountLamParameters(gpt2) + CountLoraParameters(gpt2, peft),
                              124734720,
                              "GPT-2 with adapters");

        LamConfig csiConfig = Preset("csi-predictor-tiny"); // F = O = 96
        GptModel csi(csiConfig);
        LoraOptions task = options;
        task.trainTaskLayers = true;
        FreezeBaseEnableLora(csi, task);
        NS_TEST_ASSERT_MSG_EQ(CountTrainableParameters(*csi),
                              expected + (96 * c + c) + (c * 96 + 96),
                              "adapters + patch embedding + head");
    }
};

/// Adam steps on a tiny task lower the loss, move only the adapters, and
/// switching the adapters off gives the base model back bit for bit.
class LamLoraTrainingTestCase : public TestCase
{
  public:
    LamLoraTrainingTestCase()
        : TestCase("LoRA training lowers the loss and leaves the base weights bit-identical")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(5);
        LamConfig config = Preset("lam-tiny");
        GptModel model(config);
        // Task: output the input token (copy), on one fixed batch (B = 8, T = 16).
        torch::Tensor tokens = torch::randint(config.vocabSize, {8, 16}, torch::kLong);
        torch::Tensor base;
        {
            torch::NoGradGuard noGrad;
            base = model->forward(tokens);
        }
        std::map<std::string, torch::Tensor> before;
        for (const auto& item : model->named_parameters())
        {
            before[item.key()] = item.value().detach().clone();
        }
        LoraOptions options;
        options.rank = 4;
        options.alpha = 8.0;
        FreezeBaseEnableLora(model, options);

        // Every parameter goes to the optimizer, as a careless user would do: the
        // frozen ones must still not move.
        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
        auto loss = [&]() {
            torch::Tensor logits = model->forward(tokens); // (B, T, V)
            return torch::nn::functional::cross_entropy(logits.view({-1, config.vocabSize}),
                                                        tokens.view({-1}));
        };
        double initialLoss = loss().item<double>();
        for (int step = 0; step < 30; ++step)
        {
            optimizer.zero_grad();
            torch::Tensor value = loss();
            value.backward();
            optimizer.step();
        }
        double finalLoss = loss().item<double>();
        // If no gradient reached the adapters, the loss would stay at its initial value
        // (B = 0, base frozen) to rounding, ~1e-6; a drop of 0.1 nats shows the update path.
        // The reachable drop is small by design: the frozen head keeps GPT-2's init
        // (rows of norm ~0.16), so logits can move by about +-1.3 only.
        NS_TEST_EXPECT_MSG_LT(finalLoss,
                              initialLoss - 0.1,
                              "loss " << initialLoss << " -> " << finalLoss);

        for (const auto& [name, value] : before)
        {
            NS_TEST_EXPECT_MSG_EQ(torch::equal(model->named_parameters()[name], value),
                                  true,
                                  name << " unchanged");
        }
        torch::NoGradGuard noGrad;
        NS_TEST_EXPECT_MSG_GT(model->GetBlock(0)->mlp->cFc->loraB.abs().max().item<double>(),
                              0.0,
                              "B moved");
        NS_TEST_EXPECT_MSG_GT(MaxAbsDiff(model->forward(tokens), base), 1e-3, "adapted output");
        SetLoraActive(model, false);
        NS_TEST_EXPECT_MSG_EQ(MaxAbsDiff(model->forward(tokens), base), 0.0, "adapters off: base");
    }
};

/// Bad adapter options are rejected naming the value.
class LamLoraOptionsTestCase : public TestCase
{
  public:
    LamLoraOptionsTestCase()
        : TestCase("bad LoRA options are rejected with a message")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(6);
        LamConfig config = Preset("lam-tiny");

        struct Case
        {
            std::string label;
            LoraOptions options;
            std::string inMessage;
        };

        LoraOptions rank;
        rank.rank = 0;
        LoraOptions alpha;
        alpha.alpha = -1.0;
        LoraOptions target;
        target.targets = {"attn.q"};
        LoraOptions layer;
        layer.layers = {2};
        for (const Case& c : {Case{"rank", rank, "rank 0"},
                              Case{"alpha", alpha, "alpha -1"},
                              Case{"target", target, "\"attn.q\""},
                              Case{"layer", layer, "layer 2"}})
        {
            GptModel model(config);
            std::string message;
            try
            {
                FreezeBaseEnableLora(model, c.options);
            }
            catch (const std::invalid_argument& e)
            {
                message = e.what();
            }
            NS_TEST_EXPECT_MSG_NE(message.find(c.inMessage),
                                  std::string::npos,
                                  c.label << ": " << message);
            NS_TEST_EXPECT_MSG_EQ(CountTrainableParameters(*model),
                                  CountParameters(*model),
                                  c.label << ": model left untouched");
        }
    }
};

class LamModelTestSuite : public TestSuite
{
  public:
    LamModelTestSuite()
        : TestSuite("lam-model", TestSuite::UNIT)
    {
        AddTestCase(new LamModelCountTestCase, TestCase::QUICK);
        AddTestCase(new LamCausalMaskTestCase, TestCase::QUICK);
        AddTestCase(new LamModelInputTestCase, TestCase::QUICK);
    }
};

class LamLoraTestSuite : public TestSuite
{
  public:
    LamLoraTestSuite()
        : TestSuite("lam-lora", TestSuite::UNIT)
    {
        AddTestCase(new LamLoraInitTestCase, TestCase::QUICK);
        AddTestCase(new LamLoraTrainingTestCase, TestCase::QUICK);
        AddTestCase(new LamLoraOptionsTestCase, TestCase::QUICK);
    }
};

LamModelTestSuite g_lamModelTestSuite;
LamLoraTestSuite g_lamLoraTestSuite;

} // namespace
