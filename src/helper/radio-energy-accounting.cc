#include "radio-energy-accounting.h"

#include <stdexcept>

namespace ns3
{

RadioEnergyAccounting::RadioEnergyAccounting(const RadioDeployment& deployment,
                                             std::vector<Ptr<ComputeDevice>> ueDevices)
    : m_network(deployment.network),
      m_ueDevices(std::move(ueDevices)),
      m_airtimePerBlock(deployment.network->GetGrid().GetSlotDuration())
{
    if (m_ueDevices.size() != m_network->GetNumUes())
    {
        throw std::invalid_argument("RadioEnergyAccounting: " + std::to_string(m_ueDevices.size()) +
                                    " devices for " + std::to_string(m_network->GetNumUes()) +
                                    " UEs");
    }
    for (uint32_t ue = 0; ue < m_ueDevices.size(); ++ue)
    {
        m_network->SetUeTxPowerDbm(ue, m_ueDevices[ue]->GetProfile().txPowerDbm);
    }
    m_network->TraceConnectWithoutContext("SlotKpi",
                                          MakeCallback(&RadioEnergyAccounting::OnSlotKpi, this));
}

void
RadioEnergyAccounting::OnSlotKpi(const SlotKpi& kpi)
{
    if (kpi.direction == LinkDirection::Uplink)
    {
        m_ueDevices[kpi.ue]->AddRadioEnergy(m_network->GetUeTxPowerW(kpi.ue),
                                            m_airtimePerBlock * kpi.slots);
    }
}

} // namespace ns3
