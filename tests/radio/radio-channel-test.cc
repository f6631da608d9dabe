#include "radio/radio-channel.h"
#include "radio/three-gpp-scenario.h"

#include "ns3/constant-velocity-mobility-model.h"
#include "ns3/double.h"
#include "ns3/isotropic-antenna-model.h"
#include "ns3/node-container.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/spectrum-signal-parameters.h"
#include "ns3/test.h"
#include "ns3/three-gpp-antenna-model.h"
#include "ns3/three-gpp-channel-model.h"
#include "ns3/three-gpp-spectrum-propagation-loss-model.h"
#include "ns3/uinteger.h"
#include "ns3/uniform-planar-array.h"

#include <cmath>

using namespace ns3;

namespace
{

/**
 * RadioChannel computes the per-PRB fast-fading and beamforming gain itself (with a
 * phasor recurrence over PRBs). It must equal what ns-3's own
 * ThreeGppSpectrumPropagationLossModel computes from the same channel matrix, same
 * beams, same time and same velocities, times ns-3's pathloss: an independent
 * computation of the same TR 38.901 model. Tolerance 1e-9 relative, which only
 * absorbs the rounding of ~300 chained complex multiplications.
 */
class FadingMatchesNs3TestCase : public TestCase
{
  public:
    FadingMatchesNs3TestCase(ThreeGppScenario scenario, double frequencyHz, uint8_t numerology)
        : TestCase("per-PRB gain equals ThreeGppSpectrumPropagationLossModel in " +
                   ToString(scenario) + " at " + std::to_string(frequencyHz / 1e9) + " GHz"),
          m_scenario(scenario),
          m_frequencyHz(frequencyHz),
          m_numerology(numerology)
    {
    }

  private:
    void DoRun() override
    {
        const OfdmaGrid grid(m_numerology, 100e6);
        NodeContainer gnbs(2);
        NodeContainer ues(3);
        const Vector ueStart[] = {{120, 40, 1.5}, {-60, 210, 1.5}, {300, -250, 1.5}};
        const Vector ueVelocity[] = {{1, 0, 0}, {0, -8.3, 0}, {20, 20, 0}};
        for (uint32_t i = 0; i < 2; ++i)
        {
            auto mobility = CreateObject<ConstantVelocityMobilityModel>();
            mobility->SetPosition(Vector(400.0 * i, 0, 25));
            gnbs.Get(i)->AggregateObject(mobility);
        }
        for (uint32_t i = 0; i < 3; ++i)
        {
            auto mobility = CreateObject<ConstantVelocityMobilityModel>();
            mobility->SetPosition(ueStart[i]);
            mobility->SetVelocity(ueVelocity[i]);
            ues.Get(i)->AggregateObject(mobility);
        }
        auto pathloss = CreatePropagationLossModel(m_scenario, m_frequencyHz, false);
        auto fading =
            CreateChannelModel(m_scenario, m_frequencyHz, pathloss->GetChannelConditionModel());
        fading->AssignStreams(7);
        pathloss->AssignStreams(100);
        pathloss->GetChannelConditionModel()->AssignStreams(200);

        auto channel = CreateObject<RadioChannel>();
        channel->Setup(pathloss, fading, grid, m_frequencyHz);
        std::vector<Ptr<UniformPlanarArray>> gnbArrays;
        std::vector<Ptr<UniformPlanarArray>> ueArrays;
        for (uint32_t i = 0; i < 2; ++i)
        {
            auto array = CreateObject<UniformPlanarArray>();
            array->SetAttribute("NumRows", UintegerValue(4));
            array->SetAttribute("NumColumns", UintegerValue(8));
            array->SetAttribute("AntennaElement",
                                PointerValue(CreateObject<ThreeGppAntennaModel>()));
            channel->AddCell(gnbs.Get(i), array);
            gnbArrays.push_back(array);
        }
        for (uint32_t i = 0; i < 3; ++i)
        {
            auto array = CreateObject<UniformPlanarArray>();
            array->SetAttribute("NumColumns", UintegerValue(2));
            array->SetAttribute("AntennaElement",
                                PointerValue(CreateObject<IsotropicAntennaModel>()));
            channel->AddUe(ues.Get(i), array);
            ueArrays.push_back(array);
            channel->SetServingCell(i, i % 2);
        }

        auto reference = CreateObject<ThreeGppSpectrumPropagationLossModel>();
        reference->SetChannelModel(fading);
        std::vector<double> centres;
        for (uint32_t k = 0; k < grid.GetNumPrbs(); ++k)
        {
            centres.push_back(m_frequencyHz +
                              (k + 0.5 - grid.GetNumPrbs() / 2.0) * grid.GetPrbBandwidthHz());
        }
        auto params = Create<SpectrumSignalParameters>();
        params->psd = Create<SpectrumValue>(Create<SpectrumModel>(centres));
        *params->psd = 1.0;

        uint32_t compared = 0;
        double worst = 0;
        for (double atS : {0.0, 0.0137, 0.25})
        {
            Simulator::Schedule(Seconds(atS), [&]() {
                for (uint32_t ue = 0; ue < 3; ++ue)
                {
                    const uint32_t cell = ue % 2;
                    std::vector<double> ours = channel->GetServingGain(ue); // steers the beams
                    auto a = gnbs.Get(cell)->GetObject<MobilityModel>();
                    auto b = ues.Get(ue)->GetObject<MobilityModel>();
                    double pathGain = std::pow(10, pathloss->CalcRxPower(0, a, b) / 10);
                    Ptr<SpectrumValue> rx = reference->CalcRxPowerSpectralDensity(params,
                                                                                  a,
                                                                                  b,
                                                                                  gnbArrays[cell],
                                                                                  ueArrays[ue]);
                    for (uint32_t k = 0; k < grid.GetNumPrbs(); ++k)
                    {
                        double expected = (*rx)[k] * pathGain;
                        double relative = std::abs(ours[k] - expected) / expected;
                        worst = std::max(worst, relative);
                        ++compared;
                    }
                }
            });
        }
        Simulator::Run();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(compared, 9 * grid.GetNumPrbs(), "every PRB compared");
        NS_TEST_ASSERT_MSG_LT(worst, 1e-9, "max relative difference over all PRBs and times");
    }

