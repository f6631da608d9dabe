#include "lam/fused-adam.h"
#include "lam/gpt-model.h"
#include "lam/lam-test-helpers.h"

#include "ns3/test.h"

#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace ns3;
using namespace ns3::lamtest;

namespace
{

/// Largest |a - b| over the elements, relative to the largest |b|.
double
RelativeDifference(const torch::Tensor& a, const torch::Tensor& b)
{
    return ((a - b).abs().max() / b.abs().max()).item<double>();
}

/// Moves an optimizer's state into another through its serialised bytes, as a checkpoint does.
void
TransferState(const torch::optim::Optimizer& from, torch::optim::Optimizer& to)
{
    std::ostringstream bytes;
    torch::serialize::OutputArchive out;
    from.save(out);
    out.save_to(bytes);
    std::istringstream in(bytes.str());
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    to.load(archive);
}

/// A fixed sequence of gradients for `count` steps, independent of the parameters.
std::vector<torch::Tensor>
GradientSequence(const std::vector<int64_t>& shape, int count, uint64_t seed)
{
    torch::manual_seed(seed);
    std::vector<torch::Tensor> gradients;
    for (int i = 0; i < count; ++i)
    {
        // Magnitudes over four decades, and exact zeros, as in real gradients.
        torch::Tensor scale = torch::pow(10.0, torch::randint(-4, 0, shape).to(torch::kFloat));
        torch::Tensor g = torch::randn(shape) * scale;
        gradients.push_back(g.masked_fill(torch::rand(shape) < 0.1, 0.0));
    }
    return gradients;
}

/**
 * The update, against an independent implementation of the formula in double precision
 * (Kingma and Ba, Algorithm 1, with Adam's epsilon placement): fed the same gradient
 * sequence, with and without weight decay, for two learning rates in two groups.
 */
class FusedAdamFormulaTestCase : public TestCase
{
  public:
    FusedAdamFormulaTestCase()
        : TestCase("FusedAdam follows the Adam update in double precision to fp32 rounding")
    {
    }

  private:
    void DoRun() override
    {
        for (double weightDecay : {0.0, 0.1})
        {
            const std::vector<int64_t> shape{300, 70}; // 21,000 elements: one parallel chunk
            const int steps = 25;
            const std::vector<torch::Tensor> gradients = GradientSequence(shape, steps, 7);
            torch::manual_seed(8);
            torch::Tensor first = torch::randn(shape);
            torch::Tensor second = torch::randn({70000}); // several parallel chunks
            const std::vector<torch::Tensor> secondGradients = GradientSequence({70000}, steps, 9);

            // The first group takes the defaults, the second has options of its own.
            torch::optim::AdamOptions defaults(1e-2);
            defaults.betas(std::make_tuple(0.8, 0.95)).eps(1e-6).weight_decay(weightDecay);
            torch::optim::AdamOptions secondOptions(3e-3);
            secondOptions.weight_decay(weightDecay);
            std::vector<torch::optim::OptimizerParamGroup> groups;
            groups.emplace_back(std::vector<torch::Tensor>{first.clone().requires_grad_()});
            groups.emplace_back(std::vector<torch::Tensor>{second.clone().requires_grad_()},
                                std::make_unique<torch::optim::AdamOptions>(secondOptions));
            FusedAdam optimizer(groups, defaults);
            torch::Tensor& p1 = optimizer.param_groups()[0].params()[0];
            torch::Tensor& p2 = optimizer.param_groups()[1].params()[0];

            // Reference: double precision, one group at a time.
            auto reference = [&](torch::Tensor p,
                                 const std::vector<torch::Tensor>& g,
                                 double lr,
                                 double beta1,
                                 double beta2,
                                 double eps) {
                p = p.to(torch::kDouble);
                torch::Tensor m = torch::zeros_like(p);
                torch::Tensor v = torch::zeros_like(p);
                for (int t = 1; t <= steps; ++t)
                {
                    torch::Tensor gt = g[t - 1].to(torch::kDouble) + weightDecay * p;
                    m = beta1 * m + (1 - beta1) * gt;
                    v = beta2 * v + (1 - beta2) * gt * gt;
                    const double c1 = 1 - std::pow(beta1, t);
                    const double c2 = 1 - std::pow(beta2, t);
                    p = p - lr / c1 * m / (torch::sqrt(v) / std::sqrt(c2) + eps);
                }
                return p;
            };
            for (int t = 0; t < steps; ++t)
            {
                p1.mutable_grad() = gradients[t];
                p2.mutable_grad() = secondGradients[t];
                optimizer.step();
            }
            const torch::Tensor expected1 = reference(first, gradients, 1e-2, 0.8, 0.95, 1e-6);
            const torch::Tensor expected2 =
                reference(second, secondGradients, 3e-3, 0.9, 0.999, 1e-8);
            // The parameters moved by up to steps * lr; fp32 rounding of p itself (~1e-7
            // of |p| ~ 4) bounds what the two can agree to.
            const double moved1 = (expected1 - first.to(torch::kDouble)).abs().max().item<double>();
            NS_TEST_EXPECT_MSG_GT(moved1, 0.1, "the first group barely moved");
            const double error1 = RelativeDifference(p1.detach().to(torch::kDouble), expected1);
            const double error2 = RelativeDifference(p2.detach().to(torch::kDouble), expected2);
            NS_TEST_EXPECT_MSG_LT(error1, 1e-6, "group 1, weight decay " << weightDecay);
            NS_TEST_EXPECT_MSG_LT(error2, 1e-6, "group 2, weight decay " << weightDecay);
        }
    }
};

/**
 * Training lam-tiny (full, then LoRA with every parameter handed to the optimizer so
 * that frozen ones have no gradient) with FusedAdam and with torch::optim::Adam from the
 * same weights gives the same losses and outputs to rounding.
 */
class FusedAdamMatchesAdamTestCase : public TestCase
{
  public:
    FusedAdamMatchesAdamTestCase()
        : TestCase("FusedAdam trains lam-tiny like torch::optim::Adam, full and LoRA")
    {
    }

