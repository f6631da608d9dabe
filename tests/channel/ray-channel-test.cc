#include "channel/ray-channel.h"

#include "ns3/double.h"
#include "ns3/random-variable-stream.h"
#include "ns3/test.h"

#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr double kPi = M_PI;
constexpr double kDeg = M_PI / 180;
constexpr double kSpeedOfLightMps = 299792458.0;
constexpr double kCarrierHz = 3.5e9;

using Complex = std::complex<double>;

Ptr<UniformRandomVariable>
MakeUniform(int64_t stream)
{
    Ptr<UniformRandomVariable> uniform = CreateObject<UniformRandomVariable>();
    uniform->SetStream(stream);
    return uniform;
}

/**
 * A random RaySet: numClusters clusters of numRays rays, powers uniform then normalised to
 * sum 1, delays uniform in [0, 2 us), azimuths uniform in [0, 2 pi), zeniths uniform in
 * [0, pi], XPR 0..20 dB, phases uniform; no LOS path.
 */
RaySet
RandomRaySet(Ptr<UniformRandomVariable> u, std::size_t numClusters, std::size_t numRays)
{
    RaySet rays;
    rays.carrierFrequencyHz = kCarrierHz;
    double totalPower = 0;
    for (std::size_t n = 0; n < numClusters; ++n)
    {
        Cluster cluster;
        cluster.delayS = u->GetValue(0, 2e-6);
        cluster.power = u->GetValue(0.01, 1);
        totalPower += cluster.power;
        for (std::size_t m = 0; m < numRays; ++m)
        {
            cluster.rays.push_back({u->GetValue(0, 2 * kPi),
                                    u->GetValue(0, 2 * kPi),
                                    u->GetValue(0, kPi),
                                    u->GetValue(0, kPi),
                                    std::pow(10.0, u->GetValue(0, 2)),
                                    u->GetValue(-kPi, kPi),
                                    u->GetValue(-kPi, kPi),
                                    u->GetValue(-kPi, kPi),
                                    u->GetValue(-kPi, kPi)});
        }
        rays.clusters.push_back(cluster);
    }
    for (Cluster& cluster : rays.clusters)
    {
        cluster.power /= totalPower;
    }
    return rays;
}

AntennaArray
MakeArray(uint32_t rows,
          uint32_t columns,
          std::vector<double> slantsRad,
          AntennaArray::ElementPattern pattern,
          double bearingRad = 0,
          double downtiltRad = 0)
{
    AntennaArray::Config config;
    config.numRows = rows;
    config.numColumns = columns;
    config.polarisationSlantsRad = slantsRad;
    config.pattern = pattern;
    config.bearingRad = bearingRad;
    config.downtiltRad = downtiltRad;
    return AntennaArray(config);
}

/// 96 subcarriers at 30 kHz centred on the carrier (evenly spaced: recurrence path).
std::vector<double>
EvenSubcarriers()
{
    std::vector<double> offsetsHz;
    for (int k = 0; k < 96; ++k)
    {
        offsetsHz.push_back((k - 48) * 30e3);
    }
    return offsetsHz;
}

/// Squared Frobenius norm of H[t, k, :, :].
double
FrobeniusSquared(const CsiTensor& h, std::size_t t, std::size_t k)
{
    double sum = 0;
    for (std::size_t r = 0; r < h.GetShape()[2]; ++r)
    {
        for (std::size_t s = 0; s < h.GetShape()[3]; ++s)
        {
            sum += std::norm(Complex(h(t, k, r, s)));
        }
    }
    return sum;
}

/**
 * Closed form of one ray at every (t, k, r, s): amplitude F_ue,r^T X F_bs,s
 * exp(j 2 pi (r_ue . d_r + r_bs . d_s)) exp(j 2 pi (r_ue . v / lambda) t) exp(-j 2 pi f tau),
 * checked against the engine's downlink tensor; returns max |error| / max |H|.
 */