    ThreeGppScenario m_scenario;
    double m_frequencyHz;
    uint8_t m_numerology;
};

/**
 * Beam steering: in LOS, a 4x8 array steered by RadioChannel at the UE must collect the
 * full array gain N on the LOS ray. Averaged over 40 channel draws and all PRBs, the
 * fast-fading gain must lie within [-1.5, +0.5] dB of pathloss x element gain x N (the
 * LOS ray holds K/(K+1) of the power, -0.5 dB for UMa's mean K-factor of 9 dB, TR 38.901
 * Table 7.5-6; NLOS clusters add a little). A beam steered at the mirrored direction
 * (ns-3 3.37's GetBeamformingVector) loses 6 to 35 dB here and fails.
 */
class LosBeamGainTestCase : public TestCase
{
  public:
    LosBeamGainTestCase()
        : TestCase("steered beams collect the LOS array gain in every direction")
    {
    }

  private:
    void DoRun() override
    {
        const double frequencyHz = 3.5e9;
        const OfdmaGrid grid(1, 20e6);
        for (const Vector& uePos : {Vector(200, 0, 1.5),
                                    Vector(141, 141, 1.5),
                                    Vector(100, -173, 1.5),
                                    Vector(60, 30, 1.5)})
        {
            double fadingSum = 0;
            double expected = 0;
            const int draws = 40;
            for (int draw = 0; draw < draws; ++draw)
            {
                NodeContainer nodes(2);
                for (uint32_t i = 0; i < 2; ++i)
                {
                    auto mobility = CreateObject<ConstantVelocityMobilityModel>();
                    mobility->SetPosition(i == 0 ? Vector(0, 0, 25) : uePos);
                    nodes.Get(i)->AggregateObject(mobility);
                }
                auto pathloss = CreatePropagationLossModel(ThreeGppScenario::UMa,
                                                           frequencyHz,
                                                           false,
                                                           LosMode::AlwaysLos);
                auto fading = CreateChannelModel(ThreeGppScenario::UMa,
                                                 frequencyHz,
                                                 pathloss->GetChannelConditionModel());
                fading->AssignStreams(10 * draw);
                auto channel = CreateObject<RadioChannel>();
                channel->Setup(pathloss, fading, grid, frequencyHz);
                auto gnbArray = CreateObject<UniformPlanarArray>();
                gnbArray->SetAttribute("NumRows", UintegerValue(4));
                gnbArray->SetAttribute("NumColumns", UintegerValue(8));
                gnbArray->SetAttribute("AntennaElement",
                                       PointerValue(CreateObject<ThreeGppAntennaModel>()));
                auto ueArray = CreateObject<UniformPlanarArray>();
                ueArray->SetAttribute("NumRows", UintegerValue(1));
                ueArray->SetAttribute("NumColumns", UintegerValue(1));
                ueArray->SetAttribute("AntennaElement",
                                      PointerValue(CreateObject<IsotropicAntennaModel>()));
                channel->AddCell(nodes.Get(0), gnbArray);
                channel->AddUe(nodes.Get(1), ueArray);
                channel->SetServingCell(0, 0);
                const std::vector<double>& gain = channel->GetServingGain(0);
                for (double g : gain)
                {
                    fadingSum += g / gain.size() / draws;
                }
                // Average gain without fast fading: pathloss and element patterns, x N.
                expected = std::pow(10, channel->GetAverageGainDb(0, 0) / 10) * 32;
                Simulator::Destroy();
            }
            double differenceDb = 10 * std::log10(fadingSum / expected);
            NS_TEST_EXPECT_MSG_GT_OR_EQ(differenceDb, -1.5, "UE at " << uePos);
            NS_TEST_EXPECT_MSG_LT_OR_EQ(differenceDb, 0.5, "UE at " << uePos);
        }
    }
};

/**
 * MatchedBeam() evaluates ns-3's steering-vector expression itself (with the direction's
 * trigonometry hoisted out of the element loop): its weights must be ns-3's
 * GetSteeringVector() / sqrt(N) bit for bit, for arrays of several shapes and spacings and
 * directions all around, so that the beams, hence every trace, are ns-3's.
 */
class MatchedBeamTestCase : public TestCase
{
  public:
    MatchedBeamTestCase()
        : TestCase("MatchedBeam equals ns-3's steering vector divided by sqrt(N), exactly")
    {
    }

