#include "flow-radio-network.h"

#include "radio/link-adaptation.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FlowRadioNetwork");
NS_OBJECT_ENSURE_REGISTERED(FlowRadioNetwork);

TypeId
FlowRadioNetwork::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FlowRadioNetwork")
                            .SetParent<RadioNetwork>()
                            .AddConstructor<FlowRadioNetwork>()
                            .AddAttribute("StepSlots",
                                          "Longest step in slots, at least CsiPeriodSlots; 0: "
                                          "CsiPeriodSlots. A step longer than the CSI period "
                                          "holds its channel, allocation and report for the "
                                          "whole step.",
                                          UintegerValue(0),
                                          MakeUintegerAccessor(&FlowRadioNetwork::m_maxStepSlots),
                                          MakeUintegerChecker<uint32_t>());
    return tid;
}

void
FlowRadioNetwork::DoDispose()
{
    m_csiEvent.Cancel();
    RadioNetwork::DoDispose();
}

uint64_t
FlowRadioNetwork::GetStepCount() const
{
    return m_steps;
}

uint32_t
FlowRadioNetwork::MaxStepSlots() const
{
    return m_maxStepSlots == 0 ? m_csiPeriodSlots : m_maxStepSlots;
}

double
FlowRadioNetwork::ExpectedGoodputBytes(const LinkDecision& decision, double sinrLinear) const
{
    if (decision.tbsBits == 0)
    {
        return 0.0;
    }
    // Transmission i happens with probability P_1...P_{i-1}; its BLER P_i is that of
    // the chase-combined SINR of i copies on the (frozen) channel.
    const uint32_t maxTransmissions = m_harq ? m_harqMaxTransmissions : 1;
    double reachProbability = 1.0;
    double expectedTransmissions = 0.0;
    for (uint32_t i = 1; i <= maxTransmissions; ++i)
    {
        expectedTransmissions += reachProbability;
        reachProbability *= m_linkAdaptation->GetBler(decision, 10.0 * std::log10(i * sinrLinear));
    }
    return decision.tbsBits / 8.0 * (1.0 - reachProbability) / expectedTransmissions;
}

void
FlowRadioNetwork::Slot()
{
    const uint32_t numUes = GetNumUes();
    if (m_steps == 0)
    {
        // Checked here, when both attributes are final: a step shorter than the CSI
        // period would measure a report every step, fresher than the slot engine's.
        if (m_maxStepSlots != 0 && m_maxStepSlots < m_csiPeriodSlots)
        {
            throw std::invalid_argument(
                "FlowRadioNetwork StepSlots " + std::to_string(m_maxStepSlots) +
                " is shorter than CsiPeriodSlots " + std::to_string(m_csiPeriodSlots) +
                " (0 means one CSI period)");
        }
        for (auto& carry : m_carryBytes)
        {
            carry.assign(numUes, 0.0);
        }
    }
    const LinkDirection directions[] = {LinkDirection::Downlink, LinkDirection::Uplink};
    for (LinkDirection direction : directions)
    {
        ScheduleDirection(direction);
    }
    ComputeGrants();
    m_stepSlots = std::min(MaxStepSlots(), SlotsToFirstCompletion());
    m_stepStart = Simulator::Now();
    ++m_steps;
    m_slotEvent = Simulator::Schedule(m_grid->GetSlotDuration() * m_stepSlots,
                                      &FlowRadioNetwork::EndStep,
                                      this,
                                      m_stepSlots);
    // In the slot engine a block uses a report 1 to CsiPeriodSlots slots old, (P + 1) / 2
    // on average; the next step's report is measured that long before it starts.
    const uint32_t reportAge = (m_csiPeriodSlots + 1) / 2;
    const uint32_t reportSlot = m_stepSlots > reportAge ? m_stepSlots - reportAge : 0;
    m_csiEvent = Simulator::Schedule(m_grid->GetSlotDuration() * reportSlot,
                                     &FlowRadioNetwork::MeasureCsi,
                                     this);
}

void
FlowRadioNetwork::ComputeGrants()
{
    const uint32_t numUes = GetNumUes();
    m_grants.clear();
    for (LinkDirection direction : {LinkDirection::Downlink, LinkDirection::Uplink})
    {
        const auto d = static_cast<std::size_t>(direction);
        for (uint32_t cell = 0; cell < GetNumCells(); ++cell)
        {
            const auto& owner = m_prbOwner[d][cell];
            std::vector<std::vector<uint32_t>> prbsOf(numUes);
            for (uint32_t prb = 0; prb < owner.size(); ++prb)
            {
                if (owner[prb] != RadioScheduler::kUnallocated)
                {
                    prbsOf[owner[prb]].push_back(prb);
                }
            }
            for (uint32_t ue : m_cellUes[cell])
            {
                const std::vector<uint32_t>& prbs = prbsOf[ue];
                if (prbs.empty())
                {
                    continue;
                }
                const double txPowerW = direction == LinkDirection::Downlink
                                            ? m_gnbPowerPerPrbW
                                            : UePowerPerPrbW(ue, prbs.size());
                const double sinrDb =
                    LinkAdaptation::EffectiveSinrDb(PrbSinr(direction, ue, prbs, txPowerW));
                Grant grant;
                grant.ue = ue;
                grant.direction = direction;
                grant.cell = cell;
                grant.prbs = prbs.size();
                grant.decision =
                    m_linkAdaptation->Decide(ReportedSinrDb(direction, ue, prbs), prbs.size());
                grant.sinrDb = sinrDb;
                grant.bler = grant.decision.tbsBits == 0
                                 ? 1.0
                                 : m_linkAdaptation->GetBler(grant.decision, sinrDb);
                grant.goodputBytesPerSlot =
                    ExpectedGoodputBytes(grant.decision, std::pow(10.0, sinrDb / 10.0));
                m_grants.push_back(grant);
            }
        }
    }
}

