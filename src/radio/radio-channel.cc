#include "radio-channel.h"

#include "ns3/angles.h"
#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/simulator.h"
#include "ns3/three-gpp-propagation-loss-model.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RadioChannel");
NS_OBJECT_ENSURE_REGISTERED(RadioChannel);

namespace
{

Ptr<MobilityModel>
MobilityOf(Ptr<Node> node)
{
    Ptr<MobilityModel> mobility = node->GetObject<MobilityModel>();
    if (!mobility)
    {
        throw std::invalid_argument("node " + std::to_string(node->GetId()) +
                                    " has no MobilityModel");
    }
    return mobility;
}

} // namespace

TypeId
RadioChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RadioChannel")
            .SetParent<Object>()
            .AddConstructor<RadioChannel>()
            .AddAttribute("FadingUpdatePeriod",
                          "How often a link's gains (pathloss at the current positions, "
                          "shadowing, fast fading) are re-evaluated; they are held in between "
                          "(s). 0 = per link, a tenth of the coherence time 0.423/f_D at the "
                          "link's relative speed, at most 10 ms.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&RadioChannel::m_fadingUpdatePeriod),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("BeamUpdatePeriod",
                          "How often serving beams are re-steered at the peer's current "
                          "line-of-sight direction (s), as periodic beam management does "
                          "(e.g. every SSB burst, 20 ms); 0 = at every fading update.",
                          TimeValue(MilliSeconds(20)),
                          MakeTimeAccessor(&RadioChannel::m_beamUpdatePeriod),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("FastFading",
                          "Apply 3GPP TR 38.901 sec. 7.5 fast fading and beamforming to serving "
                          "links; false keeps pathloss, shadowing and antenna gains only.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&RadioChannel::m_fastFading),
                          MakeBooleanChecker())
            .AddAttribute("InterferenceFading",
                          "Also apply fast fading to interference links (per-element beams); "
                          "false uses their mean power, which is much cheaper.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&RadioChannel::m_interferenceFading),
                          MakeBooleanChecker());
    return tid;
}

RadioChannel::RadioChannel() = default;

RadioChannel::~RadioChannel() = default;

void
RadioChannel::DoDispose()
{
    m_pathloss = nullptr;
    m_fading = nullptr;
    m_cells.clear();
    m_ues.clear();
    Object::DoDispose();
}

void
RadioChannel::Setup(Ptr<ThreeGppPropagationLossModel> pathloss,
                    Ptr<MatrixBasedChannelModel> fading,
                    const OfdmaGrid& grid,
                    double centreFrequencyHz)
{
    m_pathloss = pathloss;
    m_numPrbs = grid.GetNumPrbs();
    m_centreFrequencyHz = centreFrequencyHz;
    if ((m_fastFading || m_interferenceFading) && !fading)
    {
        throw std::invalid_argument("RadioChannel: fast fading is enabled but no channel model "
                                    "was given");
    }
    m_fading = fading;
    // PRBs are centred on the carrier.
    m_prbBandwidthHz = grid.GetPrbBandwidthHz();
    m_firstPrbCentreHz = centreFrequencyHz + (0.5 - m_numPrbs / 2.0) * m_prbBandwidthHz;
}

uint32_t
RadioChannel::AddCell(Ptr<Node> gnb, Ptr<PhasedArrayModel> array)
{
    m_cells.push_back({gnb, MobilityOf(gnb), array});
    m_interferenceGain.assign(m_cells.size() * m_ues.size(), CachedGain{});
    return m_cells.size() - 1;
}

uint32_t
RadioChannel::AddUe(Ptr<Node> ue, Ptr<PhasedArrayModel> array)
{
    m_ues.push_back({ue, MobilityOf(ue), array});
    m_servingCell.push_back(0);
    m_servingGain.emplace_back();
    m_interferenceGain.assign(m_cells.size() * m_ues.size(), CachedGain{});
    return m_ues.size() - 1;
}

