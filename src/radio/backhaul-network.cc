#include "backhaul-network.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BackhaulNetwork");
NS_OBJECT_ENSURE_REGISTERED(BackhaulNetwork);

TypeId
BackhaulNetwork::GetTypeId()
{
    static TypeId tid = TypeId("ns3::BackhaulNetwork")
                            .SetParent<Object>()
                            .AddConstructor<BackhaulNetwork>()
                            .AddAttribute("Rate",
                                          "Rate of each directed server-to-server link",
                                          DataRateValue(DataRate("10Gbps")),
                                          MakeDataRateAccessor(&BackhaulNetwork::m_rate),
                                          MakeDataRateChecker())
                            .AddAttribute("Delay",
                                          "One-way propagation and switching delay (s)",
                                          TimeValue(MilliSeconds(1)),
                                          MakeTimeAccessor(&BackhaulNetwork::m_delay),
                                          MakeTimeChecker(Seconds(0)));
    return tid;
}

BackhaulNetwork::BackhaulNetwork() = default;

void
BackhaulNetwork::Send(uint32_t fromCell, uint32_t toCell, uint64_t bytes, Callback<void> delivered)
{
    if (fromCell == toCell)
    {
        throw std::invalid_argument("backhaul transfer from a cell to itself");
    }
    if (bytes == 0)
    {
        throw std::invalid_argument("a backhaul transfer needs at least one byte");
    }
    if (m_rate.GetBitRate() == 0)
    {
        throw std::invalid_argument("backhaul Rate must be positive");
    }
    Time& busyUntil = m_busyUntil[{fromCell, toCell}];
    Time start = std::max(Simulator::Now(), busyUntil);
    // Time from a double keeps transfers above 4 GiB exact to the nanosecond.
    busyUntil = start + Seconds(static_cast<double>(bytes) * 8.0 / m_rate.GetBitRate());
    NS_LOG_DEBUG("backhaul " << fromCell << "->" << toCell << " " << bytes << " B, done at "
                             << busyUntil + m_delay);
    Simulator::Schedule(busyUntil + m_delay - Simulator::Now(), delivered);
}

} // namespace ns3