  private:
    void DoRun() override
    {
        const LamConfig config = Preset("lam-tiny");
        for (bool lora : {false, true})
        {
            auto build = [&]() {
                torch::manual_seed(1);
                GptModel model(config);
                if (lora)
                {
                    FreezeBaseEnableLora(model, LoraOptions{});
                }
                return model;
            };
            GptModel reference = build();
            GptModel fused = build();
            torch::optim::Adam referenceOptimizer(reference->parameters(),
                                                  torch::optim::AdamOptions(1e-2));
            FusedAdam fusedOptimizer(fused->parameters(), torch::optim::AdamOptions(1e-2));
            torch::manual_seed(2);
            const torch::Tensor tokens = torch::randint(config.vocabSize, {4, 16}, torch::kLong);
            auto step = [&](GptModel& model, torch::optim::Optimizer& optimizer) {
                optimizer.zero_grad();
                torch::Tensor logits = model->forward(tokens);
                torch::Tensor loss =
                    torch::nn::functional::cross_entropy(logits.view({-1, config.vocabSize}),
                                                         tokens.view({-1}));
                loss.backward();
                optimizer.step();
                return loss.item<double>();
            };
            double firstLoss = 0;
            double lastLoss = 0;
            double worstLoss = 0;
            for (int i = 0; i < 20; ++i)
            {
                const double expected = step(reference, referenceOptimizer);
                const double actual = step(fused, fusedOptimizer);
                worstLoss = std::max(worstLoss, std::abs(actual - expected) / expected);
                firstLoss = i == 0 ? expected : firstLoss;
                lastLoss = expected;
            }
            const std::string mode = lora ? "lora" : "full";
            // Outputs, not parameters: a parameter whose gradient is rounding noise
            // (the key bias: softmax ignores a shift) takes +-lr steps of random sign under
            // any change of rounding, and does not change what the model computes.
            double outputDifference = 0;
            {
                torch::NoGradGuard noGrad;
                outputDifference =
                    RelativeDifference(fused->forward(tokens), reference->forward(tokens));
            }
            NS_TEST_EXPECT_MSG_LT(lastLoss, firstLoss - 0.1, mode << ": the run did not train");
            // Rounding differences (~1e-7 per update) grow through 20 steps of training.
            NS_TEST_EXPECT_MSG_LT(worstLoss, 1e-5, mode << ": losses differ");
            NS_TEST_EXPECT_MSG_LT(outputDifference, 1e-5, mode << ": outputs differ");
            if (lora)
            {
                GptModel untouched = build();
                for (const auto& item : untouched->named_parameters())
                {
                    if (!item.value().requires_grad())
                    {
                        NS_TEST_EXPECT_MSG_EQ(
                            torch::equal(item.value(), fused->named_parameters()[item.key()]),
                            true,
                            "frozen " << item.key() << " moved");
                    }
                }
            }
        }
    }
};

/**
 * The state is Adam's: torch::optim::Adam's state, saved after 5 steps, loaded into a
 * FusedAdam that continues for 5 steps gives what Adam gives for 10; and the reverse.
 */
class FusedAdamStateTestCase : public TestCase
{
  public:
    FusedAdamStateTestCase()
        : TestCase("FusedAdam saves and loads torch::optim::Adam's state, both ways")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<int64_t> shape{64, 33};
        const std::vector<torch::Tensor> gradients = GradientSequence(shape, 10, 3);
        torch::manual_seed(4);
        const torch::Tensor start = torch::randn(shape);
        const auto options = torch::optim::AdamOptions(1e-2);

