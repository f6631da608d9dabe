#ifndef EDGE_LAM_PROPORTIONAL_FAIR_SCHEDULER_H
#define EDGE_LAM_PROPORTIONAL_FAIR_SCHEDULER_H

#include "radio/metric-scheduler.h"

#include <map>

namespace ns3
{

/**
 * \ingroup radio
 * \brief Proportional fair: each RBG goes to the candidate maximising
 * rbgBytes / T(ue)^Alpha, ties to the lowest ueId.
 *
 * T(ue) is an exponentially weighted moving average of the bytes the UE received per
 * slot, updated by NotifySlotResult() once per slot for every known UE:
 *
 *     T <- max(T0, (1 - 1/Tc) * T + deliveredBytes / Tc)
 *
 * with Tc = TimeConstantSlots, T0 = InitialAverageBytesPerSlot and deliveredBytes = 0
 * for UEs absent from the report. A UE never seen before has T = T0. The floor T0
 * keeps the metric finite, and a UE sitting on it is simply not stored, so idle UEs
 * cost no memory. T is held fixed while one slot is allocated.
 */
class ProportionalFairScheduler : public MetricScheduler
{
  public:
    static TypeId GetTypeId();

    void NotifySlotResult(const std::vector<std::pair<uint32_t, uint64_t>>& delivered) override;

    /// Current average T(ue) in bytes per slot (InitialAverageBytesPerSlot for unknown UEs).
    double GetAverageBytesPerSlot(uint32_t ueId) const;

  private:
    double ComputeMetric(const SchedulingCandidate& candidate,
                         double rbgBytes,
                         const Grant& grant) const override;
    /// 1 / T^alpha of the candidate.
    double GetSlotWeight(const SchedulingCandidate& candidate) const override;

    double m_alpha;
    uint32_t m_timeConstantSlots;
    double m_initialAverageBytesPerSlot;
    /// T(ue) in bytes per slot for UEs above the floor; ordered so updates are deterministic.
    std::map<uint32_t, double> m_averageBytesPerSlot;
};

} // namespace ns3

#endif // EDGE_LAM_PROPORTIONAL_FAIR_SCHEDULER_H
