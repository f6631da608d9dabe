#include "training/device-selection-policy.h"

#include "channel/invalid-argument.h"
#include "training/device-selection-bandwidth.h"

#include "ns3/log.h"

#include <map>
#include <unordered_set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DeviceSelectionPolicy");

NS_OBJECT_ENSURE_REGISTERED(DeviceSelectionPolicy);

TypeId
DeviceSelectionPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DeviceSelectionPolicy")
            .SetParent<Object>()
            .SetGroupName("Training")
            .AddTraceSource("RoundPlan",
                            "The plan of each round: selected devices, band shares, "
                            "predicted latency",
                            MakeTraceSourceAccessor(&DeviceSelectionPolicy::m_roundPlanTrace),
                            "ns3::DeviceSelectionPolicy::RoundPlanTracedCallback");
    return tid;
}

RoundPlan
DeviceSelectionPolicy::Plan(const std::vector<DeviceRoundEstimate>& estimates)
{
    NS_LOG_FUNCTION(this << estimates.size());
    std::unordered_set<uint32_t> seen;
    std::vector<size_t> reachable;
    for (size_t i = 0; i < estimates.size(); ++i)
    {
        CheckDeviceRoundEstimate(estimates[i]);
        if (!seen.insert(estimates[i].device).second)
        {
            ThrowInvalidArgument("device", estimates[i].device, "appears twice in the estimates");
        }
        if (IsReachable(estimates[i]))
        {
            reachable.push_back(i);
        }
    }
    RoundPlan plan = reachable.empty() ? RoundPlan{} : DoPlan(estimates, reachable);
    m_roundPlanTrace(plan);
    return plan;
}

void
DeviceSelectionPolicy::NotifyRoundResult(const std::map<uint32_t, double>& energyJ)
{
    NS_LOG_FUNCTION(this << energyJ.size());
}

TypeId
LookupDeviceSelectionPolicy(const std::string& name)
{
    static const std::map<std::string, std::string> kShortNames = {
        {"all", "ns3::AllDevicesSelectionPolicy"},
        {"random", "ns3::RandomDeviceSelectionPolicy"},
        {"greedy", "ns3::GreedyLatencySelectionPolicy"},
        {"lyapunov", "ns3::LyapunovSelectionPolicy"}};
    auto shortName = kShortNames.find(name);
    const std::string typeName = shortName == kShortNames.end() ? name : shortName->second;
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(typeName, &tid) ||
        !tid.IsChildOf(DeviceSelectionPolicy::GetTypeId()))
    {
        ThrowInvalidArgument("device-selection policy",
                             "'" + name + "'",
                             "is unknown (all, random, greedy, lyapunov or a TypeId name)");
    }
    return tid;
}

} // namespace ns3
