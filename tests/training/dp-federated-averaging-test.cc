#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/lam-test-helpers.h"
#include "training/dp-federated-averaging.h"
#include "training/rdp-accountant.h"

#include "ns3/double.h"
#include "ns3/test.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace ns3;
using namespace ns3::lamtest;

namespace
{

/// A DP-FedAvg aggregator with the given knobs.
Ptr<DpFederatedAveraging>
MakeAggregator(double clipNorm, double sigma, double expectedParticipants, uint64_t seed = 1)
{
    Ptr<DpFederatedAveraging> dp = CreateObject<DpFederatedAveraging>();
    dp->SetClipNorm(clipNorm);
    dp->SetNoiseMultiplier(sigma);
    dp->SetExpectedParticipants(expectedParticipants);
    dp->SetSeed(seed);
    return dp;
}

/// The tensors shifted by `delta`, a list of (tensor index, flat index, increment).
NamedTensors
Shifted(const NamedTensors& base, const std::vector<std::tuple<int, int64_t, double>>& delta)
{
    NamedTensors out;
    for (const auto& [name, tensor] : base)
    {
        out.emplace_back(name, tensor.clone());
    }
    for (const auto& [i, flat, increment] : delta)
    {
        torch::Tensor view = out[i].second.view(-1);
        view[flat] += increment;
    }
    return out;
}

/// All elements of the tensors, in list order, as doubles.
std::vector<double>
Flatten(const NamedTensors& tensors)
{
    std::vector<double> values;
    for (const auto& [name, tensor] : tensors)
    {
        torch::Tensor flat = tensor.to(torch::kDouble).contiguous().view(-1);
        values.insert(values.end(),
                      flat.data_ptr<double>(),
                      flat.data_ptr<double>() + flat.numel());
    }
    return values;
}

/// Whether the tensors have the same names, dtypes, shapes and bytes.
bool
SameBytes(const NamedTensors& x, const NamedTensors& y)
{
    if (x.size() != y.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        const torch::Tensor a = x[i].second.contiguous();
        const torch::Tensor b = y[i].second.contiguous();
        if (x[i].first != y[i].first || a.scalar_type() != b.scalar_type() ||
            !a.sizes().equals(b.sizes()) ||
            std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()) != 0)
        {
            return false;
        }
    }
    return true;
}

/// Joint clipping: a delta of norm 10 spread over two tensors becomes norm 1 with its
/// direction kept (per-tensor clipping would give norm sqrt 2); norm 0.5 is unchanged.
class DpClippingTestCase : public TestCase
{
  public:
    DpClippingTestCase()
        : TestCase("delta of norm 10 clipped to C = 1 over all tensors, norm 0.5 kept")
    {
    }

  private:
    void DoRun() override
    {
        const NamedTensors global{{"a", torch::tensor({1.0, -2.0}, torch::kDouble)},
                                  {"b", torch::tensor({0.5}, torch::kDouble)}};
        const NamedTensors big = Shifted(global, {{0, 0, 6.0}, {1, 0, 8.0}});    // norm 10
        const NamedTensors small = Shifted(global, {{0, 1, 0.3}, {1, 0, -0.4}}); // norm 0.5
        Ptr<DpFederatedAveraging> dp = MakeAggregator(1, 0, 1);

        DpAggregateResult both = dp->Aggregate(global, {big, small});
        NS_TEST_ASSERT_MSG_EQ(both.deltaNorms.size(), 2u, "one norm per upload");
        NS_TEST_ASSERT_MSG_EQ_TOL(both.deltaNorms[0], 10.0, 1e-12, "norm before clipping");
        NS_TEST_ASSERT_MSG_EQ_TOL(both.deltaNorms[1], 0.5, 1e-12, "norm before clipping");
        NS_TEST_ASSERT_MSG_EQ(both.numClipped, 1u, "only the norm-10 delta is clipped");

        // The single-upload average with D = 1 is the clipped delta itself.
        const std::vector<double> g = Flatten(global);
        const std::vector<double> clippedBig = Flatten(dp->Aggregate(global, {big}).global);
        const std::vector<double> expectedBig{0.6, 0.0, 0.8}; // (6, 0, 8) / 10
        double normSq = 0;
        for (std::size_t j = 0; j < g.size(); ++j)
        {
            const double d = clippedBig[j] - g[j];
            NS_TEST_ASSERT_MSG_EQ_TOL(d, expectedBig[j], 1e-12, "clipped delta element " << j);
            normSq += d * d;
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(std::sqrt(normSq), 1.0, 1e-12, "clipped norm is C");

        const std::vector<double> keptSmall = Flatten(dp->Aggregate(global, {small}).global);
        const std::vector<double> expectedSmall{0.0, 0.3, -0.4};
        for (std::size_t j = 0; j < g.size(); ++j)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(keptSmall[j] - g[j],
                                      expectedSmall[j],
                                      1e-12,
                                      "unclipped delta element " << j);
        }
    }
};

