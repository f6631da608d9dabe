#include "training/rdp-accountant.h"

#include "ns3/test.h"

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// |actual / expected - 1|
double
RelativeError(double actual, double expected)
{
    return std::abs(actual / expected - 1);
}

/// Without subsampling the mechanism is the Gaussian one: RDP(a) = a / (2 sigma^2).
class RdpGaussianClosedFormTestCase : public TestCase
{
  public:
    RdpGaussianClosedFormTestCase()
        : TestCase("q = 1 gives the Gaussian RDP a over 2 sigma^2; q = 0 gives 0")
    {
    }

  private:
    void DoRun() override
    {
        for (double sigma : {0.5, 1.0, 2.7})
        {
            // Integer orders run through the binomial sum (only its k = a term survives).
            for (double order : {2.0, 3.0, 17.0, 63.0})
            {
                NS_TEST_ASSERT_MSG_LT(RelativeError(ComputeSampledGaussianRdp(1, sigma, order),
                                                    order / (2 * sigma * sigma)),
                                      1e-12,
                                      "q=1 sigma=" << sigma << " order=" << order);
            }
            // Fractional orders: the series just below q = 1 must approach the closed form;
            // the deviation is O(1 - q) = 1e-9 relative.
            for (double order : {1.1, 1.5, 4.7, 10.9})
            {
                NS_TEST_ASSERT_MSG_LT(
                    RelativeError(ComputeSampledGaussianRdp(1 - 1e-9, sigma, order),
                                  order / (2 * sigma * sigma)),
                    1e-6,
                    "q=1-1e-9 sigma=" << sigma << " order=" << order);
            }
            NS_TEST_ASSERT_MSG_EQ(ComputeSampledGaussianRdp(0, sigma, 2.5), 0.0, "q=0");
            NS_TEST_ASSERT_MSG_EQ(ComputeSampledGaussianRdp(0, sigma, 8), 0.0, "q=0");
        }
    }
};

/**
 * log A_a by direct quadrature of E_{z~N(0,s^2)}[((1-q) + q e^((2z-1)/(2s^2)))^a], in log
 * space (trapezoid rule, which is spectrally accurate for this analytic, Gaussian-tailed
 * integrand). The tilted mass sits between 0 and a, so the grid spans [-40 s, a + 40 s].
 */
double
RdpByQuadrature(double q, double sigma, double order)
{
    using Real = long double;
    const Real s = sigma;
    const Real h = s / 200;
    const Real lo = -40 * s;
    const Real hi = order + 40 * s;
    const auto points = static_cast<size_t>(std::ceil((hi - lo) / h)) + 1;
    std::vector<Real> logF(points);
    Real maxLog = -std::numeric_limits<Real>::infinity();
    for (size_t n = 0; n < points; ++n)
    {
        const Real x = lo + n * h;
        const Real logMu0 = -x * x / (2 * s * s) - 0.5L * std::log(2 * Real(M_PI) * s * s);
        const Real a = std::log1p(-Real(q));
        const Real b = std::log(Real(q)) + (2 * x - 1) / (2 * s * s);
        const Real logRatio = std::max(a, b) + std::log1p(std::exp(-std::abs(a - b)));
        logF[n] = logMu0 + order * logRatio;
        maxLog = std::max(maxLog, logF[n]);
    }
    Real sum = 0;
    for (size_t n = 0; n < points; ++n)
    {
        sum += (n == 0 || n + 1 == points ? 0.5L : 1.0L) * std::exp(logF[n] - maxLog);
    }
    return double((maxLog + std::log(sum * h)) / (order - 1));
}

