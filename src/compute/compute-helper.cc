#include "compute/compute-helper.h"

#include "ns3/node.h"

#include <set>
#include <sstream>
#include <stdexcept>

namespace ns3
{

void
ComputeHelper::SetDeviceAttribute(const std::string& name, const AttributeValue& value)
{
    TypeId::AttributeInformation info;
    if (!ComputeDevice::GetTypeId().LookupAttributeByName(name, &info))
    {
        throw std::invalid_argument("ComputeDevice has no attribute '" + name + "'");
    }
    Ptr<AttributeValue> valid = info.checker->CreateValidValue(value);
    if (!valid)
    {
        throw std::invalid_argument("value '" + value.SerializeToString(info.checker) +
                                    "' is not valid for ComputeDevice attribute '" + name +
                                    "' (expects " + info.checker->GetUnderlyingTypeInformation() +
                                    ")");
    }
    m_attributes.emplace_back(name, valid);
}

std::vector<Ptr<ComputeDevice>>
ComputeHelper::Install(const NodeContainer& nodes, const std::string& profileName) const
{
    const DeviceProfile profile = DeviceProfile::Get(profileName);
    std::vector<Ptr<ComputeDevice>> devices;
    std::set<uint32_t> nodeIds;
    for (auto node = nodes.Begin(); node != nodes.End(); ++node)
    {
        if ((*node)->GetObject<ComputeDevice>() || !nodeIds.insert((*node)->GetId()).second)
        {
            std::ostringstream msg;
            msg << "node " << (*node)->GetId() << " already has a ComputeDevice (or appears "
                << "twice in the container)";
            throw std::invalid_argument(msg.str());
        }
        Ptr<ComputeDevice> device = CreateObject<ComputeDevice>();
        device->SetProfile(profile);
        for (const auto& [name, value] : m_attributes)
        {
            device->SetAttribute(name, *value);
        }
        devices.push_back(device);
    }
    for (uint32_t i = 0; i < devices.size(); ++i)
    {
        nodes.Get(i)->AggregateObject(devices[i]);
    }
    return devices;
}

Ptr<ComputeDevice>
ComputeHelper::Get(Ptr<Node> node)
{
    if (!node)
    {
        throw std::invalid_argument("ComputeHelper::Get: null node");
    }
    Ptr<ComputeDevice> device = node->GetObject<ComputeDevice>();
    if (!device)
    {
        std::ostringstream msg;
        msg << "node " << node->GetId() << " has no ComputeDevice; install one with "
            << "ComputeHelper::Install";
        throw std::invalid_argument(msg.str());
    }
    return device;
}

} // namespace ns3