double
SingleRayError(const RayChannel& channel,
               const AntennaArray& bs,
               const AntennaArray& ue,
               double ueTheta,
               double uePhi,
               double bsTheta,
               double bsPhi,
               const Eigen::Matrix2cd& x,
               double amplitude,
               double delayS,
               const Eigen::Vector3d& velocityMps,
               const std::vector<double>& timesS,
               const std::vector<double>& offsetsHz)
{
    const CsiTensor h = channel.GetDownlinkResponse(timesS, offsetsHz);
    const double lambda = kSpeedOfLightMps / kCarrierHz;
    const Eigen::Vector3d rUe(std::sin(ueTheta) * std::cos(uePhi),
                              std::sin(ueTheta) * std::sin(uePhi),
                              std::cos(ueTheta));
    const Eigen::Vector3d rBs(std::sin(bsTheta) * std::cos(bsPhi),
                              std::sin(bsTheta) * std::sin(bsPhi),
                              std::cos(bsTheta));
    const double dopplerHz = rUe.dot(velocityMps) / lambda;
    double maxError = 0;
    double maxValue = 0;
    for (std::size_t t = 0; t < timesS.size(); ++t)
    {
        for (std::size_t k = 0; k < offsetsHz.size(); ++k)
        {
            for (std::size_t r = 0; r < ue.GetNumPorts(); ++r)
            {
                for (std::size_t s = 0; s < bs.GetNumPorts(); ++s)
                {
                    const FieldPattern fr = ue.GetFieldPattern(r, ueTheta, uePhi);
                    const FieldPattern fs = bs.GetFieldPattern(s, bsTheta, bsPhi);
                    const Complex polar = fr.theta * (x(0, 0) * fs.theta + x(0, 1) * fs.phi) +
                                          fr.phi * (x(1, 0) * fs.theta + x(1, 1) * fs.phi);
                    const double phase =
                        2 * kPi *
                        (rUe.dot(ue.GetPortPosition(r)) + rBs.dot(bs.GetPortPosition(s)) +
                         dopplerHz * timesS[t] - offsetsHz[k] * delayS);
                    const Complex expected = amplitude * polar * std::polar(1.0, phase);
                    maxError = std::max(maxError, std::abs(Complex(h(t, k, r, s)) - expected));
                    maxValue = std::max(maxValue, std::abs(expected));
                }
            }
        }
    }
    return maxError / maxValue;
}

/// One LOS path (K = 3, no clusters) and one single-ray NLOS cluster against closed forms.
class SingleRayClosedFormTestCase : public TestCase
{
  public:
    SingleRayClosedFormTestCase()
        : TestCase("Single LOS ray and single NLOS ray vs eq. 7.5-22, 7.5-29, 7.5-30 closed form")
    {
    }

