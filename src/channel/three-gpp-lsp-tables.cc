#include "three-gpp-lsp-tables.h"

#include "channel/invalid-argument.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

/// A table entry of the form intercept + slope * F, where F is the scenario's
/// log-frequency term (lg(fc) for UMa, lg(1 + fc) for UMi and InH; fc in GHz).
struct FrequencyLaw
{
    double intercept;
    double slope;
};

/// One non-zero cross-correlation "a vs b" of Table 7.5-6; pairs not listed are 0.
struct PairCorrelation
{
    ThreeGppLsp a;
    ThreeGppLsp b;
    double rho;
};

/// One column (scenario and condition) of Table 7.5-6.
struct ConditionColumn
{
    uint32_t numClusters;
    FrequencyLaw muLgDs;
    FrequencyLaw sigmaLgDs;
    FrequencyLaw muLgAsd;
    FrequencyLaw sigmaLgAsd;
    FrequencyLaw muLgAsa;
    FrequencyLaw sigmaLgAsa;
    FrequencyLaw muLgZsa;
    FrequencyLaw sigmaLgZsa;
    double sigmaSfDb;
    ThreeGppNormal kDb;
    double delayScaling;
    ThreeGppNormal xprDb;
    FrequencyLaw clusterDsNs; //!< "N/A" in the table: 3.91 ns (note in sec. 7.5 step 11)
    double clusterDsFloorNs;  //!< UMa: c_DS = max(0.25, ...) ns
    double clusterAsdDeg;
    double clusterAsaDeg;
    double clusterZsaDeg;
    double zetaDb;
    const PairCorrelation* correlations;
    std::size_t numCorrelations;
};

struct ScenarioEntry
{
    ThreeGppScenario scenario;
    const char* name;
    bool lgOfOnePlusFc; //!< F = lg(1 + fc) instead of lg(fc)
    double minFcGHz;    //!< notes of Table 7.5-6: frequencies below use this value
    ConditionColumn los;
    ConditionColumn nlos;
};

constexpr FrequencyLaw
Const(double value)
{
    return {value, 0.0};
}

constexpr double kNaClusterDsNs = 3.91;

// Table 7.5-6 Part 1, UMa LOS and NLOS cross-correlations.
constexpr PairCorrelation kUmaLosCorrelations[] = {
    {kLspAsd, kLspDs, 0.4},
    {kLspAsa, kLspDs, 0.8},
    {kLspAsa, kLspSf, -0.5},
    {kLspAsd, kLspSf, -0.5},
    {kLspDs, kLspSf, -0.4},
    {kLspAsa, kLspK, -0.2},
    {kLspDs, kLspK, -0.4},
    {kLspZsa, kLspSf, -0.8},
    {kLspZsd, kLspDs, -0.2},
    {kLspZsd, kLspAsd, 0.5},
    {kLspZsd, kLspAsa, -0.3},
    {kLspZsa, kLspAsa, 0.4},
};
constexpr PairCorrelation kUmaNlosCorrelations[] = {
    {kLspAsd, kLspDs, 0.4},
    {kLspAsa, kLspDs, 0.6},
    {kLspAsd, kLspSf, -0.6},
    {kLspDs, kLspSf, -0.4},
    {kLspAsd, kLspAsa, 0.4},
    {kLspZsa, kLspSf, -0.4},
    {kLspZsd, kLspDs, -0.5},
    {kLspZsd, kLspAsd, 0.5},
    {kLspZsa, kLspAsd, -0.1},
};

// Table 7.5-6 Part 1, UMi-Street Canyon LOS and NLOS cross-correlations.
constexpr PairCorrelation kUmiLosCorrelations[] = {
    {kLspAsd, kLspDs, 0.5},
    {kLspAsa, kLspDs, 0.8},
    {kLspAsa, kLspSf, -0.4},
    {kLspAsd, kLspSf, -0.5},
    {kLspDs, kLspSf, -0.4},
    {kLspAsd, kLspAsa, 0.4},
    {kLspAsd, kLspK, -0.2},
    {kLspAsa, kLspK, -0.3},
    {kLspDs, kLspK, -0.7},
    {kLspSf, kLspK, 0.5},
    {kLspZsa, kLspDs, 0.2},
    {kLspZsd, kLspAsd, 0.5},
    {kLspZsa, kLspAsd, 0.3},
};
constexpr PairCorrelation kUmiNlosCorrelations[] = {
    {kLspAsa, kLspDs, 0.4},
    {kLspAsa, kLspSf, -0.4},
    {kLspDs, kLspSf, -0.7},
    {kLspZsd, kLspDs, -0.5},
    {kLspZsd, kLspAsd, 0.5},
    {kLspZsa, kLspAsd, 0.5},
    {kLspZsa, kLspAsa, 0.2},
};

