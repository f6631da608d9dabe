#ifndef EDGE_LAM_WEIGHTED_SHARE_SCHEDULER_H
#define EDGE_LAM_WEIGHTED_SHARE_SCHEDULER_H

#include "radio/radio-scheduler.h"
#include "radio/round-robin-scheduler.h"

#include <cstdint>
#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * \brief Fractions of a carrier's PRBs reserved per UE, set from outside the radio (e.g.
 * by a device-selection policy's round plan) and read every slot by the
 * WeightedShareScheduler(s) that point to it. Keyed by the radio network's UE index; one
 * table may serve several cells and both directions (each scheduler only sees its own
 * cell's UEs).
 */
class BandwidthShareTable : public Object
{
  public:
    static TypeId GetTypeId();

    /**
     * Reserves a fraction of the carrier for a UE; 0 removes the reservation.
     * \throws std::invalid_argument naming the UE if share is not in [0, 1]
     */
    void SetShare(uint32_t ueId, double share);
    /// The UE's share, 0 if it has none.
    double GetShare(uint32_t ueId) const;
    /// Removes every reservation (e.g. between rounds).
    void Clear();
    /// UE -> share, for every UE with a share > 0.
    const std::map<uint32_t, double>& GetShares() const;

  private:
    std::map<uint32_t, double> m_shares;
};

/**
 * \ingroup radio
 * \brief Gives each UE with a share s in the BandwidthShareTable s * numPrbs PRBs per slot
 * on average, exactly over time: a per-UE credit carries the fractional remainder across
 * slots and each slot's PRBs go one at a time to the UE with the largest remaining
 * entitlement (largest-remainder rounding), so over any number of slots in which a UE is
 * backlogged its PRB count stays within one PRB of s * numPrbs * slots.
 *
 * Rules, in order, each slot:
 *  1. Shared UEs with backlog are served from their entitlement (credit + s * numPrbs;
 *     if the shares of this slot's candidates add up to more than 1 they are scaled to
 *     sum 1). A UE never gets more PRBs than its backlog needs (prbBytes estimates) nor
 *     PRBs on which it would carry nothing; a UE whose backlog is covered keeps no
 *     positive credit (no hoarding), and credits stay in [-1, 1]. Shared UEs without data
 *     accrue nothing. PRBs go in increasing order, so grants interleave.
 *  2. UEs without a share get the PRBs that no shared UE took, round robin
 *     (RoundRobinScheduler semantics): they never take PRBs from a backlogged shared UE.
 *  3. With WorkConserving, PRBs still free go round robin to shared UEs whose backlog is
 *     not covered yet; these extra PRBs do not count against their credit. Without it
 *     (default) the shares are also upper limits, so a round runs as planned.
 * Deterministic: ties go to the lowest ueId.
 */
class WeightedShareScheduler : public RadioScheduler
{
  public:
    static TypeId GetTypeId();
    WeightedShareScheduler();

    /**
     * \copydoc RadioScheduler::Allocate
     * \throws std::invalid_argument if a candidate's prbBytes does not have numPrbs
     *         entries or holds a negative or non-finite value, or if a ueId is repeated
     *         or equals kUnallocated
     */
    std::vector<uint32_t> Allocate(const std::vector<SchedulingCandidate>& candidates,
                                   uint32_t numPrbs) override;

    /// Carried fractional entitlement of a UE, PRBs (0 for a UE never shared).
    double GetCreditPrbs(uint32_t ueId) const;

  private:
    Ptr<BandwidthShareTable> m_shareTable;
    bool m_workConserving;
    std::map<uint32_t, double> m_creditPrbs;
    Ptr<RoundRobinScheduler> m_unsharedRoundRobin; //!< rule 2
    Ptr<RoundRobinScheduler> m_extraRoundRobin;    //!< rule 3
};

} // namespace ns3

#endif // EDGE_LAM_WEIGHTED_SHARE_SCHEDULER_H