  private:
    void DoRun() override
    {
        const AntennaArray bs = MakeArray(2,
                                          2,
                                          {kPi / 4, -kPi / 4},
                                          AntennaArray::ElementPattern::THREE_GPP,
                                          20 * kDeg,
                                          8 * kDeg);
        const AntennaArray ue =
            MakeArray(1, 2, {0, kPi / 2}, AntennaArray::ElementPattern::THREE_GPP, 200 * kDeg);
        const Eigen::Vector3d velocity(10, -5, 1);
        const Vector ueVelocity(velocity.x(), velocity.y(), velocity.z());
        const std::vector<double> times = {0, 0.7e-3, 3.1e-3, 10e-3};
        const std::vector<double> unevenOffsets = {-1e6, 0, 2.5e6, 7e6};

        RaySet los;
        los.carrierFrequencyHz = kCarrierHz;
        los.los = {true, 3.0, 40 * kDeg, 10 * kDeg, 80 * kDeg, 95 * kDeg, 150e-9};
        const RayChannel losChannel(los, bs, ue, ueVelocity);
        Eigen::Matrix2cd losMatrix = Eigen::Matrix2cd::Zero();
        losMatrix(0, 0) = 1;
        losMatrix(1, 1) = -1;
        for (const auto& offsets : {EvenSubcarriers(), unevenOffsets})
        {
            const double error = SingleRayError(losChannel,
                                                bs,
                                                ue,
                                                80 * kDeg,
                                                40 * kDeg,
                                                95 * kDeg,
                                                10 * kDeg,
                                                losMatrix,
                                                std::sqrt(3.0 / 4.0),
                                                150e-9,
                                                velocity,
                                                times,
                                                offsets);
            NS_TEST_ASSERT_MSG_LT(error, 1e-5, "LOS ray, " << offsets.size() << " subcarriers");
        }

        RaySet nlos;
        nlos.carrierFrequencyHz = kCarrierHz;
        const Ray ray{-120 * kDeg, 75 * kDeg, 70 * kDeg, 100 * kDeg, 4.0, 0.3, -1.2, 2.0, 0.7};
        nlos.clusters.push_back({420e-9, 1.0, {ray}});
        const RayChannel nlosChannel(nlos, bs, ue, ueVelocity);
        Eigen::Matrix2cd xpr; // eq. 7.5-28 with kappa = 4
        xpr << std::polar(1.0, 0.3), std::polar(0.5, -1.2), std::polar(0.5, 2.0),
            std::polar(1.0, 0.7);
        for (const auto& offsets : {EvenSubcarriers(), unevenOffsets})
        {
            const double error = SingleRayError(nlosChannel,
                                                bs,
                                                ue,
                                                ray.zoaRad,
                                                ray.aoaRad,
                                                ray.zodRad,
                                                ray.aodRad,
                                                xpr,
                                                1.0,
                                                420e-9,
                                                velocity,
                                                times,
                                                offsets);
            NS_TEST_ASSERT_MSG_LT(error, 1e-5, "NLOS ray, " << offsets.size() << " subcarriers");
        }
    }
};

/// Uplink at the downlink carrier is the transpose of the downlink.
class ReciprocityTestCase : public TestCase
{
  public:
    ReciprocityTestCase()
        : TestCase("TDD reciprocity: uplink = transpose of downlink at the same carrier")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<UniformRandomVariable> u = MakeUniform(11);
        RaySet rays = RandomRaySet(u, 12, 20);
        rays.los = {true, 2.0, 30 * kDeg, 210 * kDeg, 85 * kDeg, 95 * kDeg, 0};
        const AntennaArray bs = AntennaArray::ThreeGppBs4x4DualPol(15 * kDeg, 6 * kDeg);
        const AntennaArray ue = MakeArray(1,
                                          1,
                                          {kPi / 4, -kPi / 4},
                                          AntennaArray::ElementPattern::THREE_GPP,
                                          190 * kDeg);
        const RayChannel channel(rays, bs, ue, Vector(3, 4, 0));
        const std::vector<double> times = {0, 1e-3, 2.5e-3};
        const std::vector<double> offsets = EvenSubcarriers();
        const CsiTensor down = channel.GetDownlinkResponse(times, offsets);
        const CsiTensor up = channel.GetUplinkResponse(times, offsets);
        NS_TEST_ASSERT_MSG_EQ(up.GetShape()[2], 32u, "uplink receive ports = BS ports");
        NS_TEST_ASSERT_MSG_EQ(up.GetShape()[3], 2u, "uplink transmit ports = UE ports");
        double maxError = 0;
        double maxValue = 0;
        for (std::size_t t = 0; t < times.size(); ++t)
        {
            for (std::size_t k = 0; k < offsets.size(); ++k)
            {
                for (std::size_t r = 0; r < 2; ++r)
                {
                    for (std::size_t s = 0; s < 32; ++s)
                    {
                        maxError =
                            std::max(maxError, double(std::abs(down(t, k, r, s) - up(t, k, s, r))));
                        maxValue = std::max(maxValue, double(std::abs(down(t, k, r, s))));
                    }
                }
            }
        }
        NS_TEST_ASSERT_MSG_LT(maxError / maxValue, 1e-6, "uplink vs transposed downlink");
    }
};