// Table 7.5-6 Part 2, Indoor-Office LOS and NLOS cross-correlations.
constexpr PairCorrelation kInhLosCorrelations[] = {
    {kLspAsd, kLspDs, 0.6},
    {kLspAsa, kLspDs, 0.8},
    {kLspAsa, kLspSf, -0.5},
    {kLspAsd, kLspSf, -0.4},
    {kLspDs, kLspSf, -0.8},
    {kLspAsd, kLspAsa, 0.4},
    {kLspDs, kLspK, -0.5},
    {kLspSf, kLspK, 0.5},
    {kLspZsd, kLspSf, 0.2},
    {kLspZsa, kLspSf, 0.3},
    {kLspZsa, kLspK, 0.1},
    {kLspZsd, kLspDs, 0.1},
    {kLspZsa, kLspDs, 0.2},
    {kLspZsd, kLspAsd, 0.5},
    {kLspZsa, kLspAsa, 0.5},
};
constexpr PairCorrelation kInhNlosCorrelations[] = {
    {kLspAsd, kLspDs, 0.4},
    {kLspAsa, kLspSf, -0.4},
    {kLspDs, kLspSf, -0.5},
    {kLspZsd, kLspDs, -0.27},
    {kLspZsa, kLspDs, -0.06},
    {kLspZsd, kLspAsd, 0.35},
    {kLspZsa, kLspAsd, 0.23},
    {kLspZsd, kLspAsa, -0.08},
    {kLspZsa, kLspAsa, 0.43},
    {kLspZsd, kLspZsa, 0.42},
};

// Table 7.5-6 Part 2, RMa LOS and NLOS cross-correlations.
constexpr PairCorrelation kRmaLosCorrelations[] = {
    {kLspDs, kLspSf, -0.5},
    {kLspZsd, kLspSf, 0.01},
    {kLspZsa, kLspSf, -0.17},
    {kLspZsa, kLspK, -0.02},
    {kLspZsd, kLspDs, -0.05},
    {kLspZsa, kLspDs, 0.27},
    {kLspZsd, kLspAsd, 0.73},
    {kLspZsa, kLspAsd, -0.14},
    {kLspZsd, kLspAsa, -0.20},
    {kLspZsa, kLspAsa, 0.24},
    {kLspZsd, kLspZsa, -0.07},
};
constexpr PairCorrelation kRmaNlosCorrelations[] = {
    {kLspAsd, kLspDs, -0.4},
    {kLspAsd, kLspSf, 0.6},
    {kLspDs, kLspSf, -0.5},
    {kLspZsd, kLspSf, -0.04},
    {kLspZsa, kLspSf, -0.25},
    {kLspZsd, kLspDs, -0.10},
    {kLspZsa, kLspDs, -0.40},
    {kLspZsd, kLspAsd, 0.42},
    {kLspZsa, kLspAsd, -0.27},
    {kLspZsd, kLspAsa, -0.18},
    {kLspZsa, kLspAsa, 0.26},
    {kLspZsd, kLspZsa, -0.27},
};

#define EDGE_LAM_CORRELATIONS(array) array, std::size(array)

