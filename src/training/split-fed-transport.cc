#include "training/split-fed-transport.h"

namespace ns3
{

void
SplitFedTransport::SetBandwidthShares(const std::map<uint32_t, double>&)
{
}

RadioSplitFedTransport::RadioSplitFedTransport(Ptr<TransferService> transfers,
                                               Ptr<RadioNetwork> radio,
                                               Ptr<Node> serverNode,
                                               std::vector<Ptr<Node>> deviceNodes,
                                               Ptr<BandwidthShareTable> shareTable)
    : m_transfers(transfers),
      m_radio(radio),
      m_serverNode(serverNode),
      m_deviceNodes(std::move(deviceNodes)),
      m_shareTable(shareTable)
{
}

void
RadioSplitFedTransport::SetBandwidthShares(const std::map<uint32_t, double>& shares)
{
    if (!m_shareTable)
    {
        return;
    }
    m_shareTable->Clear();
    for (const auto& [device, share] : shares)
    {
        m_shareTable->SetShare(device, share);
    }
}

void
RadioSplitFedTransport::Send(uint32_t device, bool up, uint64_t bytes, std::function<void()> done)
{
    Ptr<Node> deviceNode = m_deviceNodes.at(device);
    m_transfers->Send(
        up ? deviceNode : m_serverNode,
        up ? m_serverNode : deviceNode,
        bytes,
        TransferService::DeliveredCallback([done](const TransferRecord&) { done(); }));
}

double
RadioSplitFedTransport::GetEstimatedRateBps(uint32_t device, bool up) const
{
    return m_radio->GetEstimatedFullBandRateBps(device,
                                                up ? LinkDirection::Uplink
                                                   : LinkDirection::Downlink);
}

double
RadioSplitFedTransport::GetTxPowerW(uint32_t device) const
{
    return m_radio->GetUeTxPowerW(device);
}

} // namespace ns3
