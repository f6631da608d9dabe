#include "helper/radio-helper.h"
#include "radio/link-adaptation.h"
#include "radio/radio-channel.h"
#include "radio/radio-network.h"
#include "radio/three-gpp-scenario.h"

#include "ns3/boolean.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/isotropic-antenna-model.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"
#include "ns3/uniform-planar-array.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace ns3;

namespace
{

/// One gNB and one UE at a fixed distance, LOS, no shadowing, no fast fading.
struct SingleLink
{
    Ptr<RadioNetwork> network;
    Ptr<LinkAdaptation> linkAdaptation;
};

SingleLink
MakeSingleLink(const OfdmaGrid& grid, double distanceM, const std::string& schedulerType)
{
    const double frequencyHz = 3.5e9;
    NodeContainer nodes(2);
    for (uint32_t i = 0; i < 2; ++i)
    {
        auto mobility = CreateObject<ConstantPositionMobilityModel>();
        mobility->SetPosition(i == 0 ? Vector(0, 0, 25) : Vector(distanceM, 0, 1.5));
        nodes.Get(i)->AggregateObject(mobility);
    }
    auto pathloss =
        CreatePropagationLossModel(ThreeGppScenario::UMa, frequencyHz, false, LosMode::AlwaysLos);
    auto channel = CreateObject<RadioChannel>();
    channel->SetAttribute("FastFading", BooleanValue(false));
    channel->Setup(pathloss, nullptr, grid, frequencyHz);
    for (uint32_t i = 0; i < 2; ++i)
    {
        auto array = CreateObject<UniformPlanarArray>();
        array->SetAttribute("AntennaElement", PointerValue(CreateObject<IsotropicAntennaModel>()));
        if (i == 0)
        {
            channel->AddCell(nodes.Get(i), array);
        }
        else
        {
            channel->AddUe(nodes.Get(i), array);
        }
    }
    SingleLink link;
    link.linkAdaptation = CreateObject<LinkAdaptation>();
    link.network = CreateObject<RadioNetwork>();
    link.network->SetAttribute("Scheduler", StringValue(schedulerType));
    link.network->Setup(grid, channel, link.linkAdaptation);
    link.network->AssignStreams(1);
    return link;
}

/**
 * A transfer over a fixed-MCS link at very high SINR (block errors ~1e-10) takes
 * exactly ceil(bytes / TBS) slots: every slot carries one full transport block.
 */
class FixedMcsTransferTestCase : public TestCase
{
  public:
    FixedMcsTransferTestCase(uint8_t mcs, uint64_t bytes)
        : TestCase("transfer of " + std::to_string(bytes) + " B at fixed MCS " +
                   std::to_string(mcs) + " takes ceil(bytes over TBS) slots"),
          m_mcs(mcs),
          m_bytes(bytes)
    {
    }

  private:
    void DoRun() override
    {
        OfdmaGrid grid(1, 20e6);
        SingleLink link = MakeSingleLink(grid, 30.0, "ns3::RoundRobinScheduler");
        link.linkAdaptation->SetAttribute("FixedMcs", UintegerValue(m_mcs));
        const uint32_t tbsBytes = link.linkAdaptation->GetTbsBits(m_mcs, grid.GetNumPrbs()) / 8;
        Time delivered;
        link.network->Enqueue(0, LinkDirection::Downlink, m_bytes, Callback<void>([&delivered]() {
                                  delivered = Simulator::Now();
                              }));
        link.network->Start();
        Simulator::Stop(Seconds(1));
        Simulator::Run();
        const uint64_t slots = (m_bytes + tbsBytes - 1) / tbsBytes;
        NS_TEST_ASSERT_MSG_EQ(delivered,
                              grid.GetSlotDuration() * slots,
                              "TBS " << tbsBytes << " B, expected " << slots << " slots");
        Simulator::Destroy();
    }

    uint8_t m_mcs;
    uint64_t m_bytes;
};

/**
 * The full-band rate a planner reads (GetEstimatedFullBandRateBps) is what a lone
 * full-buffer UE then gets on a static link, downlink and uplink, within 15% (the
 * estimate sums per-PRB bytes; the real transport block is quantised and may fail).
 */
class EstimatedRateTestCase : public TestCase
{
  public:
    EstimatedRateTestCase()
        : TestCase("the full-band rate estimate matches a lone full-buffer UE's throughput")
    {
    }