class RdpQuadratureTestCase : public TestCase
{
  public:
    RdpQuadratureTestCase()
        : TestCase("series and binomial sum match quadrature of the Renyi divergence")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            double q;
            double sigma;
            double order;
        };

        for (const Case& c : {Case{0.01, 1.1, 2},
                              Case{0.01, 1.1, 8},
                              Case{256.0 / 60000, 1.1, 14},
                              Case{0.05, 0.8, 3},
                              Case{0.2, 2.0, 32},
                              Case{0.5, 1.0, 63},
                              Case{0.01, 2.5, 1.5},
                              Case{0.01, 1.1, 8.8},
                              Case{0.05, 0.8, 4.7},
                              Case{0.2, 2.0, 10.9},
                              Case{0.5, 1.0, 1.1}})
        {
            const double series = ComputeSampledGaussianRdp(c.q, c.sigma, c.order);
            const double quadrature = RdpByQuadrature(c.q, c.sigma, c.order);
            NS_TEST_ASSERT_MSG_LT(RelativeError(series, quadrature),
                                  1e-6,
                                  "q=" << c.q << " sigma=" << c.sigma << " order=" << c.order
                                       << ": " << series << " vs quadrature " << quadrature);
        }
    }
};

/// Values published by established DP libraries, each compared under its own conversion.
class RdpPublishedValuesTestCase : public TestCase
{
  public:
    RdpPublishedValuesTestCase()
        : TestCase("published epsilons of TF-Privacy, Opacus and dp_accounting are reproduced")
    {
    }

  private:
    void DoRun() override
    {
        // google/differential-privacy, python/dp_accounting/.../rdp_privacy_accountant_test.py,
        // test_compute_rdp_poisson_sampled_gaussian: q = 0.01, sigma = 2.5, 50 steps, rtol 1e-4.
        // (Its order-1.5 value is omitted: that version sums |terms| of the fractional series,
        // an upper bound 3% above the exact value this code and quadrature give.)
        const std::vector<std::pair<double, double>> dpAccounting{{2.5, 1.08548710e-03},
                                                                  {5, 2.18075656e-03},
                                                                  {50, 2.38460375e-02},
                                                                  {100, 1.67416308e02}};
        for (const auto& [order, published] : dpAccounting)
        {
            NS_TEST_ASSERT_MSG_LT(
                RelativeError(50 * ComputeSampledGaussianRdp(0.01, 2.5, order), published),
                1e-4,
                "dp_accounting RDP at order " << order);
        }

        // tensorflow/privacy tutorials/README.md (2019, MNIST tutorial): q = 256/60000,
        // 60000 // 256 = 234 steps per epoch, Opacus' order grid, classic conversion,
        // delta = 1e-5; epsilons printed with two decimals (tolerance: half a unit).
        struct Published
        {
            double sigma;
            uint64_t steps;
            double epsilon;
        };

        for (const Published& p : {Published{1.1, 234, 1.03},
                                   Published{1.1, 2 * 234, 1.11},
                                   Published{1.1, 60 * 234, 3.01},
                                   Published{1.3, 15 * 234, 1.19},
                                   Published{0.7, 45 * 234, 7.10}})
        {
            RdpAccountant accountant;
            accountant.Step(256.0 / 60000, p.sigma, p.steps);
            NS_TEST_ASSERT_MSG_EQ_TOL(accountant.GetEpsilon(1e-5, RdpConversion::CLASSIC).first,
                                      p.epsilon,
                                      0.005 + 1e-9,
                                      "TF-Privacy tutorial sigma=" << p.sigma
                                                                   << " steps=" << p.steps);
        }

        // tensorflow/privacy privacy/analysis/compute_dp_sgd_privacy.py docstring (2019):
        // N = 60000, batch 256, sigma = 1.12, 60 epochs -> ceil(60 * 60000 / 256) = 14063
        // steps, its own order grid, classic conversion: "(2.92, 1e-5)-DP".
        std::vector<double> tfOrders{1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5};
        for (int order = 5; order < 64; ++order)
        {
            tfOrders.push_back(order);
        }
        tfOrders.insert(tfOrders.end(), {128, 256, 512});
        RdpAccountant tfCli(tfOrders);
        tfCli.Step(256.0 / 60000, 1.12, 14063);
        NS_TEST_ASSERT_MSG_EQ_TOL(tfCli.GetEpsilon(1e-5, RdpConversion::CLASSIC).first,
                                  2.92,
                                  0.005 + 1e-9,
                                  "TF-Privacy compute_dp_sgd_privacy");

        // opacus.ai/api/compute_dp_sgd_privacy.html (Opacus 1.x, tight conversion):
        // q = 0.01, sigma = 1.0, 3 epochs = 300 steps, alphas {2, 5, 10, 20, 100},
        // delta = 1e-5 -> "epsilon = 2.39, optimal alpha 5.0".
        RdpAccountant opacus({2, 5, 10, 20, 100});
        opacus.Step(0.01, 1.0, 300);
        const auto [opacusEpsilon, opacusOrder] = opacus.GetEpsilon(1e-5, RdpConversion::TIGHT);
        NS_TEST_ASSERT_MSG_EQ_TOL(opacusEpsilon, 2.39, 0.005 + 1e-9, "Opacus epsilon");
        NS_TEST_ASSERT_MSG_EQ(opacusOrder, 5.0, "Opacus optimal order");

        // dp_accounting test_compute_epsilon_delta_pure_dp: RDP = 1.1 at orders 2..32,
        // delta = 1e-5 -> epsilon 1.32783806176 at order 32 (tight conversion).
        std::vector<double> orders;
        for (int order = 2; order <= 32; ++order)
        {
            orders.push_back(order);
        }
        const auto [pureEpsilon, pureOrder] =
            ConvertRdpToDp(orders, std::vector<double>(orders.size(), 1.1), 1e-5);
        NS_TEST_ASSERT_MSG_EQ_TOL(pureEpsilon, 1.32783806176, 1e-9, "tight conversion");
        NS_TEST_ASSERT_MSG_EQ(pureOrder, 32.0, "tight conversion optimal order");
    }
};