// Table 7.5-6 Parts 1-3. Field order: N; mu/sigma of lgDS, lgASD, lgASA, lgZSA as
// {intercept, slope of F}; sigma_SF (dB, Table 7.4.1-1 values quoted in the table);
// K {mu, sigma} (dB); r_tau; XPR {mu, sigma} (dB); c_DS (ns) and its floor; c_ASD, c_ASA,
// c_ZSA (deg); zeta (dB); cross-correlations.
const ScenarioEntry kScenarios[] = {
    {ThreeGppScenario::UMa,
     "UMa",
     false,
     6.0, // Note 6: UMa below 6 GHz uses fc = 6 GHz
     {12,          {-6.955, -0.0963},
      Const(0.66), {1.06, 0.1114},
      Const(0.28), Const(1.81),
      Const(0.20), Const(0.95),
      Const(0.16), 4.0,
      {9.0, 3.5},  2.5,
      {8.0, 4.0},  {6.5622, -3.4084},
      0.25,        5.0,
      11.0,        7.0,
      3.0,         EDGE_LAM_CORRELATIONS(kUmaLosCorrelations)},
     {20,          {-6.28, -0.204},
      Const(0.39), {1.5, -0.1144},
      Const(0.28), {2.08, -0.27},
      Const(0.11), {1.512, -0.3236},
      Const(0.16), 6.0,
      {0.0, 0.0},  2.3,
      {7.0, 3.0},  {6.5622, -3.4084},
      0.25,        2.0,
      15.0,        7.0,
      3.0,         EDGE_LAM_CORRELATIONS(kUmaNlosCorrelations)}},
    {ThreeGppScenario::UMiStreetCanyon,
     "UMi-StreetCanyon",
     true,
     2.0, // Note 7: UMi below 2 GHz uses fc = 2 GHz
     {12,
      {-7.14, -0.24},
      Const(0.38),
      {1.21, -0.05},
      Const(0.41),
      {1.73, -0.08},
      {0.28, 0.014},
      {0.73, -0.1},
      {0.34, -0.04},
      4.0,
      {9.0, 5.0},
      3.0,
      {9.0, 3.0},
      Const(5.0),
      0.0,
      3.0,
      17.0,
      7.0,
      3.0,
      EDGE_LAM_CORRELATIONS(kUmiLosCorrelations)},
     {19,
      {-6.83, -0.24},
      {0.28, 0.16},
      {1.53, -0.23},
      {0.33, 0.11},
      {1.81, -0.08},
      {0.3, 0.05},
      {0.92, -0.04},
      {0.41, -0.07},
      7.82,
      {0.0, 0.0},
      2.1,
      {8.0, 3.0},
      Const(11.0),
      0.0,
      10.0,
      22.0,
      7.0,
      3.0,
      EDGE_LAM_CORRELATIONS(kUmiNlosCorrelations)}},
    {ThreeGppScenario::InHOfficeMixed,
     "InH-OfficeMixed",
     true,
     6.0, // Part 2 note: InH below 6 GHz uses fc = 6 GHz
     {15,
      {-7.692, -0.01},
      Const(0.18),
      Const(1.60),
      Const(0.18),
      {1.781, -0.19},
      {0.119, 0.12},
      {1.44, -0.26},
      {0.264, -0.04},
      3.0,
      {7.0, 4.0},
      3.6,
      {11.0, 4.0},
      Const(kNaClusterDsNs),
      0.0,
      5.0,
      8.0,
      9.0,
      6.0,
      EDGE_LAM_CORRELATIONS(kInhLosCorrelations)},
     {19,
      {-7.173, -0.28},
      {0.055, 0.10},
      Const(1.62),
      Const(0.25),
      {1.863, -0.11},
      {0.059, 0.12},
      {1.387, -0.15},
      {0.746, -0.09},
      8.03,
      {0.0, 0.0},
      3.0,
      {10.0, 4.0},
      Const(kNaClusterDsNs),
      0.0,
      5.0,
      11.0,
      9.0,
      3.0,
      EDGE_LAM_CORRELATIONS(kInhNlosCorrelations)}},
    {ThreeGppScenario::RMa,
     "RMa",
     false,
     0.5, // no frequency dependence
     {11,          Const(-7.49),
      Const(0.55), Const(0.90),
      Const(0.38), Const(1.52),
      Const(0.24), Const(0.47),
      Const(0.40), 4.0,
      {7.0, 4.0},  3.8,
      {12.0, 4.0}, Const(kNaClusterDsNs),
      0.0,         2.0,
      3.0,         3.0,
      3.0,         EDGE_LAM_CORRELATIONS(kRmaLosCorrelations)},
     {10,          Const(-7.43),
      Const(0.48), Const(0.95),
      Const(0.45), Const(1.52),
      Const(0.13), Const(0.58),
      Const(0.37), 8.0,
      {0.0, 0.0},  1.7,
      {7.0, 3.0},  Const(kNaClusterDsNs),
      0.0,         2.0,
      3.0,         3.0,
      3.0,         EDGE_LAM_CORRELATIONS(kRmaNlosCorrelations)}},
};

#undef EDGE_LAM_CORRELATIONS

const ScenarioEntry&
EntryOf(ThreeGppScenario scenario)
{
    // Both indoor-office variants read the same Part 2 column.
    const ThreeGppScenario key =
        scenario == ThreeGppScenario::InHOfficeOpen ? ThreeGppScenario::InHOfficeMixed : scenario;
    for (const ScenarioEntry& entry : kScenarios)
    {
        if (entry.scenario == key)
        {
            return entry;
        }
    }
    throw std::invalid_argument("unknown ThreeGppScenario value");
}

