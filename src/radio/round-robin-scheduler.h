#ifndef EDGE_LAM_ROUND_ROBIN_SCHEDULER_H
#define EDGE_LAM_ROUND_ROBIN_SCHEDULER_H

#include "radio/metric-scheduler.h"

namespace ns3
{

/**
 * \ingroup radio
 * \brief Round robin: deals the RBGs of a slot one at a time, like cards, to the
 * candidates that still need PRBs, and continues the deal in the next slot after the
 * UE that received the last RBG.
 *
 * Metric: minus the PRBs already granted in this slot; ties go to the next UE (by
 * increasing ueId, cyclically) after the last one served. With RbgSize 1, candidates
 * that need PRBs get shares that differ by at most one PRB per slot, the extra PRBs
 * rotate, and over any run whose dealt PRBs are a multiple of the candidate count the
 * shares of a fixed full-buffer set are exactly equal. PRBs a small backlog does not
 * need go to the others. Channel quality is ignored except that a UE never gets a PRB
 * on which its estimate is zero.
 */
class RoundRobinScheduler : public MetricScheduler
{
  public:
    static TypeId GetTypeId();

    std::vector<uint32_t> Allocate(const std::vector<SchedulingCandidate>& candidates,
                                   uint32_t numPrbs) override;

  private:
    double ComputeMetric(const SchedulingCandidate& candidate,
                         double rbgBytes,
                         const Grant& grant) const override;
    std::vector<size_t> GetTieBreakOrder(
        const std::vector<SchedulingCandidate>& candidates) const override;

    /// UE that received the last RBG dealt; the next deal starts after it.
    uint32_t m_lastServedUeId{kUnallocated};
};

} // namespace ns3

#endif // EDGE_LAM_ROUND_ROBIN_SCHEDULER_H
