#include "radio-network.h"

#include "radio/link-adaptation.h"
#include "radio/radio-channel.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RadioNetwork");
NS_OBJECT_ENSURE_REGISTERED(RadioNetwork);

namespace
{

constexpr double kThermalNoiseDbmPerHz = -174.0; // k*T at 290 K
constexpr LinkDirection kDirections[] = {LinkDirection::Downlink, LinkDirection::Uplink};

double
DbmToW(double dbm)
{
    return std::pow(10.0, (dbm - 30.0) / 10.0);
}

std::size_t
Index(LinkDirection direction)
{
    return static_cast<std::size_t>(direction);
}

} // namespace

const char*
ToString(LinkDirection direction)
{
    return direction == LinkDirection::Downlink ? "DL" : "UL";
}

TypeId
RadioNetwork::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RadioNetwork")
            .SetParent<Object>()
            .AddConstructor<RadioNetwork>()
            .AddAttribute("GnbTxPowerDbm",
                          "gNB transmit power over the whole carrier (dBm); TR 38.901 "
                          "Table 7.8-1 calibrates UMa at 44 dBm per 20 MHz.",
                          DoubleValue(44.0),
                          MakeDoubleAccessor(&RadioNetwork::m_gnbTxPowerDbm),
                          MakeDoubleChecker<double>(-30.0, 80.0))
            .AddAttribute("UeTxPowerDbm",
                          "UE maximum transmit power (dBm), split evenly over its PRBs "
                          "(no closed-loop power control); 23 dBm is power class 3.",
                          DoubleValue(23.0),
                          MakeDoubleAccessor(&RadioNetwork::m_ueTxPowerDbm),
                          MakeDoubleChecker<double>(-40.0, 40.0))
            .AddAttribute("GnbNoiseFigureDb",
                          "gNB receiver noise figure (dB)",
                          DoubleValue(5.0),
                          MakeDoubleAccessor(&RadioNetwork::m_gnbNoiseFigureDb),
                          MakeDoubleChecker<double>(0.0, 30.0))
            .AddAttribute("UeNoiseFigureDb",
                          "UE receiver noise figure (dB); TR 38.901 Table 7.8-1 uses 9 dB",
                          DoubleValue(9.0),
                          MakeDoubleAccessor(&RadioNetwork::m_ueNoiseFigureDb),
                          MakeDoubleChecker<double>(0.0, 30.0))
            .AddAttribute("Scheduler",
                          "TypeId of the PRB scheduler, one instance per cell and direction "
                          "(ns3::RoundRobinScheduler, ns3::ProportionalFairScheduler, "
                          "ns3::MaxRateScheduler)",
                          StringValue("ns3::ProportionalFairScheduler"),
                          MakeStringAccessor(&RadioNetwork::GetSchedulerType,
                                             &RadioNetwork::SetSchedulerType),
                          MakeStringChecker())
            .AddAttribute("Harq",
                          "Retransmit failed blocks by HARQ with chase combining; when false "
                          "their bytes go back to the head of the queue",
                          BooleanValue(true),
                          MakeBooleanAccessor(&RadioNetwork::m_harq),
                          MakeBooleanChecker())
            .AddAttribute("HarqMaxTransmissions",
                          "Transmissions of one block before its bytes are re-queued",
                          UintegerValue(4),
                          MakeUintegerAccessor(&RadioNetwork::m_harqMaxTransmissions),
                          MakeUintegerChecker<uint8_t>(1, 16))
            .AddAttribute("HarqRttSlots",
                          "Slots from a transmission to its HARQ retransmission",
                          UintegerValue(4),
                          MakeUintegerAccessor(&RadioNetwork::m_harqRttSlots),
                          MakeUintegerChecker<uint32_t>(1, 64))
            .AddAttribute("CsiPeriodSlots",
                          "Periodicity of the CSI (CQI) reports that scheduling and MCS "
                          "choice use, in slots (TS 38.214 sec. 5.2.2.5: 4 to 320)",
                          UintegerValue(5),
                          MakeUintegerAccessor(&RadioNetwork::m_csiPeriodSlots),
                          MakeUintegerChecker<uint32_t>(1, 320))
            .AddAttribute("RateAveragingTime",
                          "Time constant of the exponential average of the CSI reports' "
                          "full-band rate that GetEstimatedFullBandRateBps returns (what "
                          "the edge server plans rounds with); 0: the last report alone",
                          TimeValue(MilliSeconds(500)),
                          MakeTimeAccessor(&RadioNetwork::m_rateAveragingTime),
                          MakeTimeChecker(Seconds(0)))
            .AddTraceSource("SlotKpi",
                            "One record per transport block transmitted",
                            MakeTraceSourceAccessor(&RadioNetwork::m_slotKpiTrace),
                            "ns3::RadioNetwork::SlotKpiTracedCallback");
    return tid;
}