/// Epsilon grows with steps and sampling rate, falls with noise and delta.
class RdpMonotonicityTestCase : public TestCase
{
  public:
    RdpMonotonicityTestCase()
        : TestCase("epsilon grows with T and q and falls with sigma and delta")
    {
    }

  private:
    void DoRun() override
    {
        auto epsilon = [](double q, double sigma, uint64_t steps, double delta) {
            RdpAccountant accountant;
            accountant.Step(q, sigma, steps);
            return accountant.GetEpsilon(delta).first;
        };
        const double base = epsilon(0.01, 1.0, 1000, 1e-5);
        NS_TEST_ASSERT_MSG_GT(epsilon(0.01, 1.0, 4000, 1e-5), base, "more steps");
        NS_TEST_ASSERT_MSG_LT(epsilon(0.01, 1.0, 250, 1e-5), base, "fewer steps");
        NS_TEST_ASSERT_MSG_GT(epsilon(0.04, 1.0, 1000, 1e-5), base, "larger q");
        NS_TEST_ASSERT_MSG_LT(epsilon(0.0025, 1.0, 1000, 1e-5), base, "smaller q");
        NS_TEST_ASSERT_MSG_LT(epsilon(0.01, 2.0, 1000, 1e-5), base, "more noise");
        NS_TEST_ASSERT_MSG_GT(epsilon(0.01, 0.7, 1000, 1e-5), base, "less noise");
        NS_TEST_ASSERT_MSG_LT(epsilon(0.01, 1.0, 1000, 1e-3), base, "larger delta");
        NS_TEST_ASSERT_MSG_GT(epsilon(0.01, 1.0, 1000, 1e-8), base, "smaller delta");

        // Heterogeneous rounds: RDP adds per order, whatever the grouping of the steps.
        RdpAccountant grouped;
        grouped.Step(0.01, 1.0, 3);
        grouped.Step(0.05, 2.0, 2);
        RdpAccountant oneByOne;
        for (auto [q, sigma] : {std::pair{0.01, 1.0},
                                std::pair{0.05, 2.0},
                                std::pair{0.01, 1.0},
                                std::pair{0.05, 2.0},
                                std::pair{0.01, 1.0}})
        {
            oneByOne.Step(q, sigma);
        }
        NS_TEST_ASSERT_MSG_EQ(oneByOne.GetSteps(), 5u, "step count");
        for (size_t k = 0; k < grouped.GetOrders().size(); ++k)
        {
            const double order = grouped.GetOrders()[k];
            const double expected = 3 * ComputeSampledGaussianRdp(0.01, 1.0, order) +
                                    2 * ComputeSampledGaussianRdp(0.05, 2.0, order);
            NS_TEST_ASSERT_MSG_LT(RelativeError(grouped.GetRdp()[k], expected),
                                  1e-12,
                                  "grouped, order " << order);
            NS_TEST_ASSERT_MSG_LT(RelativeError(oneByOne.GetRdp()[k], expected),
                                  1e-12,
                                  "one by one, order " << order);
        }
        // Balle et al.'s conversion is never looser than the classic one.
        NS_TEST_ASSERT_MSG_LT(grouped.GetEpsilon(1e-5).first,
                              grouped.GetEpsilon(1e-5, RdpConversion::CLASSIC).first,
                              "tight < classic");
    }
};

