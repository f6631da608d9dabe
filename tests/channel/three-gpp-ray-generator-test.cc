#include "channel/three-gpp-ray-generator.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr double kPi = M_PI;
constexpr double kRadToDeg = 180.0 / M_PI;

Ptr<ThreeGppRayGenerator>
MakeGenerator(const std::string& scenario, bool los, double frequencyHz, int64_t stream)
{
    Ptr<ThreeGppRayGenerator> generator = CreateObject<ThreeGppRayGenerator>();
    generator->SetAttribute("Scenario", StringValue(scenario));
    generator->SetAttribute("Los", BooleanValue(los));
    generator->SetAttribute("CarrierFrequencyHz", DoubleValue(frequencyHz));
    generator->AssignStreams(stream);
    return generator;
}

double
Mean(const std::vector<double>& x)
{
    return std::accumulate(x.begin(), x.end(), 0.0) / x.size();
}

double
StdDev(const std::vector<double>& x)
{
    const double mean = Mean(x);
    double sum = 0;
    for (double v : x)
    {
        sum += (v - mean) * (v - mean);
    }
    return std::sqrt(sum / (x.size() - 1));
}

double
Correlation(const std::vector<double>& x, const std::vector<double>& y)
{
    const double mx = Mean(x);
    const double my = Mean(y);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

/// Unwrapped angles (deg) of a cluster's rays relative to the first ray, minus their mean.
std::vector<double>
CentredOffsetsDeg(const std::vector<double>& anglesRad, double* meanDeg)
{
    std::vector<double> offsets;
    for (double a : anglesRad)
    {
        offsets.push_back(std::remainder((a - anglesRad[0]) * kRadToDeg, 360.0));
    }
    const double mean = Mean(offsets);
    for (double& o : offsets)
    {
        o -= mean;
    }
    if (meanDeg)
    {
        *meanDeg = anglesRad[0] * kRadToDeg + mean;
    }
    std::sort(offsets.begin(), offsets.end());
    return offsets;
}

/// Sorted c * alpha_m of Table 7.5-3, typed in from the spec.
std::vector<double>
ExpectedOffsetsDeg(double clusterSpreadDeg)
{
    const double alpha[] =
        {0.0447, 0.1413, 0.2492, 0.3715, 0.5129, 0.6797, 0.8844, 1.1481, 1.5195, 2.1551};
    std::vector<double> offsets;
    for (double a : alpha)
    {
        offsets.push_back(a * clusterSpreadDeg);
        offsets.push_back(-a * clusterSpreadDeg);
    }
    std::sort(offsets.begin(), offsets.end());
    return offsets;
}

/// Expected values of one link configuration, written from TR 38.901 Table 7.5-6 and
/// Tables 7.5-7/7.5-8 independently of the implementation's tables.
struct LinkCase
{
    std::string name;
    std::string scenario;
    bool los;
    double frequencyHz;
    Vector bsPos;
    Vector uePos;
    ThreeGppNormal lgDs, lgAsd, lgAsa, lgZsa, lgZsd, kDb;
    uint32_t numClusters;
    double clusterDsS, clusterAsdDeg, clusterAsaDeg;
    ThreeGppNormal xprDb;
    ThreeGppLsp corrA, corrB; //!< one cross-correlation to check
    double rho;
};

/**
 * Structural checks of one RaySet (independent of statistics). Returns an empty string or
 * the first violation.
 */
std::string
CheckStructure(const RaySet& rs,
               uint32_t numClusters,
               uint32_t numDropped,
               double clusterDsS,
               bool los)
{
    // The strongest two of the kept clusters become three each (one if only one is kept:
    // with a strong LOS path the -25 dB rule of eq. 7.5-8 can remove all others).
    const uint32_t kept = numClusters - numDropped;
    const uint32_t numSplit = std::min<uint32_t>(kept, 2);
    if (rs.clusters.size() != kept + 2 * numSplit)
    {
        return "cluster count " + std::to_string(rs.clusters.size()) + " != N - dropped + 4";
    }
    double powerSum = 0;
    double maxPower = 0;
    double minPower = 1;
    std::vector<const Cluster*> bySize[3];
    for (const Cluster& c : rs.clusters)
    {
        powerSum += c.power;
        if (!(c.delayS >= 0) || !std::isfinite(c.delayS))
        {
            return "bad delay";
        }
        // A split cluster's full power is its first sub-cluster's / (10/20).
        const double fullPower = c.rays.size() == 10 ? c.power * 2 : c.power;
        if (c.rays.size() == 20 || c.rays.size() == 10)
        {
            maxPower = std::max(maxPower, fullPower);
            // With LOS the 0-delay cluster also holds the specular ray (eq. 7.5-8), so it
            // is kept whatever its own power.
            if (!(los && c.delayS == 0))
            {
                minPower = std::min(minPower, fullPower);
            }
        }
        switch (c.rays.size())
        {
        case 10:
            bySize[0].push_back(&c);
            break;
        case 6:
            bySize[1].push_back(&c);
            break;
        case 4:
            bySize[2].push_back(&c);
            break;
        case 20:
            break;
        default:
            return "cluster with " + std::to_string(c.rays.size()) + " rays";
        }
        for (const Ray& r : c.rays)
        {
            for (double a : {r.aoaRad, r.aodRad})
            {
                if (!(a >= -kPi && a < kPi))
                {
                    return "azimuth out of [-pi, pi)";
                }
            }
            for (double z : {r.zoaRad, r.zodRad})
            {
                if (!(z >= 0 && z <= kPi))
                {
                    return "zenith out of [0, pi]";
                }
            }
            if (!(r.xpr > 0) || !std::isfinite(r.xpr))
            {
                return "bad XPR";
            }
            for (double ph : {r.phaseThetaTheta, r.phaseThetaPhi, r.phasePhiTheta, r.phasePhiPhi})
            {
                if (!(ph >= -kPi && ph <= kPi))
                {
                    return "phase out of [-pi, pi]";
                }
            }
        }
    }
    if (std::abs(powerSum - 1) > 1e-12)
    {
        return "powers sum to " + std::to_string(powerSum);
    }
    if (minPower < std::pow(10.0, -2.5) * maxPower * (1 - 1e-12))
    {
        return "a cluster is more than 25 dB below the strongest";
    }
    // Table 7.5-5: two split clusters, each 10/6/4 rays with powers 10:6:4, delays +1.28,
    // +2.56 c_DS.
    if (bySize[0].size() != numSplit || bySize[1].size() != numSplit ||
        bySize[2].size() != numSplit)
    {
        return "not the two strongest clusters split into 10 + 6 + 4 rays";
    }
    for (const Cluster* first : bySize[0])
    {
        for (int s = 1; s <= 2; ++s)
        {
            const double wantDelay = first->delayS + (s == 1 ? 1.28 : 2.56) * clusterDsS;
            const double wantPower = first->power * (s == 1 ? 0.6 : 0.4);
            bool found = false;
            for (const Cluster* sub : bySize[s])
            {
                found |= std::abs(sub->delayS - wantDelay) < 1e-15 &&
                         std::abs(sub->power - wantPower) < 1e-12 * first->power;
            }
            if (!found)
            {
                return "sub-cluster delay or power wrong";
            }
        }
    }
    if (rs.los.present != los || (los && !(rs.los.kFactor > 0)))
    {
        return "LOS path presence or K";
    }
    return "";
}

/// RMS delay spread (s) of the clusters, with the LOS path (delay 0, K/(K+1)) if present.
double
RmsDelaySpreadS(const RaySet& rs)
{
    const double k = rs.los.present ? rs.los.kFactor : 0.0;
    double p0 = k / (k + 1);
    double m1 = 0;
    double m2 = 0;
    double total = p0;
    for (const Cluster& c : rs.clusters)
    {
        const double p = c.power / (k + 1);
        total += p;
        m1 += p * c.delayS;
        m2 += p * c.delayS * c.delayS;
    }
    m1 /= total;
    m2 /= total;
    return std::sqrt(std::max(m2 - m1 * m1, 0.0));
}

/**
 * Step 4 statistics over 2000 seeded draws against Table 7.5-6, plus structure, ray offsets
 * and the rms delay spread of the clusters.
 *
 * Tolerances: the standard error of a mean over n = 2000 is sigma / sqrt(n) (<= 0.009 for
 * sigma <= 0.41), so 0.05 is > 5 standard errors; the standard error of a sample standard
 * deviation is about sigma / sqrt(2n) = 1.6%, so 10% is > 6; for K (sigma 5 dB) it is
 * 0.11 dB against 0.5 dB; for a correlation it is about (1 - rho^2) / sqrt(n) <= 0.022
 * against 0.1.
 *
 * Cluster delay spread: with delays tau ~ Exp(r_tau DS) and powers exp(-tau (r_tau - 1) /
 * (r_tau DS)) the expected power-delay profile is exp(-tau / DS), whose rms spread is
 * exactly DS. A finite set of N clusters is a weighted sample of it: its weighted variance
 * underestimates the profile's by about the factor (1 - sum w_n^2), and the -25 dB drop
 * and per-cluster shadowing only remove or reweight tail power; the sub-cluster offsets
 * (<= 2.56 c_DS, a few ns) add little. So the mean ratio lies below 1, and above 0.6 for
 * the 12-20 clusters here unless the delays or powers were mis-scaled.
 */
class ThreeGppLspStatisticsTestCase : public TestCase
{
  public:
    ThreeGppLspStatisticsTestCase(LinkCase c, int64_t stream)
        : TestCase("LSP statistics " + c.name),
          m_case(std::move(c)),
          m_stream(stream)
    {
    }

  private:
    void DoRun() override
    {
        const LinkCase& c = m_case;
        Ptr<ThreeGppRayGenerator> gen = MakeGenerator(c.scenario, c.los, c.frequencyHz, m_stream);
        const int numDraws = 2000;
        std::vector<double> lg[kNumLsps];
        std::vector<double> dsRatio;
        std::vector<double> xprDb;
        const std::vector<double> wantAoa = ExpectedOffsetsDeg(c.clusterAsaDeg);
        const std::vector<double> wantAod = ExpectedOffsetsDeg(c.clusterAsdDeg);
        double maxOffsetError = 0;
        for (int i = 0; i < numDraws; ++i)
        {
            const RaySet rs = gen->Generate(c.bsPos, c.uePos);
            const ThreeGppLsps& l = gen->GetLastLsps();
            lg[kLspDs].push_back(l.lgDs);
            lg[kLspAsd].push_back(l.lgAsd);
            lg[kLspAsa].push_back(l.lgAsa);
            lg[kLspZsa].push_back(l.lgZsa);
            lg[kLspZsd].push_back(l.lgZsd);
            lg[kLspSf].push_back(l.shadowFadingDb);
            lg[kLspK].push_back(l.kFactorDb);
            const std::string error = CheckStructure(rs,
                                                     c.numClusters,
                                                     gen->GetLastNumDroppedClusters(),
                                                     c.clusterDsS,
                                                     c.los);
            NS_TEST_ASSERT_MSG_EQ(error, "", "draw " << i);
            dsRatio.push_back(RmsDelaySpreadS(rs) / l.delaySpreadS);
            for (const Cluster& cl : rs.clusters)
            {
                if (cl.rays.size() != 20)
                {
                    continue;
                }
                std::vector<double> aoa;
                std::vector<double> aod;
                for (const Ray& r : cl.rays)
                {
                    aoa.push_back(r.aoaRad);
                    aod.push_back(r.aodRad);
                    xprDb.push_back(10 * std::log10(r.xpr));
                }
                const std::vector<double> gotAoa = CentredOffsetsDeg(aoa, nullptr);
                const std::vector<double> gotAod = CentredOffsetsDeg(aod, nullptr);
                for (std::size_t m = 0; m < 20; ++m)
                {
                    maxOffsetError = std::max({maxOffsetError,
                                               std::abs(gotAoa[m] - wantAoa[m]),
                                               std::abs(gotAod[m] - wantAod[m])});
                }
            }
        }
        NS_TEST_ASSERT_MSG_LT(maxOffsetError, 1e-9, "ray offsets c_ASA/c_ASD * alpha_m");

        const std::pair<ThreeGppLsp, const ThreeGppNormal*> checks[] = {
            {kLspDs, &c.lgDs},
            {kLspAsd, &c.lgAsd},
            {kLspAsa, &c.lgAsa},
            {kLspZsa, &c.lgZsa},
            {kLspZsd, &c.lgZsd},
        };
        const char* names[] = {"lgDS", "lgASD", "lgASA", "lgZSA", "lgZSD"};
        for (std::size_t i = 0; i < std::size(checks); ++i)
        {
            const auto& [lsp, want] = checks[i];
            NS_TEST_EXPECT_MSG_EQ_TOL(Mean(lg[lsp]), want->mu, 0.05, names[i] << " mean");
            NS_TEST_EXPECT_MSG_EQ_TOL(StdDev(lg[lsp]) / want->sigma,
                                      1.0,
                                      0.1,
                                      names[i] << " std / table");
        }
        if (c.los)
        {
            NS_TEST_EXPECT_MSG_EQ_TOL(Mean(lg[kLspK]), c.kDb.mu, 0.5, "K mean (dB)");
            NS_TEST_EXPECT_MSG_EQ_TOL(StdDev(lg[kLspK]) / c.kDb.sigma, 1.0, 0.1, "K std");
        }
        NS_TEST_EXPECT_MSG_EQ_TOL(Correlation(lg[c.corrA], lg[c.corrB]),
                                  c.rho,
                                  0.1,
                                  "cross-correlation of Table 7.5-6");
        // XPR: ~ 12 x 20 x 2000 ray draws, standard error < 0.01 dB.
        NS_TEST_EXPECT_MSG_EQ_TOL(Mean(xprDb), c.xprDb.mu, 0.1, "XPR mean (dB)");
        NS_TEST_EXPECT_MSG_EQ_TOL(StdDev(xprDb), c.xprDb.sigma, 0.1, "XPR std (dB)");
        const double ratio = Mean(dsRatio);
        NS_TEST_EXPECT_MSG_GT(ratio, 0.6, "cluster rms DS / drawn DS");
        NS_TEST_EXPECT_MSG_LT(ratio, 1.1, "cluster rms DS / drawn DS");
        std::cout << "  " << GetName() << ": mean lgDS " << Mean(lg[kLspDs]) << " (table "
                  << c.lgDs.mu << "), std " << StdDev(lg[kLspDs]) << " (" << c.lgDs.sigma
                  << "), cluster/drawn DS " << ratio << std::endl;
    }

    LinkCase m_case;
    int64_t m_stream;
};

/// The spec's cases at 3.5 GHz (UMa uses fc = 6 GHz below 6 GHz, note 6) and 28 GHz.
std::vector<LinkCase>
SpecCases()
{
    const Vector umaBs(0, 0, 25);
    const Vector umaUe(200, 50, 1.5);
    const double umaD2dKm = std::hypot(200.0, 50.0) / 1000;
    const Vector umiBs(0, 0, 10);
    const Vector umiUe(100, 30, 1.5);
    const double umiD2dKm = std::hypot(100.0, 30.0) / 1000;

    std::vector<LinkCase> cases;
    for (double fcGHz : {3.5, 28.0})
    {
        const double f = std::log10(std::max(fcGHz, 6.0)); // UMa
        const double cDs = std::max(0.25, 6.5622 - 3.4084 * f) * 1e-9;
        cases.push_back(LinkCase{fcGHz < 10 ? "UMa NLOS 3.5 GHz" : "UMa NLOS 28 GHz",
                                 "UMa",
                                 false,
                                 fcGHz * 1e9,
                                 umaBs,
                                 umaUe,
                                 {-6.28 - 0.204 * f, 0.39},
                                 {1.5 - 0.1144 * f, 0.28},
                                 {2.08 - 0.27 * f, 0.11},
                                 {1.512 - 0.3236 * f, 0.16},
                                 {std::max(-0.5, -2.1 * umaD2dKm + 0.9), 0.49},
                                 {0, 0},
                                 20,
                                 cDs,
                                 2,
                                 15,
                                 {7, 3},
                                 kLspAsa,
                                 kLspDs,
                                 0.6});
    }
    {
        const double f = std::log10(6.0);
        cases.push_back(LinkCase{"UMa LOS 3.5 GHz",
                                 "UMa",
                                 true,
                                 3.5e9,
                                 umaBs,
                                 umaUe,
                                 {-6.955 - 0.0963 * f, 0.66},
                                 {1.06 + 0.1114 * f, 0.28},
                                 {1.81, 0.20},
                                 {0.95, 0.16},
                                 {std::max(-0.5, -2.1 * umaD2dKm + 0.75), 0.40},
                                 {9, 3.5},
                                 12,
                                 (6.5622 - 3.4084 * f) * 1e-9, // 3.91 ns as printed (rounded)
                                 5,
                                 11,
                                 {8, 4},
                                 kLspAsa,
                                 kLspDs,
                                 0.8});
    }
    const double f = std::log10(1 + 3.5); // UMi: lg(1 + fc)
    cases.push_back(LinkCase{"UMi NLOS 3.5 GHz",
                             "UMi-StreetCanyon",
                             false,
                             3.5e9,
                             umiBs,
                             umiUe,
                             {-0.24 * f - 6.83, 0.16 * f + 0.28},
                             {-0.23 * f + 1.53, 0.11 * f + 0.33},
                             {-0.08 * f + 1.81, 0.05 * f + 0.3},
                             {-0.04 * f + 0.92, -0.07 * f + 0.41},
                             {std::max(-0.5, -3.1 * umiD2dKm + 0.2), 0.35},
                             {0, 0},
                             19,
                             11e-9,
                             10,
                             22,
                             {8, 3},
                             kLspDs,
                             kLspSf,
                             -0.7});
    cases.push_back(LinkCase{"UMi LOS 3.5 GHz",
                             "UMi-StreetCanyon",
                             true,
                             3.5e9,
                             umiBs,
                             umiUe,
                             {-0.24 * f - 7.14, 0.38},
                             {-0.05 * f + 1.21, 0.41},
                             {-0.08 * f + 1.73, 0.014 * f + 0.28},
                             {-0.1 * f + 0.73, -0.04 * f + 0.34},
                             {std::max(-0.21, -14.8 * umiD2dKm + 0.01 * 8.5 + 0.83), 0.35},
                             {9, 5},
                             12,
                             5e-9,
                             3,
                             17,
                             {9, 3},
                             kLspDs,
                             kLspK,
                             -0.7});
    return cases;
}

/// Table values and helpers against numbers typed in from TR 38.901.
class ThreeGppLspTablesTestCase : public TestCase
{
  public:
    ThreeGppLspTablesTestCase()
        : TestCase("LSP tables: correlation matrices, frequency clamps, ZSD laws")
    {
    }

  private:
    void DoRun() override
    {
        for (ThreeGppScenario s : kAllThreeGppScenarios)
        {
            for (bool los : {false, true})
            {
                const ThreeGppLspParameters p =
                    GetThreeGppLspParameters(s, los, 3.5e9, 100, 1.5, 10);
                const std::string what = ToString(s) + (los ? " LOS" : " NLOS");
                NS_TEST_ASSERT_MSG_EQ((p.correlation - p.correlation.transpose()).norm(),
                                      0.0,
                                      what << " symmetric");
                NS_TEST_ASSERT_MSG_EQ(p.correlation.diagonal().isOnes(), true, what);
                NS_TEST_ASSERT_MSG_EQ(
                    (Eigen::LLT<Eigen::MatrixXd>(p.correlation).info() == Eigen::Success),
                    true,
                    what << " positive definite");
                NS_TEST_ASSERT_MSG_GT(ThreeGppAzimuthScalingFactor(p.numClusters), 0, what);
                NS_TEST_ASSERT_MSG_GT(ThreeGppZenithScalingFactor(p.numClusters), 0, what);
                NS_TEST_ASSERT_MSG_EQ((ParseThreeGppScenario(ToString(s)) == s), true, what);
            }
        }
        // Frequency clamps (notes of Table 7.5-6): UMa and InH below 6 GHz, UMi below 2.
        const auto lgDsMu = [](ThreeGppScenario s, bool los, double fcHz) {
            return GetThreeGppLspParameters(s, los, fcHz, 100, 1.5, 10).lgDs.mu;
        };
        NS_TEST_EXPECT_MSG_EQ_TOL(lgDsMu(ThreeGppScenario::UMa, false, 3.5e9),
                                  -6.28 - 0.204 * std::log10(6.0),
                                  1e-12,
                                  "UMa NLOS lgDS, fc clamped to 6 GHz");
        NS_TEST_EXPECT_MSG_EQ_TOL(lgDsMu(ThreeGppScenario::UMa, false, 28e9),
                                  -6.28 - 0.204 * std::log10(28.0),
                                  1e-12,
                                  "UMa NLOS lgDS at 28 GHz");
        NS_TEST_EXPECT_MSG_EQ_TOL(lgDsMu(ThreeGppScenario::UMiStreetCanyon, true, 1e9),
                                  -0.24 * std::log10(3.0) - 7.14,
                                  1e-12,
                                  "UMi LOS lgDS, fc clamped to 2 GHz");
        NS_TEST_EXPECT_MSG_EQ_TOL(lgDsMu(ThreeGppScenario::InHOfficeOpen, false, 3.5e9),
                                  -0.28 * std::log10(7.0) - 7.173,
                                  1e-12,
                                  "InH NLOS lgDS, fc clamped to 6 GHz");
        NS_TEST_EXPECT_MSG_EQ_TOL(lgDsMu(ThreeGppScenario::RMa, true, 28e9),
                                  -7.49,
                                  1e-12,
                                  "RMa LOS lgDS");
        const ThreeGppLspParameters uma28 =
            GetThreeGppLspParameters(ThreeGppScenario::UMa, false, 28e9, 100, 1.5, 25);
        NS_TEST_EXPECT_MSG_EQ_TOL(uma28.clusterDsS,
                                  (6.5622 - 3.4084 * std::log10(28.0)) * 1e-9,
                                  1e-18,
                                  "UMa c_DS at 28 GHz");
        // Table 7.5-7 UMa NLOS ZOD offset at fc = 6 GHz (clamped), d2D = 100 m.
        const double lg6 = std::log10(6.0);
        const double wantOffset =
            (7.66 * lg6 - 5.96) -
            std::pow(10.0, (0.208 * lg6 - 0.782) * std::log10(100.0) + (-0.13 * lg6 + 2.03));
        NS_TEST_EXPECT_MSG_EQ_TOL(
            GetThreeGppLspParameters(ThreeGppScenario::UMa, false, 3.5e9, 100, 1.5, 25)
                .offsetZodDeg,
            wantOffset,
            1e-9,
            "UMa NLOS ZOD offset (deg)");
        // Table 7.5-8 UMi NLOS offset at d2D = 50 m; Table 7.5-9 RMa LOS mean and std.
        NS_TEST_EXPECT_MSG_EQ_TOL(
            GetThreeGppLspParameters(ThreeGppScenario::UMiStreetCanyon, false, 3.5e9, 50, 1.5, 10)
                .offsetZodDeg,
            -std::pow(10.0, -1.5 * std::log10(50.0) + 3.3),
            1e-9,
            "UMi NLOS ZOD offset (deg)");
        const ThreeGppLspParameters rma =
            GetThreeGppLspParameters(ThreeGppScenario::RMa, true, 3.5e9, 1000, 1.5, 35);
        NS_TEST_EXPECT_MSG_EQ_TOL(rma.lgZsd.mu, -0.17 + 0.22, 1e-12, "RMa LOS mu lgZSD");
        NS_TEST_EXPECT_MSG_EQ_TOL(rma.lgZsd.sigma, 0.34, 1e-12, "RMa LOS sigma lgZSD");
        // Table 7.5-5 ray sets: 10, 6, 4 rays; Table 7.5-3 offsets symmetric.
        int counts[3] = {0, 0, 0};
        for (uint8_t s : ThreeGppSubClusterOfRay())
        {
            counts[s]++;
        }
        NS_TEST_EXPECT_MSG_EQ(counts[0] * 100 + counts[1] * 10 + counts[2], 1064, "10/6/4 rays");
        const auto& alpha = ThreeGppRayOffsetAngles();
        NS_TEST_EXPECT_MSG_EQ_TOL(std::accumulate(alpha.begin(), alpha.end(), 0.0),
                                  0.0,
                                  1e-12,
                                  "offsets symmetric");
    }
};

/// Determinism, LOS path geometry, all scenarios' structure, invalid input.
class ThreeGppRayGeneratorStructureTestCase : public TestCase
{
  public:
    ThreeGppRayGeneratorStructureTestCase()
        : TestCase("ray generator: streams, LOS geometry, all scenarios, bad input")
    {
    }

  private:
    void DoRun() override
    {
        const Vector bs(0, 0, 25);
        const Vector ue(100, 100, 1.5);
        // Same stream -> identical RaySet; another stream -> a different one.
        {
            Ptr<ThreeGppRayGenerator> a = MakeGenerator("UMa", true, 3.5e9, 11);
            Ptr<ThreeGppRayGenerator> b = MakeGenerator("UMa", true, 3.5e9, 11);
            Ptr<ThreeGppRayGenerator> other = MakeGenerator("UMa", true, 3.5e9, 21);
            for (int i = 0; i < 3; ++i)
            {
                const RaySet x = a->Generate(bs, ue);
                const RaySet y = b->Generate(bs, ue);
                const RaySet z = other->Generate(bs, ue);
                NS_TEST_ASSERT_MSG_EQ(Same(x, y), true, "same stream, same RaySet");
                NS_TEST_ASSERT_MSG_EQ(Same(x, z), false, "other stream, other RaySet");
            }
        }
        // LOS path from the geometry; the first (0-delay) cluster's AOA rays are centred
        // on the LOS AOA (the ray offsets of a cluster and of sub-cluster 1 are symmetric).
        {
            Ptr<ThreeGppRayGenerator> gen = MakeGenerator("UMi-StreetCanyon", true, 28e9, 5);
            const double zod = std::acos(-23.5 / std::sqrt(20000 + 23.5 * 23.5));
            for (int i = 0; i < 20; ++i)
            {
                const RaySet rs = gen->Generate(bs, ue);
                NS_TEST_ASSERT_MSG_EQ_TOL(rs.los.aodRad, kPi / 4, 1e-12, "LOS AOD");
                NS_TEST_ASSERT_MSG_EQ_TOL(rs.los.aoaRad, -3 * kPi / 4, 1e-12, "LOS AOA");
                NS_TEST_ASSERT_MSG_EQ_TOL(rs.los.zodRad, zod, 1e-12, "LOS ZOD");
                NS_TEST_ASSERT_MSG_EQ_TOL(rs.los.zoaRad, kPi - zod, 1e-12, "LOS ZOA");
                NS_TEST_ASSERT_MSG_EQ_TOL(rs.los.kFactor,
                                          std::pow(10.0, gen->GetLastLsps().kFactorDb / 10),
                                          1e-12,
                                          "K linear");
                NS_TEST_ASSERT_MSG_EQ(rs.clusters.front().delayS, 0.0, "first cluster at 0");
                std::vector<double> aoa;
                for (const Ray& r : rs.clusters.front().rays)
                {
                    aoa.push_back(r.aoaRad);
                }
                double meanDeg = 0;
                CentredOffsetsDeg(aoa, &meanDeg);
                NS_TEST_ASSERT_MSG_EQ_TOL(std::remainder(meanDeg + 135, 360.0),
                                          0.0,
                                          1e-9,
                                          "first cluster centred on the LOS AOA");
            }
        }
        // Every scenario and condition yields well-formed sets.
        int64_t stream = 100;
        for (ThreeGppScenario s : kAllThreeGppScenarios)
        {
            for (bool los : {false, true})
            {
                Ptr<ThreeGppRayGenerator> gen = MakeGenerator(ToString(s), los, 3.5e9, stream += 2);
                const bool indoor =
                    s == ThreeGppScenario::InHOfficeMixed || s == ThreeGppScenario::InHOfficeOpen;
                const Vector bsPos = indoor ? Vector(0, 0, 3) : Vector(0, 0, 25);
                const Vector uePos = indoor ? Vector(20, 10, 1) : Vector(300, -80, 1.5);
                for (int i = 0; i < 200; ++i)
                {
                    const RaySet rs = gen->Generate(bsPos, uePos);
                    const ThreeGppLspParameters& p = gen->GetLastParameters();
                    NS_TEST_ASSERT_MSG_EQ(CheckStructure(rs,
                                                         p.numClusters,
                                                         gen->GetLastNumDroppedClusters(),
                                                         p.clusterDsS,
                                                         los),
                                          "",
                                          ToString(s) << (los ? " LOS" : " NLOS"));
                }
            }
        }
        // Bad input names the value.
        ExpectThrowNaming([] { MakeGenerator("UMa-Highway", false, 3.5e9, 1); }, "UMa-Highway");
        ExpectThrowNaming([] { MakeGenerator("UMa", false, 200e9, 1); }, "2e+11");
        Ptr<ThreeGppRayGenerator> gen = MakeGenerator("UMa", false, 3.5e9, 1);
        ExpectThrowNaming([&] { gen->Generate(bs, bs); }, "coincide");
        ExpectThrowNaming([&] { gen->Generate(bs, Vector(NAN, 0, 1.5)); }, "nan");
    }

    static bool Same(const RaySet& x, const RaySet& y)
    {
        if (x.clusters.size() != y.clusters.size() || x.los.kFactor != y.los.kFactor)
        {
            return false;
        }
        for (std::size_t c = 0; c < x.clusters.size(); ++c)
        {
            const Cluster& a = x.clusters[c];
            const Cluster& b = y.clusters[c];
            if (a.delayS != b.delayS || a.power != b.power || a.rays.size() != b.rays.size())
            {
                return false;
            }
            for (std::size_t m = 0; m < a.rays.size(); ++m)
            {
                const Ray& r = a.rays[m];
                const Ray& s = b.rays[m];
                if (r.aoaRad != s.aoaRad || r.aodRad != s.aodRad || r.zoaRad != s.zoaRad ||
                    r.zodRad != s.zodRad || r.xpr != s.xpr ||
                    r.phaseThetaTheta != s.phaseThetaTheta || r.phaseThetaPhi != s.phaseThetaPhi ||
                    r.phasePhiTheta != s.phasePhiTheta || r.phasePhiPhi != s.phasePhiPhi)
                {
                    return false;
                }
            }
        }
        return true;
    }

    template <typename F>
    void ExpectThrowNaming(F f, const std::string& token)
    {
        std::string message;
        try
        {
            f();
        }
        catch (const std::invalid_argument& e)
        {
            message = e.what();
        }
        NS_TEST_EXPECT_MSG_NE(message.find(token),
                              std::string::npos,
                              "message \"" << message << "\" names " << token);
    }
};

class ThreeGppLspTablesTestSuite : public TestSuite
{
  public:
    ThreeGppLspTablesTestSuite()
        : TestSuite("channel-3gpp-lsp-tables", TestSuite::UNIT)
    {
        AddTestCase(new ThreeGppLspTablesTestCase, TestCase::QUICK);
    }
};

class ThreeGppRayGeneratorTestSuite : public TestSuite
{
  public:
    ThreeGppRayGeneratorTestSuite()
        : TestSuite("channel-3gpp-ray-generator", TestSuite::UNIT)
    {
        int64_t stream = 1;
        for (LinkCase& c : SpecCases())
        {
            AddTestCase(new ThreeGppLspStatisticsTestCase(std::move(c), stream += 2),
                        TestCase::QUICK);
        }
        AddTestCase(new ThreeGppRayGeneratorStructureTestCase, TestCase::QUICK);
    }
};

ThreeGppLspTablesTestSuite g_threeGppLspTablesTestSuite;
ThreeGppRayGeneratorTestSuite g_threeGppRayGeneratorTestSuite;

} // namespace