RadioNetwork::RadioNetwork()
{
    m_errorDraw = CreateObject<UniformRandomVariable>();
}

RadioNetwork::~RadioNetwork() = default;

void
RadioNetwork::SetSchedulerType(std::string typeName)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(typeName, &tid))
    {
        throw std::invalid_argument("unknown scheduler type '" + typeName + "'");
    }
    m_schedulerFactory.SetTypeId(tid);
}

std::string
RadioNetwork::GetSchedulerType() const
{
    return m_schedulerFactory.GetTypeId().GetName();
}

void
RadioNetwork::DoDispose()
{
    m_slotEvent.Cancel();
    m_channel = nullptr;
    m_linkAdaptation = nullptr;
    for (auto& schedulers : m_schedulers)
    {
        schedulers.clear();
    }
    Object::DoDispose();
}

int64_t
RadioNetwork::AssignStreams(int64_t stream)
{
    m_errorDraw->SetStream(stream);
    return 1;
}

void
RadioNetwork::Setup(const OfdmaGrid& grid,
                    Ptr<RadioChannel> channel,
                    Ptr<LinkAdaptation> linkAdaptation)
{
    m_grid = grid;
    m_allPrbs.resize(grid.GetNumPrbs());
    std::iota(m_allPrbs.begin(), m_allPrbs.end(), 0u);
    m_gnbPowerPerPrbW = DbmToW(m_gnbTxPowerDbm) / grid.GetNumPrbs();
    m_ueTxPowerW.assign(channel->GetNumUes(), DbmToW(m_ueTxPowerDbm));
    const double kTPerPrbDbm = kThermalNoiseDbmPerHz + 10 * std::log10(grid.GetPrbBandwidthHz());
    m_noisePerPrbW[Index(LinkDirection::Downlink)] = DbmToW(kTPerPrbDbm + m_ueNoiseFigureDb);
    m_noisePerPrbW[Index(LinkDirection::Uplink)] = DbmToW(kTPerPrbDbm + m_gnbNoiseFigureDb);
    m_channel = channel;
    m_linkAdaptation = linkAdaptation;
    const uint32_t numCells = channel->GetNumCells();
    const uint32_t numUes = channel->GetNumUes();
    if (numCells == 0 || numUes == 0)
    {
        throw std::invalid_argument("RadioNetwork needs at least one cell and one UE");
    }
    m_servingCell.assign(numUes, 0);
    m_cellUes.assign(numCells, {});
    for (uint32_t ue = 0; ue < numUes; ++ue)
    {
        double best = -std::numeric_limits<double>::infinity();
        for (uint32_t cell = 0; cell < numCells; ++cell)
        {
            double gainDb = channel->GetAverageGainDb(cell, ue);
            if (gainDb > best)
            {
                best = gainDb;
                m_servingCell[ue] = cell;
            }
        }
        channel->SetServingCell(ue, m_servingCell[ue]);
        m_cellUes[m_servingCell[ue]].push_back(ue);
    }
    for (LinkDirection direction : kDirections)
    {
        auto d = Index(direction);
        m_schedulers[d].clear();
        for (uint32_t cell = 0; cell < numCells; ++cell)
        {
            m_schedulers[d].push_back(m_schedulerFactory.Create<RadioScheduler>());
        }
        m_links[d].assign(numUes, UeLink{});
        m_prbOwner[d].assign(
            numCells,
            std::vector<uint32_t>(grid.GetNumPrbs(), RadioScheduler::kUnallocated));
        m_allocatedPrbs[d].assign(numUes, 0);
        m_activePrbs[d].assign(numCells, 0);
    }
    m_uplinkInterferenceW.assign(numCells, std::vector<double>(grid.GetNumPrbs(), 0.0));
}