void
RadioChannel::SetServingCell(uint32_t ue, uint32_t cell)
{
    m_servingCell.at(ue) = cell;
    m_servingGain.at(ue) = CachedGain{};
}

uint32_t
RadioChannel::GetNumCells() const
{
    return m_cells.size();
}

uint32_t
RadioChannel::GetNumUes() const
{
    return m_ues.size();
}

bool
RadioChannel::IsStale(const CachedGain& cached) const
{
    return !cached.computedAt || Simulator::Now() - *cached.computedAt >= cached.validFor;
}

Time
RadioChannel::UpdatePeriod(uint32_t cell, uint32_t ue) const
{
    if (!m_fadingUpdatePeriod.IsZero())
    {
        return m_fadingUpdatePeriod;
    }
    const Time maxAutoPeriod = MilliSeconds(10);
    Vector relative = m_ues[ue].mobility->GetVelocity() - m_cells[cell].mobility->GetVelocity();
    double dopplerHz = relative.GetLength() * m_centreFrequencyHz / 299792458.0;
    if (dopplerHz * maxAutoPeriod.GetSeconds() <= 0.0423)
    {
        return maxAutoPeriod;
    }
    return Seconds(0.1 * 0.423 / dopplerHz); // Clarke's coherence time, TR 38.901 sec. 7.6.3
}

void
RadioChannel::Refresh(CachedGain& cached, std::vector<double> gain, uint32_t cell, uint32_t ue)
{
    cached.gain = std::move(gain);
    cached.computedAt = Simulator::Now();
    cached.validFor = UpdatePeriod(cell, ue);
}

double
RadioChannel::PathGainLinear(uint32_t cell, uint32_t ue) const
{
    // CalcRxPower with 0 dBm transmit power returns minus the loss in dB.
    double gainDb = m_pathloss->CalcRxPower(0.0, m_cells[cell].mobility, m_ues[ue].mobility);
    return std::pow(10.0, gainDb / 10.0);
}

double
RadioChannel::ElementGainLinear(uint32_t cell, uint32_t ue) const
{
    Vector gnbPos = m_cells[cell].mobility->GetPosition();
    Vector uePos = m_ues[ue].mobility->GetPosition();
    auto power = [](const std::pair<double, double>& field) {
        return field.first * field.first + field.second * field.second;
    };
    return power(m_cells[cell].array->GetElementFieldPattern(Angles(uePos, gnbPos))) *
           power(m_ues[ue].array->GetElementFieldPattern(Angles(gnbPos, uePos)));
}

double
RadioChannel::GetAverageGainDb(uint32_t cell, uint32_t ue)
{
    return 10.0 * std::log10(PathGainLinear(cell, ue) * ElementGainLinear(cell, ue));
}

PhasedArrayModel::ComplexVector
RadioChannel::MatchedBeam(Ptr<const PhasedArrayModel> array, Angles direction)
{
    // ns-3 3.37's channel matrix carries the array response exp(+j 2 pi r.d) and the
    // spectrum model forms w^T H without conjugation, so the weights that add the
    // elements in phase are the steering vector exp(-j 2 pi r.d) itself.
    // PhasedArrayModel::GetBeamformingVector() conjugates it, which steers at the
    // mirrored direction (measured: 6 dB lost on boresight, 17-35 dB at 45 degrees).
    // GetSteeringVector's own expression, evaluated in the same order; it recomputes these
    // four functions for every element, which made it a tenth of a 40-slot flow run.
    const double sinInclination = std::sin(direction.GetInclination());
    const double x = sinInclination * std::cos(direction.GetAzimuth());
    const double y = sinInclination * std::sin(direction.GetAzimuth());
    const double z = std::cos(direction.GetInclination());
    PhasedArrayModel::ComplexVector weights(array->GetNumberOfElements());
    const double norm = std::sqrt(static_cast<double>(weights.size()));
    for (std::size_t i = 0; i < weights.size(); ++i)
    {
        const Vector location = array->GetElementLocation(i);
        const double phase = -2 * M_PI * (x * location.x + y * location.y + z * location.z);
        weights[i] = std::polar<double>(1.0, phase) / norm;
    }
    return weights;
}

