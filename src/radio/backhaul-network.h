#ifndef EDGE_LAM_BACKHAUL_NETWORK_H
#define EDGE_LAM_BACKHAUL_NETWORK_H

#include "ns3/callback.h"
#include "ns3/data-rate.h"
#include "ns3/nstime.h"
#include "ns3/object.h"

#include <map>
#include <utility>

namespace ns3
{

/**
 * \ingroup radio
 * Wired links between the edge servers co-located with the gNBs: a full mesh of
 * directed links, each a FIFO that serialises bytes at Rate and adds a fixed
 * propagation Delay. A transfer of B bytes that finds its link idle arrives
 * B*8/Rate + Delay after it was sent.
 */
class BackhaulNetwork : public Object
{
  public:
    static TypeId GetTypeId();
    BackhaulNetwork();

    /**
     * Sends bytes from one cell's server to another's.
     * \throws std::invalid_argument when source equals destination or bytes is zero
     */
    void Send(uint32_t fromCell, uint32_t toCell, uint64_t bytes, Callback<void> delivered);

  private:
    DataRate m_rate;
    Time m_delay;
    std::map<std::pair<uint32_t, uint32_t>, Time> m_busyUntil; //!< per directed link
};

} // namespace ns3

#endif // EDGE_LAM_BACKHAUL_NETWORK_H
