#include "compute/device-profile.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

constexpr uint64_t kGiB = uint64_t(1) << 30;

/// The built-in profiles. Sources and derivations: docs/compute-model.md, "Profiles".
const std::vector<DeviceProfile>&
BuiltInProfiles()
{
    static const std::vector<DeviceProfile> profiles = {
        {
            "phone",
            1e12,     // ~25-50% of the 2-4 TFLOP/s FP16 GPU peak of a 2023 flagship SoC
            4 * kGiB, // half of an 8 GB phone; the OS and other apps keep the rest
            5.0,      // sustained SoC power a phone can dissipate before throttling
            0.5,      // SoC awake, screen off, modem attached
            23.0,     // UE power class 3, TS 38.101-1 sec. 6.2.1
        },
        {
            "embedded-gpu",
            10e12,     // ~25% of Jetson AGX Orin 64GB dense FP16 tensor peak (~42.5 TFLOP/s)
            60 * kGiB, // 64 GB unified LPDDR5 minus ~4 GiB for OS and CUDA runtime
            40.0,      // module draw under sustained GPU load in the 60 W MAXN mode
            7.0,       // module idle in MAXN mode with the GPU clocked down
            23.0,      // 5G module of power class 3, TS 38.101-1 sec. 6.2.1
        },
        {
            "laptop",
            8e12,          // ~25% of a RTX-4060-Laptop-class dense FP16 tensor peak (~30 TFLOP/s)
            15 * kGiB / 2, // 8 GiB GDDR6 minus ~0.5 GiB for display and CUDA context
            80.0,          // ~60 W GPU graphics power plus ~20 W CPU and platform
            10.0,          // laptop awake, screen on, GPU idle
            23.0,          // 5G M.2 modem of power class 3, TS 38.101-1 sec. 6.2.1
        },
        {
            "edge-server",
            125e12,    // 40% of the A100 dense FP16 tensor peak (312 TFLOP/s), a good MFU
            79 * kGiB, // A100 80 GB HBM2e minus ~1 GiB CUDA context
            300.0,     // A100 80GB PCIe board power limit (TDP)
            50.0,      // A100 idle board power with the CUDA context loaded
            46.0,      // macro gNB the server sits behind (TR 36.814 Table A.2.1.1-2)
        },
    };
    return profiles;
}

void
ThrowBadField(const std::string& profile,
              const std::string& field,
              double value,
              const std::string& rule)
{
    std::ostringstream msg;
    msg << "device profile '" << profile << "': " << field << " = " << value << " " << rule;
    throw std::invalid_argument(msg.str());
}

} // namespace

DeviceProfile
DeviceProfile::Get(const std::string& name)
{
    for (const DeviceProfile& profile : BuiltInProfiles())
    {
        if (profile.name == name)
        {
            return profile;
        }
    }
    std::ostringstream msg;
    msg << "unknown device profile '" << name << "'; valid names:";
    for (const std::string& valid : GetNames())
    {
        msg << " " << valid;
    }
    throw std::invalid_argument(msg.str());
}

std::vector<std::string>
DeviceProfile::GetNames()
{
    std::vector<std::string> names;
    for (const DeviceProfile& profile : BuiltInProfiles())
    {
        names.push_back(profile.name);
    }
    return names;
}

void
DeviceProfile::Validate() const
{
    if (!(effectiveFlopsPerS > 0) || !std::isfinite(effectiveFlopsPerS))
    {
        ThrowBadField(name, "effective rate (FLOP/s)", effectiveFlopsPerS, "must be positive");
    }
    if (!(idlePowerW >= 0) || !std::isfinite(idlePowerW))
    {
        ThrowBadField(name, "idle power (W)", idlePowerW, "must be >= 0");
    }
    if (!(activePowerW >= 0) || !std::isfinite(activePowerW))
    {
        ThrowBadField(name, "active power (W)", activePowerW, "must be >= 0");
    }
    if (!std::isfinite(txPowerDbm))
    {
        ThrowBadField(name, "transmit power (dBm)", txPowerDbm, "must be finite");
    }
}

} // namespace ns3
