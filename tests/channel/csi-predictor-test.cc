#include "attribute-rejection.h"
#include "channel/csi-ar-predictor.h"
#include "channel/csi-predictor.h"
#include "channel/csi-prony-predictor.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/random-variable-stream.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

using Matrix = CsiPredictor::Matrix;
using Complex = std::complex<double>;

/// x_s[n] = sum_m c[m, s] z_m^n for n = first..first + count - 1: (count, S).
Matrix
SumOfExponentials(const std::vector<Complex>& poles, const Matrix& amplitudes, int first, int count)
{
    Matrix x = Matrix::Zero(count, amplitudes.cols());
    for (int n = 0; n < count; ++n)
    {
        for (std::size_t m = 0; m < poles.size(); ++m)
        {
            x.row(n) += std::pow(poles[m], first + n) * amplitudes.row(m);
        }
    }
    return x;
}

/// Circularly symmetric complex Gaussian matrix with E|x|^2 = variance per entry.
Matrix
GaussianMatrix(Ptr<NormalRandomVariable> normal, int rows, int cols, double variance)
{
    Matrix x(rows, cols);
    const double sigma = std::sqrt(variance / 2);
    for (int i = 0; i < rows; ++i)
    {
        for (int j = 0; j < cols; ++j)
        {
            x(i, j) = Complex(sigma * normal->GetValue(), sigma * normal->GetValue());
        }
    }
    return x;
}

Ptr<NormalRandomVariable>
MakeNormal(int64_t stream)
{
    auto normal = CreateObject<NormalRandomVariable>();
    normal->SetStream(stream);
    return normal;
}

Ptr<CsiPredictor>
MakeAr(uint32_t order, double regularization, bool shared = true)
{
    auto ar = CreateObject<ArCsiPredictor>();
    ar->SetAttribute("Order", UintegerValue(order));
    ar->SetAttribute("Regularization", DoubleValue(regularization));
    ar->SetAttribute("SharedCoefficients", BooleanValue(shared));
    return ar;
}

Ptr<PronyCsiPredictor>
MakeProny(uint32_t order, bool forwardBackward = true)
{
    auto prony = CreateObject<PronyCsiPredictor>();
    prony->SetAttribute("Order", UintegerValue(order));
    prony->SetAttribute("ForwardBackward", BooleanValue(forwardBackward));
    return prony;
}

/**
 * The hold predictor repeats the last snapshot, and Nmse is sum|e|^2 / sum|truth|^2:
 * for truth (1, 2i) and prediction (1, 0) it is 4 / 5.
 */
class HoldAndNmseTestCase : public TestCase
{
  public:
    HoldAndNmseTestCase()
        : TestCase("hold repeats the last snapshot and NMSE matches its closed form")
    {
    }

  private:
    void DoRun() override
    {
        Matrix history(3, 2);
        history << Complex(1, 0), Complex(0, 1), Complex(2, 0), Complex(0, 2), Complex(3, 1),
            Complex(-1, 4);
        const Matrix predicted = CreateObject<HoldCsiPredictor>()->Predict(history, 2);
        NS_TEST_ASSERT_MSG_EQ(predicted.rows(), 2, "two future rows");
        for (int f = 0; f < 2; ++f)
        {
            NS_TEST_ASSERT_MSG_EQ((predicted.row(f) - history.row(2)).norm(), 0.0, "held row");
        }
        Matrix truth(1, 2);
        truth << Complex(1, 0), Complex(0, 2);
        Matrix guess(1, 2);
        guess << Complex(1, 0), Complex(0, 0);
        NS_TEST_ASSERT_MSG_EQ_TOL(Nmse(guess, truth), 0.8, 1e-15, "4 / 5");
    }
};

/**
 * Noiseless sum of M = 3 undamped exponentials (|z| = 1, distinct frequencies) over 6
 * series with different amplitudes, 16 past samples: Prony of order 3 (and with the
 * order chosen by MDL), AR of order 3 and 5 (shared, unregularised)
 * and per-series AR of order 3 reproduce the 4 future samples to a relative RMS error
 * of 1e-6 (NMSE 1e-12); exact arithmetic would give 0.
 */
