#ifndef EDGE_LAM_DEVICE_SELECTION_BASELINES_H
#define EDGE_LAM_DEVICE_SELECTION_BASELINES_H

#include "training/device-selection-policy.h"

#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup training
 * \brief Every device that can communicate takes part (classic full-participation FedAvg).
 */
class AllDevicesSelectionPolicy : public DeviceSelectionPolicy
{
  public:
    static TypeId GetTypeId();

  private:
    RoundPlan DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                     const std::vector<size_t>& reachable) override;
};

/**
 * \ingroup training
 * \brief NumDevices devices drawn uniformly without replacement among those that can
 * communicate (all of them if fewer), by a partial Fisher-Yates shuffle (FedAvg's client
 * sampling, McMahan et al. 2017). Reproducible through AssignStreams().
 */
class RandomDeviceSelectionPolicy : public DeviceSelectionPolicy
{
  public:
    static TypeId GetTypeId();
    RandomDeviceSelectionPolicy();

    /**
     * Fixes the random stream of the draws.
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    RoundPlan DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                     const std::vector<size_t>& reachable) override;

    uint32_t m_numDevices;
    Ptr<UniformRandomVariable> m_uniform;
};

/**
 * \ingroup training
 * \brief Channel-aware greedy: builds the set one device at a time, each time adding the
 * device whose addition gives the smallest min-max round latency (optimal band shares,
 * compute included), until NumDevices devices (all reachable ones if fewer).
 *
 * Same participation as random-k, so the two differ only in channel awareness. With no
 * compute time the round latency is sum_k airtime_k, and the greedy set is exactly the
 * NumDevices devices of smallest airtime (latency-optimal); with compute times it is a
 * heuristic, like the deadline greedy of FedCS (Nishio and Yonetani, ICC 2019).
 */
class GreedyLatencySelectionPolicy : public DeviceSelectionPolicy
{
  public:
    static TypeId GetTypeId();

  private:
    RoundPlan DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                     const std::vector<size_t>& reachable) override;

    uint32_t m_numDevices;
};

} // namespace ns3

#endif // EDGE_LAM_DEVICE_SELECTION_BASELINES_H
