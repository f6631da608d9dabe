#include "attribute-rejection.h"
#include "channel/tdl-channel.h"

#include "ns3/double.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr double kPi = M_PI;

Ptr<TdlChannel>
MakeChannel(TdlModel model,
            uint32_t numRx,
            uint32_t numTx,
            double maxDopplerHz,
            int64_t stream,
            double delaySpreadS = 100e-9)
{
    Ptr<TdlChannel> channel = CreateObject<TdlChannel>();
    channel->SetAttribute("Model", StringValue(GetTdlTable(model).name));
    channel->SetAttribute("DelaySpreadS", DoubleValue(delaySpreadS));
    channel->SetAttribute("MaxDopplerHz", DoubleValue(maxDopplerHz));
    channel->SetAttribute("NumRxAntennas", UintegerValue(numRx));
    channel->SetAttribute("NumTxAntennas", UintegerValue(numTx));
    channel->AssignStreams(stream);
    return channel;
}

/// Table powers normalised to unit sum, computed from the spec rows (LOS path into tap 1).
std::vector<double>
NormalisedTablePowers(const TdlTable& table)
{
    std::vector<double> powers;
    for (std::size_t l = 0; l < table.numTaps; ++l)
    {
        powers.push_back(std::pow(10.0, table.taps[l].powerDb / 10));
    }
    if (table.hasLos)
    {
        powers[0] += std::pow(10.0, table.losPowerDb / 10);
    }
    double sum = 0;
    for (double p : powers)
    {
        sum += p;
    }
    for (double& p : powers)
    {
        p /= sum;
    }
    return powers;
}

/// Kolmogorov-Smirnov distance sup |F_n(x) - F(x)| of samples against a CDF.
template <typename Cdf>
double
KsDistance(std::vector<double> samples, Cdf cdf)
{
    std::sort(samples.begin(), samples.end());
    const double n = samples.size();
    double distance = 0;
    for (std::size_t i = 0; i < samples.size(); ++i)
    {
        const double f = cdf(samples[i]);
        distance = std::max({distance, (i + 1) / n - f, f - i / n});
    }
    return distance;
}

/**
 * Marcum Q-function Q_1(a, b) by its Bessel series, summed in the log domain:
 *   b > a:  Q_1 = exp(-(a^2+b^2)/2) sum_{k>=0} (a/b)^k I_k(ab)
 *   b <= a: Q_1 = 1 - exp(-(a^2+b^2)/2) sum_{k>=1} (b/a)^k I_k(ab)
 */
double
MarcumQ1(double a, double b)
{
    if (b == 0)
    {
        return 1;
    }
    if (a == 0)
    {
        return std::exp(-b * b / 2);
    }
    const double x = a * b;
    const double logScale = -(a * a + b * b) / 2;
    const bool upper = b > a;
    const double logRatio = upper ? std::log(a / b) : std::log(b / a);
    double sum = 0;
    for (int k = upper ? 0 : 1;; ++k)
    {
        const double term = std::exp(logScale + k * logRatio + std::log(std::cyl_bessel_i(k, x)));
        sum += term;
        if (k > x && term < 1e-17)
        {
            break;
        }
    }
    return upper ? sum : 1 - sum;
}

/// Rice CDF of the amplitude for E[R^2] = 1 and K-factor k (linear).
double
RiceCdf(double r, double k)
{
    const double nu = std::sqrt(k / (k + 1));
    const double sigma = std::sqrt(1 / (2 * (k + 1)));
    return 1 - MarcumQ1(nu / sigma, r / sigma);
}

/// Rice CDF by trapezoidal integration of the pdf, to check the Marcum-Q series.
double
RiceCdfByIntegration(double r, double k)
{
    const double nu2 = k / (k + 1);
    const double s2 = 1 / (2 * (k + 1));
    const int steps = 20000;
    const double dx = r / steps;
    double cdf = 0;
    for (int i = 0; i <= steps; ++i)
    {
        const double x = i * dx;
        // pdf with the Bessel factor scaled by exp(-x nu / s2) to stay finite
        const double pdf = x / s2 * std::exp(-std::pow(x - std::sqrt(nu2), 2) / (2 * s2)) *
                           std::exp(-x * std::sqrt(nu2) / s2) *
                           std::cyl_bessel_i(0, x * std::sqrt(nu2) / s2);
        cdf += (i == 0 || i == steps ? 0.5 : 1.0) * pdf * dx;
    }
    return cdf;
}