/// V/H arrays at both ends: cross-polarised pairs carry power 1/kappa.
class CrossPolarisationTestCase : public TestCase
{
  public:
    CrossPolarisationTestCase()
        : TestCase("Dual polarisation: cross-pol pairs carry the co-pol power divided by the XPR")
    {
    }

  private:
    void DoRun() override
    {
        const AntennaArray bs =
            MakeArray(2, 2, {0, kPi / 2}, AntennaArray::ElementPattern::ISOTROPIC);
        const AntennaArray ue =
            MakeArray(1, 1, {0, kPi / 2}, AntennaArray::ElementPattern::ISOTROPIC);
        // One ray, kappa = 4: |X_tp|^2 = |X_pt|^2 = 1/4 exactly, co-pol terms 1.
        RaySet one;
        one.carrierFrequencyHz = kCarrierHz;
        one.clusters.push_back({0, 1, {{1.0, 2.0, 1.2, 1.7, 4.0, 0.1, 0.2, 0.3, 0.4}}});
        const CsiTensor h1 = RayChannel(one, bs, ue, Vector(0, 0, 0)).GetDownlinkResponse({0}, {0});
        for (std::size_t s = 0; s < 8; ++s)
        {
            // BS ports 4..7 are horizontal: cross-polarised to UE port 0, co- to port 1.
            const double vPower = s < 4 ? 1.0 : 0.25;
            const double hPower = s < 4 ? 0.25 : 1.0;
            NS_TEST_ASSERT_MSG_EQ_TOL(std::norm(h1(0, 0, 0, s)),
                                      vPower,
                                      1e-6,
                                      "V UE port, BS port " << s);
            NS_TEST_ASSERT_MSG_EQ_TOL(std::norm(h1(0, 0, 1, s)),
                                      hPower,
                                      1e-6,
                                      "H UE port, BS port " << s);
        }
        // XPR -> infinity over random multi-cluster sets: cross-pol pairs (almost) empty.
        Ptr<UniformRandomVariable> u = MakeUniform(12);
        double coPower = 0;
        double crossPower = 0;
        for (int draw = 0; draw < 50; ++draw)
        {
            RaySet rays = RandomRaySet(u, 10, 20);
            for (Cluster& cluster : rays.clusters)
            {
                for (Ray& ray : cluster.rays)
                {
                    ray.xpr = 1e8;
                }
            }
            const CsiTensor h =
                RayChannel(rays, bs, ue, Vector(0, 0, 0)).GetDownlinkResponse({0}, {0, 1e6});
            for (std::size_t r = 0; r < 2; ++r)
            {
                for (std::size_t s = 0; s < 8; ++s)
                {
                    const double power = std::norm(h(0, 0, r, s)) + std::norm(h(0, 1, r, s));
                    (r == s / 4 ? coPower : crossPower) += power;
                }
            }
        }
        NS_TEST_ASSERT_MSG_LT(crossPower / coPower, 1e-6, "cross/co power with XPR 80 dB");
    }
};

/// Bad RaySets, velocities, times and frequencies throw naming the value.
class RayChannelInvalidInputTestCase : public TestCase
{
  public:
    RayChannelInvalidInputTestCase()
        : TestCase("Invalid ray sets and arguments throw naming the value")
    {
    }

