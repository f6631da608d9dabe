#ifndef EDGE_LAM_DEVICE_SELECTION_BANDWIDTH_H
#define EDGE_LAM_DEVICE_SELECTION_BANDWIDTH_H

#include "training/device-selection-policy.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * \throws std::invalid_argument naming the device and the field if any field is
 *         negative, NaN or infinite
 */
void CheckDeviceRoundEstimate(const DeviceRoundEstimate& estimate);

/**
 * \ingroup training
 * Airtime (s) the device needs with the whole band: uplinkBits / uplinkRateBps +
 * downlinkBits / downlinkRateBps (a direction without bits costs nothing); infinite
 * when bits wait on a zero rate.
 */
double DeviceAirtimeS(const DeviceRoundEstimate& estimate);

/// True if the device can finish a round: its airtime is finite.
bool IsReachable(const DeviceRoundEstimate& estimate);

/**
 * \ingroup training
 * Round latency (s) of a device given a fraction of the band:
 * computeTimeS + DeviceAirtimeS / share (compute, then the exchanges in sequence).
 */
double DeviceRoundLatencyS(const DeviceRoundEstimate& estimate, double share);

/**
 * \ingroup training
 * Energy (J) a device spends in a round with a fraction of the band:
 * computeEnergyJ + txPowerW * uplinkBits / (share * uplinkRateBps) (receiving is free).
 */
double DeviceRoundEnergyJ(const DeviceRoundEstimate& estimate, double share);

/**
 * \ingroup training
 * The band shares that minimise the round latency of a set of devices,
 * T = max_k (c_k + a_k / s_k) subject to sum_k s_k = 1, with c_k = computeTimeS and
 * a_k = DeviceAirtimeS. At the optimum every device that communicates finishes at T:
 * s_k(T) = a_k / (T - c_k) and sum_k s_k(T) = 1, whose left side falls with T, so T is
 * found by bisection on (max c_k, max c_k + sum a_k] (max over communicating devices).
 * If a device that does not communicate (a_k = 0) computes longer than that T, the round
 * latency is its compute time and the others, with the same shares, finish earlier.
 *
 * \param devices the selected set
 * \return RoundPlan with the devices in the given order, their shares (sum 1 up to
 *         rounding; all 0 if nobody communicates) and the latency T (0 for an empty set)
 * \throws std::invalid_argument for a bad estimate or a device that cannot communicate
 */
RoundPlan AllocateMinMaxBandwidth(const std::vector<DeviceRoundEstimate>& devices);

/// AllocateMinMaxBandwidth() for the devices estimates[i], i in `chosen` (in that order).
RoundPlan AllocateMinMaxBandwidth(const std::vector<DeviceRoundEstimate>& estimates,
                                  const std::vector<size_t>& chosen);

} // namespace ns3

#endif // EDGE_LAM_DEVICE_SELECTION_BANDWIDTH_H