/// Data checks on the transcribed tables and the delay/power scaling.
class TdlTablesTestCase : public TestCase
{
  public:
    TdlTablesTestCase()
        : TestCase("TDL tables: tap counts, LOS K-factors, delay scaling, unit total power")
    {
    }

  private:
    void DoRun() override
    {
        // Tap counts of TR 38.901 Tables 7.7.2-1 to 7.7.2-5 (Rayleigh rows; D and E also
        // list a LOS row for tap 1).
        const std::size_t expectedTaps[] = {23, 23, 24, 13, 14};
        for (TdlModel model : kAllTdlModels)
        {
            const TdlTable& table = GetTdlTable(model);
            NS_TEST_ASSERT_MSG_EQ(table.numTaps,
                                  expectedTaps[static_cast<int>(model)],
                                  table.name << " tap count");
            NS_TEST_ASSERT_MSG_EQ((TdlModelFromName(table.name) == model), true, table.name);
            if (table.hasLos)
            {
                // The stated K-factor must equal the LOS row minus tap 1's Rayleigh row.
                NS_TEST_ASSERT_MSG_EQ_TOL(table.losPowerDb - table.taps[0].powerDb,
                                          table.kFactorDb,
                                          0.01,
                                          table.name << " K-factor");
            }
            const double delaySpreadS = 363e-9;
            Ptr<TdlChannel> channel = MakeChannel(model, 1, 1, 0, 1, delaySpreadS);
            const std::vector<double> powers = NormalisedTablePowers(table);
            double total = 0;
            for (std::size_t l = 0; l < table.numTaps; ++l)
            {
                const TdlChannel::Tap& tap = channel->GetTaps()[l];
                NS_TEST_ASSERT_MSG_EQ_TOL(tap.delayS,
                                          table.taps[l].normalisedDelay * delaySpreadS,
                                          1e-15,
                                          table.name << " tap " << l << " delay (sec. 7.7.3)");
                NS_TEST_ASSERT_MSG_EQ_TOL(tap.diffusePower + tap.losPower,
                                          powers[l],
                                          1e-12,
                                          table.name << " tap " << l << " power");
                total += tap.diffusePower + tap.losPower;
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(total, 1.0, 1e-12, table.name << " total power");
        }
    }
};

/// Average |h_l|^2 over 2000 independent realisations vs the normalised table powers.
class TdlPowerDelayProfileTestCase : public TestCase
{
  public:
    TdlPowerDelayProfileTestCase()
        : TestCase("average tap powers match the normalised TR 38.901 tables within 0.05")
    {
    }

  private:
    void DoRun() override
    {
        const int draws = 2000;
        for (TdlModel model : kAllTdlModels)
        {
            const TdlTable& table = GetTdlTable(model);
            Ptr<TdlChannel> channel = MakeChannel(model, 1, 1, 100, 10);
            std::vector<double> mean(table.numTaps, 0.0);
            for (int d = 0; d < draws; ++d)
            {
                channel->Redraw();
                const Eigen::MatrixXcd h = channel->GetTapCoefficients(0.0137);
                for (std::size_t l = 0; l < table.numTaps; ++l)
                {
                    mean[l] += std::norm(h(l, 0)) / draws;
                }
            }
            const std::vector<double> expected = NormalisedTablePowers(table);
            double maxError = 0;
            for (std::size_t l = 0; l < table.numTaps; ++l)
            {
                maxError = std::max(maxError, std::abs(mean[l] - expected[l]));
                NS_TEST_ASSERT_MSG_EQ_TOL(mean[l],
                                          expected[l],
                                          0.05,
                                          table.name << " tap " << l << " mean power");
            }
            std::clog << table.name << ": max |mean tap power - table| = " << maxError << std::endl;
        }
    }
};

/// KS distance of normalised NLOS tap amplitudes against Rayleigh (F(r) = 1 - exp(-r^2)).
class TdlRayleighTestCase : public TestCase
{
  public:
    TdlRayleighTestCase()
        : TestCase("NLOS tap amplitudes are Rayleigh: KS distance at most 0.05")
    {
    }

