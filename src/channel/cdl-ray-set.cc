#include "cdl-ray-set.h"

#include "channel/invalid-argument.h"
#include "channel/three-gpp-lsp-tables.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"

#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CdlRaySetFactory");
NS_OBJECT_ENSURE_REGISTERED(CdlRaySetFactory);

namespace
{

constexpr double kPi = M_PI;

double
DbToLinear(double db)
{
    return std::pow(10.0, db / 10.0);
}

double
DegToRad(double deg)
{
    return deg * kPi / 180.0;
}

/// Azimuth wrapped into [-pi, pi).
double
WrapAzimuthRad(double rad)
{
    return rad - 2 * kPi * std::floor((rad + kPi) / (2 * kPi));
}

} // namespace

TypeId
CdlRaySetFactory::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::CdlRaySetFactory")
            .SetParent<Object>()
            .AddConstructor<CdlRaySetFactory>()
            .AddAttribute("Model",
                          "CDL model of TR 38.901 sec. 7.7.1: CDL-A, CDL-B, CDL-C (NLOS), "
                          "CDL-D, CDL-E (LOS).",
                          StringValue("CDL-A"),
                          MakeStringAccessor(&CdlRaySetFactory::SetModelName,
                                             &CdlRaySetFactory::GetModelName),
                          MakeStringChecker())
            .AddAttribute("DelaySpreadS",
                          "Desired rms delay spread DS (s); cluster delays are the normalised "
                          "delays times DS (TR 38.901 sec. 7.7.3).",
                          DoubleValue(100e-9),
                          MakeDoubleAccessor(&CdlRaySetFactory::SetDelaySpreadS,
                                             &CdlRaySetFactory::GetDelaySpreadS),
                          MakeDoubleChecker<double>())
            .AddAttribute("CarrierFrequencyHz",
                          "Carrier frequency f_c (Hz) recorded in the RaySet for the "
                          "coefficient engine (TR 38.901 sec. 7.7.1 step 4).",
                          DoubleValue(3.5e9),
                          MakeDoubleAccessor(&CdlRaySetFactory::SetCarrierFrequencyHz,
                                             &CdlRaySetFactory::GetCarrierFrequencyHz),
                          MakeDoubleChecker<double>());
    return tid;
}

CdlRaySetFactory::CdlRaySetFactory()
    : m_uniform(CreateObject<UniformRandomVariable>())
{
}

CdlRaySetFactory::~CdlRaySetFactory() = default;

void
CdlRaySetFactory::SetModelName(const std::string& name)
{
    m_model = CdlModelFromName(name);
}

std::string
CdlRaySetFactory::GetModelName() const
{
    return GetCdlTable(m_model).name;
}

double
CdlRaySetFactory::GetDelaySpreadS() const
{
    return m_delaySpreadS;
}

double
CdlRaySetFactory::GetCarrierFrequencyHz() const
{
    return m_carrierFrequencyHz;
}

void
CdlRaySetFactory::SetDelaySpreadS(double delaySpreadS)
{
    if (!(delaySpreadS >= 0) || !std::isfinite(delaySpreadS))
    {
        ThrowInvalidArgument("delay spread", delaySpreadS, "s must be finite and non-negative");
    }
    m_delaySpreadS = delaySpreadS;
}

void
CdlRaySetFactory::SetCarrierFrequencyHz(double carrierFrequencyHz)
{
    if (!(carrierFrequencyHz > 0) || !std::isfinite(carrierFrequencyHz))
    {
        ThrowInvalidArgument("carrier frequency",
                             carrierFrequencyHz,
                             "Hz must be finite and positive");
    }
    m_carrierFrequencyHz = carrierFrequencyHz;
}

int64_t
CdlRaySetFactory::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

std::array<std::size_t, kCdlRaysPerCluster>
CdlRaySetFactory::DrawPermutation()
{
    std::array<std::size_t, kCdlRaysPerCluster> perm;
    std::iota(perm.begin(), perm.end(), 0);
    for (std::size_t i = perm.size() - 1; i > 0; --i)
    {
        std::swap(perm[i], perm[m_uniform->GetInteger(0, static_cast<uint32_t>(i))]);
    }
    return perm;
}

RaySet
CdlRaySetFactory::CreateRaySet()
{
    const CdlTable& table = GetCdlTable(m_model);
    NS_LOG_FUNCTION(this << table.name);

    double laplacianPowerSum = 0;
    for (std::size_t n = 0; n < table.numClusters; ++n)
    {
        laplacianPowerSum += DbToLinear(table.clusters[n].powerDb);
    }

    const double cAsdRad = DegToRad(table.clusterAsdDeg);
    const double cAsaRad = DegToRad(table.clusterAsaDeg);
    const double cZsdRad = DegToRad(table.clusterZsdDeg);
    const double cZsaRad = DegToRad(table.clusterZsaDeg);
    const double xpr = DbToLinear(table.xprDb);

    RaySet set;
    set.carrierFrequencyHz = m_carrierFrequencyHz;
    set.clusters.reserve(table.numClusters);
    for (std::size_t n = 0; n < table.numClusters; ++n)
    {
        const CdlClusterRow& row = table.clusters[n];
        Cluster cluster;
        cluster.delayS = row.normalisedDelay * m_delaySpreadS;
        cluster.power = DbToLinear(row.powerDb) / laplacianPowerSum;
        const auto aodPerm = DrawPermutation();
        const auto zodPerm = DrawPermutation();
        const auto zoaPerm = DrawPermutation();
        cluster.rays.reserve(kCdlRaysPerCluster);
        for (std::size_t m = 0; m < kCdlRaysPerCluster; ++m)
        {
            Ray ray;
            ray.aoaRad =
                WrapAzimuthRad(DegToRad(row.aoaDeg) + cAsaRad * ThreeGppRayOffsetAngles()[m]);
            ray.aodRad = WrapAzimuthRad(DegToRad(row.aodDeg) +
                                        cAsdRad * ThreeGppRayOffsetAngles()[aodPerm[m]]);
            ray.zodRad = DegToRad(row.zodDeg) + cZsdRad * ThreeGppRayOffsetAngles()[zodPerm[m]];
            ray.zoaRad = DegToRad(row.zoaDeg) + cZsaRad * ThreeGppRayOffsetAngles()[zoaPerm[m]];
            ray.xpr = xpr;
            ray.phaseThetaTheta = m_uniform->GetValue(-kPi, kPi);
            ray.phaseThetaPhi = m_uniform->GetValue(-kPi, kPi);
            ray.phasePhiTheta = m_uniform->GetValue(-kPi, kPi);
            ray.phasePhiPhi = m_uniform->GetValue(-kPi, kPi);
            cluster.rays.push_back(ray);
        }
        set.clusters.push_back(std::move(cluster));
    }

    if (table.hasLos)
    {
        // The specular row shares delay and angles with cluster 1's Laplacian row.
        const CdlClusterRow& first = table.clusters[0];
        set.los.present = true;
        set.los.kFactor = DbToLinear(table.losPowerDb) / laplacianPowerSum;
        set.los.delayS = first.normalisedDelay * m_delaySpreadS;
        set.los.aodRad = WrapAzimuthRad(DegToRad(first.aodDeg));
        set.los.aoaRad = WrapAzimuthRad(DegToRad(first.aoaDeg));
        set.los.zodRad = DegToRad(first.zodDeg);
        set.los.zoaRad = DegToRad(first.zoaDeg);
    }
    return set;
}

} // namespace ns3
