#ifndef EDGE_LAM_LYAPUNOV_SELECTION_POLICY_H
#define EDGE_LAM_LYAPUNOV_SELECTION_POLICY_H

#include "training/device-selection-policy.h"

#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * \brief Device selection by Lyapunov drift-plus-penalty (M. J. Neely, "Stochastic Network
 * Optimization with Application to Communication and Queueing Systems", Morgan & Claypool
 * 2010, ch. 3-4): minimise the time-average round latency minus a participation utility
 * subject to a long-term energy budget per device.
 *
 * Each device k has a virtual energy queue Q_k(r+1) = max(Q_k(r) + E_k(r) - Ebar_k, 0)
 * fed by NotifyRoundResult() (E_k = 0 in rounds it sits out). Each round the policy picks
 * the set S (|S| >= MinDevices) and shares s (AllocateMinMaxBandwidth) minimising
 *   V * (T(S) - UtilityWeight * sum_{k in S} w_k / sum_all w) + sum_{k in S} Q_k E_k(S, s_k),
 * the per-round drift-plus-penalty bound with its set-independent terms dropped. The
 * utility, the share of the population's data that trains this round, keeps the penalty
 * from being minimised by the smallest set; without it only the MinDevices constraint
 * would stop the policy from selecting as few devices as allowed.
 *
 * Guarantees (Neely, ch. 4, for i.i.d. channel states and budgets met with slack): the
 * time-average penalty is within O(1/V) of the best achievable, queues are O(V), and
 * device k's time-average energy over R rounds exceeds Ebar_k by at most
 * (Q_k(R) - Q_k(0)) / R = O(V / R).
 *
 * Up to MaxExhaustiveDevices reachable devices all subsets are searched; beyond, a
 * greedy adds the device that lowers the objective most, while |S| < MinDevices or the
 * objective keeps falling.
 */
class LyapunovSelectionPolicy : public DeviceSelectionPolicy
{
  public:
    /// Fired by NotifyRoundResult() for each device after its queue update.
    typedef void (*EnergyQueueTracedCallback)(uint32_t device, double queueJ);

    static TypeId GetTypeId();

    /**
     * Gives one device its own long-term energy budget, overriding EnergyBudgetJ.
     * \throws std::invalid_argument for a negative or non-finite budget
     */
    void SetEnergyBudgetJ(uint32_t device, double budgetJ);
    /// Ebar_k of a device, J per round.
    double GetEnergyBudgetJ(uint32_t device) const;
    /// Q_k of a device, J (0 for a device never seen).
    double GetQueueJ(uint32_t device) const;

    /// The objective of the last Plan()'s chosen set (for tests and logs).
    double GetLastObjective() const;

    /**
     * Updates the virtual energy queues of every device of the last Plan()'s population
     * and of every device in energyJ.
     * \throws std::invalid_argument for a negative or non-finite energy
     */
    void NotifyRoundResult(const std::map<uint32_t, double>& energyJ) override;

  private:
    RoundPlan DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                     const std::vector<size_t>& reachable) override;

    /// Drift-plus-penalty objective of a set and its min-max plan.
    double Objective(const std::vector<DeviceRoundEstimate>& estimates,
                     const std::vector<size_t>& chosen,
                     const RoundPlan& plan,
                     double totalWeight) const;

    // Attributes
    double m_v;
    double m_utilityWeightS;
    double m_energyBudgetJ;
    uint32_t m_minDevices;
    uint32_t m_maxExhaustiveDevices;

    std::map<uint32_t, double> m_budgetJ; //!< per-device overrides of EnergyBudgetJ
    std::map<uint32_t, double> m_queueJ;
    std::vector<uint32_t> m_population; //!< devices of the last Plan()
    double m_lastObjective{0};

    TracedCallback<uint32_t, double> m_energyQueueTrace;
};

} // namespace ns3

#endif // EDGE_LAM_LYAPUNOV_SELECTION_POLICY_H
