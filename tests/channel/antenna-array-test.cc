#include "channel/antenna-array.h"

#include "ns3/test.h"

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

constexpr double kDeg = M_PI / 180;

double
PowerDb(const FieldPattern& f)
{
    return 10 * std::log10(f.theta * f.theta + f.phi * f.phi);
}

/// Table 7.3-1 element: single slant-0 port, no rotation.
AntennaArray
SingleThreeGppElement(double bearingRad = 0, double downtiltRad = 0, double slantRad = 0)
{
    AntennaArray::Config config;
    config.pattern = AntennaArray::ElementPattern::THREE_GPP;
    config.polarisationSlantsRad = {slantRad};
    config.bearingRad = bearingRad;
    config.downtiltRad = downtiltRad;
    return AntennaArray(config);
}

/// Table 7.3-1 element gain against values worked out by hand from the table.
class ElementPatternTestCase : public TestCase
{
  public:
    ElementPatternTestCase()
        : TestCase("38.901 Table 7.3-1 element: 8 dBi boresight, 3 dB beamwidth, 30 dB floor")
    {
    }

  private:
    void DoRun() override
    {
        struct Point
        {
            double thetaDeg;
            double phiDeg;
            double gainDbi;
        };

        // A_V = -min(12 ((theta - 90) / 65)^2, 30), A_H = -min(12 (phi / 65)^2, 30),
        // G = 8 - min(-(A_V + A_H), 30).
        const Point points[] = {
            {90, 0, 8.0},                                   // boresight
            {90, 32.5, 5.0},                                // half the 3 dB beamwidth: -3 dB
            {122.5, 0, 5.0},                                // same in elevation
            {90, 180, -22.0},                               // back: A_max floor
            {0, 0, 8.0 - 12 * std::pow(90.0 / 65, 2)},      // zenith: A_V = -23.0 dB
            {20, 90, -22.0},                                // A_V + A_H = -36.9 dB: floor
            {90, -100, 8.0 - 12 * std::pow(100.0 / 65, 2)}, // A_H = -28.4 dB
        };
        const AntennaArray element = SingleThreeGppElement();
        for (const Point& p : points)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(
                AntennaArray::ThreeGppElementGainDbi(p.thetaDeg * kDeg, p.phiDeg * kDeg),
                p.gainDbi,
                1e-9,
                "gain at theta " << p.thetaDeg << " phi " << p.phiDeg);
            NS_TEST_ASSERT_MSG_EQ_TOL(
                PowerDb(element.GetFieldPattern(0, p.thetaDeg * kDeg, p.phiDeg * kDeg)),
                p.gainDbi,
                1e-9,
                "field pattern power at theta " << p.thetaDeg << " phi " << p.phiDeg);
        }
        // Slant 0 is vertical: all of the field along theta-hat.
        NS_TEST_ASSERT_MSG_EQ_TOL(element.GetFieldPattern(0, 70 * kDeg, 20 * kDeg).phi,
                                  0.0,
                                  1e-12,
                                  "slant 0 has no phi component");
        // Rotated element: boresight at bearing alpha, theta = 90 deg + downtilt.
        const AntennaArray rotated = SingleThreeGppElement(30 * kDeg, 10 * kDeg);
        NS_TEST_ASSERT_MSG_EQ_TOL(PowerDb(rotated.GetFieldPattern(0, 100 * kDeg, 30 * kDeg)),
                                  8.0,
                                  1e-9,
                                  "boresight of a rotated element");
        const AntennaArray isotropic = AntennaArray::IsotropicUe();
        NS_TEST_ASSERT_MSG_EQ_TOL(PowerDb(isotropic.GetFieldPattern(0, 33 * kDeg, -140 * kDeg)),
                                  0.0,
                                  1e-12,
                                  "isotropic element gain");
    }
};