class ExactExponentialsTestCase : public TestCase
{
  public:
    ExactExponentialsTestCase()
        : TestCase("noiseless sum of exponentials is extrapolated exactly")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<Complex> poles{std::polar(1.0, 0.37),
                                         std::polar(1.0, -0.81),
                                         std::polar(1.0, 1.9)};
        const Matrix amplitudes = GaussianMatrix(MakeNormal(3), 3, 6, 1.0);
        const Matrix history = SumOfExponentials(poles, amplitudes, 0, 16);
        const Matrix truth = SumOfExponentials(poles, amplitudes, 16, 4);

        struct Case
        {
            std::string name;
            Ptr<CsiPredictor> predictor;
        };

        const std::vector<Case> cases{{"Prony M=3", MakeProny(3)},
                                      {"Prony auto order", MakeProny(0)},
                                      {"Prony M=3 forward only", MakeProny(3, false)},
                                      {"AR(3) shared", MakeAr(3, 0)},
                                      {"AR(5) shared", MakeAr(5, 0)},
                                      {"AR(3) per series", MakeAr(3, 0, false)}};
        for (const auto& c : cases)
        {
            const double nmse = Nmse(c.predictor->Predict(history, 4), truth);
            NS_TEST_EXPECT_MSG_LT(nmse, 1e-12, c.name << " NMSE " << nmse);
        }
        const Eigen::VectorXcd estimated = MakeProny(0)->EstimatePoles(history);
        NS_TEST_ASSERT_MSG_EQ(estimated.size(), 3, "auto order finds the 3 exponentials");
    }
};

/**
 * PredictEachStep: row t uses rows 0..t only (changing later rows leaves it bit for bit
 * unchanged), its last row is Predict(history, 1) bit for bit, row 0 holds, and on a
 * noiseless sum of M = 2 exponentials every row with enough history for the lowered order
 * (t + 1 >= min(p, t) + M, here t >= 4 for p = 3) predicts the next row exactly.
 */
class ArEachStepTestCase : public TestCase
{
  public:
    ArEachStepTestCase()
        : TestCase("AR one-step predictions at every step use only the history so far")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<Complex> poles{std::polar(1.0, 0.52), std::polar(1.0, -1.3)};
        const Matrix amplitudes = GaussianMatrix(MakeNormal(5), 2, 4, 1.0);
        const Matrix x = SumOfExponentials(poles, amplitudes, 0, 11);
        const Matrix history = x.topRows(10);
        auto ar = DynamicCast<ArCsiPredictor>(MakeAr(3, 0));
        const Matrix each = ar->PredictEachStep(history);
        NS_TEST_ASSERT_MSG_EQ(each.rows(), 10, "one prediction per step");
        NS_TEST_EXPECT_MSG_EQ((each.row(0) - history.row(0)).norm(), 0.0, "row 0 holds");
        NS_TEST_EXPECT_MSG_EQ((each.row(9) - ar->Predict(history, 1)).norm(),
                              0.0,
                              "last row is Predict(history, 1)");
        for (Eigen::Index t = 4; t < 10; ++t)
        {
            const double nmse = Nmse(each.row(t), x.row(t + 1));
            NS_TEST_EXPECT_MSG_LT(nmse, 1e-12, "row " << t << " NMSE " << nmse);
        }
        Matrix changed = history;
        changed.bottomRows(4) = GaussianMatrix(MakeNormal(6), 4, 4, 1.0);
        const Matrix eachChanged = ar->PredictEachStep(changed);
        NS_TEST_EXPECT_MSG_EQ((eachChanged.topRows(6) - each.topRows(6)).norm(),
                              0.0,
                              "rows 0..5 do not see rows 6..9");
        NS_TEST_EXPECT_MSG_GT((eachChanged.row(6) - each.row(6)).norm(), 0.0, "row 6 sees 6");
    }
};

/**
 * A single damped exponential z = 0.9 e^{0.3j}: forward-only Prony of order 1 and AR(1)
 * both recover z (to 1e-9) and the future; a growing one (|z| = 1.05) has its pole
 * clamped onto the unit circle at the same angle.
 */
