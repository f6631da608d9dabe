#include "three-gpp-ray-generator.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ThreeGppRayGenerator");
NS_OBJECT_ENSURE_REGISTERED(ThreeGppRayGenerator);

namespace
{

constexpr double kDegToRad = M_PI / 180.0;
constexpr double kRadToDeg = 180.0 / M_PI;
constexpr uint32_t kRaysPerCluster = 20;

/// Angles beyond these are clipped after step 4 (sec. 7.5 step 4).
constexpr double kMaxAzimuthSpreadDeg = 104;
constexpr double kMaxZenithSpreadDeg = 52;

/// Clusters weaker than this fraction of the strongest are removed (step 6).
const double kClusterDropRatio = std::pow(10.0, -25.0 / 10);

/// Azimuth wrapped to [-180, 180) deg.
double
WrapAzimuthDeg(double phiDeg)
{
    double wrapped = std::fmod(phiDeg + 180, 360);
    if (wrapped < 0)
    {
        wrapped += 360;
    }
    return wrapped - 180;
}

/// Zenith folded into [0, 180] deg: step 7 maps [180, 360] to 360 - theta; negative
/// zeniths are the same direction mirrored through the pole.
double
FoldZenithDeg(double thetaDeg)
{
    double wrapped = std::fmod(thetaDeg, 360);
    if (wrapped < 0)
    {
        wrapped += 360;
    }
    return wrapped > 180 ? 360 - wrapped : wrapped;
}

} // namespace

TypeId
ThreeGppRayGenerator::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ThreeGppRayGenerator")
            .SetParent<Object>()
            .AddConstructor<ThreeGppRayGenerator>()
            .AddAttribute("Scenario",
                          "TR 38.901 sec. 7.5 scenario: UMa, UMi-StreetCanyon, InH-OfficeMixed, "
                          "InH-OfficeOpen, RMa (Table 7.5-6).",
                          StringValue("UMa"),
                          MakeStringAccessor(&ThreeGppRayGenerator::SetScenarioName,
                                             &ThreeGppRayGenerator::GetScenarioName),
                          MakeStringChecker())
            .AddAttribute("Los",
                          "Line-of-sight condition of the link (explicit input; draw it from "
                          "the LOS probability of TR 38.901 sec. 7.4.2 outside if wanted).",
                          BooleanValue(false),
                          MakeBooleanAccessor(&ThreeGppRayGenerator::m_los),
                          MakeBooleanChecker())
            .AddAttribute("CarrierFrequencyHz",
                          "Carrier frequency f_c (Hz), 0.5-100 GHz; the frequency-dependent "
                          "LSPs use the scenario's lower clamp (TR 38.901 Table 7.5-6 notes).",
                          DoubleValue(3.5e9),
                          MakeDoubleAccessor(&ThreeGppRayGenerator::SetCarrierFrequencyHz,
                                             &ThreeGppRayGenerator::GetCarrierFrequencyHz),
                          MakeDoubleChecker<double>());
    return tid;
}

ThreeGppRayGenerator::ThreeGppRayGenerator()
    : m_normal(CreateObject<NormalRandomVariable>()),
      m_uniform(CreateObject<UniformRandomVariable>())
{
    m_normal->SetAttribute("Mean", DoubleValue(0.0));
    m_normal->SetAttribute("Variance", DoubleValue(1.0));
    m_uniform->SetAttribute("Min", DoubleValue(0.0));
    m_uniform->SetAttribute("Max", DoubleValue(1.0));
}

ThreeGppRayGenerator::~ThreeGppRayGenerator() = default;

void
ThreeGppRayGenerator::SetScenarioName(const std::string& name)
{
    m_scenario = ParseThreeGppScenario(name);
}

std::string
ThreeGppRayGenerator::GetScenarioName() const
{
    return ToString(m_scenario);
}

ThreeGppScenario
ThreeGppRayGenerator::GetScenario() const
{
    return m_scenario;
}