double
Evaluate(const FrequencyLaw& law, double f)
{
    return law.intercept + law.slope * f;
}

constexpr double kRadToDeg = 180.0 / M_PI;

/// mu/sigma of lg ZSD and the ZOD offset (deg): Tables 7.5-7 (UMa), 7.5-8 (UMi),
/// 7.5-9 (RMa), 7.5-10 (InH).
void
FillZenithOfDeparture(ThreeGppScenario scenario,
                      bool los,
                      double fcGHz,
                      double d2dM,
                      double hUtM,
                      double hBsM,
                      ThreeGppLspParameters& p)
{
    const double dKm = d2dM / 1000;
    switch (scenario)
    {
    case ThreeGppScenario::UMa: {
        // Table 7.5-7; fc already clamped to >= 6 GHz like the other UMa LSPs.
        const double lgFc = std::log10(fcGHz);
        const double intercept = los ? 0.75 : 0.9;
        p.lgZsd = {std::max(-0.5, -2.1 * dKm - 0.01 * (hUtM - 1.5) + intercept), los ? 0.40 : 0.49};
        if (los)
        {
            p.offsetZodDeg = 0;
        }
        else
        {
            const double a = 0.208 * lgFc - 0.782;
            const double b = 25.0;
            const double c = -0.13 * lgFc + 2.03;
            const double e = 7.66 * lgFc - 5.96;
            p.offsetZodDeg = e - std::pow(10.0, a * std::log10(std::max(b, d2dM)) + c);
        }
        return;
    }
    case ThreeGppScenario::UMiStreetCanyon:
        // Table 7.5-8
        if (los)
        {
            p.lgZsd = {std::max(-0.21, -14.8 * dKm + 0.01 * std::abs(hUtM - hBsM) + 0.83), 0.35};
            p.offsetZodDeg = 0;
        }
        else
        {
            p.lgZsd = {std::max(-0.5, -3.1 * dKm + 0.01 * std::max(hUtM - hBsM, 0.0) + 0.2), 0.35};
            p.offsetZodDeg = -std::pow(10.0, -1.5 * std::log10(std::max(10.0, d2dM)) + 3.3);
        }
        return;
    case ThreeGppScenario::InHOfficeMixed:
    case ThreeGppScenario::InHOfficeOpen: {
        // Table 7.5-10
        const double f = std::log10(1 + fcGHz);
        p.lgZsd =
            los ? ThreeGppNormal{-1.43 * f + 2.228, 0.13 * f + 0.30} : ThreeGppNormal{1.08, 0.36};
        p.offsetZodDeg = 0;
        return;
    }
    case ThreeGppScenario::RMa:
        // Table 7.5-9. The NLOS offset is the difference of the elevations of a 35 m mast
        // seen from 3.5 m and 1.5 m; converted to degrees like the other offsets.
        if (los)
        {
            p.lgZsd = {std::max(-1.0, -0.17 * dKm - 0.01 * (hUtM - 1.5) + 0.22), 0.34};
            p.offsetZodDeg = 0;
        }
        else
        {
            p.lgZsd = {std::max(-1.0, -0.19 * dKm - 0.01 * (hUtM - 1.5) + 0.28), 0.30};
            p.offsetZodDeg = (std::atan2(35 - 3.5, d2dM) - std::atan2(35 - 1.5, d2dM)) * kRadToDeg;
        }
        return;
    }
}

// Table 7.5-2: C_phi^NLOS by number of clusters.
constexpr std::pair<uint32_t, double> kAzimuthScaling[] = {
    {4, 0.779},
    {5, 0.860},
    {8, 1.018},
    {10, 1.090},
    {11, 1.123},
    {12, 1.146},
    {14, 1.190},
    {15, 1.211},
    {16, 1.226},
    {19, 1.273},
    {20, 1.289},
    {25, 1.358},
};

// Table 7.5-4: C_theta^NLOS by number of clusters.
constexpr std::pair<uint32_t, double> kZenithScaling[] = {
    {8, 0.889},
    {10, 0.957},
    {11, 1.031},
    {12, 1.104},
    {15, 1.1088},
    {19, 1.184},
    {20, 1.178},
    {25, 1.282},
};

