#ifndef EDGE_LAM_FLOW_RADIO_NETWORK_H
#define EDGE_LAM_FLOW_RADIO_NETWORK_H

#include "radio/radio-network.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * \brief The flow-level abstraction of RadioNetwork, for runs whose transfers last
 * seconds to minutes: scheduling, link adaptation and the channel are evaluated once per
 * step (a CSI period by default, StepSlots to make it longer) instead of every slot, and
 * each grant moves its bytes at its expected goodput for the whole step.
 *
 * A step starts with each cell's scheduler allocating the PRBs of one slot exactly as
 * the slot engine does, from the last CSI report; each grant's MCS comes from that
 * report and its SINR from the channel now. The goodput per slot is the block's bytes
 * times the probability that HARQ with chase combining delivers it, over the expected
 * number of transmissions: TBS (1 - P_1...P_M) / (1 + P_1 + P_1 P_2 + ... + P_1...P_{M-1}),
 * P_i the BLER at i times the SINR (M = 1 without HARQ). A step lasts StepSlots slots
 * (CsiPeriodSlots if 0), or ends at the slot in which a transfer's last byte arrives, or
 * at the next slot boundary when new bytes are queued. The next report is measured
 * (P + 1) / 2 slots before the next step, the mean age of the report a slot uses in the
 * slot engine; schedulers are notified once per slot of the step.
 *
 * Not modelled: the channel's variation within a step (held at its start), individual
 * block errors and HARQ delays (expected values), and a scheduler's re-allocation within
 * a step. Against the slot engine (docs/radio-model.md), cell throughput agrees within a
 * few percent with non-opportunistic schedulers, with steps of one CSI period and of
 * 40 slots; proportional fair comes out up to ~14 % optimistic, ~16 % with longer steps.
 */
class FlowRadioNetwork : public RadioNetwork
{
  public:
    static TypeId GetTypeId();

    /// Number of steps started so far (each covers one or more slots).
    uint64_t GetStepCount() const;

  protected:
    void DoDispose() override;
    /// Starts a step: CSI, scheduling and the goodput of every grant.
    void Slot() override;
    /// Ends the running step at the next slot boundary so that the new bytes are scheduled.
    void NotifyBacklogAdded() override;

  private:
    /// What one UE sends in one direction during the running step.
    struct Grant
    {
        uint32_t ue;
        LinkDirection direction;
        uint32_t cell;
        uint32_t prbs;
        LinkDecision decision;
        double sinrDb;
        double bler;                //!< of a first transmission
        double goodputBytesPerSlot; //!< expected, HARQ included
    };

    /// The grants of this step's allocation: MCS from the report, SINR and goodput now.
    void ComputeGrants();
    /// The expected goodput of a grant per slot, HARQ included.
    double ExpectedGoodputBytes(const LinkDecision& decision, double sinrLinear) const;
    /// The StepSlots attribute, CsiPeriodSlots if it is 0.
    uint32_t MaxStepSlots() const;
    /// Slots until the first transfer of any grant would receive its last byte.
    uint32_t SlotsToFirstCompletion() const;
    /// Applies the progress of `slots` slots of the running step and starts the next.
    void EndStep(uint32_t slots);
    /// The CSI report the next step's scheduling and link adaptation use.
    void MeasureCsi();

    std::vector<Grant> m_grants;
    /// Fractional bytes a UE has sent beyond its whole bytes: [direction][ue]
    std::vector<double> m_carryBytes[2];
    Time m_stepStart;
    uint32_t m_maxStepSlots{0}; //!< StepSlots attribute
    uint32_t m_stepSlots{0};    //!< planned length of the running step; 0 between steps
    uint64_t m_steps{0};
    EventId m_csiEvent;
};

} // namespace ns3

#endif // EDGE_LAM_FLOW_RADIO_NETWORK_H