  private:
    void DoRun() override
    {
        for (TdlModel model : {TdlModel::A, TdlModel::C})
        {
            Ptr<TdlChannel> channel = MakeChannel(model, 2, 2, 50, 20);
            const std::vector<TdlChannel::Tap> taps = channel->GetTaps();
            std::vector<double> amplitudes;
            for (int d = 0; d < 500; ++d)
            {
                channel->Redraw();
                const Eigen::MatrixXcd h = channel->GetTapCoefficients(0.0123);
                for (Eigen::Index l = 0; l < h.rows(); ++l)
                {
                    for (Eigen::Index p = 0; p < h.cols(); ++p)
                    {
                        // normalised by the tap's expected rms amplitude
                        amplitudes.push_back(std::abs(h(l, p)) / std::sqrt(taps[l].diffusePower));
                    }
                }
            }
            const double ks = KsDistance(amplitudes, [](double r) { return 1 - std::exp(-r * r); });
            std::clog << GetTdlTable(model).name << ": Rayleigh KS distance " << ks << " over "
                      << amplitudes.size() << " samples" << std::endl;
            NS_TEST_ASSERT_MSG_LT_OR_EQ(ks, 0.05, GetTdlTable(model).name << " Rayleigh KS");
        }
    }
};

/// TDL-D tap 1 amplitude vs the Rice CDF with the table K-factor; K by moments within 1 dB.
class TdlRiceTestCase : public TestCase
{
  public:
    TdlRiceTestCase()
        : TestCase("TDL-D tap 1 is Rice with K = 13.3 dB: KS at most 0.05, moment K within 1 dB")
    {
    }

  private:
    void DoRun() override
    {
        const TdlTable& table = GetTdlTable(TdlModel::D);
        const double k = std::pow(10.0, table.kFactorDb / 10);
        // The Marcum-Q series against direct integration of the Rice pdf.
        for (double r : {0.6, 0.9, 1.0, 1.1, 1.4})
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(RiceCdf(r, k),
                                      RiceCdfByIntegration(r, k),
                                      1e-6,
                                      "Rice CDF at r=" << r);
        }

        Ptr<TdlChannel> channel = MakeChannel(TdlModel::D, 2, 2, 50, 30);
        const TdlChannel::Tap tap = channel->GetTaps().front();
        std::vector<double> amplitudes;
        double m2 = 0;
        double m4 = 0;
        for (int d = 0; d < 2000; ++d)
        {
            channel->Redraw();
            const Eigen::MatrixXcd h = channel->GetTapCoefficients(0.0123);
            for (Eigen::Index p = 0; p < h.cols(); ++p)
            {
                const double r = std::abs(h(0, p)) / std::sqrt(tap.diffusePower + tap.losPower);
                amplitudes.push_back(r);
                m2 += r * r;
                m4 += r * r * r * r;
            }
        }
        m2 /= amplitudes.size();
        m4 /= amplitudes.size();
        const double ks = KsDistance(amplitudes, [k](double r) { return RiceCdf(r, k); });
        // Var(R^2)/E[R^2]^2 = (1 + 2K)/(1 + K)^2 for Rice, so K = s/(1 - s), s = sqrt(1 - gamma).
        const double gamma = (m4 - m2 * m2) / (m2 * m2);
        const double s = std::sqrt(1 - gamma);
        const double kMomentsDb = 10 * std::log10(s / (1 - s));
        std::clog << "TDL-D tap 1: Rice KS distance " << ks << " over " << amplitudes.size()
                  << " samples; K by moments " << kMomentsDb << " dB (table " << table.kFactorDb
                  << " dB)" << std::endl;
        NS_TEST_ASSERT_MSG_LT_OR_EQ(ks, 0.05, "TDL-D tap 1 Rice KS");
        NS_TEST_ASSERT_MSG_EQ_TOL(kMomentsDb, table.kFactorDb, 1.0, "K-factor by moments");
    }
};

/// Normalised autocorrelation of the Rayleigh taps vs Clarke's J0(2 pi f_D tau).
class TdlAutocorrelationTestCase : public TestCase
{
  public:
    TdlAutocorrelationTestCase()
        : TestCase("Rayleigh tap autocorrelation follows J0(2 pi f_D tau) within 0.05")
    {
    }