class DampedExponentialTestCase : public TestCase
{
  public:
    DampedExponentialTestCase()
        : TestCase("damped exponential recovered, growing one clamped to the unit circle")
    {
    }

  private:
    void DoRun() override
    {
        const Complex z = std::polar(0.9, 0.3);
        Matrix amplitude(1, 2);
        amplitude << Complex(1, -0.5), Complex(-2, 0.25);
        const Matrix history = SumOfExponentials({z}, amplitude, 0, 10);
        const Matrix truth = SumOfExponentials({z}, amplitude, 10, 3);

        const Eigen::VectorXcd pole = MakeProny(1, false)->EstimatePoles(history);
        NS_TEST_ASSERT_MSG_EQ(pole.size(), 1, "one pole");
        NS_TEST_EXPECT_MSG_LT(std::abs(pole(0) - z), 1e-9, "Prony pole " << pole(0));
        NS_TEST_EXPECT_MSG_LT(Nmse(MakeProny(1, false)->Predict(history, 3), truth),
                              1e-12,
                              "Prony prediction");
        auto ar = DynamicCast<ArCsiPredictor>(MakeAr(1, 0));
        const Matrix coefficients = ar->FitCoefficients(history);
        NS_TEST_EXPECT_MSG_LT(std::abs(coefficients(0, 0) - z), 1e-9, "AR(1) coefficient");
        NS_TEST_EXPECT_MSG_LT(Nmse(ar->Predict(history, 3), truth), 1e-12, "AR prediction");

        const Complex growing = std::polar(1.05, 0.3);
        const Eigen::VectorXcd clamped =
            MakeProny(1, false)->EstimatePoles(SumOfExponentials({growing}, amplitude, 0, 10));
        NS_TEST_EXPECT_MSG_EQ_TOL(std::abs(clamped(0)), 1.0, 1e-12, "clamped modulus");
        NS_TEST_EXPECT_MSG_EQ_TOL(std::arg(clamped(0)), 0.3, 1e-9, "angle kept");
    }
};

/**
 * AR(1) process x[n] = a x[n-1] + w[n], a = 0.8 e^{0.5j}, w ~ CN(0, 1), started in its
 * stationary law, 200 series of 16 samples. The least-squares estimate over the
 * N = 200 * 15 equations has E|a_hat - a|^2 ~= (1 - |a|^2) / N (complex AR(1)), and
 * |a_hat - a|^2 is about exponential, so |a_hat - a| < 4 sqrt((1 - |a|^2) / N) = 0.044
 * fails with probability about e^-16.
 */
class ArCoefficientTestCase : public TestCase
{
  public:
    ArCoefficientTestCase()
        : TestCase("AR(1) coefficient of a synthetic process within its statistical tolerance")
    {
    }

  private:
    void DoRun() override
    {
        const Complex a = std::polar(0.8, 0.5);
        const int series = 200;
        const int past = 16;
        auto normal = MakeNormal(7);
        Matrix x(past, series);
        x.row(0) = GaussianMatrix(normal, 1, series, 1 / (1 - std::norm(a)));
        for (int n = 1; n < past; ++n)
        {
            x.row(n) = a * x.row(n - 1) + GaussianMatrix(normal, 1, series, 1.0);
        }
        const Complex estimate =
            DynamicCast<ArCsiPredictor>(MakeAr(1, 0))->FitCoefficients(x)(0, 0);
        const double tolerance = 4 * std::sqrt((1 - std::norm(a)) / (series * (past - 1)));
        NS_TEST_EXPECT_MSG_LT(std::abs(estimate - a),
                              tolerance,
                              "estimate " << estimate << " vs " << a);
    }
};

/**
 * A slowly rotating phasor (0.1 rad per sample, common to 64 series with random gains)
 * seen at 20 dB SNR: over 20 trials, the mean NMSE of the 4 future samples of Prony
 * (auto order) and AR(2) is below half that of hold. Hold's is about
 * mean_f |1 - e^{0.1 j f}|^2 + 0.01 = 0.085; a model that finds the rotation is
 * limited by the noise, about 0.01 or less.
 */
class NoisyPhasorTestCase : public TestCase
{
  public:
    NoisyPhasorTestCase()
        : TestCase("with noise, Prony and AR beat hold on a rotating phasor")
    {
    }