bool
ThreeGppRayGenerator::GetLos() const
{
    return m_los;
}

void
ThreeGppRayGenerator::SetCarrierFrequencyHz(double frequencyHz)
{
    if (!(frequencyHz >= 0.5e9 && frequencyHz <= 100e9))
    {
        std::ostringstream msg;
        msg << "carrier frequency " << frequencyHz << " Hz is outside 0.5-100 GHz";
        throw std::invalid_argument(msg.str());
    }
    m_carrierFrequencyHz = frequencyHz;
}

double
ThreeGppRayGenerator::GetCarrierFrequencyHz() const
{
    return m_carrierFrequencyHz;
}

const ThreeGppLsps&
ThreeGppRayGenerator::GetLastLsps() const
{
    return m_lsps;
}

const ThreeGppLspParameters&
ThreeGppRayGenerator::GetLastParameters() const
{
    return m_params;
}

uint32_t
ThreeGppRayGenerator::GetLastNumDroppedClusters() const
{
    return m_numDropped;
}

int64_t
ThreeGppRayGenerator::AssignStreams(int64_t stream)
{
    m_normal->SetStream(stream);
    m_uniform->SetStream(stream + 1);
    return 2;
}

void
ThreeGppRayGenerator::DrawLsps(const ThreeGppLspParameters& params)
{
    const Eigen::LLT<Eigen::Matrix<double, kNumLsps, kNumLsps>> llt(params.correlation);
    if (llt.info() != Eigen::Success)
    {
        throw std::logic_error(std::string("LSP correlation matrix of ") + ToString(m_scenario) +
                               " is not positive definite");
    }
    Eigen::Matrix<double, kNumLsps, 1> independent;
    for (std::size_t i = 0; i < kNumLsps; ++i)
    {
        independent(i) = m_normal->GetValue();
    }
    // C = L L^T, so L z has correlation C for i.i.d. standard normal z.
    const Eigen::Matrix<double, kNumLsps, 1> z = llt.matrixL() * independent;
    auto draw = [&z](ThreeGppLsp lsp, const ThreeGppNormal& law) {
        return law.mu + law.sigma * z(lsp);
    };
    ThreeGppLsps& l = m_lsps;
    l.lgDs = draw(kLspDs, params.lgDs);
    l.lgAsd = draw(kLspAsd, params.lgAsd);
    l.lgAsa = draw(kLspAsa, params.lgAsa);
    l.lgZsa = draw(kLspZsa, params.lgZsa);
    l.lgZsd = draw(kLspZsd, params.lgZsd);
    l.shadowFadingDb = draw(kLspSf, params.sfDb);
    l.kFactorDb = m_los ? draw(kLspK, params.kDb) : 0.0;
    l.delaySpreadS = std::pow(10.0, l.lgDs);
    l.asdDeg = std::min(std::pow(10.0, l.lgAsd), kMaxAzimuthSpreadDeg);
    l.asaDeg = std::min(std::pow(10.0, l.lgAsa), kMaxAzimuthSpreadDeg);
    l.zsaDeg = std::min(std::pow(10.0, l.lgZsa), kMaxZenithSpreadDeg);
    l.zsdDeg = std::min(std::pow(10.0, l.lgZsd), kMaxZenithSpreadDeg);
}