  private:
    void DoRun() override
    {
        const double maxDopplerHz = 100;
        const int numLags = 21; // tau = 0, 1, ..., 20 ms = 2 / f_D
        const double lagStepS = 1e-3;
        Ptr<TdlChannel> channel = MakeChannel(TdlModel::A, 2, 2, maxDopplerHz, 40);
        const std::vector<TdlChannel::Tap> taps = channel->GetTaps();
        std::vector<double> correlation(numLags, 0.0);
        std::size_t samples = 0;
        for (int d = 0; d < 500; ++d)
        {
            channel->Redraw();
            const Eigen::MatrixXcd h0 = channel->GetTapCoefficients(0.0);
            for (int i = 0; i < numLags; ++i)
            {
                const Eigen::MatrixXcd h = channel->GetTapCoefficients(i * lagStepS);
                for (Eigen::Index l = 0; l < h.rows(); ++l)
                {
                    for (Eigen::Index p = 0; p < h.cols(); ++p)
                    {
                        correlation[i] +=
                            std::real(h(l, p) * std::conj(h0(l, p))) / taps[l].diffusePower;
                    }
                }
            }
            samples += h0.size();
        }
        double maxError = 0;
        for (int i = 0; i < numLags; ++i)
        {
            const double tauS = i * lagStepS;
            const double expected = std::cyl_bessel_j(0.0, 2 * kPi * maxDopplerHz * tauS);
            const double measured = correlation[i] / samples;
            maxError = std::max(maxError, std::abs(measured - expected));
            NS_TEST_ASSERT_MSG_EQ_TOL(measured, expected, 0.05, "autocorrelation at " << tauS);
        }
        std::clog << "TDL-A: max |R(tau) - J0| = " << maxError << " over " << samples
                  << " tap samples" << std::endl;
    }
};

/**
 * E[||H_k||_F^2] = Nr * Nt on every subcarrier: one-sample t-test over n = 1000 draws,
 * t = (mean - Nr Nt) / (s / sqrt(n)) with s the sample standard deviation; the two-sided
 * 0.1% critical value of Student's t with 999 degrees of freedom is 3.30.
 */
class TdlFrobeniusNormTestCase : public TestCase
{
  public:
    TdlFrobeniusNormTestCase()
        : TestCase("E[squared Frobenius norm of H_k] = Nr Nt, one-sample t-test, abs(t) < 3.3")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t numRx = 2;
        const uint32_t numTx = 4;
        const int draws = 1000;
        const std::vector<double> offsetsHz = {-9.99e6, -15e3, 0.0, 4.5e6, 9.99e6};
        for (TdlModel model : kAllTdlModels)
        {
            Ptr<TdlChannel> channel = MakeChannel(model, numRx, numTx, 30, 50, 300e-9);
            std::vector<double> sum(offsetsHz.size(), 0.0);
            std::vector<double> sumSquares(offsetsHz.size(), 0.0);
            for (int d = 0; d < draws; ++d)
            {
                channel->Redraw();
                const CsiTensor csi = channel->GetFrequencyResponse({0.002}, offsetsHz);
                for (std::size_t k = 0; k < offsetsHz.size(); ++k)
                {
                    double norm2 = 0;
                    for (uint32_t r = 0; r < numRx; ++r)
                    {
                        for (uint32_t s = 0; s < numTx; ++s)
                        {
                            norm2 += std::norm(csi(0, k, r, s));
                        }
                    }
                    sum[k] += norm2;
                    sumSquares[k] += norm2 * norm2;
                }
            }
            for (std::size_t k = 0; k < offsetsHz.size(); ++k)
            {
                const double mean = sum[k] / draws;
                const double sd = std::sqrt((sumSquares[k] - draws * mean * mean) / (draws - 1));
                const double t = (mean - numRx * numTx) / (sd / std::sqrt(double(draws)));
                std::clog << GetTdlTable(model).name << " f=" << offsetsHz[k]
                          << " Hz: mean ||H||^2 " << mean << ", t = " << t << std::endl;
                NS_TEST_ASSERT_MSG_LT(std::abs(t),
                                      3.3,
                                      GetTdlTable(model).name << " at " << offsetsHz[k] << " Hz");
            }
        }
    }
};

