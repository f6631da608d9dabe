#ifndef EDGE_LAM_RADIO_HELPER_H
#define EDGE_LAM_RADIO_HELPER_H

#include "radio/backhaul-network.h"
#include "radio/cell-layout.h"
#include "radio/link-adaptation.h"
#include "radio/ofdma-grid.h"
#include "radio/radio-channel.h"
#include "radio/radio-network.h"
#include "radio/transfer-service.h"

#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <optional>

namespace ns3
{

/**
 * \ingroup helper
 * Everything Install() built: the nodes and the objects of the radio layer.
 */
struct RadioDeployment
{
    NodeContainer gnbNodes; //!< one node per cell; hosts the cell's edge server
    NodeContainer ueNodes;  //!< edge devices
    Ptr<CellLayout> layout;
    Ptr<RadioChannel> channel;
    Ptr<LinkAdaptation> linkAdaptation;
    Ptr<RadioNetwork> network;
    Ptr<BackhaulNetwork> backhaul;
    Ptr<TransferService> transfers;
};

/**
 * \ingroup helper
 * Builds a 6G radio deployment: the TR 38.901 layout and UE drop, the antenna arrays,
 * pathloss + fast fading, link adaptation, per-cell schedulers, the backhaul and the
 * transfer service. Each component is configured through its own attributes:
 *
 * \code
 *   RadioHelper radio;
 *   radio.SetCarrier(3.5e9, 20e6, 1);
 *   radio.SetLayoutAttribute("Scenario", StringValue("UMi-StreetCanyon"));
 *   radio.SetNetworkAttribute("Scheduler", StringValue("ns3::RoundRobinScheduler"));
 *   RadioDeployment d = radio.Install(10, 0.83);
 *   d.network->Start();
 * \endcode
 */
class RadioHelper
{
  public:
    RadioHelper();

    /**
     * \param centreFrequencyHz carrier frequency (FR1 to FR2; must be valid for the scenario)
     * \param bandwidthHz channel bandwidth
     * \param numerology mu in [0, 4]
     * \throws std::invalid_argument for bad values
     */
    void SetCarrier(double centreFrequencyHz, double bandwidthHz, uint8_t numerology);
    /// LOS state model and whether log-normal shadowing is applied.
    void SetPropagation(LosMode losMode, bool shadowing);

    void SetLayoutAttribute(const std::string& name, const AttributeValue& value);
    void SetChannelAttribute(const std::string& name, const AttributeValue& value);
    void SetLinkAdaptationAttribute(const std::string& name, const AttributeValue& value);
    /**
     * The radio engine: "slot" (RadioNetwork: every slot, the default) or "flow"
     * (FlowRadioNetwork: one step per CSI period, or per `flowStepSlots` slots if that is
     * not 0, at the expected goodput; see docs/radio-model.md). Attributes set with
     * SetNetworkAttribute() are kept; a non-zero `flowStepSlots` overrides StepSlots.
     * \throws std::invalid_argument for another engine, or a step with the slot engine
     */
    void SetEngine(const std::string& engine, uint32_t flowStepSlots = 0);
    void SetNetworkAttribute(const std::string& name, const AttributeValue& value);
    void SetBackhaulAttribute(const std::string& name, const AttributeValue& value);
    /// ns3::UniformPlanarArray attributes of the gNBs (NumRows, NumColumns, ...), 4 x 8 by default.
    void SetGnbArrayAttribute(const std::string& name, const AttributeValue& value);
    /// ns3::UniformPlanarArray attributes of the UEs, 1 x 1 isotropic by default.
    void SetUeArrayAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Builds the deployment; the network is not started. Every random stream of the
     * deployment (drops, mobility, LOS states, shadowing, fast fading, block errors) is
     * fixed from `stream` on, before its first draw, so the seed and run number alone
     * determine a run.
     * \param numUes UEs to drop (> 0)
     * \param ueSpeedMps UE speed, m/s (0: static)
     * \param stream first random stream index to use
     */
    RadioDeployment Install(uint32_t numUes, double ueSpeedMps, int64_t stream = 0);

    const OfdmaGrid& GetGrid() const;
    double GetCentreFrequencyHz() const;

  private:
    double m_centreFrequencyHz;
    std::optional<OfdmaGrid> m_grid;
    LosMode m_losMode;
    bool m_shadowing;
    ObjectFactory m_layoutFactory;
    ObjectFactory m_channelFactory;
    ObjectFactory m_linkAdaptationFactory;
    ObjectFactory m_networkFactory;
    uint32_t m_flowStepSlots{0}; //!< FlowRadioNetwork's StepSlots, set at Install()
    ObjectFactory m_backhaulFactory;
    ObjectFactory m_gnbArrayFactory;
    ObjectFactory m_ueArrayFactory;
};

} // namespace ns3

#endif // EDGE_LAM_RADIO_HELPER_H
