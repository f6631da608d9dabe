#include "attribute-rejection.h"
#include "channel/cdl-ray-set.h"
#include "channel/tdl-tables.h"
#include "channel/three-gpp-lsp-tables.h"

#include "ns3/double.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <cmath>
#include <complex>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr double kPi = M_PI;

Ptr<CdlRaySetFactory>
MakeFactory(CdlModel model, double delaySpreadS, int64_t stream)
{
    Ptr<CdlRaySetFactory> factory = CreateObject<CdlRaySetFactory>();
    factory->SetAttribute("Model", StringValue(GetCdlTable(model).name));
    factory->SetAttribute("DelaySpreadS", DoubleValue(delaySpreadS));
    factory->AssignStreams(stream);
    return factory;
}

/// Angle difference a - b wrapped into [-pi, pi).
double
AngleDiffRad(double a, double b)
{
    const double d = a - b;
    return d - 2 * kPi * std::floor((d + kPi) / (2 * kPi));
}

double
DegToRad(double deg)
{
    return deg * kPi / 180;
}

/**
 * Powers of all table rows (the LOS row first for CDL-D/E), normalised to unit sum,
 * computed straight from the spec rows.
 */
std::vector<double>
NormalisedTablePowers(const CdlTable& table)
{
    std::vector<double> powers;
    if (table.hasLos)
    {
        powers.push_back(std::pow(10.0, table.losPowerDb / 10));
    }
    for (std::size_t n = 0; n < table.numClusters; ++n)
    {
        powers.push_back(std::pow(10.0, table.clusters[n].powerDb / 10));
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

/// Power-delay profile of a RaySet: LOS path (if any) then clusters, powers summing to 1.
void
RaySetPdp(const RaySet& set, std::vector<double>& delaysS, std::vector<double>& powers)
{
    delaysS.clear();
    powers.clear();
    const double k = set.los.present ? set.los.kFactor : 0;
    if (set.los.present)
    {
        delaysS.push_back(set.los.delayS);
        powers.push_back(k / (k + 1));
    }
    for (const Cluster& c : set.clusters)
    {
        delaysS.push_back(c.delayS);
        powers.push_back(c.power / (k + 1));
    }
}

/// Data checks on the transcribed tables and on the ray offsets of Table 7.5-3.
class CdlTablesTestCase : public TestCase
{
  public:
    CdlTablesTestCase()
        : TestCase("CDL tables: cluster counts, names, Table 7.5-3 offsets have unit rms")
    {
    }

  private:
    void DoRun() override
    {
        // Cluster counts of TR 38.901 Tables 7.7.1-1 to 7.7.1-5 (Laplacian rows; D and E
        // also list a specular row for cluster 1).
        const std::size_t expectedClusters[] = {23, 23, 24, 13, 14};
        for (CdlModel model : kAllCdlModels)
        {
            const CdlTable& table = GetCdlTable(model);
            NS_TEST_ASSERT_MSG_EQ(table.numClusters,
                                  expectedClusters[static_cast<int>(model)],
                                  table.name << " cluster count");
            NS_TEST_ASSERT_MSG_EQ((CdlModelFromName(table.name) == model), true, table.name);
            NS_TEST_ASSERT_MSG_EQ(table.hasLos,
                                  (model == CdlModel::D || model == CdlModel::E),
                                  table.name << " LOS");
        }
        // Table 7.5-3: +-a_i for the ten magnitudes below, rms 1 ("normalised to 1").
        const double magnitudes[] =
            {0.0447, 0.1413, 0.2492, 0.3715, 0.5129, 0.6797, 0.8844, 1.1481, 1.5195, 2.1551};
        double sum = 0;
        double sumSq = 0;
        for (std::size_t m = 0; m < kCdlRaysPerCluster; ++m)
        {
            NS_TEST_ASSERT_MSG_EQ(std::abs(ThreeGppRayOffsetAngles()[m]),
                                  magnitudes[m / 2],
                                  "offset " << m);
            sum += ThreeGppRayOffsetAngles()[m];
            sumSq += ThreeGppRayOffsetAngles()[m] * ThreeGppRayOffsetAngles()[m];
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(sum, 0.0, 1e-12, "offsets are symmetric");
        NS_TEST_ASSERT_MSG_EQ_TOL(std::sqrt(sumSq / kCdlRaysPerCluster),
                                  1.0,
                                  1e-3,
                                  "offsets have unit rms");
    }
};

/**
 * The TDL models of sec. 7.7.2 keep the delays and powers of the CDL models. The TDL
 * tables were typed separately, so agreement catches a typo in either; the one printed
 * difference (CDL-E cluster 14 at 20.6419, TDL-E tap 14 at 20.6519) is stated.
 */
class CdlTdlConsistencyTestCase : public TestCase
{
  public:
    CdlTdlConsistencyTestCase()
        : TestCase("CDL delays and powers agree with the separately typed TDL tables")
    {
    }

  private:
    void DoRun() override
    {
        const TdlModel tdlModels[] = {TdlModel::A,
                                      TdlModel::B,
                                      TdlModel::C,
                                      TdlModel::D,
                                      TdlModel::E};
        for (CdlModel model : kAllCdlModels)
        {
            const CdlTable& cdl = GetCdlTable(model);
            const TdlTable& tdl = GetTdlTable(tdlModels[static_cast<int>(model)]);
            NS_TEST_ASSERT_MSG_EQ(cdl.numClusters, tdl.numTaps, cdl.name << " vs " << tdl.name);
            NS_TEST_ASSERT_MSG_EQ(cdl.hasLos, tdl.hasLos, cdl.name);
            if (cdl.hasLos)
            {
                NS_TEST_ASSERT_MSG_EQ(cdl.losPowerDb, tdl.losPowerDb, cdl.name << " LOS power");
                NS_TEST_ASSERT_MSG_EQ(cdl.kFactorDb, tdl.kFactorDb, cdl.name << " K-factor");
            }
            for (std::size_t n = 0; n < cdl.numClusters; ++n)
            {
                const bool printedDifference = model == CdlModel::E && n == 13;
                NS_TEST_ASSERT_MSG_EQ(cdl.clusters[n].normalisedDelay,
                                      (printedDifference ? 20.6419 : tdl.taps[n].normalisedDelay),
                                      cdl.name << " cluster " << n + 1 << " delay");
                NS_TEST_ASSERT_MSG_EQ(cdl.clusters[n].powerDb,
                                      tdl.taps[n].powerDb,
                                      cdl.name << " cluster " << n + 1 << " power");
            }
        }
    }
};

/// Delays and powers of the RaySet against the table; LOS K-factors.
class CdlPowerDelayProfileTestCase : public TestCase
{
  public:
    CdlPowerDelayProfileTestCase()
        : TestCase("CDL power-delay profile, delay scaling, rms delay spread, LOS K-factor")
    {
    }

  private:
    void DoRun() override
    {
        // K-factor of the specular path over cluster 1's Laplacian part, as stated for
        // CDL-D and CDL-E (and the TDL-D/E tables derived from them). It is the exact
        // difference of two printed rows, so 0.01 dB catches a typo of one printed digit.
        const double statedKDb[] = {0, 0, 0, 13.3, 22.0};
        for (CdlModel model : kAllCdlModels)
        {
            const CdlTable& table = GetCdlTable(model);
            const std::vector<double> expected = NormalisedTablePowers(table);
            for (double delaySpreadS : {1.0, 363e-9})
            {
                const RaySet set = MakeFactory(model, delaySpreadS, 1)->CreateRaySet();
                NS_TEST_ASSERT_MSG_EQ(set.clusters.size(), table.numClusters, table.name);
                NS_TEST_ASSERT_MSG_EQ(set.los.present, table.hasLos, table.name);
                if (set.clusters.size() != table.numClusters || set.los.present != table.hasLos)
                {
                    return; // the runner continues after a failed assert; indices below
                }
                double laplacianSum = 0;
                for (std::size_t n = 0; n < table.numClusters; ++n)
                {
                    NS_TEST_ASSERT_MSG_EQ_TOL(set.clusters[n].delayS,
                                              table.clusters[n].normalisedDelay * delaySpreadS,
                                              1e-12 * delaySpreadS,
                                              table.name << " cluster " << n + 1
                                                         << " delay (sec. 7.7.3)");
                    laplacianSum += set.clusters[n].power;
                }
                NS_TEST_ASSERT_MSG_EQ_TOL(laplacianSum, 1.0, 1e-12, table.name << " NLOS sum");

                std::vector<double> delaysS;
                std::vector<double> powers;
                RaySetPdp(set, delaysS, powers);
                double meanS = 0;
                for (std::size_t i = 0; i < powers.size(); ++i)
                {
                    NS_TEST_ASSERT_MSG_EQ_TOL(powers[i],
                                              expected[i],
                                              1e-12,
                                              table.name << " PDP entry " << i);
                    meanS += powers[i] * delaysS[i];
                }
                double varianceS2 = 0;
                for (std::size_t i = 0; i < powers.size(); ++i)
                {
                    varianceS2 += powers[i] * std::pow(delaysS[i] - meanS, 2);
                }
                // The tables are normalised to unit rms delay spread (LOS path included).
                NS_TEST_ASSERT_MSG_EQ_TOL(std::sqrt(varianceS2) / delaySpreadS,
                                          1.0,
                                          0.02,
                                          table.name << " rms delay spread");
            }
            if (table.hasLos)
            {
                const RaySet set = MakeFactory(model, 100e-9, 1)->CreateRaySet();
                // The LOS path holds K of the unit Laplacian power; cluster 1 holds P_1.
                const double kDb = 10 * std::log10(set.los.kFactor / set.clusters[0].power);
                NS_TEST_ASSERT_MSG_EQ_TOL(kDb,
                                          statedKDb[static_cast<int>(model)],
                                          0.01,
                                          table.name << " K-factor of cluster 1");
                // Whole-channel K: LOS over all Laplacian clusters, from the spec rows.
                const double kExpected = expected[0] / (1 - expected[0]);
                NS_TEST_ASSERT_MSG_EQ_TOL(set.los.kFactor,
                                          kExpected,
                                          1e-9 * kExpected,
                                          table.name << " K over all clusters");
                const CdlClusterRow& first = table.clusters[0];
                NS_TEST_ASSERT_MSG_EQ_TOL(AngleDiffRad(set.los.aodRad, DegToRad(first.aodDeg)),
                                          0.0,
                                          1e-12,
                                          "LOS AOD");
                NS_TEST_ASSERT_MSG_EQ_TOL(AngleDiffRad(set.los.aoaRad, DegToRad(first.aoaDeg)),
                                          0.0,
                                          1e-12,
                                          "LOS AOA");
                NS_TEST_ASSERT_MSG_EQ_TOL(set.los.zodRad, DegToRad(first.zodDeg), 1e-12, "ZOD");
                NS_TEST_ASSERT_MSG_EQ_TOL(set.los.zoaRad, DegToRad(first.zoaDeg), 1e-12, "ZOA");
                NS_TEST_ASSERT_MSG_EQ(set.los.delayS, 0.0, "LOS delay");
            }
        }
    }
};

/// Ray angles: spreads around each cluster, coupling as permutations, XPR, ranges.
class CdlRayAnglesTestCase : public TestCase
{
  public:
    CdlRayAnglesTestCase()
        : TestCase("CDL rays: intra-cluster rms spreads, coupling permutations, XPR, ranges")
    {
    }

  private:
    void DoRun() override
    {
        for (CdlModel model : kAllCdlModels)
        {
            const CdlTable& table = GetCdlTable(model);
            const RaySet set = MakeFactory(model, 100e-9, 3)->CreateRaySet();
            const double spreadsDeg[] = {table.clusterAsdDeg,
                                         table.clusterAsaDeg,
                                         table.clusterZsdDeg,
                                         table.clusterZsaDeg};
            const char* names[] = {"AOD", "AOA", "ZOD", "ZOA"};
            std::size_t sameAodAoa = 0;
            std::size_t sameAodZod = 0;
            std::size_t rays = 0;
            for (std::size_t n = 0; n < set.clusters.size(); ++n)
            {
                const CdlClusterRow& row = table.clusters[n];
                const double centresDeg[] = {row.aodDeg, row.aoaDeg, row.zodDeg, row.zoaDeg};
                NS_TEST_ASSERT_MSG_EQ(set.clusters[n].rays.size(), kCdlRaysPerCluster, table.name);
                if (set.clusters[n].rays.size() != kCdlRaysPerCluster)
                {
                    return;
                }
                // offsetIndex[type][m]: which Table 7.5-3 entry ray m uses for that angle.
                std::vector<std::vector<int>> offsetIndex(4);
                for (int type = 0; type < 4; ++type)
                {
                    const double cRad = DegToRad(spreadsDeg[type]);
                    std::vector<int> used(kCdlRaysPerCluster, 0);
                    double sumSq = 0;
                    for (const Ray& ray : set.clusters[n].rays)
                    {
                        const double angles[] = {ray.aodRad, ray.aoaRad, ray.zodRad, ray.zoaRad};
                        const double offsetRad =
                            AngleDiffRad(angles[type], DegToRad(centresDeg[type]));
                        sumSq += offsetRad * offsetRad;
                        int match = -1;
                        for (std::size_t i = 0; i < kCdlRaysPerCluster; ++i)
                        {
                            if (std::abs(offsetRad / cRad - ThreeGppRayOffsetAngles()[i]) < 1e-9)
                            {
                                match = i;
                            }
                        }
                        NS_TEST_ASSERT_MSG_NE(match,
                                              -1,
                                              table.name << " cluster " << n + 1 << " "
                                                         << names[type] << " offset");
                        if (match < 0)
                        {
                            return; // the runner continues after a failed assert
                        }
                        ++used[match];
                        offsetIndex[type].push_back(match);
                    }
                    for (std::size_t i = 0; i < kCdlRaysPerCluster; ++i)
                    {
                        NS_TEST_ASSERT_MSG_EQ(used[i],
                                              1,
                                              table.name << " cluster " << n + 1 << " "
                                                         << names[type] << " offset " << i);
                    }
                    NS_TEST_ASSERT_MSG_EQ_TOL(std::sqrt(sumSq / kCdlRaysPerCluster) / cRad,
                                              1.0,
                                              1e-3,
                                              table.name << " cluster " << n + 1 << " "
                                                         << names[type] << " rms spread");
                }
                for (std::size_t m = 0; m < kCdlRaysPerCluster; ++m)
                {
                    sameAodAoa += offsetIndex[0][m] == offsetIndex[1][m];
                    sameAodZod += offsetIndex[0][m] == offsetIndex[2][m];
                    ++rays;
                }
                for (const Ray& ray : set.clusters[n].rays)
                {
                    NS_TEST_ASSERT_MSG_EQ_TOL(10 * std::log10(ray.xpr),
                                              table.xprDb,
                                              1e-9,
                                              table.name << " XPR (step 3)");
                    NS_TEST_ASSERT_MSG_EQ((ray.zodRad >= 0 && ray.zodRad <= kPi), true, "ZOD");
                    NS_TEST_ASSERT_MSG_EQ((ray.zoaRad >= 0 && ray.zoaRad <= kPi), true, "ZOA");
                    NS_TEST_ASSERT_MSG_EQ((ray.aodRad >= -kPi && ray.aodRad < kPi), true, "AOD");
                    NS_TEST_ASSERT_MSG_EQ((ray.aoaRad >= -kPi && ray.aoaRad < kPi), true, "AOA");
                    for (double phase : {ray.phaseThetaTheta,
                                         ray.phaseThetaPhi,
                                         ray.phasePhiTheta,
                                         ray.phasePhiPhi})
                    {
                        NS_TEST_ASSERT_MSG_EQ((phase >= -kPi && phase < kPi), true, "phase");
                    }
                }
            }
            // Random coupling: an independent permutation pairs a ray's two offsets with
            // probability 1/20; identical or missing shuffles give 1.
            NS_TEST_ASSERT_MSG_LT(double(sameAodAoa) / rays, 0.2, table.name << " AOD-AOA");
            NS_TEST_ASSERT_MSG_LT(double(sameAodZod) / rays, 0.2, table.name << " AOD-ZOD");
        }
    }
};

/**
 * Initial phases (step 10): uniform and independent across the four polarisation pairs.
 * For N i.i.d. uniform phases, N |mean exp(j Phi)|^2 is approximately Exp(1), so
 * P(|mean| > 0.2) = exp(-0.04 N) = 5e-9 for N = 480 rays (CDL-C); the same holds for
 * exp(j (Phi_a - Phi_b)) of two independent phases, while shared phases give 1.
 */
class CdlPhasesTestCase : public TestCase
{
  public:
    CdlPhasesTestCase()
        : TestCase("CDL initial phases are uniform and independent per polarisation pair")
    {
    }

  private:
    void DoRun() override
    {
        const RaySet set = MakeFactory(CdlModel::C, 100e-9, 5)->CreateRaySet();
        std::vector<std::vector<double>> phases(4);
        for (const Cluster& cluster : set.clusters)
        {
            for (const Ray& ray : cluster.rays)
            {
                phases[0].push_back(ray.phaseThetaTheta);
                phases[1].push_back(ray.phaseThetaPhi);
                phases[2].push_back(ray.phasePhiTheta);
                phases[3].push_back(ray.phasePhiPhi);
            }
        }
        const double n = phases[0].size();
        NS_TEST_ASSERT_MSG_EQ(n, 480, "rays of CDL-C");
        for (int a = 0; a < 4; ++a)
        {
            std::complex<double> mean = 0;
            for (double phase : phases[a])
            {
                mean += std::polar(1.0, phase) / n;
            }
            NS_TEST_EXPECT_MSG_LT(std::abs(mean), 0.2, "phase type " << a << " not uniform");
            for (int b = a + 1; b < 4; ++b)
            {
                std::complex<double> meanDiff = 0;
                for (std::size_t i = 0; i < phases[a].size(); ++i)
                {
                    meanDiff += std::polar(1.0, phases[a][i] - phases[b][i]) / n;
                }
                NS_TEST_EXPECT_MSG_LT(std::abs(meanDiff),
                                      0.2,
                                      "phase types " << a << " and " << b << " dependent");
            }
        }
    }
};

/// Bitwise equality of two RaySets (Ray is all doubles: no padding for memcmp).
bool
SameRaySet(const RaySet& a, const RaySet& b)
{
    const LosPath& la = a.los;
    const LosPath& lb = b.los;
    if (a.clusters.size() != b.clusters.size() || la.present != lb.present ||
        la.kFactor != lb.kFactor || la.aoaRad != lb.aoaRad || la.aodRad != lb.aodRad ||
        la.zoaRad != lb.zoaRad || la.zodRad != lb.zodRad || la.delayS != lb.delayS ||
        a.carrierFrequencyHz != b.carrierFrequencyHz)
    {
        return false;
    }
    for (std::size_t n = 0; n < a.clusters.size(); ++n)
    {
        const Cluster& ca = a.clusters[n];
        const Cluster& cb = b.clusters[n];
        if (ca.delayS != cb.delayS || ca.power != cb.power || ca.rays.size() != cb.rays.size() ||
            std::memcmp(ca.rays.data(), cb.rays.data(), ca.rays.size() * sizeof(Ray)) != 0)
        {
            return false;
        }
    }
    return true;
}

/// Same stream, same RaySet; other stream or next draw, other phases and coupling.
class CdlDeterminismTestCase : public TestCase
{
  public:
    CdlDeterminismTestCase()
        : TestCase("CDL RaySet: same stream gives the same set, other streams other draws")
    {
    }

  private:
    /// True when some ray differs in all four phases and some ray in its AOD (coupling).
    static bool DiffersInPhasesAndCoupling(const RaySet& a, const RaySet& b)
    {
        bool phases = false;
        bool coupling = false;
        for (std::size_t n = 0; n < a.clusters.size(); ++n)
        {
            for (std::size_t m = 0; m < a.clusters[n].rays.size(); ++m)
            {
                const Ray& ra = a.clusters[n].rays[m];
                const Ray& rb = b.clusters[n].rays[m];
                phases |= ra.phaseThetaTheta != rb.phaseThetaTheta &&
                          ra.phaseThetaPhi != rb.phaseThetaPhi &&
                          ra.phasePhiTheta != rb.phasePhiTheta && ra.phasePhiPhi != rb.phasePhiPhi;
                coupling |= ra.aodRad != rb.aodRad;
            }
        }
        return phases && coupling;
    }

    void DoRun() override
    {
        const RaySet first = MakeFactory(CdlModel::C, 300e-9, 11)->CreateRaySet();
        Ptr<CdlRaySetFactory> again = MakeFactory(CdlModel::C, 300e-9, 11);
        const RaySet second = again->CreateRaySet();
        NS_TEST_ASSERT_MSG_EQ(SameRaySet(first, second), true, "same stream, same RaySet");
        const RaySet other = MakeFactory(CdlModel::C, 300e-9, 12)->CreateRaySet();
        NS_TEST_ASSERT_MSG_EQ(DiffersInPhasesAndCoupling(first, other), true, "other stream");
        NS_TEST_ASSERT_MSG_EQ(DiffersInPhasesAndCoupling(first, again->CreateRaySet()),
                              true,
                              "next draw of the same factory");
        NS_TEST_ASSERT_MSG_EQ(first.carrierFrequencyHz, 3.5e9, "default carrier");
    }
};

/// Bad attribute values throw std::invalid_argument naming the value.
class CdlInvalidInputTestCase : public TestCase
{
  public:
    CdlInvalidInputTestCase()
        : TestCase("CDL: unknown model, negative delay spread, zero carrier are rejected")
    {
    }

  private:
    static bool Rejects(const std::string& name,
                        const AttributeValue& value,
                        const std::string& needle)
    {
        return AttributeRejects<CdlRaySetFactory>(name, value, needle);
    }

    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(Rejects("Model", StringValue("CDL-F"), "CDL-F"), true, "model");
        NS_TEST_ASSERT_MSG_EQ(Rejects("Model", StringValue("TDL-A"), "TDL-A"), true, "TDL name");
        NS_TEST_ASSERT_MSG_EQ(Rejects("DelaySpreadS", DoubleValue(-1e-7), "delay spread -1e-07"),
                              true,
                              "negative delay spread");
        NS_TEST_ASSERT_MSG_EQ(Rejects("CarrierFrequencyHz", DoubleValue(0), "carrier frequency 0"),
                              true,
                              "zero carrier");
    }
};

class CdlTestSuite : public TestSuite
{
  public:
    CdlTestSuite()
        : TestSuite("channel-cdl-ray-set", TestSuite::UNIT)
    {
        AddTestCase(new CdlTablesTestCase, TestCase::QUICK);
        AddTestCase(new CdlTdlConsistencyTestCase, TestCase::QUICK);
        AddTestCase(new CdlPowerDelayProfileTestCase, TestCase::QUICK);
        AddTestCase(new CdlRayAnglesTestCase, TestCase::QUICK);
        AddTestCase(new CdlPhasesTestCase, TestCase::QUICK);
        AddTestCase(new CdlDeterminismTestCase, TestCase::QUICK);
        AddTestCase(new CdlInvalidInputTestCase, TestCase::QUICK);
    }
};

CdlTestSuite g_cdlTestSuite;

} // namespace