/**
 * sigma = 0: global + sum_k min(1, C / |d_k|) d_k / D, written out by hand for three float
 * deltas of norms 5, 1, 13 with C = 2 and D = 4 (not the 3 uploads: the denominator is fixed).
 */
class DpClosedFormTestCase : public TestCase
{
  public:
    DpClosedFormTestCase()
        : TestCase("sigma = 0 equals the clipped fixed-denominator FedAvg closed form")
    {
    }

  private:
    void DoRun() override
    {
        const NamedTensors global{
            {"lora.a", torch::tensor({0.5, -1.0, 2.0, 0.25}, torch::kFloat).view({2, 2})},
            {"head.b", torch::tensor({1.0, 0.0, -3.0}, torch::kFloat)}};
        const std::vector<NamedTensors> uploads{
            Shifted(global, {{0, 0, 3.0}, {1, 2, 4.0}}),    // norm 5 -> (1.2, 1.6)
            Shifted(global, {{0, 3, -0.6}, {1, 0, 0.8}}),   // norm 1, kept
            Shifted(global, {{0, 1, 5.0}, {1, 1, -12.0}})}; // norm 13 -> (10, -24) / 13
        DpAggregateResult result = MakeAggregator(2, 0, 4)->Aggregate(global, uploads);

        NS_TEST_ASSERT_MSG_EQ(result.numClipped, 2u, "norms 5 and 13 exceed C = 2");
        NS_TEST_ASSERT_MSG_EQ(result.global.size(), 2u, "one tensor per global tensor");
        NS_TEST_ASSERT_MSG_EQ(result.global[0].first, "lora.a", "names kept in order");
        NS_TEST_ASSERT_MSG_EQ(result.global[1].first, "head.b", "names kept in order");
        NS_TEST_ASSERT_MSG_EQ((result.global[0].second.scalar_type() == torch::kFloat),
                              true,
                              "dtype of the global tensors");
        NS_TEST_ASSERT_MSG_EQ(result.global[0].second.sizes().equals({2, 2}), true, "shape kept");
        const std::vector<double> expected{0.5 + 1.2 / 4,
                                           -1.0 + 10.0 / 13 / 4,
                                           2.0,
                                           0.25 - 0.6 / 4,
                                           1.0 + 0.8 / 4,
                                           0.0 - 24.0 / 13 / 4,
                                           -3.0 + 1.6 / 4};
        const std::vector<double> actual = Flatten(result.global);
        for (std::size_t j = 0; j < expected.size(); ++j)
        {
            // float32 storage: half an ulp of values below 4 is 2.4e-7.
            NS_TEST_ASSERT_MSG_EQ_TOL(actual[j], expected[j], 5e-7, "element " << j);
        }
        // No upload: the noiseless update is zero.
        NS_TEST_ASSERT_MSG_EQ(
            SameBytes(MakeAggregator(2, 0, 4)->Aggregate(global, {}).global, global),
            true,
            "no uploads and sigma 0 leave the global tensors");
    }
};

