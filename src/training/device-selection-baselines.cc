#include "training/device-selection-baselines.h"

#include "training/device-selection-bandwidth.h"

#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DeviceSelectionBaselines");

NS_OBJECT_ENSURE_REGISTERED(AllDevicesSelectionPolicy);
NS_OBJECT_ENSURE_REGISTERED(RandomDeviceSelectionPolicy);
NS_OBJECT_ENSURE_REGISTERED(GreedyLatencySelectionPolicy);

TypeId
AllDevicesSelectionPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AllDevicesSelectionPolicy")
                            .SetParent<DeviceSelectionPolicy>()
                            .SetGroupName("Training")
                            .AddConstructor<AllDevicesSelectionPolicy>();
    return tid;
}

RoundPlan
AllDevicesSelectionPolicy::DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                                  const std::vector<size_t>& reachable)
{
    return AllocateMinMaxBandwidth(estimates, reachable);
}

TypeId
RandomDeviceSelectionPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::RandomDeviceSelectionPolicy")
            .SetParent<DeviceSelectionPolicy>()
            .SetGroupName("Training")
            .AddConstructor<RandomDeviceSelectionPolicy>()
            .AddAttribute("NumDevices",
                          "Devices drawn per round (k), uniformly without replacement",
                          UintegerValue(4),
                          MakeUintegerAccessor(&RandomDeviceSelectionPolicy::m_numDevices),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

RandomDeviceSelectionPolicy::RandomDeviceSelectionPolicy()
    : m_uniform(CreateObject<UniformRandomVariable>())
{
}

int64_t
RandomDeviceSelectionPolicy::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

RoundPlan
RandomDeviceSelectionPolicy::DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                                    const std::vector<size_t>& reachable)
{
    std::vector<size_t> pool = reachable;
    const size_t k = std::min<size_t>(m_numDevices, pool.size());
    // Partial Fisher-Yates: position i takes a uniform pick among the not yet drawn.
    for (size_t i = 0; i < k; ++i)
    {
        const auto j = m_uniform->GetInteger(i, pool.size() - 1);
        std::swap(pool[i], pool[j]);
    }
    pool.resize(k);
    return AllocateMinMaxBandwidth(estimates, pool);
}

TypeId
GreedyLatencySelectionPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::GreedyLatencySelectionPolicy")
            .SetParent<DeviceSelectionPolicy>()
            .SetGroupName("Training")
            .AddConstructor<GreedyLatencySelectionPolicy>()
            .AddAttribute("NumDevices",
                          "Devices selected per round (k)",
                          UintegerValue(4),
                          MakeUintegerAccessor(&GreedyLatencySelectionPolicy::m_numDevices),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

RoundPlan
GreedyLatencySelectionPolicy::DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                                     const std::vector<size_t>& reachable)
{
    std::vector<size_t> chosen;
    std::vector<size_t> rest = reachable;
    while (chosen.size() < m_numDevices && !rest.empty())
    {
        auto best = rest.end();
        double bestLatencyS = std::numeric_limits<double>::infinity();
        chosen.push_back(0);
        for (auto it = rest.begin(); it != rest.end(); ++it)
        {
            chosen.back() = *it;
            const double latencyS = AllocateMinMaxBandwidth(estimates, chosen).predictedLatencyS;
            if (latencyS < bestLatencyS) // strict: ties keep the earlier estimate
            {
                bestLatencyS = latencyS;
                best = it;
            }
        }
        chosen.back() = *best;
        rest.erase(best);
    }
    return AllocateMinMaxBandwidth(estimates, chosen);
}

} // namespace ns3