void
RadioNetwork::Start()
{
    for (LinkDirection direction : kDirections)
    {
        MeasureChannelQuality(direction); // the first CQI: an idle network
    }
    m_slotEvent = Simulator::ScheduleNow(&RadioNetwork::Slot, this);
}

RadioNetwork::UeLink&
RadioNetwork::Link(uint32_t ue, LinkDirection direction)
{
    if (ue >= m_servingCell.size())
    {
        std::ostringstream msg;
        msg << "UE index " << ue << " does not exist (" << m_servingCell.size() << " UEs)";
        throw std::invalid_argument(msg.str());
    }
    return m_links[Index(direction)][ue];
}

void
RadioNetwork::SetFullBuffer(uint32_t ue, LinkDirection direction, bool fullBuffer)
{
    Link(ue, direction).fullBuffer = fullBuffer;
}

void
RadioNetwork::Enqueue(uint32_t ue,
                      LinkDirection direction,
                      uint64_t bytes,
                      Callback<void> delivered)
{
    if (bytes == 0)
    {
        throw std::invalid_argument("a radio transfer needs at least one byte");
    }
    UeLink& link = Link(ue, direction);
    link.transfers[m_nextTransferId++] = Transfer{bytes, bytes, delivered};
    link.unsentBytes += bytes;
    NotifyBacklogAdded();
}

void
RadioNetwork::NotifyBacklogAdded()
{
}

uint32_t
RadioNetwork::GetServingCell(uint32_t ue) const
{
    return m_servingCell.at(ue);
}

uint32_t
RadioNetwork::GetNumUes() const
{
    return m_servingCell.size();
}

uint32_t
RadioNetwork::GetNumCells() const
{
    return m_cellUes.size();
}

const OfdmaGrid&
RadioNetwork::GetGrid() const
{
    return *m_grid;
}

uint64_t
RadioNetwork::GetDeliveredBytes(uint32_t ue, LinkDirection direction) const
{
    return m_links[Index(direction)].at(ue).deliveredBytes;
}

uint64_t
RadioNetwork::GetSlotCount() const
{
    return m_slot;
}

double
RadioNetwork::GetEstimatedFullBandRateBps(uint32_t ue, LinkDirection direction) const
{
    const UeLink& link = m_links[Index(direction)].at(ue);
    return 8.0 * link.fullBandBytesPerSlot / m_grid->GetSlotDuration().GetSeconds();
}

double
RadioNetwork::FullBandBytesPerSlot(uint32_t ue, LinkDirection direction) const
{
    const UeLink& link = m_links[Index(direction)][ue];
    if (direction == LinkDirection::Downlink)
    {
        return std::accumulate(link.prbBytes.begin(), link.prbBytes.end(), 0.0);
    }
    // Uplink reports assume the power spread over the reference PRBs; rescale to all.
    const double powerScale = double(UplinkCqiReferencePrbs(ue)) / m_grid->GetNumPrbs();
    std::vector<double> sinr = link.cqiSinr;
    for (double& s : sinr)
    {
        s *= powerScale;
    }
    const std::vector<double> bytes = m_linkAdaptation->EstimateBytesPerPrbLinear(sinr);
    return std::accumulate(bytes.begin(), bytes.end(), 0.0);
}

void
RadioNetwork::SetUeTxPowerDbm(uint32_t ue, double txPowerDbm)
{
    if (ue >= m_ueTxPowerW.size() || !std::isfinite(txPowerDbm))
    {
        throw std::invalid_argument("cannot set UE " + std::to_string(ue) + " transmit power to " +
                                    std::to_string(txPowerDbm) + " dBm");
    }
    m_ueTxPowerW[ue] = DbmToW(txPowerDbm);
}

