#include "radio/round-robin-scheduler.h"

#include "ns3/log.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RoundRobinScheduler");

NS_OBJECT_ENSURE_REGISTERED(RoundRobinScheduler);

TypeId
RoundRobinScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RoundRobinScheduler")
                            .SetParent<MetricScheduler>()
                            .SetGroupName("Radio")
                            .AddConstructor<RoundRobinScheduler>();
    return tid;
}

std::vector<uint32_t>
RoundRobinScheduler::Allocate(const std::vector<SchedulingCandidate>& candidates, uint32_t numPrbs)
{
    std::vector<uint32_t> owners = MetricScheduler::Allocate(candidates, numPrbs);
    // The base grants PRBs in increasing PRB order, so the highest allocated PRB was dealt last.
    auto last = std::find_if(owners.rbegin(), owners.rend(), [](uint32_t ue) {
        return ue != kUnallocated;
    });
    if (last != owners.rend())
    {
        m_lastServedUeId = *last;
    }
    return owners;
}

double
RoundRobinScheduler::ComputeMetric(const SchedulingCandidate& candidate,
                                   double rbgBytes,
                                   const Grant& grant) const
{
    return -static_cast<double>(grant.numPrbs);
}

std::vector<size_t>
RoundRobinScheduler::GetTieBreakOrder(const std::vector<SchedulingCandidate>& candidates) const
{
    std::vector<size_t> order = MetricScheduler::GetTieBreakOrder(candidates);
    auto next = std::find_if(order.begin(), order.end(), [&](size_t i) {
        return candidates[i].ueId > m_lastServedUeId;
    });
    std::rotate(order.begin(), next, order.end());
    return order;
}

} // namespace ns3
