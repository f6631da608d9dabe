#ifndef EDGE_LAM_RADIO_ENERGY_ACCOUNTING_H
#define EDGE_LAM_RADIO_ENERGY_ACCOUNTING_H

#include "compute/compute-device.h"
#include "helper/radio-helper.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup helper
 * Binds the UEs of a radio deployment to their ComputeDevices: each UE transmits at its
 * device profile's power (TxPowerDbm), and every uplink transport block it sends adds
 * transmit power x airtime (one slot; HARQ retransmissions included) to the device's
 * radio energy. Receive-chain and gNB energy are not modelled.
 */
class RadioEnergyAccounting
{
  public:
    /**
     * \param deployment the radio deployment (its network already Setup())
     * \param ueDevices one device per UE, in UE order
     * \throws std::invalid_argument if the counts differ
     */
    RadioEnergyAccounting(const RadioDeployment& deployment,
                          std::vector<Ptr<ComputeDevice>> ueDevices);

  private:
    void OnSlotKpi(const SlotKpi& kpi);

    Ptr<RadioNetwork> m_network;
    std::vector<Ptr<ComputeDevice>> m_ueDevices;
    Time m_airtimePerBlock;
};

} // namespace ns3

#endif // EDGE_LAM_RADIO_ENERGY_ACCOUNTING_H