double
RadioNetwork::GetUeTxPowerW(uint32_t ue) const
{
    return m_ueTxPowerW.at(ue);
}

void
RadioNetwork::TopUpToBacklog(LinkDirection direction, uint32_t ue, std::vector<uint32_t>& owner)
{
    // Schedulers size grants with per-PRB byte estimates that ignore TBS quantisation,
    // so the transport block of a grant meant to empty the queue can fall a few bytes
    // short; without this the last bytes would wait a whole extra slot.
    const UeLink& link = m_links[Index(direction)][ue];
    std::vector<uint32_t> prbs;
    for (uint32_t prb = 0; prb < owner.size(); ++prb)
    {
        if (owner[prb] == ue)
        {
            prbs.push_back(prb);
        }
    }
    if (prbs.empty())
    {
        return;
    }
    // A backlog beyond the largest block any grant up to the whole carrier could carry
    // takes every free PRB: no need to evaluate the TBS PRB by PRB.
    const auto freePrbs =
        static_cast<uint32_t>(std::count(owner.begin(), owner.end(), RadioScheduler::kUnallocated));
    if (link.unsentBytes > m_linkAdaptation->GetMaxTbsBits(prbs.size() + freePrbs) / 8)
    {
        std::replace(owner.begin(), owner.end(), RadioScheduler::kUnallocated, ue);
        return;
    }
    auto tbsBytes = [&]() {
        return m_linkAdaptation->Decide(ReportedSinrDb(direction, ue, prbs), prbs.size()).tbsBits /
               8;
    };
    // The TBS only changes when a PRB is added: evaluate it once per added PRB, not per
    // PRB visited (it costs a logarithm per PRB of the grant).
    uint64_t grantBytes = tbsBytes();
    for (uint32_t prb = 0; prb < owner.size() && grantBytes < link.unsentBytes; ++prb)
    {
        if (owner[prb] == RadioScheduler::kUnallocated)
        {
            owner[prb] = ue;
            prbs.push_back(prb);
            grantBytes = tbsBytes();
        }
    }
}

double
RadioNetwork::ReportedSinrDb(LinkDirection direction,
                             uint32_t ue,
                             const std::vector<uint32_t>& prbs) const
{
    const UeLink& link = m_links[Index(direction)][ue];
    // An uplink CQI assumes the UE's power over UplinkCqiReferencePrbs(); on a grant of
    // another size the power per PRB, and so the signal, scales inversely (the gNB knows
    // the grant and, through power headroom reports, the UE's power).
    const double powerScale =
        direction == LinkDirection::Uplink ? double(UplinkCqiReferencePrbs(ue)) / prbs.size() : 1.0;
    std::vector<double> sinr;
    for (uint32_t prb : prbs)
    {
        sinr.push_back(link.cqiSinr[prb] * powerScale);
    }
    return LinkAdaptation::EffectiveSinrDb(sinr);
}

uint32_t
RadioNetwork::UplinkCqiReferencePrbs(uint32_t ue) const
{
    // An equal share of the carrier. The share a UE last got would lock in: a UE whose
    // SINR over a wide grant was too low for CQI 1 would never be scheduled again.
    return std::max<uint32_t>(1, m_grid->GetNumPrbs() / m_cellUes[m_servingCell[ue]].size());
}

double
RadioNetwork::UePowerPerPrbW(uint32_t ue, uint32_t numPrbs) const
{
    return m_ueTxPowerW[ue] / std::max(1u, numPrbs);
}

void
RadioNetwork::Slot()
{
    for (LinkDirection direction : kDirections)
    {
        ScheduleDirection(direction);
    }
    for (LinkDirection direction : kDirections)
    {
        TransmitDirection(direction);
    }
    ++m_slot;
    if (m_slot % m_csiPeriodSlots == 0)
    {
        for (LinkDirection direction : kDirections)
        {
            MeasureChannelQuality(direction);
        }
    }
    m_slotEvent = Simulator::Schedule(m_grid->GetSlotDuration(), &RadioNetwork::Slot, this);
}

