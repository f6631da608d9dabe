#include "radio/proportional-fair-scheduler.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <iterator>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ProportionalFairScheduler");

NS_OBJECT_ENSURE_REGISTERED(ProportionalFairScheduler);

TypeId
ProportionalFairScheduler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ProportionalFairScheduler")
            .SetParent<MetricScheduler>()
            .SetGroupName("Radio")
            .AddConstructor<ProportionalFairScheduler>()
            .AddAttribute("Alpha",
                          "Fairness exponent alpha of the metric rbgBytes / T^alpha "
                          "(dimensionless, >= 0): 0 is max-rate, 1 classic proportional "
                          "fair, larger values favour UEs with low average throughput.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&ProportionalFairScheduler::m_alpha),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute("TimeConstantSlots",
                          "Time constant Tc of the moving average T of delivered bytes, in "
                          "slots: each slot T <- (1 - 1/Tc) T + delivered / Tc.",
                          UintegerValue(100),
                          MakeUintegerAccessor(&ProportionalFairScheduler::m_timeConstantSlots),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute(
                "InitialAverageBytesPerSlot",
                "Average T, in bytes per slot, a UE starts from and never falls "
                "below (> 0). Small values let a new UE win most PRBs until its "
                "average catches up.",
                DoubleValue(1.0),
                MakeDoubleAccessor(&ProportionalFairScheduler::m_initialAverageBytesPerSlot),
                MakeDoubleChecker<double>(std::numeric_limits<double>::min()));
    return tid;
}

void
ProportionalFairScheduler::NotifySlotResult(
    const std::vector<std::pair<uint32_t, uint64_t>>& delivered)
{
    NS_LOG_FUNCTION(this << delivered.size());
    const double keep = 1.0 - 1.0 / m_timeConstantSlots;
    for (auto& [ueId, average] : m_averageBytesPerSlot)
    {
        average *= keep;
    }
    for (const auto& [ueId, bytes] : delivered)
    {
        // A UE not stored sits on the floor T0 and decays from there.
        double& average =
            m_averageBytesPerSlot.try_emplace(ueId, keep * m_initialAverageBytesPerSlot)
                .first->second;
        average += static_cast<double>(bytes) / m_timeConstantSlots;
    }
    // max(T0, .): forget UEs back on the floor.
    for (auto it = m_averageBytesPerSlot.begin(); it != m_averageBytesPerSlot.end();)
    {
        it = it->second <= m_initialAverageBytesPerSlot ? m_averageBytesPerSlot.erase(it)
                                                        : std::next(it);
    }
}

double
ProportionalFairScheduler::GetAverageBytesPerSlot(uint32_t ueId) const
{
    auto it = m_averageBytesPerSlot.find(ueId);
    return it == m_averageBytesPerSlot.end() ? m_initialAverageBytesPerSlot : it->second;
}

double
ProportionalFairScheduler::ComputeMetric(const SchedulingCandidate& candidate,
                                         double rbgBytes,
                                         const Grant& grant) const
{
    return rbgBytes * grant.slotWeight;
}

double
ProportionalFairScheduler::GetSlotWeight(const SchedulingCandidate& candidate) const
{
    return 1.0 / std::pow(GetAverageBytesPerSlot(candidate.ueId), m_alpha);
}

} // namespace ns3