/**
 * The noise: z = (noisy - noiseless) / (sigma C / D) over n = 200000 coordinates must be
 * N(0, 1) i.i.d. With a fixed seed the test is deterministic; the bounds are 5 standard
 * errors of each statistic (false-alarm rate < 1e-6 over seeds):
 *  - mean: SE 1 / sqrt(n) = 0.0022;
 *  - sample std: SE 1 / sqrt(2 n) = 0.0016 (a wrong denominator D = 3 instead of 4 is off
 *    by 0.33);
 *  - P(|z| < 1) = 0.682689: SE sqrt(p (1 - p) / n) = 0.0010 (uniform noise of the same std
 *    gives 0.577);
 *  - correlation of the first 80000 coordinates of the two tensors: SE 1 / sqrt(80000) =
 *    0.0035 (a generator reseeded per tensor gives 1).
 */
class DpNoiseStatisticsTestCase : public TestCase
{
  public:
    DpNoiseStatisticsTestCase()
        : TestCase("noise is N(0, (sigma C over D)^2) i.i.d. per coordinate")
    {
    }

  private:
    void DoRun() override
    {
        const double clipNorm = 0.5;
        const double sigma = 1.3;
        const double denominator = 4;
        const double noiseStd = sigma * clipNorm / denominator;
        at::Generator data = at::make_generator<at::CPUGeneratorImpl>(99);
        const NamedTensors global{{"a", torch::randn({300, 400}, data, torch::kFloat)},
                                  {"b", torch::randn({80000}, data, torch::kFloat)}};
        std::vector<NamedTensors> uploads;
        for (int k = 0; k < 2; ++k)
        {
            NamedTensors upload;
            for (const auto& [name, tensor] : global)
            {
                upload.emplace_back(name,
                                    tensor +
                                        0.01 * torch::randn(tensor.sizes(), data, torch::kFloat));
            }
            uploads.push_back(upload);
        }
        Ptr<DpFederatedAveraging> noisy = MakeAggregator(clipNorm, sigma, denominator, 5);
        NS_TEST_ASSERT_MSG_EQ_TOL(noisy->GetNoiseStd(), noiseStd, 1e-15, "sigma C / D");
        const std::vector<double> withNoise = Flatten(noisy->Aggregate(global, uploads).global);
        const std::vector<double> without =
            Flatten(MakeAggregator(clipNorm, 0, denominator)->Aggregate(global, uploads).global);

        const std::size_t n = withNoise.size();
        NS_TEST_ASSERT_MSG_EQ(n, 200000u, "coordinates");
        std::vector<double> z(n);
        double mean = 0;
        double inside = 0;
        for (std::size_t j = 0; j < n; ++j)
        {
            z[j] = (withNoise[j] - without[j]) / noiseStd;
            mean += z[j];
            inside += std::abs(z[j]) < 1;
        }
        mean /= n;
        double variance = 0;
        for (double v : z)
        {
            variance += (v - mean) * (v - mean);
        }
        variance /= n - 1;
        NS_TEST_ASSERT_MSG_LT(std::abs(mean), 5 / std::sqrt(n), "mean of z " << mean);
        NS_TEST_ASSERT_MSG_LT(std::abs(std::sqrt(variance) - 1),
                              5 / std::sqrt(2.0 * n),
                              "std of z " << std::sqrt(variance));
        const double p = std::erf(1 / std::sqrt(2.0));
        NS_TEST_ASSERT_MSG_LT(std::abs(inside / n - p),
                              5 * std::sqrt(p * (1 - p) / n),
                              "P(|z| < 1) " << inside / n);

        const std::size_t m = 80000;
        const std::size_t offsetB = 120000; // tensor b follows the 300 x 400 tensor a
        double correlation = 0;
        for (std::size_t j = 0; j < m; ++j)
        {
            correlation += z[j] * z[offsetB + j];
        }
        correlation /= m;
        NS_TEST_ASSERT_MSG_LT(std::abs(correlation),
                              5 / std::sqrt(double(m)),
                              "noise of two tensors correlated: " << correlation);
    }
};