void
RadioNetwork::ScheduleDirection(LinkDirection direction)
{
    const auto d = Index(direction);
    const uint32_t numPrbs = m_grid->GetNumPrbs();
    std::fill(m_allocatedPrbs[d].begin(), m_allocatedPrbs[d].end(), 0);
    for (uint32_t cell = 0; cell < m_cellUes.size(); ++cell)
    {
        auto& owner = m_prbOwner[d][cell];
        std::fill(owner.begin(), owner.end(), RadioScheduler::kUnallocated);
        std::vector<bool> retransmitting(m_servingCell.size(), false);
        // HARQ retransmissions due now keep the PRBs of their first transmission.
        for (uint32_t ue : m_cellUes[cell])
        {
            for (const HarqBlock& block : m_links[d][ue].harq)
            {
                if (block.dueSlot == m_slot)
                {
                    for (uint32_t prb : block.prbs)
                    {
                        owner[prb] = ue;
                    }
                    retransmitting[ue] = true;
                }
            }
        }
        std::vector<SchedulingCandidate> candidates;
        for (uint32_t ue : m_cellUes[cell])
        {
            const UeLink& link = m_links[d][ue];
            if (retransmitting[ue] || (!link.fullBuffer && link.unsentBytes == 0))
            {
                continue;
            }
            SchedulingCandidate candidate;
            candidate.ueId = ue;
            candidate.backlogBytes =
                link.fullBuffer ? SchedulingCandidate::kFullBuffer : link.unsentBytes;
            candidate.prbBytes = link.prbBytes;
            for (uint32_t prb = 0; prb < numPrbs; ++prb)
            {
                if (owner[prb] != RadioScheduler::kUnallocated)
                {
                    candidate.prbBytes[prb] = 0.0; // held by a HARQ retransmission
                }
            }
            candidates.push_back(std::move(candidate));
        }
        if (!candidates.empty())
        {
            std::vector<uint32_t> allocation = m_schedulers[d][cell]->Allocate(candidates, numPrbs);
            for (uint32_t prb = 0; prb < numPrbs; ++prb)
            {
                if (owner[prb] == RadioScheduler::kUnallocated)
                {
                    owner[prb] = allocation[prb];
                }
            }
            for (const SchedulingCandidate& candidate : candidates)
            {
                if (candidate.backlogBytes != SchedulingCandidate::kFullBuffer)
                {
                    TopUpToBacklog(direction, candidate.ueId, owner);
                }
            }
        }
        m_activePrbs[d][cell] = 0;
        for (uint32_t prb = 0; prb < numPrbs; ++prb)
        {
            if (owner[prb] != RadioScheduler::kUnallocated)
            {
                ++m_allocatedPrbs[d][owner[prb]];
                ++m_activePrbs[d][cell];
            }
        }
    }
    if (direction == LinkDirection::Uplink)
    {
        ComputeUplinkInterference();
    }
}

void
RadioNetwork::ComputeUplinkInterference()
{
    // Interference power at each gNB on each PRB from the UEs of the other cells that
    // transmit on it this slot; the same for every UE of the cell, so computed once.
    const auto d = Index(LinkDirection::Uplink);
    const uint32_t numPrbs = m_grid->GetNumPrbs();
    for (uint32_t cell = 0; cell < m_cellUes.size(); ++cell)
    {
        auto& atGnb = m_uplinkInterferenceW[cell];
        std::fill(atGnb.begin(), atGnb.end(), 0.0);
        for (uint32_t other = 0; other < m_cellUes.size(); ++other)
        {
            if (other == cell || m_activePrbs[d][other] == 0)
            {
                continue;
            }
            const auto& owner = m_prbOwner[d][other];
            for (uint32_t prb = 0; prb < numPrbs; ++prb)
            {
                const uint32_t interferer = owner[prb];
                if (interferer != RadioScheduler::kUnallocated)
                {
                    atGnb[prb] += UePowerPerPrbW(interferer, m_allocatedPrbs[d][interferer]) *
                                  m_channel->GetInterferenceGain(cell, interferer)[prb];
                }
            }
        }
    }
}