  private:
    void DoRun() override
    {
        const AntennaArray bs = AntennaArray::ThreeGppBs4x4DualPol();
        const AntennaArray ue = AntennaArray::IsotropicUe();
        const auto expectThrow = [&](const std::string& fragment, auto action) {
            std::string message;
            try
            {
                action();
            }
            catch (const std::invalid_argument& e)
            {
                message = e.what();
            }
            NS_TEST_EXPECT_MSG_NE(message.find(fragment),
                                  std::string::npos,
                                  "message '" << message << "' should contain '" << fragment
                                              << "'");
        };
        const auto build = [&](const RaySet& rays) {
            return [&bs, &ue, rays]() { RayChannel(rays, bs, ue, Vector(0, 0, 0)); };
        };
        Ptr<UniformRandomVariable> u = MakeUniform(13);
        const RaySet good = RandomRaySet(u, 3, 4);

        RaySet empty;
        empty.carrierFrequencyHz = kCarrierHz;
        expectThrow("cluster count 0", build(empty));
        RaySet nanAngle = good;
        nanAngle.clusters[1].rays[2].aoaRad = std::nan("");
        expectThrow("cluster 1 ray 2 AOA nan", build(nanAngle));
        RaySet noRays = good;
        noRays.clusters[2].rays.clear();
        expectThrow("cluster 2 ray count 0", build(noRays));
        RaySet negativePower = good;
        negativePower.clusters[0].power = -0.5;
        expectThrow("cluster 0 power -0.5", build(negativePower));
        RaySet zeroXpr = good;
        zeroXpr.clusters[0].rays[0].xpr = 0;
        expectThrow("XPR 0", build(zeroXpr));
        RaySet badK = good;
        badK.los = {true, -1.0, 0, 0, kPi / 2, kPi / 2, 0};
        expectThrow("K-factor -1", build(badK));
        RaySet noCarrier = good;
        noCarrier.carrierFrequencyHz = 0;
        expectThrow("carrier frequency 0", build(noCarrier));
        expectThrow("velocity y nan",
                    [&]() { RayChannel(good, bs, ue, Vector(0, std::nan(""), 0)); });
        AntennaArray::Config zeroPorts;
        zeroPorts.numColumns = 0;
        expectThrow("columns 0", [&]() { AntennaArray array(zeroPorts); });
        const RayChannel channel(good, bs, ue, Vector(0, 0, 0));
        expectThrow("sample time inf", [&]() {
            channel.GetDownlinkResponse({0, std::numeric_limits<double>::infinity()}, {0});
        });
        expectThrow("subcarrier offset nan", [&]() {
            channel.GetUplinkResponse({0}, {0, std::nan("")});
        });
    }
};

/// E[||H_k||_F^2] = Nr Nt for isotropic vertical elements, by a one-sample t-test.
class TotalPowerTestCase : public TestCase
{
  public:
    TotalPowerTestCase()
        : TestCase("Isotropic arrays: E[squared Frobenius norm of H_k] = Nr Nt, t-test")
    {
    }

  private:
    void DoRun() override
    {
        // Bearings keep the elements vertically polarised in the GCS (psi = 0).
        const AntennaArray bs =
            MakeArray(4, 4, {0}, AntennaArray::ElementPattern::ISOTROPIC, 40 * kDeg);
        const AntennaArray ue =
            MakeArray(1, 2, {0}, AntennaArray::ElementPattern::ISOTROPIC, 250 * kDeg);
        const double expected = 32;
        const std::vector<double> offsets = {-50e6, -10e6, 3e6, 45e6};
        Ptr<UniformRandomVariable> u = MakeUniform(14);
        const int numDraws = 1000;
        double sum = 0;
        double sumSquares = 0;
        for (int draw = 0; draw < numDraws; ++draw)
        {
            RaySet rays = RandomRaySet(u, 15, 20);
            if (draw % 2 == 1) // half the draws with a LOS path, K in [0, 10]
            {
                rays.los = {true,
                            u->GetValue(0, 10),
                            u->GetValue(0, 2 * kPi),
                            u->GetValue(0, 2 * kPi),
                            u->GetValue(0, kPi),
                            u->GetValue(0, kPi),
                            0};
            }
            const RayChannel channel(rays, bs, ue, Vector(5, 0, 0));
            const CsiTensor h = channel.GetDownlinkResponse({0.02}, offsets);
            const std::size_t k = draw % offsets.size(); // one subcarrier per draw: i.i.d.
            const double x = FrobeniusSquared(h, 0, k);
            sum += x;
            sumSquares += x * x;
        }
        const double mean = sum / numDraws;
        const double stdDev = std::sqrt((sumSquares - numDraws * mean * mean) / (numDraws - 1));
        // One-sample t = (mean - Nr Nt) / (s / sqrt(n)); two-sided 0.1% at 999 dof: 3.3.
        const double tStatistic = (mean - expected) / (stdDev / std::sqrt(numDraws));
        NS_TEST_ASSERT_MSG_LT(std::abs(tStatistic),
                              3.3,
                              "mean " << mean << " vs " << expected << ", t = " << tStatistic);
    }
};