/// Same seed, same bytes; another seed or the next round, other bytes; SetSeed restarts.
class DpReproducibilityTestCase : public TestCase
{
  public:
    DpReproducibilityTestCase()
        : TestCase("same seed gives the same bytes, another seed other bytes")
    {
    }

  private:
    void DoRun() override
    {
        const NamedTensors global{{"w", torch::zeros({64, 8}, torch::kFloat)},
                                  {"b", torch::zeros({8}, torch::kFloat)}};
        const NamedTensors upload{{"w", torch::full({64, 8}, 0.1, torch::kFloat)},
                                  {"b", torch::full({8}, -0.2, torch::kFloat)}};
        Ptr<DpFederatedAveraging> first = MakeAggregator(1, 1.1, 2, 7);
        const NamedTensors reference = first->Aggregate(global, {upload}).global;
        NS_TEST_ASSERT_MSG_EQ(
            SameBytes(MakeAggregator(1, 1.1, 2, 7)->Aggregate(global, {upload}).global, reference),
            true,
            "same seed");
        NS_TEST_ASSERT_MSG_EQ(
            SameBytes(MakeAggregator(1, 1.1, 2, 8)->Aggregate(global, {upload}).global, reference),
            false,
            "different seed");
        NS_TEST_ASSERT_MSG_EQ(SameBytes(first->Aggregate(global, {upload}).global, reference),
                              false,
                              "the next round draws new noise");
        first->SetSeed(7);
        NS_TEST_ASSERT_MSG_EQ(SameBytes(first->Aggregate(global, {upload}).global, reference),
                              true,
                              "SetSeed restarts the stream");
    }
};

/// GetEpsilon is the accountant's epsilon for (q, sigma, rounds, delta).
class DpEpsilonTestCase : public TestCase
{
  public:
    DpEpsilonTestCase()
        : TestCase("epsilon after r rounds equals the RDP accountant's")
    {
    }

  private:
    void DoRun() override
    {
        struct Setting
        {
            double q;
            double sigma;
            uint64_t rounds;
            double delta;
        };

        // Distinct values so that swapped arguments would change the result.
        for (const Setting& s : {Setting{0.1, 1.2, 50, 1e-5},
                                 Setting{1.0, 2.0, 10, 1e-6},
                                 Setting{0.02, 0.9, 1000, 1e-4}})
        {
            Ptr<DpFederatedAveraging> dp = MakeAggregator(1, s.sigma, 1);
            dp->SetSamplingRate(s.q);
            dp->SetDelta(s.delta);
            RdpAccountant accountant;
            accountant.Step(s.q, s.sigma, s.rounds);
            const double expected = accountant.GetEpsilon(s.delta).first;
            NS_TEST_ASSERT_MSG_EQ_TOL(dp->GetEpsilon(s.rounds),
                                      expected,
                                      1e-12 * expected,
                                      "q=" << s.q << " sigma=" << s.sigma << " rounds=" << s.rounds
                                           << " delta=" << s.delta);
            NS_TEST_ASSERT_MSG_GT(dp->GetEpsilon(2 * s.rounds),
                                  dp->GetEpsilon(s.rounds),
                                  "epsilon grows with the rounds");
            NS_TEST_ASSERT_MSG_EQ(dp->GetEpsilon(0), 0.0, "no round, no cost");
        }
        NS_TEST_ASSERT_MSG_EQ(MakeAggregator(1, 0, 1)->GetEpsilon(1),
                              std::numeric_limits<double>::infinity(),
                              "sigma = 0 gives no privacy");
    }
};

/// Bad knobs and mismatched uploads throw std::invalid_argument naming the value.
class DpInvalidInputTestCase : public TestCase
{
  public:
    DpInvalidInputTestCase()
        : TestCase("bad C, sigma, q, delta, D and uploads throw invalid_argument")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<DpFederatedAveraging> dp = CreateObject<DpFederatedAveraging>();
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();