template <std::size_t n>
double
LookUpScaling(const std::pair<uint32_t, double> (&table)[n],
              uint32_t numClusters,
              const char* tableName)
{
    for (const auto& [clusters, value] : table)
    {
        if (clusters == numClusters)
        {
            return value;
        }
    }
    ThrowInvalidArgument("number of clusters", numClusters, std::string("is not in ") + tableName);
}

} // namespace

ThreeGppLspParameters
GetThreeGppLspParameters(ThreeGppScenario scenario,
                         bool los,
                         double carrierFrequencyHz,
                         double distance2dM,
                         double ueHeightM,
                         double bsHeightM)
{
    if (!(carrierFrequencyHz >= 0.5e9 && carrierFrequencyHz <= 100e9))
    {
        ThrowInvalidArgument("carrier frequency", carrierFrequencyHz, "Hz is outside 0.5-100 GHz");
    }
    if (!(distance2dM >= 0) || !std::isfinite(distance2dM))
    {
        ThrowInvalidArgument("2D distance", distance2dM, "m must be finite and non-negative");
    }
    if (!std::isfinite(ueHeightM) || !std::isfinite(bsHeightM))
    {
        ThrowInvalidArgument("UE height", ueHeightM, "m (or the BS height) is not finite");
    }
    const ScenarioEntry& entry = EntryOf(scenario);
    const ConditionColumn& col = los ? entry.los : entry.nlos;
    const double fcGHz = std::max(carrierFrequencyHz / 1e9, entry.minFcGHz);
    const double f = entry.lgOfOnePlusFc ? std::log10(1 + fcGHz) : std::log10(fcGHz);

    ThreeGppLspParameters p;
    p.lgDs = {Evaluate(col.muLgDs, f), Evaluate(col.sigmaLgDs, f)};
    p.lgAsd = {Evaluate(col.muLgAsd, f), Evaluate(col.sigmaLgAsd, f)};
    p.lgAsa = {Evaluate(col.muLgAsa, f), Evaluate(col.sigmaLgAsa, f)};
    p.lgZsa = {Evaluate(col.muLgZsa, f), Evaluate(col.sigmaLgZsa, f)};
    p.sfDb = {0.0, col.sigmaSfDb};
    p.kDb = col.kDb;
    FillZenithOfDeparture(scenario, los, fcGHz, distance2dM, ueHeightM, bsHeightM, p);

    p.correlation.setIdentity();
    for (std::size_t i = 0; i < col.numCorrelations; ++i)
    {
        const PairCorrelation& c = col.correlations[i];
        p.correlation(c.a, c.b) = c.rho;
        p.correlation(c.b, c.a) = c.rho;
    }
    p.delayScaling = col.delayScaling;
    p.xprDb = col.xprDb;
    p.numClusters = col.numClusters;
    p.raysPerCluster = 20;
    p.clusterDsS = std::max(Evaluate(col.clusterDsNs, f), col.clusterDsFloorNs) * 1e-9;
    p.clusterAsdDeg = col.clusterAsdDeg;
    p.clusterAsaDeg = col.clusterAsaDeg;
    p.clusterZsaDeg = col.clusterZsaDeg;
    p.clusterShadowingStdDb = col.zetaDb;
    p.effectiveFrequencyGHz = fcGHz;
    return p;
}

double
ThreeGppAzimuthScalingFactor(uint32_t numClusters)
{
    return LookUpScaling(kAzimuthScaling, numClusters, "TR 38.901 Table 7.5-2");
}

double
ThreeGppZenithScalingFactor(uint32_t numClusters)
{
    return LookUpScaling(kZenithScaling, numClusters, "TR 38.901 Table 7.5-4");
}

const std::array<double, 20>&
ThreeGppRayOffsetAngles()
{
    // Table 7.5-3, rays m = 1..20.
    static const std::array<double, 20> kOffsets = {
        0.0447, -0.0447, 0.1413, -0.1413, 0.2492, -0.2492, 0.3715, -0.3715, 0.5129, -0.5129,
        0.6797, -0.6797, 0.8844, -0.8844, 1.1481, -1.1481, 1.5195, -1.5195, 2.1551, -2.1551};
    return kOffsets;
}

const std::array<uint8_t, 20>&
ThreeGppSubClusterOfRay()
{
    // Table 7.5-5: sub-cluster 1 {1-8, 19, 20}, 2 {9-12, 17, 18}, 3 {13-16}.
    static const std::array<uint8_t, 20> kSubCluster = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                                        1, 1, 2, 2, 2, 2, 1, 1, 0, 0};
    return kSubCluster;
}

} // namespace ns3