RaySet
ThreeGppRayGenerator::Generate(const Vector& bsPos, const Vector& uePos)
{
    for (double coordinate : {bsPos.x, bsPos.y, bsPos.z, uePos.x, uePos.y, uePos.z})
    {
        if (!std::isfinite(coordinate))
        {
            std::ostringstream msg;
            msg << "position coordinate " << coordinate << " m is not finite (BS " << bsPos
                << ", UE " << uePos << ")";
            throw std::invalid_argument(msg.str());
        }
    }
    const Vector delta = uePos - bsPos;
    const double distance3dM = delta.GetLength();
    if (distance3dM == 0)
    {
        std::ostringstream msg;
        msg << "BS and UE positions coincide at " << bsPos << " m";
        throw std::invalid_argument(msg.str());
    }
    const double distance2dM = std::hypot(delta.x, delta.y);

    // Steps 1-3: scenario, LOS condition and geometry are inputs; the LOS angles follow.
    const double losAodDeg = std::atan2(delta.y, delta.x) * kRadToDeg;
    const double losAoaDeg = losAodDeg + 180;
    const double losZodDeg = std::acos(delta.z / distance3dM) * kRadToDeg;
    const double losZoaDeg = 180 - losZodDeg;

    m_params = GetThreeGppLspParameters(m_scenario,
                                        m_los,
                                        m_carrierFrequencyHz,
                                        distance2dM,
                                        uePos.z,
                                        bsPos.z);
    const ThreeGppLspParameters& p = m_params;
    const uint32_t n = p.numClusters;

    // Step 4.
    DrawLsps(p);
    const ThreeGppLsps& lsp = m_lsps;
    const double kDb = lsp.kFactorDb;
    const double kLinear = m_los ? std::pow(10.0, kDb / 10) : 0.0;

    // Step 5, eqs. 7.5-1, 7.5-2: exponential delays, shifted to start at 0 and sorted.
    std::vector<double> delaysS(n);
    for (double& tau : delaysS)
    {
        tau = -p.delayScaling * lsp.delaySpreadS * std::log(1 - m_uniform->GetValue());
    }
    const double minDelayS = *std::min_element(delaysS.begin(), delaysS.end());
    for (double& tau : delaysS)
    {
        tau -= minDelayS;
    }
    std::sort(delaysS.begin(), delaysS.end());

    // Step 6, eqs. 7.5-5, 7.5-6: powers from the unscaled delays, per-cluster shadowing.
    std::vector<double> powers(n);
    for (uint32_t c = 0; c < n; ++c)
    {
        const double shadowDb = p.clusterShadowingStdDb * m_normal->GetValue();
        powers[c] =
            std::exp(-delaysS[c] * (p.delayScaling - 1) / (p.delayScaling * lsp.delaySpreadS)) *
            std::pow(10.0, -shadowDb / 10);
    }
    const double powerSum = std::accumulate(powers.begin(), powers.end(), 0.0);
    for (double& power : powers)
    {
        power /= powerSum;
    }
    // Eq. 7.5-8: with LOS the first cluster also holds the specular ray; these powers
    // set the cluster angles (step 7) and the -25 dB threshold.
    std::vector<double> anglePowers = powers;
    if (m_los)
    {
        for (double& power : anglePowers)
        {
            power /= kLinear + 1;
        }
        anglePowers[0] += kLinear / (kLinear + 1);
    }
    const double maxAnglePower = *std::max_element(anglePowers.begin(), anglePowers.end());

    // Step 5, eqs. 7.5-3, 7.5-4: LOS delay scaling (the powers above use unscaled delays).
    if (m_los)
    {
        const double cTau = 0.7705 - 0.0433 * kDb + 0.0002 * kDb * kDb + 0.000017 * kDb * kDb * kDb;
        for (double& tau : delaysS)
        {
            tau /= cTau;
        }
    }

    // Step 7, eqs. 7.5-9 .. 7.5-19: angular scaling factors (Tables 7.5-2, 7.5-4).
    double cPhi = ThreeGppAzimuthScalingFactor(n);
    double cTheta = ThreeGppZenithScalingFactor(n);
    if (m_los)
    {
        cPhi *= 1.1035 - 0.028 * kDb - 0.002 * kDb * kDb + 0.0001 * kDb * kDb * kDb;
        cTheta *= 1.3086 + 0.0339 * kDb - 0.0077 * kDb * kDb + 0.0002 * kDb * kDb * kDb;
    }
    // Cluster angle = X_n * prime_n + Y_n (+ centre); with LOS the first cluster's random
    // part is subtracted so that it points exactly at the LOS direction.
    auto scatter = [this,
                    n](const std::vector<double>& primeDeg, double spreadDeg, double centreDeg) {
        std::vector<double> anglesDeg(n);
        for (uint32_t c = 0; c < n; ++c)
        {
            const double sign = m_uniform->GetValue() < 0.5 ? -1.0 : 1.0;
            anglesDeg[c] = sign * primeDeg[c] + spreadDeg / 7 * m_normal->GetValue();
        }
        const double reference = m_los ? anglesDeg[0] : 0.0;
        for (double& angle : anglesDeg)
        {
            angle += centreDeg - reference;
        }
        return anglesDeg;
    };
    std::vector<double> azimuthPrime(n);
    std::vector<double> zenithPrime(n);
    for (uint32_t c = 0; c < n; ++c)
    {
        const double lnRatio = std::log(anglePowers[c] / maxAnglePower);
        azimuthPrime[c] = 2 / 1.4 * std::sqrt(-lnRatio) / cPhi; // times the spread below
        zenithPrime[c] = -lnRatio / cTheta;
    }
    auto scaled = [](std::vector<double> prime, double spreadDeg) {
        for (double& value : prime)
        {
            value *= spreadDeg;
        }
        return prime;
    };
    const std::vector<double> aoaDeg =
        scatter(scaled(azimuthPrime, lsp.asaDeg), lsp.asaDeg, losAoaDeg);
    const std::vector<double> aodDeg =
        scatter(scaled(azimuthPrime, lsp.asdDeg), lsp.asdDeg, losAodDeg);
    const std::vector<double> zoaDeg =
        scatter(scaled(zenithPrime, lsp.zsaDeg), lsp.zsaDeg, losZoaDeg);
    const std::vector<double> zodDeg =
        scatter(scaled(zenithPrime, lsp.zsdDeg), lsp.zsdDeg, losZodDeg + p.offsetZodDeg);
    // Eq. 7.5-20: intra-cluster ZOD spread from the mean lg ZSD.
    const double rayZsdDeg = 3.0 / 8 * std::pow(10.0, p.lgZsd.mu);

    // Clusters kept by the -25 dB rule; the two strongest (NLOS power) are split.
    std::vector<uint32_t> kept;
    for (uint32_t c = 0; c < n; ++c)
    {
        if (anglePowers[c] >= kClusterDropRatio * maxAnglePower)
        {
            kept.push_back(c);
        }
    }
    m_numDropped = n - kept.size();
    double keptPower = 0;
    for (uint32_t c : kept)
    {
        keptPower += powers[c];
    }
    std::vector<uint32_t> byPower = kept;
    std::sort(byPower.begin(), byPower.end(), [&powers](uint32_t a, uint32_t b) {
        return powers[a] > powers[b];
    });
    byPower.resize(std::min<std::size_t>(2, byPower.size()));

    const std::array<double, 20>& alpha = ThreeGppRayOffsetAngles();
    const std::array<uint8_t, 20>& subClusterOf = ThreeGppSubClusterOfRay();
    // Steps 8-10 take about 8 draws per ray, some 3,000 per link: a draw of ns-3's
    // MRG32k3a stream costs several times one of a Mersenne Twister and dominated
    // Generate(). The twister is seeded from the uniform stream (two draws of ~32 random
    // bits each), so RngSeed, RngRun and AssignStreams still determine every ray.
    const auto seedBits = [this]() {
        return static_cast<uint64_t>(m_uniform->GetValue() * 4294967296.0);
    };
    const uint64_t seedHigh = seedBits(); // drawn first: operand order is unspecified
    std::mt19937_64 rayEngine((seedHigh << 32) ^ seedBits());
    std::uniform_real_distribution<double> rayUniform(0.0, 1.0);
    std::normal_distribution<double> rayNormal(0.0, 1.0);
    auto shuffled = [&rayEngine]() {
        std::array<uint32_t, kRaysPerCluster> order;
        std::iota(order.begin(), order.end(), 0u);
        std::shuffle(order.begin(), order.end(), rayEngine);
        return order;
    };

    RaySet raySet;
    raySet.carrierFrequencyHz = m_carrierFrequencyHz;
    for (uint32_t c : kept)
    {
        // Step 8: AOA rays in table order; AOD, ZOA, ZOD offsets randomly coupled to them.
        const std::array<uint32_t, kRaysPerCluster> aodOrder = shuffled();
        const std::array<uint32_t, kRaysPerCluster> zoaOrder = shuffled();
        const std::array<uint32_t, kRaysPerCluster> zodOrder = shuffled();
        std::vector<Ray> rays(kRaysPerCluster);
        for (uint32_t m = 0; m < kRaysPerCluster; ++m)
        {
            Ray& ray = rays[m];
            ray.aoaRad = WrapAzimuthDeg(aoaDeg[c] + p.clusterAsaDeg * alpha[m]) * kDegToRad;
            ray.aodRad =
                WrapAzimuthDeg(aodDeg[c] + p.clusterAsdDeg * alpha[aodOrder[m]]) * kDegToRad;
            ray.zoaRad =
                FoldZenithDeg(zoaDeg[c] + p.clusterZsaDeg * alpha[zoaOrder[m]]) * kDegToRad;
            ray.zodRad = FoldZenithDeg(zodDeg[c] + rayZsdDeg * alpha[zodOrder[m]]) * kDegToRad;
            // Step 9, eq. 7.5-28: 10^(X / 10) as an exp(), cheaper than pow().
            ray.xpr = std::exp((p.xprDb.mu + p.xprDb.sigma * rayNormal(rayEngine)) * (M_LN10 / 10));
            // Step 10: uniform in [-pi, pi).
            for (double* phase :
                 {&ray.phaseThetaTheta, &ray.phaseThetaPhi, &ray.phasePhiTheta, &ray.phasePhiPhi})
            {
                *phase = (2 * rayUniform(rayEngine) - 1) * M_PI;
            }
        }
        const double power = powers[c] / keptPower;
        if (std::find(byPower.begin(), byPower.end(), c) == byPower.end())
        {
            raySet.clusters.push_back(Cluster{delaysS[c], power, std::move(rays)});
            continue;
        }
        // Step 11, Table 7.5-5: three sub-clusters with their ray subsets.
        for (uint8_t s = 0; s < 3; ++s)
        {
            Cluster sub{delaysS[c] + kThreeGppSubClusterDelay[s] * p.clusterDsS,
                        power * kThreeGppSubClusterPower[s],
                        {}};
            for (uint32_t m = 0; m < kRaysPerCluster; ++m)
            {
                if (subClusterOf[m] == s)
                {
                    sub.rays.push_back(rays[m]);
                }
            }
            raySet.clusters.push_back(std::move(sub));
        }
    }
    std::stable_sort(raySet.clusters.begin(),
                     raySet.clusters.end(),
                     [](const Cluster& a, const Cluster& b) { return a.delayS < b.delayS; });

    if (m_los)
    {
        raySet.los.present = true;
        raySet.los.kFactor = kLinear;
        raySet.los.aoaRad = WrapAzimuthDeg(losAoaDeg) * kDegToRad;
        raySet.los.aodRad = WrapAzimuthDeg(losAodDeg) * kDegToRad;
        raySet.los.zoaRad = losZoaDeg * kDegToRad;
        raySet.los.zodRad = losZodDeg * kDegToRad;
        raySet.los.delayS = 0;
    }
    NS_LOG_DEBUG(ToString(m_scenario)
                 << (m_los ? " LOS" : " NLOS") << " DS " << lsp.delaySpreadS << " s, "
                 << raySet.clusters.size() << " clusters, " << m_numDropped << " dropped");
    return raySet;
}

} // namespace ns3
