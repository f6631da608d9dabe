#include "radio/three-gpp-scenario.h"

#include "ns3/boolean.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/double.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/three-gpp-channel-model.h"

#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

using namespace ns3;

namespace
{

// ---------------------------------------------------------------------------------------
// Independent reference: TR 38.901 Table 7.4.1-1, written from the spec. Distances and
// heights in m, fHz in Hz (fc in GHz in the formulas); losses in dB.
// ---------------------------------------------------------------------------------------

constexpr double kSpeedOfLightMps = 3.0e8; // the value TR 38.901 uses for d_BP

struct ReferenceLoss
{
    double lossDb;
    bool beyondBreakpoint; ///< PL2 branch of the LOS formula was used
};

/// Link geometry and carrier for one evaluation.
struct Link
{
    double distance2dM;
    double bsHeightM;
    double ueHeightM;
    double frequencyHz;

    double Distance3dM() const
    {
        return std::hypot(distance2dM, bsHeightM - ueHeightM);
    }

    double FcGhz() const
    {
        return frequencyHz / 1e9;
    }
};

/// UMa / UMi-Street Canyon LOS: PL1 = A + B1 log10(d3D) + 20 log10(fc) up to the breakpoint,
/// PL2 = A + 40 log10(d3D) + 20 log10(fc) - K log10(d'BP^2 + (hBS - hUT)^2) beyond it.
struct UrbanLos
{
    double a;
    double pl1DistanceSlope;
    double breakpointTerm;
};

constexpr UrbanLos kUmaLos{28.0, 22.0, 9.0};
constexpr UrbanLos kUmiLos{32.4, 21.0, 9.5};

/// NLOS PL' = A + B log10(d3D) + C log10(fc) - D (hUT - 1.5); PL_NLOS = max(PL_LOS, PL').
struct NlosPrime
{
    double a;
    double distanceSlope;
    double frequencySlope;
    double ueHeightSlope;
};

constexpr NlosPrime kUmaNlos{13.54, 39.08, 20.0, 0.6};
constexpr NlosPrime kUmiNlos{22.4, 35.3, 21.3, 0.3};
constexpr NlosPrime kInhNlos{17.3, 38.3, 24.9, 0.0};

ReferenceLoss
UrbanLosLoss(const UrbanLos& k, const Link& link)
{
    // Note 1: effective heights h' = h - hE with hE = 1 m (UMi always; UMa when hUT < 13 m).
    const double effectiveEnvironmentHeightM = 1.0;
    const double breakpointM = 4.0 * (link.bsHeightM - effectiveEnvironmentHeightM) *
                               (link.ueHeightM - effectiveEnvironmentHeightM) * link.frequencyHz /
                               kSpeedOfLightMps;
    const double d3 = link.Distance3dM();
    if (link.distance2dM <= breakpointM)
    {
        return {k.a + k.pl1DistanceSlope * std::log10(d3) + 20.0 * std::log10(link.FcGhz()), false};
    }
    const double heightDifferenceM = link.bsHeightM - link.ueHeightM;
    return {k.a + 40.0 * std::log10(d3) + 20.0 * std::log10(link.FcGhz()) -
                k.breakpointTerm *
                    std::log10(breakpointM * breakpointM + heightDifferenceM * heightDifferenceM),
            true};
}

ReferenceLoss
WithNlos(const NlosPrime& k, const Link& link, const ReferenceLoss& los)
{
    const double prime = k.a + k.distanceSlope * std::log10(link.Distance3dM()) +
                         k.frequencySlope * std::log10(link.FcGhz()) -
                         k.ueHeightSlope * (link.ueHeightM - 1.5);
    return {std::max(los.lossDb, prime), los.beyondBreakpoint};
}

ReferenceLoss
InhLosLoss(const Link& link)
{
    return {32.4 + 17.3 * std::log10(link.Distance3dM()) + 20.0 * std::log10(link.FcGhz()), false};
}

/// RMa with the default average building height h = 5 m and street width W = 20 m.
constexpr double kRmaBuildingHeightM = 5.0;
constexpr double kRmaStreetWidthM = 20.0;

double
RmaPl1(double distanceM, double fcGhz)
{
    const double h = kRmaBuildingHeightM;
    return 20.0 * std::log10(40.0 * M_PI * distanceM * fcGhz / 3.0) +
           std::min(0.03 * std::pow(h, 1.72), 10.0) * std::log10(distanceM) -
           std::min(0.044 * std::pow(h, 1.72), 14.77) + 0.002 * std::log10(h) * distanceM;
}

ReferenceLoss
RmaLosLoss(const Link& link)
{
    // Note 5: d_BP = 2 pi hBS hUT fc / c with the actual antenna heights.
    const double breakpointM =
        2.0 * M_PI * link.bsHeightM * link.ueHeightM * link.frequencyHz / kSpeedOfLightMps;
    const double d3 = link.Distance3dM();
    if (link.distance2dM <= breakpointM)
    {
        return {RmaPl1(d3, link.FcGhz()), false};
    }
    return {RmaPl1(breakpointM, link.FcGhz()) + 40.0 * std::log10(d3 / breakpointM), true};
}

ReferenceLoss
RmaNlosLoss(const Link& link)
{
    const double h = kRmaBuildingHeightM;
    const double w = kRmaStreetWidthM;
    const double hBs = link.bsHeightM;
    const double prime = 161.04 - 7.1 * std::log10(w) + 7.5 * std::log10(h) -
                         (24.37 - 3.7 * (h / hBs) * (h / hBs)) * std::log10(hBs) +
                         (43.42 - 3.1 * std::log10(hBs)) * (std::log10(link.Distance3dM()) - 3.0) +
                         20.0 * std::log10(link.FcGhz()) -
                         (3.2 * std::pow(std::log10(11.75 * link.ueHeightM), 2) - 4.97);
    const ReferenceLoss los = RmaLosLoss(link);
    return {std::max(los.lossDb, prime), los.beyondBreakpoint};
}

using ReferenceFunction = std::function<ReferenceLoss(const Link&)>;

/**
 * The loss of the factory's ns-3 model (forced LOS/NLOS, no shadowing) against the
 * reference over a sweep of distances and carriers, to 0.01 dB.
 */
class PathlossFormulaTestCase : public TestCase
{
  public:
    PathlossFormulaTestCase(ThreeGppScenario scenario,
                            LosMode losMode,
                            ReferenceFunction reference,
                            std::vector<double> distances2dM,
                            std::vector<double> frequenciesHz,
                            bool hasBreakpoint)
        : TestCase(ToString(scenario) + (losMode == LosMode::AlwaysLos ? " LOS" : " NLOS") +
                   " pathloss matches TR 38.901 Table 7.4.1-1"),
          m_scenario(scenario),
          m_losMode(losMode),
          m_reference(std::move(reference)),
          m_distances2dM(std::move(distances2dM)),
          m_frequenciesHz(std::move(frequenciesHz)),
          m_hasBreakpoint(hasBreakpoint)
    {
    }