  private:
    void DoRun() override
    {
        OfdmaGrid grid(1, 20e6);
        for (double distanceM : {200.0, 3000.0, 6000.0})
        {
            SingleLink link = MakeSingleLink(grid, distanceM, "ns3::RoundRobinScheduler");
            link.network->SetFullBuffer(0, LinkDirection::Downlink, true);
            link.network->SetFullBuffer(0, LinkDirection::Uplink, true);
            link.network->Start();
            const Time warmUp = MilliSeconds(20);
            const Time end = MilliSeconds(520);
            double estimate[2] = {0, 0};
            uint64_t startBytes[2] = {0, 0};
            const LinkDirection directions[2] = {LinkDirection::Downlink, LinkDirection::Uplink};
            Simulator::Schedule(warmUp, [&]() {
                for (int d = 0; d < 2; ++d)
                {
                    estimate[d] = link.network->GetEstimatedFullBandRateBps(0, directions[d]);
                    startBytes[d] = link.network->GetDeliveredBytes(0, directions[d]);
                }
            });
            Simulator::Stop(end);
            Simulator::Run();
            for (int d = 0; d < 2; ++d)
            {
                const double measured =
                    8.0 * (link.network->GetDeliveredBytes(0, directions[d]) - startBytes[d]) /
                    (end - warmUp).GetSeconds();
                NS_TEST_EXPECT_MSG_GT(estimate[d], 0.0, distanceM << " m, direction " << d);
                NS_TEST_EXPECT_MSG_EQ_TOL(measured / estimate[d],
                                          1.0,
                                          0.15,
                                          distanceM << " m, direction " << d << ": measured "
                                                    << measured << " bit/s, estimate "
                                                    << estimate[d]);
            }
            Simulator::Destroy();
        }
    }
};

/**
 * No transport block carries more bits than the Shannon capacity of its resource at
 * the SINR it experienced: delivered bits <= PRBs x 12 x SCS x T_slot x log2(1 + SINR),
 * for every first transmission, across distances (SINR from ~-5 to ~50 dB).
 */
class ShannonBoundTestCase : public TestCase
{
  public:
    ShannonBoundTestCase()
        : TestCase("no transport block exceeds the Shannon capacity of its SINR")
    {
    }

  private:
    void DoRun() override
    {
        OfdmaGrid grid(1, 20e6);
        uint32_t checked = 0;
        for (double distanceM : {30.0, 200.0, 600.0, 1200.0, 2500.0, 5000.0})
        {
            SingleLink link = MakeSingleLink(grid, distanceM, "ns3::ProportionalFairScheduler");
            link.network->SetFullBuffer(0, LinkDirection::Downlink, true);
            link.network->SetFullBuffer(0, LinkDirection::Uplink, true);
            auto check = [&](const SlotKpi& kpi) {
                if (kpi.transmission != 1 || kpi.deliveredBytes == 0)
                {
                    return;
                }
                double capacityBits = kpi.prbs * grid.GetPrbBandwidthHz() *
                                      grid.GetSlotDuration().GetSeconds() *
                                      std::log2(1 + std::pow(10, kpi.sinrDb / 10));
                NS_TEST_EXPECT_MSG_LT_OR_EQ(8.0 * kpi.deliveredBytes,
                                            capacityBits,
                                            "at " << distanceM << " m, SINR " << kpi.sinrDb);
                ++checked;
            };
            link.network->TraceConnectWithoutContext("SlotKpi",
                                                     Callback<void, const SlotKpi&>(check));
            link.network->Start();
            Simulator::Stop(MilliSeconds(50));
            Simulator::Run();
            Simulator::Destroy();
        }
        NS_TEST_ASSERT_MSG_GT(checked, 100u, "enough delivered blocks were checked");
    }
};

/**
 * The planner's estimate averages the CSI reports: on a fading link (UMa, 30 km/h), the
 * estimate with RateAveragingTime = 0.5 s equals an exponential average, computed here, of
 * what the same run reports report by report (RateAveragingTime = 0), to 1e-9; and it
 * fluctuates less than the single reports.
 */
class RateAveragingTestCase : public TestCase
{
  public:
    RateAveragingTestCase()
        : TestCase("the planner's rate estimate is an exponential average of the CSI reports")
    {
    }

