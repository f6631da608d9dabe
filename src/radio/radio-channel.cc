#include "radio-channel.h"

#include "ns3/angles.h"
#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/mobility-model.h"
#include "ns3/simulator.h"
#include "ns3/spectrum-signal-parameters.h"
#include "ns3/spectrum-value.h"
#include "ns3/three-gpp-propagation-loss-model.h"
#include "ns3/three-gpp-spectrum-propagation-loss-model.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RadioChannel");
NS_OBJECT_ENSURE_REGISTERED(RadioChannel);

TypeId
RadioChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RadioChannel")
            .SetParent<Object>()
            .AddConstructor<RadioChannel>()
            .AddAttribute("FadingUpdatePeriod",
                          "How often per-PRB fast-fading gains are re-evaluated; they are held "
                          "constant in between (s). Keep it well below the coherence time "
                          "0.423/f_D.",
                          TimeValue(MilliSeconds(1)),
                          MakeTimeAccessor(&RadioChannel::m_fadingUpdatePeriod),
                          MakeTimeChecker(NanoSeconds(1)))
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
    m_spectrumLoss = nullptr;
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
    if ((m_fastFading || m_interferenceFading) && !fading)
    {
        throw std::invalid_argument("RadioChannel: fast fading is enabled but no channel model "
                                    "was given");
    }
    if (fading)
    {
        m_spectrumLoss = CreateObject<ThreeGppSpectrumPropagationLossModel>();
        m_spectrumLoss->SetChannelModel(fading);
    }
    // One spectrum band per PRB, centred on the carrier.
    std::vector<double> centres(m_numPrbs);
    for (uint32_t k = 0; k < m_numPrbs; ++k)
    {
        centres[k] = centreFrequencyHz + (k + 0.5 - m_numPrbs / 2.0) * grid.GetPrbBandwidthHz();
    }
    m_prbSpectrum = Create<SpectrumModel>(centres);
}

uint32_t
RadioChannel::AddCell(Ptr<Node> gnb, Ptr<PhasedArrayModel> array)
{
    m_cells.push_back({gnb, array});
    m_interferenceGain.assign(m_cells.size() * m_ues.size(), CachedGain{});
    return m_cells.size() - 1;
}

uint32_t
RadioChannel::AddUe(Ptr<Node> ue, Ptr<PhasedArrayModel> array)
{
    m_ues.push_back({ue, array});
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
    return !cached.computedAt || Simulator::Now() - *cached.computedAt >= m_fadingUpdatePeriod;
}

double
RadioChannel::PathGainLinear(uint32_t cell, uint32_t ue) const
{
    // CalcRxPower with 0 dBm transmit power returns minus the loss in dB.
    double gainDb = m_pathloss->CalcRxPower(0.0,
                                            m_cells[cell].node->GetObject<MobilityModel>(),
                                            m_ues[ue].node->GetObject<MobilityModel>());
    return std::pow(10.0, gainDb / 10.0);
}

double
RadioChannel::ElementGainLinear(uint32_t cell, uint32_t ue) const
{
    Vector gnbPos = m_cells[cell].node->GetObject<MobilityModel>()->GetPosition();
    Vector uePos = m_ues[ue].node->GetObject<MobilityModel>()->GetPosition();
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

void
RadioChannel::SteerServingBeams(uint32_t cell, uint32_t ue) const
{
    Vector gnbPos = m_cells[cell].node->GetObject<MobilityModel>()->GetPosition();
    Vector uePos = m_ues[ue].node->GetObject<MobilityModel>()->GetPosition();
    const auto& gnbArray = m_cells[cell].array;
    const auto& ueArray = m_ues[ue].array;
    gnbArray->SetBeamformingVector(gnbArray->GetBeamformingVector(Angles(uePos, gnbPos)));
    ueArray->SetBeamformingVector(ueArray->GetBeamformingVector(Angles(gnbPos, uePos)));
}

void
RadioChannel::UseSingleElement(uint32_t cell, uint32_t ue) const
{
    for (const auto& array : {m_cells[cell].array, m_ues[ue].array})
    {
        PhasedArrayModel::ComplexVector oneElement(array->GetNumberOfElements());
        oneElement[0] = 1.0;
        array->SetBeamformingVector(oneElement);
    }
}

std::vector<double>
RadioChannel::FadingGain(uint32_t cell, uint32_t ue) const
{
    auto params = Create<SpectrumSignalParameters>();
    params->psd = Create<SpectrumValue>(m_prbSpectrum);
    *params->psd = 1.0; // unit PSD: the result is the gain itself
    Ptr<SpectrumValue> rx =
        m_spectrumLoss->CalcRxPowerSpectralDensity(params,
                                                   m_cells[cell].node->GetObject<MobilityModel>(),
                                                   m_ues[ue].node->GetObject<MobilityModel>(),
                                                   m_cells[cell].array,
                                                   m_ues[ue].array);
    return std::vector<double>(rx->ConstValuesBegin(), rx->ConstValuesEnd());
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
    if (m_fastFading)
    {
        SteerServingBeams(cell, ue);
        cached.gain = FadingGain(cell, ue);
        for (double& g : cached.gain)
        {
            g *= pathGain;
        }
    }
    else
    {
        // Array gain of a beam steered at the line-of-sight direction, no multipath.
        double arrayGain =
            m_cells[cell].array->GetNumberOfElements() * m_ues[ue].array->GetNumberOfElements();
        cached.gain.assign(m_numPrbs, pathGain * ElementGainLinear(cell, ue) * arrayGain);
    }
    cached.computedAt = Simulator::Now();
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
    if (m_interferenceFading)
    {
        UseSingleElement(cell, ue);
        cached.gain = FadingGain(cell, ue);
        for (double& g : cached.gain)
        {
            g *= pathGain;
        }
    }
    else
    {
        cached.gain.assign(m_numPrbs, pathGain * ElementGainLinear(cell, ue));
    }
    cached.computedAt = Simulator::Now();
    return cached.gain;
}

} // namespace ns3
