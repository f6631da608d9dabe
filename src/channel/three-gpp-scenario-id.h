#ifndef EDGE_LAM_THREE_GPP_SCENARIO_ID_H
#define EDGE_LAM_THREE_GPP_SCENARIO_ID_H

#include <ostream>
#include <string>

namespace ns3
{

/**
 * \ingroup channel
 * The deployment scenarios of 3GPP TR 38.901 sec. 7.2 that the channel and radio
 * layers model. Shared by the CSI engine (src/channel) and the radio layer (src/radio).
 */
enum class ThreeGppScenario
{
    UMa,             ///< urban macro
    UMiStreetCanyon, ///< urban micro, street canyon
    InHOfficeMixed,  ///< indoor hotspot, mixed office (LOS probability of Table 7.4.2-1)
    InHOfficeOpen,   ///< indoor hotspot, open office
    RMa,             ///< rural macro
};

/// All scenarios, for iteration.
constexpr ThreeGppScenario kAllThreeGppScenarios[] = {ThreeGppScenario::UMa,
                                                      ThreeGppScenario::UMiStreetCanyon,
                                                      ThreeGppScenario::InHOfficeMixed,
                                                      ThreeGppScenario::InHOfficeOpen,
                                                      ThreeGppScenario::RMa};

/// \return the canonical name: "UMa", "UMi-StreetCanyon", "InH-OfficeMixed",
///         "InH-OfficeOpen" or "RMa" (also ns3::ThreeGppChannelModel's Scenario values)
std::string ToString(ThreeGppScenario scenario);

std::ostream& operator<<(std::ostream& os, ThreeGppScenario scenario);

/// \return true for the indoor-hotspot scenarios
bool IsIndoor(ThreeGppScenario scenario);

/**
 * Parses a scenario name: the canonical names in any letter case, and the alias "UMi"
 * for "UMi-StreetCanyon".
 * \throws std::invalid_argument naming the value and listing the valid names
 */
ThreeGppScenario ParseThreeGppScenario(const std::string& name);

} // namespace ns3

#endif // EDGE_LAM_THREE_GPP_SCENARIO_ID_H