/// GCS field pattern of a rotated, slanted element against eq. 7.1-7, 7.1-8, 7.1-11 and
/// 7.1-15 (gamma = 0) evaluated in closed form, independent of the code's rotation matrices.
class OrientationTestCase : public TestCase
{
  public:
    OrientationTestCase()
        : TestCase("LCS to GCS: eq. 7.1-7, 7.1-8, 7.1-11, 7.1-15 with bearing, downtilt and slant")
    {
    }

  private:
    void DoRun() override
    {
        const double alpha = 30 * kDeg;
        const double beta = 12 * kDeg;
        const double slant = 45 * kDeg;
        const AntennaArray element = SingleThreeGppElement(alpha, beta, slant);
        const double directions[][2] = {{95, 40}, {60, -20}, {120, 170}, {10, 80}, {150, 200}};
        for (const auto& d : directions)
        {
            const double theta = d[0] * kDeg;
            const double phi = d[1] * kDeg;
            const double dphi = phi - alpha;
            const double thetaLocal = std::acos(std::cos(beta) * std::cos(theta) +
                                                std::sin(beta) * std::cos(dphi) * std::sin(theta));
            const double phiLocal =
                std::arg(std::complex<double>(std::cos(beta) * std::sin(theta) * std::cos(dphi) -
                                                  std::sin(beta) * std::cos(theta),
                                              std::sin(dphi) * std::sin(theta)));
            const double psi =
                std::arg(std::complex<double>(std::cos(beta) * std::sin(theta) -
                                                  std::sin(beta) * std::cos(theta) * std::cos(dphi),
                                              std::sin(beta) * std::sin(dphi)));
            const double amplitude =
                std::pow(10.0, AntennaArray::ThreeGppElementGainDbi(thetaLocal, phiLocal) / 20);
            const double localTheta = amplitude * std::cos(slant); // eq. 7.3-4
            const double localPhi = amplitude * std::sin(slant);   // eq. 7.3-5
            const double expectedTheta = std::cos(psi) * localTheta - std::sin(psi) * localPhi;
            const double expectedPhi = std::sin(psi) * localTheta + std::cos(psi) * localPhi;
            const FieldPattern f = element.GetFieldPattern(0, theta, phi);
            NS_TEST_ASSERT_MSG_EQ_TOL(f.theta,
                                      expectedTheta,
                                      1e-9 * amplitude,
                                      "F_theta at " << d[0] << ", " << d[1] << " deg");
            NS_TEST_ASSERT_MSG_EQ_TOL(f.phi,
                                      expectedPhi,
                                      1e-9 * amplitude,
                                      "F_phi at " << d[0] << ", " << d[1] << " deg");
        }
    }
};

/// Port count, numbering and positions of the presets and of a rotated array.
class ArrayGeometryTestCase : public TestCase
{
  public:
    ArrayGeometryTestCase()
        : TestCase("UPA geometry: presets, polarisation-major ports, rotated positions")
    {
    }