  private:
    void DoRun() override
    {
        const Complex z = std::polar(1.0, 0.1);
        auto normal = MakeNormal(11);
        const std::vector<Ptr<CsiPredictor>> predictors{CreateObject<HoldCsiPredictor>(),
                                                        MakeProny(0),
                                                        MakeAr(2, 1e-3)};
        std::vector<double> nmse(predictors.size(), 0.0);
        const int trials = 20;
        for (int trial = 0; trial < trials; ++trial)
        {
            const Matrix gains = GaussianMatrix(normal, 1, 64, 1.0);
            const Matrix history =
                SumOfExponentials({z}, gains, 0, 16) + GaussianMatrix(normal, 16, 64, 0.01);
            const Matrix truth = SumOfExponentials({z}, gains, 16, 4);
            for (std::size_t i = 0; i < predictors.size(); ++i)
            {
                nmse[i] += Nmse(predictors[i]->Predict(history, 4), truth) / trials;
            }
        }
        NS_TEST_EXPECT_MSG_EQ_TOL(nmse[0], 0.085, 0.02, "hold NMSE near its closed form");
        NS_TEST_EXPECT_MSG_LT(nmse[1], 0.5 * nmse[0], "Prony " << nmse[1] << " hold " << nmse[0]);
        NS_TEST_EXPECT_MSG_LT(nmse[2], 0.5 * nmse[0], "AR " << nmse[2] << " hold " << nmse[0]);
    }
};

/// True when f() throws std::invalid_argument whose message contains needle.
template <typename F>
bool
ThrowsNaming(F f, const std::string& needle)
{
    try
    {
        f();
    }
    catch (const std::invalid_argument& e)
    {
        return std::string(e.what()).find(needle) != std::string::npos;
    }
    return false;
}

/**
 * Bad input is rejected with std::invalid_argument naming the problem, for every
 * predictor: empty history, numFuture 0, a NaN entry, an order not below the history
 * length, a negative loading.
 */
class BadInputTestCase : public TestCase
{
  public:
    BadInputTestCase()
        : TestCase("bad input throws invalid_argument naming the problem")
    {
    }

  private:
    void DoRun() override
    {
        const Matrix history = Matrix::Ones(6, 3);
        const std::vector<Ptr<CsiPredictor>> predictors{CreateObject<HoldCsiPredictor>(),
                                                        MakeAr(2, 0),
                                                        MakeProny(2)};
        for (const auto& p : predictors)
        {
            const std::string name = p->GetInstanceTypeId().GetName();
            NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { p->Predict(Matrix(0, 3), 1); }, "empty"),
                                  true,
                                  name << ": empty history");
            NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { p->Predict(history, 0); }, "numFuture"),
                                  true,
                                  name << ": numFuture 0");
            Matrix nan = history;
            nan(4, 1) = Complex(std::numeric_limits<double>::quiet_NaN(), 0);
            NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { p->Predict(nan, 1); }, "[4, 1]"),
                                  true,
                                  name << ": NaN named by position");
        }
        Matrix nan = history;
        nan(4, 1) = Complex(0, std::numeric_limits<double>::infinity());
        auto ar = DynamicCast<ArCsiPredictor>(MakeAr(2, 0));
        NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { ar->PredictEachStep(nan); }, "[4, 1]"),
                              true,
                              "PredictEachStep: infinity named by position");
        NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { ar->PredictEachStep(Matrix(0, 3)); }, "empty"),
                              true,
                              "PredictEachStep: empty history");
        NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { MakeAr(6, 0)->Predict(history, 1); }, "Order 6"),
                              true,
                              "AR order = history length");
        NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { MakeProny(6)->Predict(history, 1); }, "Order 6"),
                              true,
                              "Prony order = history length");
        auto prony = MakeProny(2);
        prony->SetAttribute("PencilLength", UintegerValue(1));
        NS_TEST_EXPECT_MSG_EQ(ThrowsNaming([&] { prony->Predict(history, 1); }, "PencilLength 1"),
                              true,
                              "pencil shorter than the order");
        NS_TEST_EXPECT_MSG_EQ(
            AttributeRejects<ArCsiPredictor>("Regularization", DoubleValue(-1), "-1"),
            true,
            "negative loading");
    }
};

