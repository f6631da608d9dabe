#include "training/device-selection-bandwidth.h"

#include "channel/invalid-argument.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DeviceSelectionBandwidth");

namespace
{

/// Bisection steps: each halves the bracket, so 200 reach the double resolution of any T.
constexpr int kMaxBisectionSteps = 200;

/// Seconds needed to send `bits` at `rateBps` (0 if nothing to send).
double
TransferTimeS(double bits, double rateBps)
{
    if (bits == 0)
    {
        return 0;
    }
    return rateBps > 0 ? bits / rateBps : std::numeric_limits<double>::infinity();
}

} // namespace

void
CheckDeviceRoundEstimate(const DeviceRoundEstimate& e)
{
    const std::pair<const char*, double> fields[] = {{"uplinkRateBps", e.uplinkRateBps},
                                                     {"downlinkRateBps", e.downlinkRateBps},
                                                     {"uplinkBits", e.uplinkBits},
                                                     {"downlinkBits", e.downlinkBits},
                                                     {"computeTimeS", e.computeTimeS},
                                                     {"computeEnergyJ", e.computeEnergyJ},
                                                     {"txPowerW", e.txPowerW},
                                                     {"dataWeight", e.dataWeight}};
    for (const auto& [name, value] : fields)
    {
        if (!(value >= 0) || std::isinf(value))
        {
            ThrowInvalidArgument("device " + std::to_string(e.device) + " " + name,
                                 value,
                                 "must be finite and >= 0");
        }
    }
}

double
DeviceAirtimeS(const DeviceRoundEstimate& e)
{
    return TransferTimeS(e.uplinkBits, e.uplinkRateBps) +
           TransferTimeS(e.downlinkBits, e.downlinkRateBps);
}

bool
IsReachable(const DeviceRoundEstimate& e)
{
    return std::isfinite(DeviceAirtimeS(e));
}

double
DeviceRoundLatencyS(const DeviceRoundEstimate& e, double share)
{
    const double airtimeS = DeviceAirtimeS(e);
    return e.computeTimeS + (airtimeS == 0 ? 0 : airtimeS / share);
}

double
DeviceRoundEnergyJ(const DeviceRoundEstimate& e, double share)
{
    const double uplinkS = TransferTimeS(e.uplinkBits, e.uplinkRateBps);
    return e.computeEnergyJ + (uplinkS == 0 ? 0 : e.txPowerW * uplinkS / share);
}

RoundPlan
AllocateMinMaxBandwidth(const std::vector<DeviceRoundEstimate>& devices)
{
    NS_LOG_FUNCTION(devices.size());
    RoundPlan plan;
    std::vector<double> airtimeS;
    double maxComputeS = 0;     // over all devices
    double maxCommComputeS = 0; // over devices that communicate
    double sumAirtimeS = 0;
    for (const DeviceRoundEstimate& e : devices)
    {
        CheckDeviceRoundEstimate(e);
        if (!IsReachable(e))
        {
            ThrowInvalidArgument("device", e.device, "cannot communicate (bits on a zero rate)");
        }
        plan.devices.push_back(e.device);
        airtimeS.push_back(DeviceAirtimeS(e));
        maxComputeS = std::max(maxComputeS, e.computeTimeS);
        if (airtimeS.back() > 0)
        {
            maxCommComputeS = std::max(maxCommComputeS, e.computeTimeS);
        }
        sumAirtimeS += airtimeS.back();
    }
    plan.bandwidthShares.assign(devices.size(), 0.0);
    if (sumAirtimeS == 0)
    {
        plan.predictedLatencyS = maxComputeS;
        return plan;
    }
    // sum_k a_k / (T - c_k) over communicating devices: > 1 below the optimum, <= 1 above.
    auto shareSum = [&](double latencyS) {
        double sum = 0;
        for (size_t k = 0; k < devices.size(); ++k)
        {
            if (airtimeS[k] > 0)
            {
                sum += airtimeS[k] / (latencyS - devices[k].computeTimeS);
            }
        }
        return sum;
    };
    double lo = maxCommComputeS;               // infeasible: someone's share would be infinite
    double hi = maxCommComputeS + sumAirtimeS; // feasible: a_k / (hi - c_k) <= a_k / sum a
    for (int step = 0; step < kMaxBisectionSteps; ++step)
    {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
        {
            break; // bracket at double resolution
        }
        (shareSum(mid) > 1 ? lo : hi) = mid;
    }
    // Shares at the feasible end sum to <= 1; normalising gives the band to the devices
    // (every latency stays <= hi) and covers the case of a dominant non-communicating device.
    const double sum = shareSum(hi);
    double latencyS = maxComputeS;
    for (size_t k = 0; k < devices.size(); ++k)
    {
        if (airtimeS[k] > 0)
        {
            plan.bandwidthShares[k] = airtimeS[k] / (hi - devices[k].computeTimeS) / sum;
            latencyS = std::max(latencyS, DeviceRoundLatencyS(devices[k], plan.bandwidthShares[k]));
        }
    }
    plan.predictedLatencyS = latencyS;
    return plan;
}

RoundPlan
AllocateMinMaxBandwidth(const std::vector<DeviceRoundEstimate>& estimates,
                        const std::vector<size_t>& chosen)
{
    std::vector<DeviceRoundEstimate> subset;
    subset.reserve(chosen.size());
    for (size_t i : chosen)
    {
        subset.push_back(estimates.at(i));
    }
    return AllocateMinMaxBandwidth(subset);
}

} // namespace ns3
