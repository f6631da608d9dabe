#ifndef EDGE_LAM_DEVICE_SELECTION_POLICY_H
#define EDGE_LAM_DEVICE_SELECTION_POLICY_H

#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * What the edge server predicts about one device for the coming round of split federated
 * fine-tuning, before it selects devices and shares the band.
 */
struct DeviceRoundEstimate
{
    uint32_t device{0};        //!< device identifier, stable across rounds
    double uplinkRateBps{0};   //!< achievable uplink rate with the whole band (last CQI), bit/s
    double downlinkRateBps{0}; //!< achievable downlink rate with the whole band, bit/s
    double uplinkBits{0};      //!< bits the device sends this round (activations, LoRA updates)
    double downlinkBits{0};    //!< bits the server sends to it this round (gradients, model)
    double computeTimeS{0};    //!< on-device compute time of the round, s
    double computeEnergyJ{0};  //!< on-device compute energy of the round, J
    double txPowerW{0};        //!< uplink transmit power, W
    double dataWeight{0};      //!< local samples (FedAvg weight)
};

/**
 * \ingroup training
 * A round's decision: who takes part and which fraction of the band each one gets.
 */
struct RoundPlan
{
    std::vector<uint32_t> devices;       //!< selected device identifiers
    std::vector<double> bandwidthShares; //!< per selected device (same order), sum <= 1
    double predictedLatencyS{0};         //!< max over selected devices of compute + airtime, s
};

/**
 * \ingroup training
 * \brief One interface for the device-selection policies of split federated learning
 * (all, random-k, channel-aware greedy, Lyapunov drift-plus-penalty); pick one by
 * TypeId name (see docs/device-scheduling.md).
 *
 * Plan() validates the estimates, lets the policy choose (DoPlan()) and fires the
 * "RoundPlan" trace. Devices that cannot communicate (positive bits on a zero rate)
 * are never selected. Every policy shares the band of its selected set with
 * AllocateMinMaxBandwidth() (training/device-selection-bandwidth.h).
 */
class DeviceSelectionPolicy : public Object
{
  public:
    /// Fired once per Plan() with the plan returned.
    typedef void (*RoundPlanTracedCallback)(const RoundPlan& plan);

    static TypeId GetTypeId();

    /**
     * \param estimates one per device of the population (device identifiers distinct)
     * \return the plan; empty only if no device can communicate
     * \throws std::invalid_argument naming the device with a negative, NaN or infinite
     *         field, or a repeated device identifier
     */
    RoundPlan Plan(const std::vector<DeviceRoundEstimate>& estimates);

    /**
     * Reports what the round really cost: energy spent (J) by each device that took part;
     * devices absent from the map spent nothing. The default ignores it.
     */
    virtual void NotifyRoundResult(const std::map<uint32_t, double>& energyJ);

  protected:
    /**
     * Chooses the devices of the round; called with validated estimates.
     * \param reachable indices into estimates of the devices that can communicate
     */
    virtual RoundPlan DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                             const std::vector<size_t>& reachable) = 0;

  private:
    TracedCallback<const RoundPlan&> m_roundPlanTrace;
};

/**
 * \ingroup training
 * \brief TypeId of a device-selection policy from its scenario short name ("all",
 * "random", "greedy", "lyapunov") or its full TypeId name.
 * \throws std::invalid_argument naming an unknown policy
 */
TypeId LookupDeviceSelectionPolicy(const std::string& name);

} // namespace ns3

#endif // EDGE_LAM_DEVICE_SELECTION_POLICY_H
