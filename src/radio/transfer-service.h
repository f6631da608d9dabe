#ifndef EDGE_LAM_TRANSFER_SERVICE_H
#define EDGE_LAM_TRANSFER_SERVICE_H

#include "radio/backhaul-network.h"
#include "radio/radio-network.h"

#include "ns3/callback.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup radio
 * A completed transfer: the per-transfer latency KPI.
 */
struct TransferRecord
{
    uint64_t id;
    uint32_t sourceNodeId;
    uint32_t destinationNodeId;
    uint64_t bytes;
    Time start;
    Time end;
    std::string route; //!< legs taken, e.g. "UL", "UL+BH+DL"
};

/**
 * \ingroup radio
 * "Send N bytes from node A to node B, call me when delivered". Endpoints are UEs
 * (edge devices) or gNB nodes (which host the edge servers). A UE's bytes go up its
 * uplink, through the backhaul when the destination is served by another cell, and
 * down the destination UE's downlink; each leg starts when the previous one has
 * delivered the last byte (store and forward at the edge server).
 */
class TransferService : public Object
{
  public:
    typedef Callback<void, const TransferRecord&> DeliveredCallback;
    typedef void (*TransferTracedCallback)(const TransferRecord& record);

    static TypeId GetTypeId();

    void Setup(Ptr<RadioNetwork> radio,
               Ptr<BackhaulNetwork> backhaul,
               const std::vector<Ptr<Node>>& cellNodes,
               const std::vector<Ptr<Node>>& ueNodes);

    /**
     * \return the transfer id
     * \throws std::invalid_argument for zero bytes, unknown nodes, or source == destination
     */
    uint64_t Send(Ptr<Node> source, Ptr<Node> destination, uint64_t bytes, DeliveredCallback done);

  protected:
    void DoDispose() override;

  private:
    enum class Leg
    {
        Uplink,
        Backhaul,
        Downlink
    };

    struct Endpoint
    {
        bool isUe;
        uint32_t index; //!< UE index or cell index
    };

    struct Pending
    {
        TransferRecord record;
        std::vector<Leg> legs;
        std::size_t nextLeg;
        uint32_t sourceCell;
        uint32_t destinationCell;
        Endpoint source;
        Endpoint destination;
        DeliveredCallback done;
    };

    Endpoint Resolve(Ptr<Node> node) const;
    uint32_t CellOf(const Endpoint& endpoint) const;
    void StartNextLeg(uint64_t id);

    Ptr<RadioNetwork> m_radio;
    Ptr<BackhaulNetwork> m_backhaul;
    std::map<uint32_t, Endpoint> m_endpoints; //!< by node id
    std::map<uint64_t, Pending> m_pending;
    uint64_t m_nextId{0};
    TracedCallback<const TransferRecord&> m_transferTrace;
};

} // namespace ns3

#endif // EDGE_LAM_TRANSFER_SERVICE_H