void
FlowRadioNetwork::MeasureCsi()
{
    MeasureChannelQuality(LinkDirection::Downlink);
    MeasureChannelQuality(LinkDirection::Uplink);
}

uint32_t
FlowRadioNetwork::SlotsToFirstCompletion() const
{
    uint64_t first = std::numeric_limits<uint32_t>::max();
    for (const Grant& grant : m_grants)
    {
        const auto d = static_cast<std::size_t>(grant.direction);
        const UeLink& link = m_links[d][grant.ue];
        if (grant.goodputBytesPerSlot <= 0 || link.transfers.empty())
        {
            continue;
        }
        // Bytes leave in queue order, so the head transfer ends first: the smallest k
        // with floor(carry + k * goodput) >= its bytes.
        const double carry = m_carryBytes[d][grant.ue];
        const double needed = link.transfers.begin()->second.unsentBytes;
        if ((needed - carry) / grant.goodputBytesPerSlot > MaxStepSlots())
        {
            continue; // not within this step
        }
        double slots = std::ceil((needed - carry) / grant.goodputBytesPerSlot);
        while (slots > 1 && std::floor(carry + (slots - 1) * grant.goodputBytesPerSlot) >= needed)
        {
            --slots;
        }
        while (std::floor(carry + slots * grant.goodputBytesPerSlot) < needed)
        {
            ++slots;
        }
        first = std::min<uint64_t>(first, std::max(1.0, slots));
    }
    return static_cast<uint32_t>(first);
}

void
FlowRadioNetwork::NotifyBacklogAdded()
{
    if (m_stepSlots == 0)
    {
        return; // between steps: the next step sees the bytes
    }
    // As in the slot engine, bytes queued during a slot wait for the next slot boundary.
    const int64_t slotTicks = m_grid->GetSlotDuration().GetTimeStep();
    const int64_t elapsedTicks = (Simulator::Now() - m_stepStart).GetTimeStep();
    const auto boundary =
        static_cast<uint32_t>(std::max<int64_t>(1, (elapsedTicks + slotTicks - 1) / slotTicks));
    if (boundary < m_stepSlots)
    {
        // A report planned after the new end is not taken: the next step uses the last one.
        if (m_csiEvent.IsRunning() && m_stepStart + m_grid->GetSlotDuration() * boundary <=
                                          Simulator::GetDelayLeft(m_csiEvent) + Simulator::Now())
        {
            m_csiEvent.Cancel();
        }
        m_slotEvent.Cancel();
        m_stepSlots = boundary;
        m_slotEvent = Simulator::Schedule(m_stepStart + m_grid->GetSlotDuration() * boundary -
                                              Simulator::Now(),
                                          &FlowRadioNetwork::EndStep,
                                          this,
                                          boundary);
    }
}

void
FlowRadioNetwork::EndStep(uint32_t slots)
{
    m_stepSlots = 0;
    const uint32_t numCells = GetNumCells();
    std::vector<uint64_t> perSlotBytes[2]; //!< what the schedulers see per slot: [direction][ue]
    for (auto& bytes : perSlotBytes)
    {
        bytes.assign(GetNumUes(), 0);
    }
    for (const Grant& grant : m_grants)
    {
        const auto d = static_cast<std::size_t>(grant.direction);
        UeLink& link = m_links[d][grant.ue];
        double& carry = m_carryBytes[d][grant.ue];
        const double sent = carry + slots * grant.goodputBytesPerSlot;
        uint64_t bytes = static_cast<uint64_t>(std::floor(sent));
        if (link.unsentBytes > 0 || !link.fullBuffer)
        {
            bytes = std::min(bytes, link.unsentBytes);
        }
        // A queue that empties keeps no fractional credit.
        carry = link.unsentBytes > bytes || link.fullBuffer ? sent - bytes : 0.0;
        if (link.unsentBytes > 0)
        {
            const auto payload =
                TakePayload(link,
                            static_cast<uint32_t>(
                                std::min<uint64_t>(bytes, std::numeric_limits<uint32_t>::max())));
            Acknowledge(link, payload, Seconds(0)); // the last slot's block is decoded now
        }
        link.deliveredBytes += bytes;
        perSlotBytes[d][grant.ue] = std::llround(grant.goodputBytesPerSlot);
        m_slotKpiTrace(SlotKpi{m_stepStart,
                               grant.cell,
                               grant.ue,
                               grant.direction,
                               grant.sinrDb,
                               grant.decision.mcs,
                               grant.prbs,
                               grant.decision.tbsBits / 8,
                               static_cast<uint32_t>(bytes),
                               static_cast<uint32_t>(bytes),
                               grant.bler,
                               0,
                               slots});
    }
    for (std::size_t d = 0; d < 2; ++d)
    {
        for (uint32_t cell = 0; cell < numCells; ++cell)
        {
            std::vector<std::pair<uint32_t, uint64_t>> delivered;
            for (uint32_t ue : m_cellUes[cell])
            {
                delivered.emplace_back(ue, perSlotBytes[d][ue]);
            }
            for (uint32_t slot = 0; slot < slots; ++slot)
            {
                m_schedulers[d][cell]->NotifySlotResult(delivered);
            }
        }
    }
    m_slot += slots;
    // After the callbacks just scheduled, so that bytes they queue join the next step.
    m_slotEvent = Simulator::ScheduleNow(&FlowRadioNetwork::Slot, this);
}

} // namespace ns3