  private:
    void DoRun() override
    {
        const ThreeGppScenarioParameters& params = GetThreeGppScenarioParameters(m_scenario);
        Ptr<Node> bsNode = CreateObject<Node>();
        Ptr<Node> ueNode = CreateObject<Node>();
        Ptr<ConstantPositionMobilityModel> bs = CreateObject<ConstantPositionMobilityModel>();
        Ptr<ConstantPositionMobilityModel> ue = CreateObject<ConstantPositionMobilityModel>();
        bsNode->AggregateObject(bs);
        ueNode->AggregateObject(ue);
        bs->SetPosition(Vector(0.0, 0.0, params.bsHeightM));

        uint32_t pl1Cases = 0;
        uint32_t pl2Cases = 0;
        for (double frequencyHz : m_frequenciesHz)
        {
            Ptr<ThreeGppPropagationLossModel> model =
                CreatePropagationLossModel(m_scenario, frequencyHz, false, m_losMode);
            for (double distance2dM : m_distances2dM)
            {
                // Off-axis so that both coordinates enter the 2D distance.
                ue->SetPosition(Vector(distance2dM * 0.6, distance2dM * 0.8, params.ueHeightM));
                const double lossDb = -model->CalcRxPower(0.0, bs, ue);
                const ReferenceLoss expected =
                    m_reference(Link{distance2dM, params.bsHeightM, params.ueHeightM, frequencyHz});
                NS_TEST_EXPECT_MSG_EQ_TOL(lossDb,
                                          expected.lossDb,
                                          0.01,
                                          "d2D " << distance2dM << " m, f " << frequencyHz
                                                 << " Hz");
                ++(expected.beyondBreakpoint ? pl2Cases : pl1Cases);
            }
        }
        // The sweep must exercise both sides of the LOS breakpoint where there is one.
        NS_TEST_ASSERT_MSG_GT(pl1Cases, 0u, "no case before the breakpoint");
        NS_TEST_ASSERT_MSG_EQ((pl2Cases > 0), m_hasBreakpoint, "cases beyond the breakpoint");
        Simulator::Destroy();
    }