/**
 * EvaluateCsiPredictor on a tiny dataset (N = 2, past 3, K = 2, R = 1, S = 1) where
 * sample n is the ramp x[t] = (n + 1)(t + 1) on both subcarriers: hold predicts 3(n + 1)
 * for future values 4(n + 1) and 5(n + 1), so the NMSE of step 1 is 1/16 and of step 2
 * 4/25 for both samples; the all-steps NMSE is 5/41. Mismatched arrays are rejected.
 */
class EvaluateDatasetTestCase : public TestCase
{
  public:
    EvaluateDatasetTestCase()
        : TestCase("dataset evaluation reproduces hand-computed per-step NMSE")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<std::complex<float>> history;
        std::vector<std::complex<float>> future;
        for (int n = 0; n < 2; ++n)
        {
            for (int t = 0; t < 5; ++t)
            {
                for (int k = 0; k < 2; ++k)
                {
                    (t < 3 ? history : future).emplace_back(float((n + 1) * (t + 1)), 0.0f);
                }
            }
        }
        const NpyArray h = NpyArray::FromValues<std::complex<float>>({2, 3, 2, 1, 1}, history);
        const NpyArray f = NpyArray::FromValues<std::complex<float>>({2, 2, 2, 1, 1}, future);
        const CsiPredictionScore score =
            EvaluateCsiPredictor(*CreateObject<HoldCsiPredictor>(), h, f);
        NS_TEST_ASSERT_MSG_EQ(score.numSamples, 2, "all samples");
        NS_TEST_EXPECT_MSG_EQ_TOL(score.meanNmse[0], 1.0 / 16, 1e-12, "step 1");
        NS_TEST_EXPECT_MSG_EQ_TOL(score.meanNmse[1], 4.0 / 25, 1e-12, "step 2");
        NS_TEST_EXPECT_MSG_EQ_TOL(score.meanNmseDb[1], 10 * std::log10(4.0 / 25), 1e-9, "dB");
        NS_TEST_EXPECT_MSG_EQ_TOL(score.meanNmseAllStepsDb,
                                  10 * std::log10(5.0 / 41),
                                  1e-9,
                                  "all steps");
        const CsiPredictionScore one =
            EvaluateCsiPredictor(*CreateObject<HoldCsiPredictor>(), h, f, {1});
        NS_TEST_EXPECT_MSG_EQ(one.numSamples, 1, "selected sample");
        const NpyArray wrong = NpyArray::FromValues<std::complex<float>>({2, 2, 1, 2, 1}, future);
        NS_TEST_EXPECT_MSG_EQ(
            ThrowsNaming([&] { EvaluateCsiPredictor(*CreateObject<HoldCsiPredictor>(), h, wrong); },
                         "does not match"),
            true,
            "shape mismatch");
        NS_TEST_EXPECT_MSG_EQ(
            ThrowsNaming(
                [&] { EvaluateCsiPredictor(*CreateObject<HoldCsiPredictor>(), h, f, {2}); },
                "sample index 2"),
            true,
            "index out of range");
    }
};

class CsiPredictorTestSuite : public TestSuite
{
  public:
    CsiPredictorTestSuite()
        : TestSuite("channel-csi-predictor", TestSuite::UNIT)
    {
        AddTestCase(new HoldAndNmseTestCase, TestCase::QUICK);
        AddTestCase(new ExactExponentialsTestCase, TestCase::QUICK);
        AddTestCase(new DampedExponentialTestCase, TestCase::QUICK);
        AddTestCase(new ArEachStepTestCase, TestCase::QUICK);
        AddTestCase(new ArCoefficientTestCase, TestCase::QUICK);
        AddTestCase(new NoisyPhasorTestCase, TestCase::QUICK);
        AddTestCase(new BadInputTestCase, TestCase::QUICK);
        AddTestCase(new EvaluateDatasetTestCase, TestCase::QUICK);
    }
};

CsiPredictorTestSuite g_csiPredictorTestSuite;

} // namespace
