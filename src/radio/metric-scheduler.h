#ifndef EDGE_LAM_METRIC_SCHEDULER_H
#define EDGE_LAM_METRIC_SCHEDULER_H

#include "radio/radio-scheduler.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * \brief Base of the PRB schedulers that rank UEs by a per-RBG metric.
 *
 * Allocate() walks the resource block groups (RBGs, RbgSize contiguous PRBs, the last
 * one possibly shorter) in increasing PRB order. For each RBG it gives the PRBs, in
 * order, to the eligible candidate with the highest ComputeMetric(); the winner keeps
 * taking PRBs of the RBG until its backlog is covered, and the rest of the RBG is
 * offered again in the same way. A candidate is eligible while its granted bytes
 * (sum of prbBytes over its PRBs) are below its backlog and it would carry more than
 * zero bytes on the remaining PRBs of the RBG. PRBs nobody is eligible for stay
 * kUnallocated. Metric ties go to the candidate that comes first in
 * GetTieBreakOrder() (default: lowest ueId), so allocations are deterministic.
 *
 * A policy only fills ComputeMetric() and, if it needs a different tie rule,
 * GetTieBreakOrder().
 */
class MetricScheduler : public RadioScheduler
{
  public:
    static TypeId GetTypeId();

    /**
     * \copydoc RadioScheduler::Allocate
     * \throws std::invalid_argument if a candidate's prbBytes does not have numPrbs
     *         entries or holds a negative or non-finite value, or if a ueId is repeated
     *         or equals kUnallocated
     */
    std::vector<uint32_t> Allocate(const std::vector<SchedulingCandidate>& candidates,
                                   uint32_t numPrbs) override;

  protected:
    /// What one candidate has been granted so far in the slot being allocated.
    struct Grant
    {
        uint32_t numPrbs{0};
        double bytes{0};
        double slotWeight{1}; //!< GetSlotWeight() of the candidate, computed once per slot
    };

    /**
     * \brief A per-candidate factor that stays fixed during one slot's allocation
     * (e.g. proportional fair's 1 / T^alpha), computed once per slot so that
     * ComputeMetric() does not redo it for every RBG. Default 1.
     */
    virtual double GetSlotWeight(const SchedulingCandidate& candidate) const;

    /**
     * \brief Priority of giving the remaining PRBs of the current RBG to a candidate.
     * \param candidate an eligible candidate
     * \param rbgBytes bytes the candidate would carry on the remaining PRBs of the RBG (> 0)
     * \param grant what the candidate already holds in this slot
     * \return the metric; the highest wins
     */
    virtual double ComputeMetric(const SchedulingCandidate& candidate,
                                 double rbgBytes,
                                 const Grant& grant) const = 0;

    /**
     * \brief Candidate indices in tie-break order, called once per slot: on equal
     * metrics the candidate listed first wins.
     * \return a permutation of [0, candidates.size()); default: by increasing ueId
     */
    virtual std::vector<size_t> GetTieBreakOrder(
        const std::vector<SchedulingCandidate>& candidates) const;

  private:
    uint32_t m_rbgSizePrbs;
};

} // namespace ns3

#endif // EDGE_LAM_METRIC_SCHEDULER_H
