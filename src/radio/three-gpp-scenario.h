#ifndef EDGE_LAM_THREE_GPP_SCENARIO_H
#define EDGE_LAM_THREE_GPP_SCENARIO_H

#include "channel/three-gpp-scenario-id.h"

#include "ns3/channel-condition-model.h"
#include "ns3/ptr.h"
#include "ns3/three-gpp-propagation-loss-model.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace ns3
{

// Forward declared: three-gpp-channel-model.h includes <complex.h>, whose macro `I`
// breaks LibTorch headers, so it must not leak through this header.
class ThreeGppChannelModel;

/**
 * \ingroup radio
 * How the LOS/NLOS state of each link is chosen.
 */
enum class LosMode
{
    Probabilistic, ///< the scenario's LOS probability, TR 38.901 Table 7.4.2-1
    AlwaysLos,     ///< every link LOS (ns3::AlwaysLosChannelConditionModel)
    NeverLos,      ///< every link NLOS (ns3::NeverLosChannelConditionModel)
};

/**
 * \ingroup radio
 * Deployment parameters of one scenario, TR 38.901 sec. 7.2 (Tables 7.2-1 to 7.2-3)
 * and the calibration assumptions of Table 7.8-1. Distances and heights in metres.
 */
struct ThreeGppScenarioParameters
{
    /// Canonical name, also the value of ns3::ThreeGppChannelModel::Scenario.
    const char* name;
    /// Inter-site distance of the hexagonal grid; for InH the spacing of the BS grid.
    double isdM;
    double bsHeightM;
    /// Default UE antenna height (outdoor UEs at ground level; no indoor floors modelled).
    double ueHeightM;
    /// Minimum 2D BS-UE distance of a UE drop.
    double minBsUeDistance2dM;
    /// Carrier range over which the Table 7.4.1-1 pathloss formulas are valid.
    double minFrequencyHz;
    double maxFrequencyHz;
};

/// \return the parameters of a scenario (a static table entry).
const ThreeGppScenarioParameters& GetThreeGppScenarioParameters(ThreeGppScenario scenario);

/// Writes the canonical name.
std::ostream& operator<<(std::ostream& os, ThreeGppScenario scenario);

/**
 * Checks that a carrier lies in the scenario's validity range. ns-3 only checks it
 * with NS_ASSERT, which is compiled out of optimised builds.
 * \throws std::invalid_argument naming the frequency and the range
 */
void CheckThreeGppFrequency(ThreeGppScenario scenario, double frequencyHz);

/**
 * Creates the channel condition model of a scenario: the scenario's LOS probability
 * model (ns3::ThreeGppUmaChannelConditionModel, ...) or a forced LOS/NLOS model.
 * Share the returned object between the pathloss and the fast-fading model so that
 * both see the same LOS state of a link.
 */
Ptr<ChannelConditionModel> CreateChannelConditionModel(ThreeGppScenario scenario, LosMode losMode);

/**
 * Creates the TR 38.901 Table 7.4.1-1 pathloss model of a scenario
 * (ns3::ThreeGppUmaPropagationLossModel, ns3::ThreeGppUmiStreetCanyonPropagationLossModel,
 * ns3::ThreeGppIndoorOfficePropagationLossModel or ns3::ThreeGppRmaPropagationLossModel)
 * with a fresh channel condition model from CreateChannelConditionModel(scenario, losMode).
 * Heights and distances come from the MobilityModels of the two ends (tallest = BS).
 * \param frequencyHz carrier, inside the scenario's validity range
 * \param shadowing whether log-normal shadow fading (Table 7.4.1-1, correlated per
 *        Table 7.5-6) is added
 * \throws std::invalid_argument for a frequency outside the validity range
 */
Ptr<ThreeGppPropagationLossModel> CreatePropagationLossModel(
    ThreeGppScenario scenario,
    double frequencyHz,
    bool shadowing,
    LosMode losMode = LosMode::Probabilistic);

/**
 * Creates the TR 38.901 sec. 7.5 fast-fading model configured for a scenario.
 * \param frequencyHz carrier, inside the scenario's validity range
 * \param condition the channel condition model, normally
 *        pathloss->GetChannelConditionModel() so that LOS states agree
 * \throws std::invalid_argument for a bad frequency or a null condition model
 */
Ptr<ThreeGppChannelModel> CreateChannelModel(ThreeGppScenario scenario,
                                             double frequencyHz,
                                             Ptr<ChannelConditionModel> condition);

} // namespace ns3

#endif // EDGE_LAM_THREE_GPP_SCENARIO_H