  private:
    /// The UE's uplink and downlink estimates right after each CSI report of a 1 s run.
    static std::vector<std::pair<double, double>> Estimates(Time averagingTime)
    {
        RadioHelper radio;
        radio.SetCarrier(3.5e9, 20e6, 1);
        radio.SetLayoutAttribute("NumSites", UintegerValue(1));
        radio.SetLayoutAttribute("SectorsPerSite", UintegerValue(1));
        radio.SetNetworkAttribute("RateAveragingTime", TimeValue(averagingTime));
        RadioDeployment d = radio.Install(1, 30 / 3.6, 0);
        d.network->SetFullBuffer(0, LinkDirection::Downlink, true);
        d.network->SetFullBuffer(0, LinkDirection::Uplink, true);
        d.network->Start();
        // Reports: at t = 0, then at the end of every 5th slot's run (slots 4, 9, ...).
        const Time slot = d.network->GetGrid().GetSlotDuration();
        std::vector<std::pair<double, double>> estimates;
        auto sample = [&]() {
            estimates.emplace_back(
                d.network->GetEstimatedFullBandRateBps(0, LinkDirection::Uplink),
                d.network->GetEstimatedFullBandRateBps(0, LinkDirection::Downlink));
        };
        for (uint32_t report = 0; report < 400; ++report)
        {
            const Time at = report == 0 ? Time(0) : slot * (5 * report - 1);
            Simulator::Schedule(at + NanoSeconds(1), sample);
        }
        Simulator::Stop(Seconds(1));
        Simulator::Run();
        Simulator::Destroy();
        return estimates;
    }

    void DoRun() override
    {
        const auto reports = Estimates(Seconds(0));
        const auto averaged = Estimates(MilliSeconds(500));
        NS_TEST_ASSERT_MSG_EQ(reports.size(), averaged.size(), "same sampling");
        const double slotS = 0.5e-3;
        double expected[2] = {reports[0].first, reports[0].second};
        uint32_t mismatches = 0;
        for (std::size_t i = 0; i < reports.size(); ++i)
        {
            if (i > 0)
            {
                const double gapS = (i == 1 ? 4 : 5) * slotS;
                const double weight = 1 - std::exp(-gapS / 0.5);
                expected[0] += weight * (reports[i].first - expected[0]);
                expected[1] += weight * (reports[i].second - expected[1]);
            }
            mismatches += std::abs(averaged[i].first - expected[0]) > 1e-9 * expected[0] ||
                          std::abs(averaged[i].second - expected[1]) > 1e-9 * expected[1];
        }
        NS_TEST_EXPECT_MSG_EQ(mismatches, 0u, "averaged estimate vs exponential average");
        auto relativeSpread = [](const std::vector<std::pair<double, double>>& values) {
            double low = values.back().first;
            double high = low;
            for (std::size_t i = values.size() / 2; i < values.size(); ++i)
            {
                low = std::min(low, values[i].first);
                high = std::max(high, values[i].first);
            }
            return (high - low) / high;
        };
        NS_TEST_EXPECT_MSG_LT(relativeSpread(averaged),
                              relativeSpread(reports),
                              "averaging smooths the uplink estimate over the last 0.5 s");
    }
};

class RadioNetworkTestSuite : public TestSuite
{
  public:
    RadioNetworkTestSuite()
        : TestSuite("radio-network", TestSuite::UNIT)
    {
        AddTestCase(new FixedMcsTransferTestCase(20, 1), TestCase::QUICK);
        AddTestCase(new FixedMcsTransferTestCase(20, 100000), TestCase::QUICK);
        AddTestCase(new FixedMcsTransferTestCase(27, 1000000), TestCase::QUICK);
        AddTestCase(new FixedMcsTransferTestCase(5, 54321), TestCase::QUICK);
        // The last block needs all 51 PRBs although per-PRB estimates say 50 suffice.
        AddTestCase(new FixedMcsTransferTestCase(20, 8862), TestCase::QUICK);
        AddTestCase(new ShannonBoundTestCase, TestCase::QUICK);
        AddTestCase(new EstimatedRateTestCase, TestCase::QUICK);
        AddTestCase(new RateAveragingTestCase, TestCase::QUICK);
    }
};

RadioNetworkTestSuite g_radioNetworkTestSuite;

} // namespace
