#include "radio/max-rate-scheduler.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MaxRateScheduler");

NS_OBJECT_ENSURE_REGISTERED(MaxRateScheduler);

TypeId
MaxRateScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::MaxRateScheduler")
                            .SetParent<MetricScheduler>()
                            .SetGroupName("Radio")
                            .AddConstructor<MaxRateScheduler>();
    return tid;
}

double
MaxRateScheduler::ComputeMetric(const SchedulingCandidate& candidate,
                                double rbgBytes,
                                const Grant& grant) const
{
    return rbgBytes;
}

} // namespace ns3