/// Horizontal isotropic scattering with horizontal motion: autocorrelation J0(2 pi f_D tau).
class DopplerAutocorrelationTestCase : public TestCase
{
  public:
    DopplerAutocorrelationTestCase()
        : TestCase("Per-ray Doppler: temporal autocorrelation vs J0(2 pi f_D tau)")
    {
    }

  private:
    void DoRun() override
    {
        const AntennaArray single = AntennaArray::IsotropicUe();
        const double maxDopplerHz = 100;
        const double speedMps = maxDopplerHz * kSpeedOfLightMps / kCarrierHz;
        // Velocity at 30 deg azimuth: any horizontal direction gives the same J0.
        const Vector velocity(speedMps * std::cos(kPi / 6), speedMps * std::sin(kPi / 6), 0);
        const double stepS = 0.5e-3;
        const std::size_t numTimes = 400; // 200 ms = 20 / f_D
        const std::size_t maxLag = 40;    // 20 ms, about 5 coherence times 0.423 / f_D
        std::vector<double> times;
        for (std::size_t i = 0; i < numTimes; ++i)
        {
            times.push_back(i * stepS);
        }
        Ptr<UniformRandomVariable> u = MakeUniform(15);
        std::vector<Complex> correlation(maxLag + 1, 0.0);
        double power = 0;
        for (int draw = 0; draw < 100; ++draw)
        {
            RaySet rays = RandomRaySet(u, 20, 20);
            for (Cluster& cluster : rays.clusters)
            {
                for (Ray& ray : cluster.rays)
                {
                    ray.zoaRad = kPi / 2;
                }
            }
            const CsiTensor h =
                RayChannel(rays, single, single, velocity).GetDownlinkResponse(times, {0});
            for (std::size_t t = 0; t + maxLag < numTimes; ++t)
            {
                const Complex h0(h(t, 0, 0, 0));
                power += std::norm(h0);
                for (std::size_t lag = 0; lag <= maxLag; ++lag)
                {
                    correlation[lag] += Complex(h(t + lag, 0, 0, 0)) * std::conj(h0);
                }
            }
        }
        double maxError = 0;
        for (std::size_t lag = 0; lag <= maxLag; ++lag)
        {
            const double expected = std::cyl_bessel_j(0.0, 2 * kPi * maxDopplerHz * lag * stepS);
            maxError = std::max(maxError, std::abs(correlation[lag].real() / power - expected));
        }
        NS_TEST_ASSERT_MSG_LT(maxError, 0.05, "max |R(tau) - J0(2 pi f_D tau)|");
    }
};

/// Two FDD bands: same large-scale rays, independent phases, uncorrelated coefficients.
class FddBandsTestCase : public TestCase
{
  public:
    FddBandsTestCase()
        : TestCase("FDD: redrawn phases keep powers and angles, decorrelate the bands")
    {
    }