    ThreeGppScenario m_scenario;
    LosMode m_losMode;
    ReferenceFunction m_reference;
    std::vector<double> m_distances2dM;
    std::vector<double> m_frequenciesHz;
    bool m_hasBreakpoint;
};

/**
 * Shadow fading is switched on by the factory: over many independent links the loss
 * minus the deterministic pathloss has mean 0 and the Table 7.4.1-1 standard deviation.
 */
class ShadowingTestCase : public TestCase
{
  public:
    ShadowingTestCase(ThreeGppScenario scenario, LosMode losMode, double sigmaDb)
        : TestCase(ToString(scenario) + " shadowing has the Table 7.4.1-1 standard deviation"),
          m_scenario(scenario),
          m_losMode(losMode),
          m_sigmaDb(sigmaDb)
    {
    }

  private:
    void DoRun() override
    {
        const ThreeGppScenarioParameters& params = GetThreeGppScenarioParameters(m_scenario);
        const double frequencyHz = 3.5e9;
        Ptr<ThreeGppPropagationLossModel> shadowed =
            CreatePropagationLossModel(m_scenario, frequencyHz, true, m_losMode);
        Ptr<ThreeGppPropagationLossModel> plain =
            CreatePropagationLossModel(m_scenario, frequencyHz, false, m_losMode);
        shadowed->AssignStreams(101);

        Ptr<Node> bsNode = CreateObject<Node>();
        Ptr<ConstantPositionMobilityModel> bs = CreateObject<ConstantPositionMobilityModel>();
        bsNode->AggregateObject(bs);
        bs->SetPosition(Vector(0.0, 0.0, params.bsHeightM));

        // Each UE node is a new link, hence an independent shadowing draw.
        const uint32_t numLinks = 2000;
        double sum = 0.0;
        double sumSquares = 0.0;
        for (uint32_t i = 0; i < numLinks; ++i)
        {
            Ptr<Node> ueNode = CreateObject<Node>();
            Ptr<ConstantPositionMobilityModel> ue = CreateObject<ConstantPositionMobilityModel>();
            ueNode->AggregateObject(ue);
            ue->SetPosition(Vector(150.0, 0.0, params.ueHeightM));
            const double shadowDb =
                plain->CalcRxPower(0.0, bs, ue) - shadowed->CalcRxPower(0.0, bs, ue);
            sum += shadowDb;
            sumSquares += shadowDb * shadowDb;
        }
        const double mean = sum / numLinks;
        const double stdDev = std::sqrt((sumSquares - numLinks * mean * mean) / (numLinks - 1));
        // 4.5-sigma bands: the mean's standard error is sigma/sqrt(n); the sample standard
        // deviation's is about sigma/sqrt(2n).
        NS_TEST_ASSERT_MSG_EQ_TOL(mean, 0.0, 4.5 * m_sigmaDb / std::sqrt(numLinks), "mean");
        NS_TEST_ASSERT_MSG_EQ_TOL(stdDev,
                                  m_sigmaDb,
                                  4.5 * m_sigmaDb / std::sqrt(2.0 * numLinks),
                                  "standard deviation");
        Simulator::Destroy();
    }

    ThreeGppScenario m_scenario;
    LosMode m_losMode;
    double m_sigmaDb;
};

/// The factories build the ns-3 classes named in the header, configured as asked.
class ScenarioFactoryTestCase : public TestCase
{
  public:
    ScenarioFactoryTestCase()
        : TestCase("factories build the matching ns-3 models")
    {
    }

