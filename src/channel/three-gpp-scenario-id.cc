#include "three-gpp-scenario-id.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ns3
{

namespace
{

std::string
ToLower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

} // namespace

std::string
ToString(ThreeGppScenario scenario)
{
    switch (scenario)
    {
    case ThreeGppScenario::UMa:
        return "UMa";
    case ThreeGppScenario::UMiStreetCanyon:
        return "UMi-StreetCanyon";
    case ThreeGppScenario::InHOfficeMixed:
        return "InH-OfficeMixed";
    case ThreeGppScenario::InHOfficeOpen:
        return "InH-OfficeOpen";
    case ThreeGppScenario::RMa:
        return "RMa";
    }
    // Only reachable through a cast of an out-of-range integer to the enum.
    throw std::invalid_argument("unknown ThreeGppScenario value " +
                                std::to_string(static_cast<int>(scenario)));
}

std::ostream&
operator<<(std::ostream& os, ThreeGppScenario scenario)
{
    return os << ToString(scenario);
}

bool
IsIndoor(ThreeGppScenario scenario)
{
    return scenario == ThreeGppScenario::InHOfficeMixed ||
           scenario == ThreeGppScenario::InHOfficeOpen;
}

ThreeGppScenario
ParseThreeGppScenario(const std::string& name)
{
    const std::string lower = ToLower(name);
    if (lower == "umi")
    {
        return ThreeGppScenario::UMiStreetCanyon;
    }
    std::string valid;
    for (ThreeGppScenario scenario : kAllThreeGppScenarios)
    {
        if (lower == ToLower(ToString(scenario)))
        {
            return scenario;
        }
        valid += ToString(scenario) + ", ";
    }
    throw std::invalid_argument("unknown 3GPP scenario \"" + name + "\"; valid names: " + valid +
                                "UMi (alias of UMi-StreetCanyon)");
}

} // namespace ns3
