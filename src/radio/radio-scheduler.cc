#include "radio/radio-scheduler.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RadioScheduler");

NS_OBJECT_ENSURE_REGISTERED(RadioScheduler);

TypeId
RadioScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RadioScheduler").SetParent<Object>().SetGroupName("Radio");
    return tid;
}

void
RadioScheduler::NotifySlotResult(const std::vector<std::pair<uint32_t, uint64_t>>& delivered)
{
    NS_LOG_FUNCTION(this << delivered.size());
}

} // namespace ns3