  private:
    void DoRun() override
    {
        struct Expected
        {
            ThreeGppScenario scenario;
            std::string lossModel;
            std::string conditionModel;
        };

        for (const Expected& e : {
                 Expected{ThreeGppScenario::UMa,
                          "ns3::ThreeGppUmaPropagationLossModel",
                          "ns3::ThreeGppUmaChannelConditionModel"},
                 Expected{ThreeGppScenario::UMiStreetCanyon,
                          "ns3::ThreeGppUmiStreetCanyonPropagationLossModel",
                          "ns3::ThreeGppUmiStreetCanyonChannelConditionModel"},
                 Expected{ThreeGppScenario::InHOfficeMixed,
                          "ns3::ThreeGppIndoorOfficePropagationLossModel",
                          "ns3::ThreeGppIndoorMixedOfficeChannelConditionModel"},
                 Expected{ThreeGppScenario::InHOfficeOpen,
                          "ns3::ThreeGppIndoorOfficePropagationLossModel",
                          "ns3::ThreeGppIndoorOpenOfficeChannelConditionModel"},
                 Expected{ThreeGppScenario::RMa,
                          "ns3::ThreeGppRmaPropagationLossModel",
                          "ns3::ThreeGppRmaChannelConditionModel"},
             })
        {
            const std::string name = ToString(e.scenario);
            Ptr<ThreeGppPropagationLossModel> loss =
                CreatePropagationLossModel(e.scenario, 3.5e9, true);
            NS_TEST_ASSERT_MSG_EQ(loss->GetInstanceTypeId().GetName(), e.lossModel, name);
            NS_TEST_ASSERT_MSG_EQ(loss->GetChannelConditionModel()->GetInstanceTypeId().GetName(),
                                  e.conditionModel,
                                  name);
            NS_TEST_ASSERT_MSG_EQ_TOL(loss->GetFrequency(), 3.5e9, 1e-3, name);
            BooleanValue shadowing;
            loss->GetAttribute("ShadowingEnabled", shadowing);
            NS_TEST_ASSERT_MSG_EQ(shadowing.Get(), true, name);

            for (LosMode mode : {LosMode::AlwaysLos, LosMode::NeverLos})
            {
                Ptr<ChannelConditionModel> forced = CreateChannelConditionModel(e.scenario, mode);
                NS_TEST_ASSERT_MSG_EQ(forced->GetInstanceTypeId().GetName(),
                                      std::string(mode == LosMode::AlwaysLos
                                                      ? "ns3::AlwaysLosChannelConditionModel"
                                                      : "ns3::NeverLosChannelConditionModel"),
                                      name);
            }

            Ptr<ThreeGppChannelModel> fading =
                CreateChannelModel(e.scenario, 3.5e9, loss->GetChannelConditionModel());
            StringValue scenario;
            fading->GetAttribute("Scenario", scenario);
            NS_TEST_ASSERT_MSG_EQ(scenario.Get(), name, "fast-fading scenario string");
            NS_TEST_ASSERT_MSG_EQ_TOL(fading->GetFrequency(), 3.5e9, 1e-3, name);
            NS_TEST_ASSERT_MSG_EQ(fading->GetChannelConditionModel(),
                                  loss->GetChannelConditionModel(),
                                  "condition model shared");
        }
    }
};

/// Throws std::invalid_argument whose message contains every fragment.
bool
ThrowsNaming(const std::function<void()>& f, const std::vector<std::string>& fragments)
{
    try
    {
        f();
    }
    catch (const std::invalid_argument& e)
    {
        const std::string what = e.what();
        for (const std::string& fragment : fragments)
        {
            if (what.find(fragment) == std::string::npos)
            {
                return false;
            }
        }
        return true;
    }
    return false;
}

class ScenarioParsingTestCase : public TestCase
{
  public:
    ScenarioParsingTestCase()
        : TestCase("scenario names, aliases and frequency ranges are checked")
    {
    }

  private:
    void DoRun() override
    {
        for (ThreeGppScenario s : {ThreeGppScenario::UMa,
                                   ThreeGppScenario::UMiStreetCanyon,
                                   ThreeGppScenario::InHOfficeMixed,
                                   ThreeGppScenario::InHOfficeOpen,
                                   ThreeGppScenario::RMa})
        {
            NS_TEST_ASSERT_MSG_EQ(ParseThreeGppScenario(ToString(s)), s, "round trip");
        }
        NS_TEST_ASSERT_MSG_EQ(ParseThreeGppScenario("umi"),
                              ThreeGppScenario::UMiStreetCanyon,
                              "UMi alias");
        NS_TEST_ASSERT_MSG_EQ(ParseThreeGppScenario("inh-officeopen"),
                              ThreeGppScenario::InHOfficeOpen,
                              "letter case ignored");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([] { ParseThreeGppScenario("UMx"); }, {"UMx", "UMa", "InH-OfficeOpen"}),
            true,
            "unknown name is reported with the valid ones");

        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([] { CreatePropagationLossModel(ThreeGppScenario::RMa, 40e9, false); },
                         {"frequencyHz", "RMa"}),
            true,
            "RMa is valid up to 30 GHz only");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([] { CreatePropagationLossModel(ThreeGppScenario::UMa, 0.3e9, false); },
                         {"frequencyHz"}),
            true,
            "below 0.5 GHz");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming(
                [] {
                    CreateChannelModel(
                        ThreeGppScenario::UMa,
                        std::nan(""),
                        CreateChannelConditionModel(ThreeGppScenario::UMa, LosMode::Probabilistic));
                },
                {"frequencyHz"}),
            true,
            "NaN frequency");
        NS_TEST_ASSERT_MSG_EQ(
            ThrowsNaming([] { CreateChannelModel(ThreeGppScenario::UMa, 3.5e9, nullptr); },
                         {"condition"}),
            true,
            "null condition model");
    }
};