  private:
    void DoRun() override
    {
        const AntennaArray bs = AntennaArray::ThreeGppBs4x4DualPol();
        NS_TEST_ASSERT_MSG_EQ(bs.GetNumPorts(), 32u, "BS preset ports");
        NS_TEST_ASSERT_MSG_EQ(bs.GetNumPolarisations(), 2u, "BS preset polarisations");
        NS_TEST_ASSERT_MSG_EQ(bs.GetPortPolarisation(15), 0u, "port 15 is +45 deg");
        NS_TEST_ASSERT_MSG_EQ(bs.GetPortPolarisation(16), 1u, "port 16 is -45 deg");
        // +-45 deg ports at boresight: orthogonal, equal gain.
        const FieldPattern plus = bs.GetFieldPattern(0, 90 * kDeg, 0);
        const FieldPattern minus = bs.GetFieldPattern(16, 90 * kDeg, 0);
        NS_TEST_ASSERT_MSG_EQ_TOL(plus.theta * minus.theta + plus.phi * minus.phi,
                                  0.0,
                                  1e-12,
                                  "+-45 deg ports orthogonal");
        NS_TEST_ASSERT_MSG_EQ_TOL(PowerDb(minus), 8.0, 1e-9, "-45 deg port boresight gain");
        const AntennaArray ue = AntennaArray::IsotropicUe();
        NS_TEST_ASSERT_MSG_EQ(ue.GetNumPorts(), 1u, "UE preset ports");

        // Element (m, n) = (2, 3) at (0, n dH, m dV) rotated by Rz(alpha) Ry(beta):
        // (z sin(beta) cos(alpha) - y sin(alpha), z sin(beta) sin(alpha) + y cos(alpha), z
        // cos(beta)).
        AntennaArray::Config config;
        config.numRows = 3;
        config.numColumns = 4;
        config.rowSpacingWavelengths = 0.7;
        config.columnSpacingWavelengths = 0.5;
        config.polarisationSlantsRad = {0, M_PI / 2};
        config.bearingRad = 50 * kDeg;
        config.downtiltRad = 15 * kDeg;
        const AntennaArray array(config);
        NS_TEST_ASSERT_MSG_EQ(array.GetNumPorts(), 24u, "3 x 4 dual-pol ports");
        const double y = 3 * 0.5;
        const double z = 2 * 0.7;
        const double a = config.bearingRad;
        const double b = config.downtiltRad;
        for (std::size_t port : {2 * 4 + 3, 12 + 2 * 4 + 3})
        {
            const Eigen::Vector3d& d = array.GetPortPosition(port);
            NS_TEST_ASSERT_MSG_EQ_TOL(d.x(),
                                      z * std::sin(b) * std::cos(a) - y * std::sin(a),
                                      1e-12,
                                      "x of port " << port);
            NS_TEST_ASSERT_MSG_EQ_TOL(d.y(),
                                      z * std::sin(b) * std::sin(a) + y * std::cos(a),
                                      1e-12,
                                      "y of port " << port);
            NS_TEST_ASSERT_MSG_EQ_TOL(d.z(), z * std::cos(b), 1e-12, "z of port " << port);
        }
    }
};

/// Bad configurations throw std::invalid_argument naming the value.
class ArrayInvalidInputTestCase : public TestCase
{
  public:
    ArrayInvalidInputTestCase()
        : TestCase("Invalid array configurations throw naming the value")
    {
    }

  private:
    void DoRun() override
    {
        const auto expectThrow = [this](const AntennaArray::Config& config,
                                        const std::string& fragment) {
            std::string message;
            try
            {
                AntennaArray array(config);
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
        AntennaArray::Config zeroRows;
        zeroRows.numRows = 0;
        expectThrow(zeroRows, "rows 0");
        AntennaArray::Config zeroColumns;
        zeroColumns.numColumns = 0;
        expectThrow(zeroColumns, "columns 0");
        AntennaArray::Config badSpacing;
        badSpacing.columnSpacingWavelengths = -0.5;
        expectThrow(badSpacing, "spacing -0.5");
        AntennaArray::Config noPolarisation;
        noPolarisation.polarisationSlantsRad = {};
        expectThrow(noPolarisation, "polarisations 0");
        AntennaArray::Config nanBearing;
        nanBearing.bearingRad = std::nan("");
        expectThrow(nanBearing, "bearing nan");
    }
};

class AntennaArrayTestSuite : public TestSuite
{
  public:
    AntennaArrayTestSuite()
        : TestSuite("channel-ray-antenna-array", TestSuite::UNIT)
    {
        AddTestCase(new ElementPatternTestCase, TestCase::QUICK);
        AddTestCase(new OrientationTestCase, TestCase::QUICK);
        AddTestCase(new ArrayGeometryTestCase, TestCase::QUICK);
        AddTestCase(new ArrayInvalidInputTestCase, TestCase::QUICK);
    }
};

AntennaArrayTestSuite g_antennaArrayTestSuite;

} // namespace
