#ifndef EDGE_LAM_DEVICE_PROFILE_H
#define EDGE_LAM_DEVICE_PROFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup compute
 * \brief The hardware numbers of one class of device that runs model shards: how fast it
 * computes, how much memory a shard may use, what it draws, and how loud its radio is.
 *
 * A plain value type. Built-in profiles ("phone", "embedded-gpu", "laptop", "edge-server")
 * are returned by Get(); their values and sources are in docs/compute-model.md.
 */
struct DeviceProfile
{
    /// Profile name, shown in error messages and traces.
    std::string name;
    /// Sustained (not peak) rate for large-model work, FLOP/s; > 0.
    double effectiveFlopsPerS{0};
    /// Memory available to model shards (weights, activations, optimizer state), bytes.
    uint64_t memoryBytes{0};
    /// Draw of the compute part while a task runs, W; >= 0.
    double activePowerW{0};
    /// Draw of the compute part while no task runs, W; >= 0.
    double idlePowerW{0};
    /// Radio transmit power used by the radio (uplink for UEs), dBm.
    double txPowerDbm{0};

    /**
     * \brief A built-in profile by name.
     * \throws std::invalid_argument naming the unknown profile and listing the valid names
     */
    static DeviceProfile Get(const std::string& name);

    /// \brief The names of the built-in profiles, in the order of docs/compute-model.md.
    static std::vector<std::string> GetNames();

    /**
     * \brief Checks every field.
     * \throws std::invalid_argument naming the profile, the field and its bad value
     */
    void Validate() const;
};

} // namespace ns3

#endif // EDGE_LAM_DEVICE_PROFILE_H
