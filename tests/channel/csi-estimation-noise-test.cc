#include "channel/csi-estimation-noise.h"

#include "ns3/double.h"
#include "ns3/random-variable-stream.h"
#include "ns3/test.h"

#include <cmath>

using namespace ns3;

namespace
{

/**
 * The error added to each snapshot has the variance the SNR implies: the measured
 * normalised MSE of a snapshot, averaged over 200 snapshots of 96 x 32 elements
 * (614,400 complex samples), is 10^(-SNR/10) within 2% (the standard error of the
 * estimate is about 0.2%), for snapshots whose power differs by 60 dB; the error is
 * circular (real and imaginary parts of equal power, within 2%) and zero mean.
 */
class EstimationNoiseVarianceTestCase : public TestCase
{
  public:
    EstimationNoiseVarianceTestCase(double snrDb)
        : TestCase("estimation error variance matches SNR " + std::to_string(snrDb) + " dB"),
          m_snrDb(snrDb)
    {
    }

  private:
    void DoRun() override
    {
        const std::size_t times = 200;
        CsiTensor clean(times, 96, 1, 32);
        auto gaussian = CreateObject<NormalRandomVariable>();
        gaussian->SetStream(11);
        for (std::size_t t = 0; t < times; ++t)
        {
            // Snapshot powers spread over 60 dB, as along a track with pathloss.
            const double amplitude = std::pow(10.0, -3.0 * (t % 4) / 2);
            for (std::size_t k = 0; k < 96; ++k)
            {
                for (std::size_t s = 0; s < 32; ++s)
                {
                    clean(t, k, 0, s) = CsiTensor::Value(amplitude * gaussian->GetValue(),
                                                         amplitude * gaussian->GetValue());
                }
            }
        }
        CsiTensor noisy = clean;
        auto noise = CreateObject<CsiEstimationNoise>();
        noise->SetAttribute("SnrDb", DoubleValue(m_snrDb));
        noise->AssignStreams(5);
        noise->Apply(noisy);

        const double expected = std::pow(10.0, -m_snrDb / 10);
        double nmseSum = 0;
        double realPower = 0; // of the error normalised to unit variance
        double imagPower = 0;
        std::complex<double> meanError = 0;
        const double count = times * 96 * 32;
        for (std::size_t t = 0; t < times; ++t)
        {
            double signalPower = 0;
            for (std::size_t k = 0; k < 96; ++k)
            {
                for (std::size_t s = 0; s < 32; ++s)
                {
                    signalPower += std::norm(std::complex<double>(clean(t, k, 0, s)));
                }
            }
            // The variance the SNR prescribes for this snapshot.
            const double sigma = std::sqrt(signalPower / (96 * 32) * expected);
            double errorPower = 0;
            for (std::size_t k = 0; k < 96; ++k)
            {
                for (std::size_t s = 0; s < 32; ++s)
                {
                    const std::complex<double> e(noisy(t, k, 0, s) - clean(t, k, 0, s));
                    errorPower += std::norm(e);
                    realPower += std::pow(e.real() / sigma, 2) / count;
                    imagPower += std::pow(e.imag() / sigma, 2) / count;
                    meanError += e / sigma / count;
                }
            }
            nmseSum += errorPower / signalPower;
        }
        NS_TEST_EXPECT_MSG_EQ_TOL(nmseSum / times / expected, 1.0, 0.02, "NMSE / 10^(-SNR/10)");
        NS_TEST_EXPECT_MSG_EQ_TOL(realPower, 0.5, 0.01, "real part carries half the power");
        NS_TEST_EXPECT_MSG_EQ_TOL(imagPower, 0.5, 0.01, "imaginary part carries half");
        // The mean of 614,400 unit-variance samples has standard deviation 0.0013.
        NS_TEST_EXPECT_MSG_LT(std::abs(meanError), 0.01, "zero-mean error");
    }

    double m_snrDb;
};

class CsiEstimationNoiseTestSuite : public TestSuite
{
  public:
    CsiEstimationNoiseTestSuite()
        : TestSuite("channel-estimation-noise", TestSuite::UNIT)
    {
        AddTestCase(new EstimationNoiseVarianceTestCase(20.0), TestCase::QUICK);
        AddTestCase(new EstimationNoiseVarianceTestCase(5.0), TestCase::QUICK);
    }
};

CsiEstimationNoiseTestSuite g_csiEstimationNoiseTestSuite;

} // namespace