PhasedArrayModel::ComplexVector
RadioChannel::SingleElement(Ptr<const PhasedArrayModel> array)
{
    PhasedArrayModel::ComplexVector weights(array->GetNumberOfElements());
    weights[0] = 1.0;
    return weights;
}

std::vector<double>
RadioChannel::FadingGain(uint32_t cell,
                         uint32_t ue,
                         const PhasedArrayModel::ComplexVector& gnbWeights,
                         const PhasedArrayModel::ComplexVector& ueWeights,
                         FadingCache& cache) const
{
    using Matrix = MatrixBasedChannelModel;
    const Ptr<MobilityModel>& a = m_cells[cell].mobility;
    const Ptr<MobilityModel>& b = m_ues[ue].mobility;
    const auto& aArray = m_cells[cell].array;
    const auto& bArray = m_ues[ue].array;
    Ptr<const Matrix::ChannelMatrix> channel = m_fading->GetChannel(a, b, aArray, bArray);
    const bool newChannel = channel != cache.channel;
    if (newChannel)
    {
        Ptr<const Matrix::ChannelParams> params = m_fading->GetParams(a, b);
        // Arrival/departure angles as seen from the direction the matrix was generated in.
        const bool sameDirection = params->m_nodeIds == channel->m_nodeIds;
        const auto& zoa = params->m_angle[sameDirection ? Matrix::ZOA_INDEX : Matrix::ZOD_INDEX];
        const auto& zod = params->m_angle[sameDirection ? Matrix::ZOD_INDEX : Matrix::ZOA_INDEX];
        const auto& aoa = params->m_angle[sameDirection ? Matrix::AOA_INDEX : Matrix::AOD_INDEX];
        const auto& aod = params->m_angle[sameDirection ? Matrix::AOD_INDEX : Matrix::AOA_INDEX];
        auto unitVector = [](double zenithDeg, double azimuthDeg) {
            const double zenith = zenithDeg * M_PI / 180;
            const double azimuth = azimuthDeg * M_PI / 180;
            return Vector(std::sin(zenith) * std::cos(azimuth),
                          std::sin(zenith) * std::sin(azimuth),
                          std::cos(zenith));
        };
        const std::size_t numClusters = channel->m_channel[0][0].size();
        cache.clusters.resize(numClusters);
        for (std::size_t c = 0; c < numClusters; ++c)
        {
            const double delayS = params->m_delay[c];
            ClusterTerm& term = cache.clusters[c];
            term.delayAtFirstPrb = std::polar(1.0, -2 * M_PI * m_firstPrbCentreHz * delayS);
            term.prbStep = std::polar(1.0, -2 * M_PI * m_prbBandwidthHz * delayS);
            term.rxDirection = unitVector(zoa[c], aoa[c]);
            term.txDirection = unitVector(zod[c], aod[c]);
            term.scattererTerm = 2 * params->m_alpha[c] * params->m_D[c];
        }
        cache.channel = channel;
    }
    const bool gnbSteered = gnbWeights != cache.gnbWeights;
    const bool ueSteered = ueWeights != cache.ueWeights;
    if (newChannel || gnbSteered || ueSteered)
    {
        // The matrix H[u][s][cluster] may have been generated in the b -> a direction.
        const bool reverse = channel->IsReverse(aArray->GetId(), bArray->GetId());
        const auto& sW = reverse ? ueWeights : gnbWeights;
        const auto& uW = reverse ? gnbWeights : ueWeights;
        // Per cluster c: sum over s of sW[s] * (sum over u of uW[u] H[u][s][c]), s and u in
        // order. The clusters run innermost, along H's contiguous index, all at once; real
        // arithmetic because std::complex's product branches on NaN, which kept this loop
        // scalar (it was half of a 40-slot flow run's FadingGain: beams re-steer every step).
        const std::size_t numClusters = cache.clusters.size();
        if (newChannel || (reverse ? gnbSteered : ueSteered))
        {
            // The inner sums last as long as the u-node's beam: usually the UE's, whose
            // beam (a single element by default) does not follow the gNB's re-steering.
            cache.uCombinedRe.assign(sW.size() * numClusters, 0.0);
            cache.uCombinedIm.assign(sW.size() * numClusters, 0.0);
            for (std::size_t s = 0; s < sW.size(); ++s)
            {
                double* rxRe = &cache.uCombinedRe[s * numClusters];
                double* rxIm = &cache.uCombinedIm[s * numClusters];
                for (std::size_t u = 0; u < uW.size(); ++u)
                {
                    const double wRe = uW[u].real();
                    const double wIm = uW[u].imag();
                    const std::complex<double>* h = channel->m_channel[u][s].data();
                    for (std::size_t c = 0; c < numClusters; ++c)
                    {
                        rxRe[c] += wRe * h[c].real() - wIm * h[c].imag();
                        rxIm[c] += wRe * h[c].imag() + wIm * h[c].real();
                    }
                }
            }
        }
        std::vector<double> longRe(numClusters, 0.0);
        std::vector<double> longIm(numClusters, 0.0);
        for (std::size_t s = 0; s < sW.size(); ++s)
        {
            const double* rxRe = &cache.uCombinedRe[s * numClusters];
            const double* rxIm = &cache.uCombinedIm[s * numClusters];
            const double wRe = sW[s].real();
            const double wIm = sW[s].imag();
            for (std::size_t c = 0; c < numClusters; ++c)
            {
                longRe[c] += wRe * rxRe[c] - wIm * rxIm[c];
                longIm[c] += wRe * rxIm[c] + wIm * rxRe[c];
            }
        }
        for (std::size_t c = 0; c < numClusters; ++c)
        {
            cache.clusters[c].atFirstPrb =
                std::complex<double>(longRe[c], longIm[c]) * cache.clusters[c].delayAtFirstPrb;
        }
        cache.gnbWeights = gnbWeights;
        cache.ueWeights = ueWeights;
    }

    // ns-3 uses c = 3e8 m/s for the Doppler phase; kept identical to stay comparable.
    const double dopplerFactor =
        2 * M_PI * Simulator::Now().GetSeconds() * m_centreFrequencyHz / 3e8;
    const Vector sSpeed = a->GetVelocity();
    const Vector uSpeed = b->GetVelocity();
    auto dot = [](const Vector& x, const Vector& y) { return x.x * y.x + x.y * y.y + x.z * y.z; };
    // Each cluster's phasor at the current PRB, real and imaginary parts apart: the loop
    // below is the hot spot of a radio run, and std::complex's product checks for NaN.
    const std::size_t numClusters = cache.clusters.size();
    std::vector<double> re(numClusters);
    std::vector<double> im(numClusters);
    std::vector<double> stepRe(numClusters);
    std::vector<double> stepIm(numClusters);
    for (std::size_t c = 0; c < numClusters; ++c)
    {
        const ClusterTerm& term = cache.clusters[c];
        const double dopplerPhase =
            dopplerFactor *
            (dot(term.rxDirection, uSpeed) + dot(term.txDirection, sSpeed) + term.scattererTerm);
        const std::complex<double> phasor = term.atFirstPrb * std::polar(1.0, dopplerPhase);
        re[c] = phasor.real();
        im[c] = phasor.imag();
        stepRe[c] = term.prbStep.real();
        stepIm[c] = term.prbStep.imag();
    }
    // Sums over the clusters, PRB by PRB. Each PRB's sum is one chain of dependent
    // additions, so PRBs go in blocks of kPrbBlock whose chains run side by side: the
    // same additions in the same order as one PRB at a time, hence the same gains. The
    // last block runs whole, past the last PRB, so that every block has the fixed length
    // the compiler unrolls (with a variable length the sums lived in memory).
    constexpr uint32_t kPrbBlock = 4;
    const uint32_t numBlocks = (m_numPrbs + kPrbBlock - 1) / kPrbBlock;
    std::vector<double> gain(numBlocks * kPrbBlock);
    for (uint32_t first = 0; first < gain.size(); first += kPrbBlock)
    {
        double sumRe[kPrbBlock] = {};
        double sumIm[kPrbBlock] = {};
        for (std::size_t c = 0; c < numClusters; ++c)
        {
            double r = re[c];
            double i = im[c];
            for (uint32_t j = 0; j < kPrbBlock; ++j)
            {
                sumRe[j] += r;
                sumIm[j] += i;
                const double nextRe = r * stepRe[c] - i * stepIm[c];
                i = r * stepIm[c] + i * stepRe[c];
                r = nextRe;
            }
            re[c] = r;
            im[c] = i;
        }
        for (uint32_t j = 0; j < kPrbBlock; ++j)
        {
            gain[first + j] = sumRe[j] * sumRe[j] + sumIm[j] * sumIm[j];
        }
    }
    gain.resize(m_numPrbs);
    return gain;
}