std::vector<double>
RadioNetwork::PrbSinr(LinkDirection direction,
                      uint32_t ue,
                      const std::vector<uint32_t>& prbs,
                      double txPowerW)
{
    const auto d = Index(direction);
    const uint32_t cell = m_servingCell[ue];
    const std::vector<double>& servingGain = m_channel->GetServingGain(ue);
    std::vector<double> interference(prbs.size(), 0.0);
    if (direction == LinkDirection::Uplink)
    {
        const auto& atGnb = m_uplinkInterferenceW[cell];
        for (std::size_t i = 0; i < prbs.size(); ++i)
        {
            interference[i] = atGnb[prbs[i]];
        }
    }
    else
    {
        for (uint32_t other = 0; other < m_cellUes.size(); ++other)
        {
            if (other == cell || m_activePrbs[d][other] == 0)
            {
                continue;
            }
            // The other cell's gNB transmits on the PRBs it uses this slot.
            const auto& owner = m_prbOwner[d][other];
            const std::vector<double>& gain = m_channel->GetInterferenceGain(other, ue);
            for (std::size_t i = 0; i < prbs.size(); ++i)
            {
                if (owner[prbs[i]] != RadioScheduler::kUnallocated)
                {
                    interference[i] += m_gnbPowerPerPrbW * gain[prbs[i]];
                }
            }
        }
    }
    std::vector<double> sinr(prbs.size());
    for (std::size_t i = 0; i < prbs.size(); ++i)
    {
        sinr[i] = txPowerW * servingGain[prbs[i]] / (m_noisePerPrbW[d] + interference[i]);
    }
    return sinr;
}

void
RadioNetwork::MeasureChannelQuality(LinkDirection direction)
{
    const auto d = Index(direction);
    for (uint32_t ue = 0; ue < m_servingCell.size(); ++ue)
    {
        UeLink& link = m_links[d][ue];
        double txPowerW = direction == LinkDirection::Downlink
                              ? m_gnbPowerPerPrbW
                              : UePowerPerPrbW(ue, UplinkCqiReferencePrbs(ue));
        link.cqiSinr = PrbSinr(direction, ue, m_allPrbs, txPowerW);
        link.prbBytes = m_linkAdaptation->EstimateBytesPerPrbLinear(link.cqiSinr);
        // A planner needs the rate over the next seconds, not the fade of this instant.
        const double bytesPerSlot = FullBandBytesPerSlot(ue, direction);
        const Time now = Simulator::Now();
        const double weight = !link.reportedAt || m_rateAveragingTime.IsZero()
                                  ? 1.0
                                  : -std::expm1(-(now - *link.reportedAt).GetSeconds() /
                                                m_rateAveragingTime.GetSeconds());
        link.fullBandBytesPerSlot += weight * (bytesPerSlot - link.fullBandBytesPerSlot);
        link.reportedAt = now;
    }
}

std::vector<std::pair<uint64_t, uint32_t>>
RadioNetwork::TakePayload(UeLink& link, uint32_t maxBytes)
{
    std::vector<std::pair<uint64_t, uint32_t>> payload;
    if (link.fullBuffer && link.unsentBytes == 0)
    {
        return payload; // full-buffer filler: no transfer to account
    }
    for (auto& [id, transfer] : link.transfers)
    {
        if (maxBytes == 0)
        {
            break;
        }
        uint32_t take = static_cast<uint32_t>(std::min<uint64_t>(transfer.unsentBytes, maxBytes));
        if (take > 0)
        {
            transfer.unsentBytes -= take;
            link.unsentBytes -= take;
            maxBytes -= take;
            payload.emplace_back(id, take);
        }
    }
    return payload;
}

void
RadioNetwork::Acknowledge(UeLink& link,
                          const std::vector<std::pair<uint64_t, uint32_t>>& payload,
                          Time decodingDelay)
{
    for (const auto& [id, bytes] : payload)
    {
        auto it = link.transfers.find(id);
        it->second.unackedBytes -= bytes;
        if (it->second.unackedBytes == 0)
        {
            if (!it->second.delivered.IsNull())
            {
                Simulator::Schedule(decodingDelay, it->second.delivered);
            }
            link.transfers.erase(it);
        }
    }
}