class RdpInvalidInputTestCase : public TestCase
{
  public:
    RdpInvalidInputTestCase()
        : TestCase("invalid q, sigma, delta or order throw naming the value")
    {
    }

  private:
    /// True if `call` throws std::invalid_argument whose message contains `value`.
    static bool ThrowsNaming(const std::function<void()>& call, const std::string& value)
    {
        try
        {
            call();
        }
        catch (const std::invalid_argument& e)
        {
            return std::string(e.what()).find(value) != std::string::npos;
        }
        return false;
    }

    void DoRun() override
    {
        RdpAccountant accountant;
        accountant.Step(0.01, 1.0, 10);
        for (const auto& [q, text] :
             {std::pair{-0.1, "q -0.1"}, std::pair{1.5, "q 1.5"}, std::pair{std::nan(""), "q nan"}})
        {
            NS_TEST_ASSERT_MSG_EQ(ThrowsNaming([&] { accountant.Step(q, 1.0); }, text), true, text);
        }
        for (const auto& [sigma, text] : {std::pair{0.0, "sigma 0"}, std::pair{-1.0, "sigma -1"}})
        {
            NS_TEST_ASSERT_MSG_EQ(ThrowsNaming([&] { accountant.Step(0.01, sigma); }, text),
                                  true,
                                  text);
        }
        for (const auto& [delta, text] :
             {std::pair{0.0, "delta 0"}, std::pair{1.0, "delta 1"}, std::pair{1.5, "delta 1.5"}})
        {
            NS_TEST_ASSERT_MSG_EQ(ThrowsNaming([&] { accountant.GetEpsilon(delta); }, text),
                                  true,
                                  text);
        }
        NS_TEST_ASSERT_MSG_EQ(ThrowsNaming(
                                  [] {
                                      RdpAccountant bad({2, 1});
                                  },
                                  "order 1"),
                              true,
                              "order 1");
        NS_TEST_ASSERT_MSG_EQ(accountant.GetSteps(), 10u, "rejected steps are not counted");
    }
};

class RdpAccountantTestSuite : public TestSuite
{
  public:
    RdpAccountantTestSuite()
        : TestSuite("training-rdp-accountant", TestSuite::UNIT)
    {
        AddTestCase(new RdpGaussianClosedFormTestCase, TestCase::QUICK);
        AddTestCase(new RdpQuadratureTestCase, TestCase::QUICK);
        AddTestCase(new RdpPublishedValuesTestCase, TestCase::QUICK);
        AddTestCase(new RdpMonotonicityTestCase, TestCase::QUICK);
        AddTestCase(new RdpInvalidInputTestCase, TestCase::QUICK);
    }
};

RdpAccountantTestSuite g_rdpAccountantTestSuite;

} // namespace
