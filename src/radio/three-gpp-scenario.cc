#include "radio/three-gpp-scenario.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/three-gpp-channel-model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ThreeGppScenario");

namespace
{

struct ScenarioEntry
{
    ThreeGppScenario scenario;
    ThreeGppScenarioParameters parameters;
};

// TR 38.901 sec. 7.2: Table 7.2-1 (UMa, UMi-Street Canyon: ISD 500 / 200 m, BS 25 / 10 m),
// Table 7.2-2 (InH: 12 BSs 20 m apart at 3 m in a 120 m x 50 m hall), Table 7.2-3
// (RMa: ISD 1732 m, BS 35 m). UE heights and minimum 2D BS-UE distances from the
// calibration assumptions of Table 7.8-1 (outdoor UEs 1.5 m, InH UEs 1 m). Frequency
// ranges from Table 7.4.1-1 (RMa pathloss valid up to 30 GHz, the others up to 100 GHz).
constexpr std::array<ScenarioEntry, 5> kScenarios = {{
    {ThreeGppScenario::UMa, {"UMa", 500.0, 25.0, 1.5, 35.0, 0.5e9, 100e9}},
    {ThreeGppScenario::UMiStreetCanyon, {"UMi-StreetCanyon", 200.0, 10.0, 1.5, 10.0, 0.5e9, 100e9}},
    {ThreeGppScenario::InHOfficeMixed, {"InH-OfficeMixed", 20.0, 3.0, 1.0, 0.0, 0.5e9, 100e9}},
    {ThreeGppScenario::InHOfficeOpen, {"InH-OfficeOpen", 20.0, 3.0, 1.0, 0.0, 0.5e9, 100e9}},
    {ThreeGppScenario::RMa, {"RMa", 1732.0, 35.0, 1.5, 35.0, 0.5e9, 30e9}},
}};

[[noreturn]] void
ThrowUnknownScenario(ThreeGppScenario scenario)
{
    // Only reachable through a cast of an out-of-range integer to the enum.
    throw std::invalid_argument("unknown ThreeGppScenario value " +
                                std::to_string(static_cast<int>(scenario)));
}

} // namespace

const ThreeGppScenarioParameters&
GetThreeGppScenarioParameters(ThreeGppScenario scenario)
{
    for (const ScenarioEntry& entry : kScenarios)
    {
        if (entry.scenario == scenario)
        {
            return entry.parameters;
        }
    }
    ThrowUnknownScenario(scenario);
}

void
CheckThreeGppFrequency(ThreeGppScenario scenario, double frequencyHz)
{
    const ThreeGppScenarioParameters& p = GetThreeGppScenarioParameters(scenario);
    // Written so that NaN fails too.
    if (!(frequencyHz >= p.minFrequencyHz && frequencyHz <= p.maxFrequencyHz))
    {
        std::ostringstream msg;
        msg << "frequencyHz " << frequencyHz << " is outside the " << p.name << " validity range ["
            << p.minFrequencyHz << ", " << p.maxFrequencyHz << "] Hz of TR 38.901 Table 7.4.1-1";
        throw std::invalid_argument(msg.str());
    }
}

Ptr<ChannelConditionModel>
CreateChannelConditionModel(ThreeGppScenario scenario, LosMode losMode)
{
    switch (losMode)
    {
    case LosMode::AlwaysLos:
        return CreateObject<AlwaysLosChannelConditionModel>();
    case LosMode::NeverLos:
        return CreateObject<NeverLosChannelConditionModel>();
    case LosMode::Probabilistic:
        break;
    }
    switch (scenario)
    {
    case ThreeGppScenario::UMa:
        return CreateObject<ThreeGppUmaChannelConditionModel>();
    case ThreeGppScenario::UMiStreetCanyon:
        return CreateObject<ThreeGppUmiStreetCanyonChannelConditionModel>();
    case ThreeGppScenario::InHOfficeMixed:
        return CreateObject<ThreeGppIndoorMixedOfficeChannelConditionModel>();
    case ThreeGppScenario::InHOfficeOpen:
        return CreateObject<ThreeGppIndoorOpenOfficeChannelConditionModel>();
    case ThreeGppScenario::RMa:
        return CreateObject<ThreeGppRmaChannelConditionModel>();
    }
    ThrowUnknownScenario(scenario);
}

Ptr<ThreeGppPropagationLossModel>
CreatePropagationLossModel(ThreeGppScenario scenario,
                           double frequencyHz,
                           bool shadowing,
                           LosMode losMode)
{
    CheckThreeGppFrequency(scenario, frequencyHz); // also rejects out-of-range enum values
    Ptr<ThreeGppPropagationLossModel> model;
    switch (scenario)
    {
    case ThreeGppScenario::UMa:
        model = CreateObject<ThreeGppUmaPropagationLossModel>();
        break;
    case ThreeGppScenario::UMiStreetCanyon:
        model = CreateObject<ThreeGppUmiStreetCanyonPropagationLossModel>();
        break;
    case ThreeGppScenario::InHOfficeMixed:
    case ThreeGppScenario::InHOfficeOpen:
        // One pathloss formula for both offices; they differ in LOS probability only.
        model = CreateObject<ThreeGppIndoorOfficePropagationLossModel>();
        break;
    case ThreeGppScenario::RMa:
        model = CreateObject<ThreeGppRmaPropagationLossModel>();
        break;
    }
    model->SetAttribute("Frequency", DoubleValue(frequencyHz));
    model->SetAttribute("ShadowingEnabled", BooleanValue(shadowing));
    model->SetAttribute("ChannelConditionModel",
                        PointerValue(CreateChannelConditionModel(scenario, losMode)));
    NS_LOG_INFO("pathloss " << model->GetInstanceTypeId().GetName() << " at " << frequencyHz
                            << " Hz, shadowing " << shadowing);
    return model;
}

Ptr<ThreeGppChannelModel>
CreateChannelModel(ThreeGppScenario scenario,
                   double frequencyHz,
                   Ptr<ChannelConditionModel> condition)
{
    CheckThreeGppFrequency(scenario, frequencyHz);
    if (!condition)
    {
        throw std::invalid_argument("CreateChannelModel: condition model is null");
    }
    Ptr<ThreeGppChannelModel> model = CreateObject<ThreeGppChannelModel>();
    model->SetAttribute("Scenario", StringValue(ToString(scenario)));
    model->SetAttribute("Frequency", DoubleValue(frequencyHz));
    model->SetAttribute("ChannelConditionModel", PointerValue(condition));
    return model;
}

} // namespace ns3
