#ifndef EDGE_LAM_RADIO_SCHEDULER_H
#define EDGE_LAM_RADIO_SCHEDULER_H

#include "ns3/object.h"

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * What a scheduler knows about one UE with data waiting, in one cell, one direction
 * (downlink or uplink), one slot.
 */
struct SchedulingCandidate
{
    /// Opaque UE identifier, stable across slots (used for per-UE state such as PF averages).
    uint32_t ueId{0};
    /// Bytes waiting; kFullBuffer for an infinite backlog.
    uint64_t backlogBytes{0};
    /// Estimated bytes this UE would carry on each PRB of this slot at its reported
    /// channel quality (index = PRB). Size equals the number of PRBs of the carrier.
    std::vector<double> prbBytes;

    static constexpr uint64_t kFullBuffer = std::numeric_limits<uint64_t>::max();
};

/**
 * \ingroup radio
 * \brief One interface for all PRB schedulers (round robin, proportional fair,
 * max-rate, ...); pick one by TypeId name (see docs/radio-schedulers.md).
 * Direction-agnostic: the radio network keeps one scheduler instance per cell and
 * direction. A scheduler never gives a UE more PRBs than its estimated backlog needs
 * and is deterministic (same state and inputs, same allocation), so traces reproduce.
 */
class RadioScheduler : public Object
{
  public:
    /// PRB owner value for a PRB left unused.
    static constexpr uint32_t kUnallocated = std::numeric_limits<uint32_t>::max();

    static TypeId GetTypeId();

    /**
     * Allocates the PRBs of one slot.
     * \param candidates UEs with data waiting; each prbBytes has numPrbs entries
     * \param numPrbs number of PRBs of the carrier
     * \return PRB owner per PRB: the ueId of a candidate, or kUnallocated
     */
    virtual std::vector<uint32_t> Allocate(const std::vector<SchedulingCandidate>& candidates,
                                           uint32_t numPrbs) = 0;

    /**
     * Reports, once per slot after Allocate(), the bytes correctly received by each UE
     * that was a candidate in that slot (0 for those that got nothing or whose transport
     * block failed), so that stateful schedulers (e.g. proportional fair) can update
     * their averages. UEs absent from the list delivered nothing this slot.
     * The default implementation ignores it.
     */
    virtual void NotifySlotResult(const std::vector<std::pair<uint32_t, uint64_t>>& delivered);
};

} // namespace ns3

#endif // EDGE_LAM_RADIO_SCHEDULER_H