void
RadioNetwork::Requeue(UeLink& link, const std::vector<std::pair<uint64_t, uint32_t>>& payload)
{
    for (const auto& [id, bytes] : payload)
    {
        link.transfers.at(id).unsentBytes += bytes;
        link.unsentBytes += bytes;
    }
}

void
RadioNetwork::TransmitDirection(LinkDirection direction)
{
    const auto d = Index(direction);
    const uint32_t numPrbs = m_grid->GetNumPrbs();
    std::vector<uint64_t> deliveredThisSlot(m_servingCell.size(), 0);
    for (uint32_t cell = 0; cell < m_cellUes.size(); ++cell)
    {
        const auto& owner = m_prbOwner[d][cell];
        std::map<uint32_t, std::vector<uint32_t>> prbsOf; // UE -> its PRBs, in PRB order
        for (uint32_t prb = 0; prb < numPrbs; ++prb)
        {
            if (owner[prb] != RadioScheduler::kUnallocated)
            {
                prbsOf[owner[prb]].push_back(prb);
            }
        }
        for (const auto& [ue, prbs] : prbsOf)
        {
            UeLink& link = m_links[d][ue];
            double txPowerW = direction == LinkDirection::Downlink
                                  ? m_gnbPowerPerPrbW
                                  : UePowerPerPrbW(ue, prbs.size());
            std::vector<double> sinr = PrbSinr(direction, ue, prbs, txPowerW);
            double sinrNow = std::pow(10.0, LinkAdaptation::EffectiveSinrDb(sinr) / 10.0);

            auto retx = std::find_if(link.harq.begin(), link.harq.end(), [this](const auto& b) {
                return b.dueSlot == m_slot;
            });
            HarqBlock block;
            if (retx != link.harq.end())
            {
                block = *retx;
                link.harq.erase(retx);
                block.combinedSinr += sinrNow;
                ++block.transmissions;
            }
            else
            {
                LinkDecision decision =
                    m_linkAdaptation->Decide(ReportedSinrDb(direction, ue, prbs), prbs.size());
                block.prbs = prbs;
                block.decision = decision;
                block.payload = TakePayload(link, decision.tbsBits / 8);
                block.combinedSinr = sinrNow;
                block.transmissions = 1;
            }
            double sinrDb = 10.0 * std::log10(block.combinedSinr);
            double bler = m_linkAdaptation->GetBler(block.decision, sinrDb);
            bool success = m_errorDraw->GetValue() >= bler;

            uint32_t payloadBytes = 0;
            for (const auto& part : block.payload)
            {
                payloadBytes += part.second;
            }
            if (link.fullBuffer && block.payload.empty())
            {
                payloadBytes = block.decision.tbsBits / 8;
            }
            uint32_t deliveredBytes = success ? payloadBytes : 0;
            if (success)
            {
                // The block is decoded at the end of the slot.
                Acknowledge(link, block.payload, m_grid->GetSlotDuration());
                link.deliveredBytes += deliveredBytes;
                deliveredThisSlot[ue] = deliveredBytes;
            }
            else if (m_harq && block.transmissions < m_harqMaxTransmissions)
            {
                block.dueSlot = m_slot + m_harqRttSlots;
                link.harq.push_back(block);
            }
            else
            {
                Requeue(link, block.payload);
            }
            m_slotKpiTrace(SlotKpi{Simulator::Now(),
                                   cell,
                                   ue,
                                   direction,
                                   sinrDb,
                                   block.decision.mcs,
                                   static_cast<uint32_t>(prbs.size()),
                                   block.decision.tbsBits / 8,
                                   payloadBytes,
                                   deliveredBytes,
                                   bler,
                                   block.transmissions,
                                   1});
        }
        std::vector<std::pair<uint32_t, uint64_t>> delivered;
        for (uint32_t ue : m_cellUes[cell])
        {
            delivered.emplace_back(ue, deliveredThisSlot[ue]);
        }
        m_schedulers[d][cell]->NotifySlotResult(delivered);
    }
}

} // namespace ns3