  private:
    void DoRun() override
    {
        struct Shape
        {
            uint32_t rows;
            uint32_t columns;
            double spacing; // wavelengths, both directions
        };

        for (const Shape& shape : {Shape{1, 1, 0.5}, Shape{4, 8, 0.5}, Shape{2, 2, 0.7}})
        {
            auto array =
                CreateObjectWithAttributes<UniformPlanarArray>("NumRows",
                                                               UintegerValue(shape.rows),
                                                               "NumColumns",
                                                               UintegerValue(shape.columns),
                                                               "AntennaHorizontalSpacing",
                                                               DoubleValue(shape.spacing),
                                                               "AntennaVerticalSpacing",
                                                               DoubleValue(shape.spacing));
            const double norm = std::sqrt(static_cast<double>(array->GetNumberOfElements()));
            for (double azimuth = -M_PI; azimuth < M_PI; azimuth += 0.37)
            {
                for (double inclination = 0.05; inclination < M_PI; inclination += 0.29)
                {
                    const Angles direction(azimuth, inclination);
                    const auto ours = RadioChannel::MatchedBeam(array, direction);
                    const auto ns3Vector = array->GetSteeringVector(direction);
                    NS_TEST_ASSERT_MSG_EQ(ours.size(), ns3Vector.size(), "size");
                    for (std::size_t i = 0; i < ours.size(); ++i)
                    {
                        NS_TEST_ASSERT_MSG_EQ((ours[i] == ns3Vector[i] / norm),
                                              true,
                                              "element " << i << " of a " << shape.rows << "x"
                                                         << shape.columns << " array at " << azimuth
                                                         << ", " << inclination);
                    }
                }
            }
        }
    }
};

class RadioChannelTestSuite : public TestSuite
{
  public:
    RadioChannelTestSuite()
        : TestSuite("radio-channel", TestSuite::UNIT)
    {
        AddTestCase(new FadingMatchesNs3TestCase(ThreeGppScenario::UMa, 3.5e9, 1), TestCase::QUICK);
        AddTestCase(new FadingMatchesNs3TestCase(ThreeGppScenario::UMiStreetCanyon, 28e9, 3),
                    TestCase::QUICK);
        AddTestCase(new FadingMatchesNs3TestCase(ThreeGppScenario::UMa, 15e9, 2), TestCase::QUICK);
        AddTestCase(new LosBeamGainTestCase, TestCase::QUICK);
        AddTestCase(new MatchedBeamTestCase, TestCase::QUICK);
    }
};

RadioChannelTestSuite g_radioChannelTestSuite;

} // namespace