  private:
    void DoRun() override
    {
        const AntennaArray bs = MakeArray(4, 4, {0}, AntennaArray::ElementPattern::ISOTROPIC);
        const AntennaArray ue = AntennaArray::IsotropicUe();
        Ptr<UniformRandomVariable> u = MakeUniform(16);
        Ptr<UniformRandomVariable> phases = MakeUniform(17);
        const std::vector<double> offsets = EvenSubcarriers();
        const int numDraws = 200;
        double sumCorrelation = 0;
        double sumDiff = 0;
        double sumDiffSquares = 0;
        for (int draw = 0; draw < numDraws; ++draw)
        {
            const RaySet down = RandomRaySet(u, 15, 20);
            RaySet up = down;
            up.carrierFrequencyHz = 3.6e9;
            RedrawPhases(up, phases);
            bool sameLargeScale = true;
            bool phasesChanged = true;
            for (std::size_t n = 0; n < down.clusters.size(); ++n)
            {
                const Cluster& a = down.clusters[n];
                const Cluster& b = up.clusters[n];
                sameLargeScale = sameLargeScale && a.delayS == b.delayS && a.power == b.power;
                for (std::size_t m = 0; m < a.rays.size(); ++m)
                {
                    const Ray& x = a.rays[m];
                    const Ray& y = b.rays[m];
                    sameLargeScale = sameLargeScale && x.aoaRad == y.aoaRad &&
                                     x.aodRad == y.aodRad && x.zoaRad == y.zoaRad &&
                                     x.zodRad == y.zodRad && x.xpr == y.xpr;
                    phasesChanged = phasesChanged && x.phaseThetaTheta != y.phaseThetaTheta &&
                                    x.phaseThetaPhi != y.phaseThetaPhi &&
                                    x.phasePhiTheta != y.phasePhiTheta &&
                                    x.phasePhiPhi != y.phasePhiPhi;
                }
            }
            NS_TEST_ASSERT_MSG_EQ(sameLargeScale, true, "delays, powers, angles, XPR kept");
            NS_TEST_ASSERT_MSG_EQ(phasesChanged, true, "all phases redrawn");
            const CsiTensor hDown =
                RayChannel(down, bs, ue, Vector(0, 0, 0)).GetDownlinkResponse({0}, offsets);
            const CsiTensor hUp =
                RayChannel(up, bs, ue, Vector(0, 0, 0)).GetDownlinkResponse({0}, offsets);
            // |<H_a, H_b>| / (||H_a|| ||H_b||) over all subcarriers and pairs.
            Complex inner = 0;
            double normDown = 0;
            double normUp = 0;
            for (std::size_t i = 0; i < hDown.GetSize(); ++i)
            {
                inner += Complex(hDown.GetData()[i]) * std::conj(Complex(hUp.GetData()[i]));
                normDown += std::norm(hDown.GetData()[i]);
                normUp += std::norm(hUp.GetData()[i]);
            }
            sumCorrelation += std::abs(inner) / std::sqrt(normDown * normUp);
            const double diff = (normDown - normUp) / offsets.size();
            sumDiff += diff;
            sumDiffSquares += diff * diff;
        }
        NS_TEST_ASSERT_MSG_LT(sumCorrelation / numDraws, 0.2, "mean correlation across bands");
        // Paired t-test on the per-subcarrier power difference: the bands carry equal power.
        const double meanDiff = sumDiff / numDraws;
        const double stdDiff =
            std::sqrt((sumDiffSquares - numDraws * meanDiff * meanDiff) / (numDraws - 1));
        const double tStatistic = meanDiff / (stdDiff / std::sqrt(numDraws));
        NS_TEST_ASSERT_MSG_LT(std::abs(tStatistic),
                              3.3,
                              "band power difference t = " << tStatistic);
    }
};

class RayChannelClosedFormTestSuite : public TestSuite
{
  public:
    RayChannelClosedFormTestSuite()
        : TestSuite("channel-ray-closed-form", TestSuite::UNIT)
    {
        AddTestCase(new SingleRayClosedFormTestCase, TestCase::QUICK);
        AddTestCase(new ReciprocityTestCase, TestCase::QUICK);
        AddTestCase(new CrossPolarisationTestCase, TestCase::QUICK);
        AddTestCase(new RayChannelInvalidInputTestCase, TestCase::QUICK);
    }
};

class RayChannelStatisticsTestSuite : public TestSuite
{
  public:
    RayChannelStatisticsTestSuite()
        : TestSuite("channel-ray-statistics", TestSuite::UNIT)
    {
        AddTestCase(new TotalPowerTestCase, TestCase::QUICK);
        AddTestCase(new DopplerAutocorrelationTestCase, TestCase::QUICK);
        AddTestCase(new FddBandsTestCase, TestCase::QUICK);
    }
};

RayChannelClosedFormTestSuite g_rayChannelClosedFormTestSuite;
RayChannelStatisticsTestSuite g_rayChannelStatisticsTestSuite;

} // namespace
