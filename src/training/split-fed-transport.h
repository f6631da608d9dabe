#ifndef EDGE_LAM_SPLIT_FED_TRANSPORT_H
#define EDGE_LAM_SPLIT_FED_TRANSPORT_H

#include "radio/radio-network.h"
#include "radio/transfer-service.h"
#include "radio/weighted-share-scheduler.h"

#include "ns3/node.h"
#include "ns3/simple-ref-count.h"

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * \brief What split federated training needs from the network between the edge server
 * and device k: byte transfers, and what the server knows of the links when it plans a
 * round. The radio implementation is RadioSplitFedTransport; tests use fixed-rate links.
 */
class SplitFedTransport : public SimpleRefCount<SplitFedTransport>
{
  public:
    virtual ~SplitFedTransport() = default;

    /// Sends bytes from the device to the server (up) or back; done() when delivered.
    virtual void Send(uint32_t device, bool up, uint64_t bytes, std::function<void()> done) = 0;
    /// Rate (bit/s) the device would get with the whole band, as the server estimates it.
    virtual double GetEstimatedRateBps(uint32_t device, bool up) const = 0;
    /// The device's uplink transmit power, W.
    virtual double GetTxPowerW(uint32_t device) const = 0;
    /// Applies a round's bandwidth plan (device -> share of the band); links that have no
    /// shared band ignore it.
    virtual void SetBandwidthShares(const std::map<uint32_t, double>& shares);
};

/**
 * \ingroup training
 * The simulated 6G radio: transfers over the TransferService between each UE and the
 * gNB node that hosts the server; estimates from the UEs' last CSI reports.
 */
class RadioSplitFedTransport : public SplitFedTransport
{
  public:
    /**
     * \param shareTable the table the cell's WeightedShareScheduler reads, or null when
     *        another scheduler shares the band (the plan's shares are then predictions only)
     */
    RadioSplitFedTransport(Ptr<TransferService> transfers,
                           Ptr<RadioNetwork> radio,
                           Ptr<Node> serverNode,
                           std::vector<Ptr<Node>> deviceNodes,
                           Ptr<BandwidthShareTable> shareTable);

    void Send(uint32_t device, bool up, uint64_t bytes, std::function<void()> done) override;
    double GetEstimatedRateBps(uint32_t device, bool up) const override;
    double GetTxPowerW(uint32_t device) const override;
    void SetBandwidthShares(const std::map<uint32_t, double>& shares) override;

  private:
    Ptr<TransferService> m_transfers;
    Ptr<RadioNetwork> m_radio;
    Ptr<Node> m_serverNode;
    std::vector<Ptr<Node>> m_deviceNodes; ///< index = UE index in the radio network
    Ptr<BandwidthShareTable> m_shareTable;
};

} // namespace ns3

#endif // EDGE_LAM_SPLIT_FED_TRANSPORT_H