/// The frequency response equals sum_l h_l exp(-j 2 pi f tau_l), element by element.
class TdlFrequencyResponseTestCase : public TestCase
{
  public:
    TdlFrequencyResponseTestCase()
        : TestCase("frequency response layout (t, k, r, s) and formula, same stream same output")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<double> timesS = {0.0, 0.001, 0.0125};
        const std::vector<double> offsetsHz = {-1e6, 0.0, 30e3, 2.5e6};
        Ptr<TdlChannel> channel = MakeChannel(TdlModel::B, 3, 2, 70, 60, 250e-9);
        const CsiTensor csi = channel->GetFrequencyResponse(timesS, offsetsHz);
        const std::array<std::size_t, 4> shape = {3, 4, 3, 2};
        NS_TEST_ASSERT_MSG_EQ((csi.GetShape() == shape), true, "shape (T, K, Nr, Nt)");
        NS_TEST_ASSERT_MSG_EQ(csi.Offset(1, 2, 1, 1), ((1 * 4 + 2) * 3 + 1) * 2 + 1, "row-major");
        double maxError = 0;
        for (std::size_t t = 0; t < timesS.size(); ++t)
        {
            const Eigen::MatrixXcd h = channel->GetTapCoefficients(timesS[t]);
            for (std::size_t k = 0; k < offsetsHz.size(); ++k)
            {
                for (std::size_t r = 0; r < 3; ++r)
                {
                    for (std::size_t s = 0; s < 2; ++s)
                    {
                        std::complex<double> expected = 0;
                        for (Eigen::Index l = 0; l < h.rows(); ++l)
                        {
                            const double delayS = channel->GetTaps()[l].delayS;
                            expected +=
                                h(l, r * 2 + s) *
                                std::exp(std::complex<double>(0, -2 * kPi * offsetsHz[k] * delayS));
                        }
                        const std::complex<double> got(csi(t, k, r, s));
                        maxError = std::max(maxError, std::abs(got - expected));
                    }
                }
            }
        }
        NS_TEST_ASSERT_MSG_LT(maxError, 1e-5, "H_k vs direct sum (float storage)");

        Ptr<TdlChannel> twin = MakeChannel(TdlModel::B, 3, 2, 70, 60, 250e-9);
        NS_TEST_ASSERT_MSG_EQ(
            (twin->GetFrequencyResponse(timesS, offsetsHz).GetData() == csi.GetData()),
            true,
            "same stream, same channel");
    }
};

/// Bad attribute values throw std::invalid_argument naming the value.
class TdlInvalidInputTestCase : public TestCase
{
  public:
    TdlInvalidInputTestCase()
        : TestCase("invalid model, delay spread, Doppler, antenna or ray counts are rejected")
    {
    }

  private:
    static bool Rejects(const std::string& name,
                        const AttributeValue& value,
                        const std::string& needle)
    {
        return AttributeRejects<TdlChannel>(name, value, needle);
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(Rejects("Model", StringValue("TDL-F"), "TDL-F"), true, "model");
        NS_TEST_ASSERT_MSG_EQ(Rejects("DelaySpreadS", DoubleValue(-1e-7), "delay spread -1e-07"),
                              true,
                              "negative delay spread");
        NS_TEST_ASSERT_MSG_EQ(Rejects("MaxDopplerHz", DoubleValue(-5), "Doppler -5"),
                              true,
                              "negative Doppler");
        NS_TEST_ASSERT_MSG_EQ(Rejects("NumRxAntennas", UintegerValue(0), "receive antennas 0"),
                              true,
                              "zero receive antennas");
        NS_TEST_ASSERT_MSG_EQ(Rejects("NumTxAntennas", UintegerValue(0), "transmit antennas 0"),
                              true,
                              "zero transmit antennas");
        NS_TEST_ASSERT_MSG_EQ(Rejects("NumRaysPerTap", UintegerValue(0), "rays per tap 0"),
                              true,
                              "zero rays");
        bool threw = false;
        try
        {
            TdlModelFromName("tdl-a");
        }
        catch (const std::invalid_argument& e)
        {
            threw = std::string(e.what()).find("tdl-a") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "model names are exact");
    }
};

class TdlTablesTestSuite : public TestSuite
{
  public:
    TdlTablesTestSuite()
        : TestSuite("channel-tdl-tables", TestSuite::UNIT)
    {
        AddTestCase(new TdlTablesTestCase, TestCase::QUICK);
        AddTestCase(new TdlFrequencyResponseTestCase, TestCase::QUICK);
        AddTestCase(new TdlInvalidInputTestCase, TestCase::QUICK);
    }
};

class TdlStatisticsTestSuite : public TestSuite
{
  public:
    TdlStatisticsTestSuite()
        : TestSuite("channel-tdl-statistics", TestSuite::UNIT)
    {
        AddTestCase(new TdlPowerDelayProfileTestCase, TestCase::QUICK);
        AddTestCase(new TdlRayleighTestCase, TestCase::QUICK);
        AddTestCase(new TdlRiceTestCase, TestCase::QUICK);
        AddTestCase(new TdlAutocorrelationTestCase, TestCase::QUICK);
        AddTestCase(new TdlFrobeniusNormTestCase, TestCase::QUICK);
    }
};

TdlTablesTestSuite g_tdlTablesTestSuite;
TdlStatisticsTestSuite g_tdlStatisticsTestSuite;

} // namespace