        const struct
        {
            std::function<void()> action;
            std::string expected;
        } cases[] = {
            {[&]() { dp->SetClipNorm(0); }, "ClipNorm 0 "},
            {[&]() { dp->SetClipNorm(-1); }, "ClipNorm -1 "},
            {[&]() { dp->SetClipNorm(inf); }, "ClipNorm inf "},
            {[&]() { dp->SetClipNorm(nan); }, "ClipNorm nan "},
            {[&]() { dp->SetNoiseMultiplier(-0.5); }, "NoiseMultiplier -0.5 "},
            {[&]() { dp->SetNoiseMultiplier(nan); }, "NoiseMultiplier nan "},
            {[&]() { dp->SetSamplingRate(0); }, "SamplingRate 0 "},
            {[&]() { dp->SetSamplingRate(1.5); }, "SamplingRate 1.5 "},
            {[&]() { dp->SetSamplingRate(-0.2); }, "SamplingRate -0.2 "},
            {[&]() { dp->SetDelta(0); }, "Delta 0 "},
            {[&]() { dp->SetDelta(1); }, "Delta 1 "},
            {[&]() { dp->SetDelta(2); }, "Delta 2 "},
            {[&]() { dp->SetExpectedParticipants(0); }, "ExpectedParticipants 0 "},
            {[&]() { dp->SetAttribute("ClipNorm", DoubleValue(-3)); }, "ClipNorm -3 "},
            {[&]() { dp->SetAttribute("SamplingRate", DoubleValue(2)); }, "SamplingRate 2 "},
        };

        for (const auto& c : cases)
        {
            const std::string message = MessageOf<std::invalid_argument>(c.action);
            NS_TEST_ASSERT_MSG_NE(message.find(c.expected),
                                  std::string::npos,
                                  "expected '" << c.expected << "' in '" << message << "'");
        }
        // The knobs are unchanged by the rejected values; the edges are accepted.
        NS_TEST_ASSERT_MSG_EQ(dp->GetClipNorm(), 1.0, "default C kept");
        dp->SetSamplingRate(1);
        dp->SetNoiseMultiplier(0);

        const NamedTensors global{{"w", torch::zeros({2, 3})}};
        const std::vector<std::pair<NamedTensors, std::string>> uploads{
            {{{"v", torch::zeros({2, 3})}}, "'v'"},
            {{{"w", torch::zeros({3, 2})}}, "[3, 2]"},
            {{{"w", torch::zeros({2, 3})}, {"x", torch::zeros({1})}}, "2 tensors"},
            {{{"w", torch::full({2, 3}, nan)}}, "not finite"},
        };
        for (const auto& [upload, expected] : uploads)
        {
            const std::string message = MessageOf<std::invalid_argument>([&]() {
                dp->Aggregate(global, {global, upload});
            });
            NS_TEST_ASSERT_MSG_NE(message.find(expected),
                                  std::string::npos,
                                  "expected '" << expected << "' in '" << message << "'");
            NS_TEST_ASSERT_MSG_NE(message.find("upload 1"),
                                  std::string::npos,
                                  "names the upload: '" << message << "'");
        }
    }
};

class DpFederatedAveragingTestSuite : public TestSuite
{
  public:
    DpFederatedAveragingTestSuite()
        : TestSuite("training-dp-federated-averaging", TestSuite::UNIT)
    {
        AddTestCase(new DpClippingTestCase, TestCase::QUICK);
        AddTestCase(new DpClosedFormTestCase, TestCase::QUICK);
        AddTestCase(new DpNoiseStatisticsTestCase, TestCase::QUICK);
        AddTestCase(new DpReproducibilityTestCase, TestCase::QUICK);
        AddTestCase(new DpEpsilonTestCase, TestCase::QUICK);
        AddTestCase(new DpInvalidInputTestCase, TestCase::QUICK);
    }
};

DpFederatedAveragingTestSuite g_dpFederatedAveragingTestSuite;

} // namespace
