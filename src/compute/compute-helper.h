#ifndef EDGE_LAM_COMPUTE_HELPER_H
#define EDGE_LAM_COMPUTE_HELPER_H

#include "compute/compute-device.h"

#include "ns3/attribute.h"
#include "ns3/node-container.h"
#include "ns3/ptr.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup compute
 * \brief Installs a ComputeDevice with a built-in profile on nodes, with attribute overrides.
 *
 * \code
 *   ComputeHelper compute;
 *   compute.SetDeviceAttribute("MemoryBytes", UintegerValue(6ull << 30));
 *   compute.Install(phones, "phone");
 *   Ptr<ComputeDevice> dev = ComputeHelper::Get(phones.Get(0));
 * \endcode
 */
class ComputeHelper
{
  public:
    /**
     * \brief Overrides one ComputeDevice attribute on every device installed afterwards; it
     * is applied on top of the profile.
     * \throws std::invalid_argument for an unknown attribute or a value of the wrong type
     */
    void SetDeviceAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Aggregates a ComputeDevice with profile `profileName` (plus the attribute
     * overrides) to each node. All devices are built before any node is touched, so an error
     * leaves every node as it was.
     * \throws std::invalid_argument for an unknown profile, a bad override, or a node that
     *         already has a ComputeDevice
     */
    std::vector<Ptr<ComputeDevice>> Install(const NodeContainer& nodes,
                                            const std::string& profileName) const;

    /**
     * \brief The ComputeDevice aggregated to `node`.
     * \throws std::invalid_argument if `node` is null or has none
     */
    static Ptr<ComputeDevice> Get(Ptr<Node> node);

  private:
    std::vector<std::pair<std::string, Ptr<AttributeValue>>> m_attributes;
};

} // namespace ns3

#endif // EDGE_LAM_COMPUTE_HELPER_H
