#include "training/lyapunov-selection-policy.h"

#include "channel/invalid-argument.h"
#include "training/device-selection-bandwidth.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LyapunovSelectionPolicy");

NS_OBJECT_ENSURE_REGISTERED(LyapunovSelectionPolicy);

namespace
{

void
CheckEnergyJ(const std::string& what, double valueJ)
{
    if (!(valueJ >= 0) || std::isinf(valueJ))
    {
        ThrowInvalidArgument(what, valueJ, "J must be finite and >= 0");
    }
}

} // namespace

TypeId
LyapunovSelectionPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LyapunovSelectionPolicy")
            .SetParent<DeviceSelectionPolicy>()
            .SetGroupName("Training")
            .AddConstructor<LyapunovSelectionPolicy>()
            .AddAttribute("V",
                          "Penalty weight V of drift-plus-penalty (J^2/s: it converts seconds "
                          "of penalty into units of queue x energy). Larger V: latency closer "
                          "to optimal (O(1/V)), queues and transient budget excess O(V)",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&LyapunovSelectionPolicy::m_v),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("UtilityWeight",
                          "Seconds of round latency that training on the whole population's "
                          "data in one round is worth (weight of sum_S w_k / sum_all w_k)",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&LyapunovSelectionPolicy::m_utilityWeightS),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("EnergyBudgetJ",
                          "Long-term average energy budget Ebar per device and round, J "
                          "(SetEnergyBudgetJ overrides it per device)",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&LyapunovSelectionPolicy::m_energyBudgetJ),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("MinDevices",
                          "Minimum number of devices per round (all reachable ones if fewer)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&LyapunovSelectionPolicy::m_minDevices),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MaxExhaustiveDevices",
                          "Up to this many reachable devices every subset is searched "
                          "(2^N sets); above, a greedy search",
                          UintegerValue(16),
                          MakeUintegerAccessor(&LyapunovSelectionPolicy::m_maxExhaustiveDevices),
                          MakeUintegerChecker<uint32_t>(0, 24))
            .AddTraceSource("EnergyQueue",
                            "Virtual energy queue Q_k (J) of each device after a round",
                            MakeTraceSourceAccessor(&LyapunovSelectionPolicy::m_energyQueueTrace),
                            "ns3::LyapunovSelectionPolicy::EnergyQueueTracedCallback");
    return tid;
}

void
LyapunovSelectionPolicy::SetEnergyBudgetJ(uint32_t device, double budgetJ)
{
    CheckEnergyJ("energy budget of device " + std::to_string(device), budgetJ);
    m_budgetJ[device] = budgetJ;
}

double
LyapunovSelectionPolicy::GetEnergyBudgetJ(uint32_t device) const
{
    auto it = m_budgetJ.find(device);
    return it == m_budgetJ.end() ? m_energyBudgetJ : it->second;
}

double
LyapunovSelectionPolicy::GetQueueJ(uint32_t device) const
{
    auto it = m_queueJ.find(device);
    return it == m_queueJ.end() ? 0.0 : it->second;
}

double
LyapunovSelectionPolicy::GetLastObjective() const
{
    return m_lastObjective;
}

void
LyapunovSelectionPolicy::NotifyRoundResult(const std::map<uint32_t, double>& energyJ)
{
    NS_LOG_FUNCTION(this << energyJ.size());
    for (const auto& [device, spentJ] : energyJ)
    {
        CheckEnergyJ("energy spent by device " + std::to_string(device), spentJ);
    }
    std::map<uint32_t, double> spent;
    for (uint32_t device : m_population)
    {
        spent[device] = 0;
    }
    for (const auto& [device, spentJ] : energyJ)
    {
        spent[device] = spentJ;
    }
    for (const auto& [device, spentJ] : spent)
    {
        double& queueJ = m_queueJ[device];
        queueJ = std::max(queueJ + spentJ - GetEnergyBudgetJ(device), 0.0);
        m_energyQueueTrace(device, queueJ);
    }
}

double
LyapunovSelectionPolicy::Objective(const std::vector<DeviceRoundEstimate>& estimates,
                                   const std::vector<size_t>& chosen,
                                   const RoundPlan& plan,
                                   double totalWeight) const
{
    double weight = 0;
    double queueEnergy = 0;
    for (size_t j = 0; j < chosen.size(); ++j)
    {
        const DeviceRoundEstimate& e = estimates[chosen[j]];
        weight += totalWeight > 0 ? e.dataWeight : 1.0;
        queueEnergy += GetQueueJ(e.device) * DeviceRoundEnergyJ(e, plan.bandwidthShares[j]);
    }
    const double utility = weight / (totalWeight > 0 ? totalWeight : estimates.size());
    return m_v * (plan.predictedLatencyS - m_utilityWeightS * utility) + queueEnergy;
}

RoundPlan
LyapunovSelectionPolicy::DoPlan(const std::vector<DeviceRoundEstimate>& estimates,
                                const std::vector<size_t>& reachable)
{
    m_population.clear();
    double totalWeight = 0;
    for (const DeviceRoundEstimate& e : estimates)
    {
        m_population.push_back(e.device);
        totalWeight += e.dataWeight;
    }
    const size_t n = reachable.size();
    const size_t minDevices = std::min<size_t>(m_minDevices, n);
    RoundPlan best;
    double bestObjective = std::numeric_limits<double>::infinity();
    // Keeps the candidate set if it beats the best so far (strict: ties keep the first).
    auto consider = [&](const std::vector<size_t>& chosen) {
        RoundPlan plan = AllocateMinMaxBandwidth(estimates, chosen);
        const double objective = Objective(estimates, chosen, plan, totalWeight);
        if (objective < bestObjective)
        {
            bestObjective = objective;
            best = std::move(plan);
            return true;
        }
        return false;
    };

    if (n <= m_maxExhaustiveDevices)
    {
        std::vector<size_t> chosen;
        for (uint64_t mask = 1; mask < (uint64_t{1} << n); ++mask)
        {
            chosen.clear();
            for (size_t i = 0; i < n; ++i)
            {
                if (mask & (uint64_t{1} << i))
                {
                    chosen.push_back(reachable[i]);
                }
            }
            if (chosen.size() >= minDevices)
            {
                consider(chosen);
            }
        }
    }
    else
    {
        std::vector<size_t> chosen;
        std::vector<size_t> rest = reachable;
        while (!rest.empty())
        {
            // Must grow below MinDevices; above, only while the objective falls.
            if (chosen.size() >= minDevices)
            {
                bestObjective = Objective(estimates,
                                          chosen,
                                          AllocateMinMaxBandwidth(estimates, chosen),
                                          totalWeight);
            }
            else
            {
                bestObjective = std::numeric_limits<double>::infinity();
            }
            auto bestIt = rest.end();
            chosen.push_back(0);
            for (auto it = rest.begin(); it != rest.end(); ++it)
            {
                chosen.back() = *it;
                if (consider(chosen))
                {
                    bestIt = it;
                }
            }
            if (bestIt == rest.end())
            {
                chosen.pop_back();
                break;
            }
            chosen.back() = *bestIt;
            rest.erase(bestIt);
        }
        best = AllocateMinMaxBandwidth(estimates, chosen);
        bestObjective = Objective(estimates, chosen, best, totalWeight);
    }
    m_lastObjective = bestObjective;
    return best;
}

} // namespace ns3
