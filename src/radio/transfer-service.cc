#include "transfer-service.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TransferService");
NS_OBJECT_ENSURE_REGISTERED(TransferService);

TypeId
TransferService::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TransferService")
            .SetParent<Object>()
            .AddConstructor<TransferService>()
            .AddTraceSource("Transfer",
                            "A transfer whose last byte was delivered",
                            MakeTraceSourceAccessor(&TransferService::m_transferTrace),
                            "ns3::TransferService::TransferTracedCallback");
    return tid;
}

void
TransferService::DoDispose()
{
    m_radio = nullptr;
    m_backhaul = nullptr;
    m_pending.clear();
    Object::DoDispose();
}

void
TransferService::Setup(Ptr<RadioNetwork> radio,
                       Ptr<BackhaulNetwork> backhaul,
                       const std::vector<Ptr<Node>>& cellNodes,
                       const std::vector<Ptr<Node>>& ueNodes)
{
    m_radio = radio;
    m_backhaul = backhaul;
    for (uint32_t cell = 0; cell < cellNodes.size(); ++cell)
    {
        m_endpoints[cellNodes[cell]->GetId()] = Endpoint{false, cell};
    }
    for (uint32_t ue = 0; ue < ueNodes.size(); ++ue)
    {
        m_endpoints[ueNodes[ue]->GetId()] = Endpoint{true, ue};
    }
}

TransferService::Endpoint
TransferService::Resolve(Ptr<Node> node) const
{
    auto it = node ? m_endpoints.find(node->GetId()) : m_endpoints.end();
    if (it == m_endpoints.end())
    {
        std::ostringstream msg;
        msg << "node " << (node ? std::to_string(node->GetId()) : "null")
            << " is neither a UE nor a gNB of the radio network";
        throw std::invalid_argument(msg.str());
    }
    return it->second;
}

uint32_t
TransferService::CellOf(const Endpoint& endpoint) const
{
    return endpoint.isUe ? m_radio->GetServingCell(endpoint.index) : endpoint.index;
}

uint64_t
TransferService::Send(Ptr<Node> source,
                      Ptr<Node> destination,
                      uint64_t bytes,
                      DeliveredCallback done)
{
    Endpoint from = Resolve(source);
    Endpoint to = Resolve(destination);
    if (source == destination)
    {
        throw std::invalid_argument("transfer source and destination are the same node");
    }
    if (bytes == 0)
    {
        throw std::invalid_argument("a transfer needs at least one byte");
    }
    Pending pending;
    pending.source = from;
    pending.destination = to;
    pending.sourceCell = CellOf(from);
    pending.destinationCell = CellOf(to);
    if (from.isUe)
    {
        pending.legs.push_back(Leg::Uplink);
    }
    if (pending.sourceCell != pending.destinationCell)
    {
        pending.legs.push_back(Leg::Backhaul);
    }
    if (to.isUe)
    {
        pending.legs.push_back(Leg::Downlink);
    }
    static const char* names[] = {"UL", "BH", "DL"};
    std::string route;
    for (Leg leg : pending.legs)
    {
        route += (route.empty() ? "" : "+") + std::string(names[static_cast<int>(leg)]);
    }
    uint64_t id = m_nextId++;
    pending.record = TransferRecord{id,
                                    source->GetId(),
                                    destination->GetId(),
                                    bytes,
                                    Simulator::Now(),
                                    {},
                                    route};
    pending.nextLeg = 0;
    pending.done = done;
    m_pending[id] = std::move(pending);
    StartNextLeg(id);
    return id;
}

void
TransferService::StartNextLeg(uint64_t id)
{
    Pending& pending = m_pending.at(id);
    if (pending.nextLeg == pending.legs.size())
    {
        pending.record.end = Simulator::Now();
        TransferRecord record = pending.record;
        DeliveredCallback done = pending.done;
        m_pending.erase(id);
        m_transferTrace(record);
        if (!done.IsNull())
        {
            done(record);
        }
        return;
    }
    Leg leg = pending.legs[pending.nextLeg++];
    Callback<void> next = MakeCallback(&TransferService::StartNextLeg, this).Bind(id);
    uint64_t bytes = pending.record.bytes;
    switch (leg)
    {
    case Leg::Uplink:
        m_radio->Enqueue(pending.source.index, LinkDirection::Uplink, bytes, next);
        break;
    case Leg::Backhaul:
        m_backhaul->Send(pending.sourceCell, pending.destinationCell, bytes, next);
        break;
    case Leg::Downlink:
        m_radio->Enqueue(pending.destination.index, LinkDirection::Downlink, bytes, next);
        break;
    }
}

} // namespace ns3