        auto run = [&](torch::optim::Optimizer& optimizer, int from, int to) {
            torch::Tensor& p = optimizer.param_groups()[0].params()[0];
            for (int t = from; t < to; ++t)
            {
                p.mutable_grad() = gradients[t];
                optimizer.step();
            }
        };
        torch::Tensor straight = start.clone().requires_grad_();
        torch::optim::Adam straightOptimizer({straight}, options);
        run(straightOptimizer, 0, 10);

        for (bool fusedFirst : {false, true})
        {
            torch::Tensor p = start.clone().requires_grad_();
            std::unique_ptr<torch::optim::Adam> before =
                fusedFirst
                    ? std::make_unique<FusedAdam>(std::vector<torch::Tensor>{p}, options)
                    : std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{p}, options);
            run(*before, 0, 5);
            // A fresh parameter tensor, as after a restart: the state is keyed by tensor.
            torch::Tensor resumed = p.detach().clone().requires_grad_();
            std::unique_ptr<torch::optim::Adam> after =
                fusedFirst
                    ? std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{resumed},
                                                           options)
                    : std::make_unique<FusedAdam>(std::vector<torch::Tensor>{resumed}, options);
            TransferState(*before, *after);
            run(*after, 5, 10);
            NS_TEST_EXPECT_MSG_LT(RelativeDifference(resumed.detach(), straight.detach()),
                                  1e-6,
                                  (fusedFirst ? "FusedAdam -> Adam" : "Adam -> FusedAdam"));
        }
    }
};

class FusedAdamRejectionTestCase : public TestCase
{
  public:
    FusedAdamRejectionTestCase()
        : TestCase("FusedAdam refuses amsgrad, non-fp32 and strided parameters, by name")
    {
    }

  private:
    void DoRun() override
    {
        auto messageOf = [](std::vector<torch::Tensor> params, torch::optim::AdamOptions options) {
            return MessageOf<std::invalid_argument>(
                [&]() { FusedAdam optimizer(std::move(params), options); });
        };
        const torch::Tensor floats = torch::zeros({3, 4}, torch::requires_grad());
        NS_TEST_EXPECT_MSG_EQ(messageOf({floats}, torch::optim::AdamOptions().amsgrad(true)),
                              "FusedAdam: amsgrad is not implemented",
                              "amsgrad");
        NS_TEST_EXPECT_MSG_EQ(
            messageOf({torch::zeros({3, 4}, torch::dtype(torch::kDouble).requires_grad(true))}, {}),
            "FusedAdam: parameters must be contiguous fp32 CPU tensors, not a Double CPU "
            "tensor [3, 4]",
            "fp64 parameter");
        torch::Tensor strided = torch::zeros({4, 3}).t().requires_grad_();
        NS_TEST_EXPECT_MSG_EQ(messageOf({strided}, {}),
                              "FusedAdam: parameters must be contiguous fp32 CPU tensors, not a "
                              "Float CPU tensor [3, 4]",
                              "transposed parameter");

        // A state loaded for another shape is refused instead of read out of bounds.
        torch::Tensor small = torch::zeros({3, 4}, torch::requires_grad());
        torch::optim::Adam other(
            std::vector<torch::Tensor>{torch::zeros({2, 2}, torch::requires_grad())});
        other.param_groups()[0].params()[0].mutable_grad() = torch::ones({2, 2});
        other.step();
        FusedAdam optimizer(std::vector<torch::Tensor>{small});
        TransferState(other, optimizer);
        small.mutable_grad() = torch::ones({3, 4});
        NS_TEST_EXPECT_MSG_EQ(
            MessageOf<std::invalid_argument>([&]() { optimizer.step(); }),
            "FusedAdam: the Adam state of a Float CPU tensor [3, 4] is a Float CPU tensor [2, 2]",
            "mismatched state");
    }
};

class FusedAdamTestSuite : public TestSuite
{
  public:
    FusedAdamTestSuite()
        : TestSuite("lam-fused-adam", TestSuite::UNIT)
    {
        AddTestCase(new FusedAdamFormulaTestCase, TestCase::QUICK);
        AddTestCase(new FusedAdamMatchesAdamTestCase, TestCase::QUICK);
        AddTestCase(new FusedAdamStateTestCase, TestCase::QUICK);
        AddTestCase(new FusedAdamRejectionTestCase, TestCase::QUICK);
    }
};

FusedAdamTestSuite g_fusedAdamTestSuite;

} // namespace