const std::vector<double>&
RadioChannel::GetServingGain(uint32_t ue)
{
    CachedGain& cached = m_servingGain.at(ue);
    if (!IsStale(cached))
    {
        return cached.gain;
    }
    uint32_t cell = m_servingCell[ue];
    double pathGain = PathGainLinear(cell, ue);
    std::vector<double> gain;
    if (m_fastFading)
    {
        auto& gnbWeights = cached.fading.gnbWeights;
        auto& ueWeights = cached.fading.ueWeights;
        PhasedArrayModel::ComplexVector newGnbWeights = gnbWeights;
        PhasedArrayModel::ComplexVector newUeWeights = ueWeights;
        if (!cached.steeredAt || Simulator::Now() - *cached.steeredAt >= m_beamUpdatePeriod)
        {
            const Vector gnbPos = m_cells[cell].mobility->GetPosition();
            const Vector uePos = m_ues[ue].mobility->GetPosition();
            newGnbWeights = MatchedBeam(m_cells[cell].array, Angles(uePos, gnbPos));
            newUeWeights = MatchedBeam(m_ues[ue].array, Angles(gnbPos, uePos));
            cached.steeredAt = Simulator::Now();
        }
        // The arrays show the beams of the link evaluated last (as ns-3's models expect).
        m_cells[cell].array->SetBeamformingVector(newGnbWeights);
        m_ues[ue].array->SetBeamformingVector(newUeWeights);
        gain = FadingGain(cell, ue, newGnbWeights, newUeWeights, cached.fading);
        for (double& g : gain)
        {
            g *= pathGain;
        }
    }
    else
    {
        // Array gain of a beam steered at the line-of-sight direction, no multipath.
        double arrayGain =
            m_cells[cell].array->GetNumberOfElements() * m_ues[ue].array->GetNumberOfElements();
        gain.assign(m_numPrbs, pathGain * ElementGainLinear(cell, ue) * arrayGain);
    }
    Refresh(cached, std::move(gain), cell, ue);
    return cached.gain;
}

const std::vector<double>&
RadioChannel::GetInterferenceGain(uint32_t cell, uint32_t ue)
{
    CachedGain& cached = m_interferenceGain.at(cell * m_ues.size() + ue);
    if (!IsStale(cached))
    {
        return cached.gain;
    }
    double pathGain = PathGainLinear(cell, ue);
    std::vector<double> gain;
    if (m_interferenceFading)
    {
        gain = FadingGain(cell,
                          ue,
                          SingleElement(m_cells[cell].array),
                          SingleElement(m_ues[ue].array),
                          cached.fading);
        for (double& g : gain)
        {
            g *= pathGain;
        }
    }
    else
    {
        gain.assign(m_numPrbs, pathGain * ElementGainLinear(cell, ue));
    }
    Refresh(cached, std::move(gain), cell, ue);
    return cached.gain;
}

} // namespace ns3