class PathlossTestSuite : public TestSuite
{
  public:
    PathlossTestSuite()
        : TestSuite("radio-pathloss", TestSuite::UNIT)
    {
        // d'BP with hE = 1 m, hUT = 1.5 m: UMa 560 m at 3.5 GHz, 4480 m at 28 GHz;
        // UMi 210 m and 1680 m. RMa d_BP (35 m, 1.5 m): 770 m at 0.7 GHz, 3848 m at 3.5 GHz.
        const std::vector<double> urbanDistancesM = {50.0, 100.0, 300.0, 1000.0, 4000.0};
        const std::vector<double> urbanFrequenciesHz = {3.5e9, 28e9};
        auto umaLos = [](const Link& l) { return UrbanLosLoss(kUmaLos, l); };
        auto umiLos = [](const Link& l) { return UrbanLosLoss(kUmiLos, l); };
        auto umaNlos = [umaLos](const Link& l) { return WithNlos(kUmaNlos, l, umaLos(l)); };
        auto umiNlos = [umiLos](const Link& l) { return WithNlos(kUmiNlos, l, umiLos(l)); };
        auto inhNlos = [](const Link& l) { return WithNlos(kInhNlos, l, InhLosLoss(l)); };

        struct Case
        {
            ThreeGppScenario scenario;
            LosMode mode;
            ReferenceFunction reference;
            std::vector<double> distancesM;
            std::vector<double> frequenciesHz;
            bool hasBreakpoint;
        };

        const std::vector<double> inhDistancesM = {5.0, 20.0, 50.0, 100.0};
        const std::vector<double> rmaDistancesM = {50.0, 300.0, 1000.0, 4000.0};
        const std::vector<double> rmaFrequenciesHz = {0.7e9, 3.5e9};
        for (const Case& c : {
                 Case{ThreeGppScenario::UMa,
                      LosMode::AlwaysLos,
                      umaLos,
                      urbanDistancesM,
                      urbanFrequenciesHz,
                      true},
                 Case{ThreeGppScenario::UMa,
                      LosMode::NeverLos,
                      umaNlos,
                      urbanDistancesM,
                      urbanFrequenciesHz,
                      true},
                 Case{ThreeGppScenario::UMiStreetCanyon,
                      LosMode::AlwaysLos,
                      umiLos,
                      urbanDistancesM,
                      urbanFrequenciesHz,
                      true},
                 Case{ThreeGppScenario::UMiStreetCanyon,
                      LosMode::NeverLos,
                      umiNlos,
                      urbanDistancesM,
                      urbanFrequenciesHz,
                      true},
                 Case{ThreeGppScenario::InHOfficeMixed,
                      LosMode::AlwaysLos,
                      InhLosLoss,
                      inhDistancesM,
                      urbanFrequenciesHz,
                      false},
                 Case{ThreeGppScenario::InHOfficeOpen,
                      LosMode::NeverLos,
                      inhNlos,
                      inhDistancesM,
                      urbanFrequenciesHz,
                      false},
                 Case{ThreeGppScenario::RMa,
                      LosMode::AlwaysLos,
                      RmaLosLoss,
                      rmaDistancesM,
                      rmaFrequenciesHz,
                      true},
                 Case{ThreeGppScenario::RMa,
                      LosMode::NeverLos,
                      RmaNlosLoss,
                      rmaDistancesM,
                      rmaFrequenciesHz,
                      true},
             })
        {
            AddTestCase(new PathlossFormulaTestCase(c.scenario,
                                                    c.mode,
                                                    c.reference,
                                                    c.distancesM,
                                                    c.frequenciesHz,
                                                    c.hasBreakpoint),
                        TestCase::QUICK);
        }
        // Table 7.4.1-1 shadow fading standard deviations.
        AddTestCase(new ShadowingTestCase(ThreeGppScenario::UMa, LosMode::AlwaysLos, 4.0),
                    TestCase::QUICK);
        AddTestCase(
            new ShadowingTestCase(ThreeGppScenario::UMiStreetCanyon, LosMode::NeverLos, 7.82),
            TestCase::QUICK);
        AddTestCase(new ScenarioFactoryTestCase, TestCase::QUICK);
        AddTestCase(new ScenarioParsingTestCase, TestCase::QUICK);
    }
};

PathlossTestSuite g_pathlossTestSuite;

} // namespace
