#include "radio/backhaul-network.h"
#include "radio/flow-radio-network.h"
#include "radio/link-adaptation.h"
#include "radio/mcs-table.h"
#include "radio/radio-channel.h"
#include "radio/radio-network.h"
#include "radio/three-gpp-scenario.h"
#include "radio/transfer-service.h"

#include "ns3/boolean.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/isotropic-antenna-model.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"
#include "ns3/uniform-planar-array.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace ns3;

/*
 * Timing rules of RadioNetwork (radio-network.cc) that the closed forms below rest on,
 * with T the slot duration and the network started at t = 0:
 *  (a) Start() runs slot 0 at t = 0 (ScheduleNow) and every Slot() schedules the next one
 *      T later as its last statement, so slot k runs at k T.
 *  (b) A slot serves the bytes queued when it runs, and ns-3 runs events of equal time in
 *      the order they were scheduled. Bytes handed over at time t are therefore first served
 *      by slot ceil(t / T), also when t = k T is a boundary, provided the hand-over event was
 *      scheduled before slot k was, i.e. before slot k-1 ended its run at (k-1) T:
 *       - a radio delivery at k T is scheduled while slot k-1 runs, before its last
 *         statement schedules slot k;
 *       - a backhaul delivery at k T was scheduled when the leg began, before (k-1) T if
 *         the leg lasts longer than one slot (the route tests check that it does).
 *      Hence a radio leg whose bytes are handed over at t starts in slot ceil(t / T).
 *  (c) A block sent in slot k is decoded at (k+1) T, when the delivered callback fires
 *      (Acknowledge schedules it one slot later) and TransferService starts the next leg.
 *  (d) With a fixed MCS and no block errors, every slot carries one transport block: a full
 *      TBS while the backlog exceeds it, then the remainder, so B bytes take ceil(B / TBS)
 *      slots. The scheduler grants PRBs until its per-PRB estimate (spectral efficiency x
 *      data REs, LinkAdaptation::EstimateBytesPerPrb, which ignores TBS quantisation)
 *      covers the backlog; the rule therefore needs the TBS of the PRBs granted for the
 *      last remainder to hold that remainder. LastBlockFits() checks it for every size
 *      used here. It does not hold for every size: at MCS 20 on 51 PRBs (TBS 4482 B,
 *      estimate 87.98 B per PRB) a remainder of 4380 B is granted 50 PRBs, whose TBS is
 *      4352 B, and the last 28 B take one more slot.
 *  (e) A backhaul leg that finds its link idle lasts B 8 / Rate + Delay.
 * A route "UL+BH+DL" started at t0 therefore ends at
 *   t1 = (ceil(t0 / T) + n_UL) T,  t2 = t1 + B 8 / Rate + Delay,  t3 = (ceil(t2 / T) + n_DL) T.
 */

namespace
{

constexpr double kFrequencyHz = 3.5e9;
constexpr double kGnbHeightM = 25.0; // UMa BS height, TR 38.901 Table 7.2-1
constexpr double kUeHeightM = 1.5;
constexpr double kSpeedOfLightMps = 3e8; // the value TR 38.901 Note 1 of Table 7.4.1-1 uses
constexpr double kGnbTxPowerDbm = 44.0;  // UMa calibration, TR 38.901 Table 7.8-1

/// The carrier of every radio test here: mu = 1, 20 MHz, 51 PRBs, 0.5 ms slots.
OfdmaGrid
MakeGrid()
{
    return OfdmaGrid(1, 20e6);
}

/**
 * UMa LOS pathloss of TR 38.901 Table 7.4.1-1 (dB) for a UT below 13 m, where the effective
 * environment height h_E is 1 m: PL1 up to the breakpoint d'_BP, PL2 beyond it.
 */
double
UmaLosPathlossDb(double distance2dM, double hBsM, double hUtM)
{
    const double fGhz = kFrequencyHz / 1e9;
    const double distance3dM = std::hypot(distance2dM, hBsM - hUtM);
    const double breakpointM = 4 * (hBsM - 1.0) * (hUtM - 1.0) * kFrequencyHz / kSpeedOfLightMps;
    if (distance2dM <= breakpointM)
    {
        return 28.0 + 22.0 * std::log10(distance3dM) + 20.0 * std::log10(fGhz);
    }
    return 28.0 + 40.0 * std::log10(distance3dM) + 20.0 * std::log10(fGhz) -
           9.0 * std::log10(breakpointM * breakpointM + (hBsM - hUtM) * (hBsM - hUtM));
}

/// Thermal noise plus receiver noise figure in one PRB (dBm).
double
NoisePerPrbDbm(const OfdmaGrid& grid, double noiseFigureDb)
{
    return -174.0 + 10.0 * std::log10(grid.GetPrbBandwidthHz()) + noiseFigureDb;
}

double
DbToLinear(double db)
{
    return std::pow(10.0, db / 10.0);
}

double
LinearToDb(double linear)
{
    return 10.0 * std::log10(linear);
}

double
GetDouble(Ptr<Object> object, const std::string& attribute)
{
    DoubleValue value;
    object->GetAttribute(attribute, value);
    return value.Get();
}

/// Whether a call throws std::invalid_argument.
template <typename Call>
bool
ThrowsInvalidArgument(Call call)
{
    try
    {
        call();
    }
    catch (const std::invalid_argument&)
    {
        return true;
    }
    return false;
}

/// The transport block of a fixed MCS on numPrbs PRBs.
LinkDecision
FixedDecision(const LinkAdaptation& linkAdaptation, uint8_t mcs, uint32_t numPrbs)
{
    return {mcs,
            linkAdaptation.GetTbsBits(mcs, numPrbs),
            McsTable::GetMcs(linkAdaptation.GetMcsTableType(), mcs).spectralEfficiency};
}

/**
 * Rule (d) above: the PRBs the scheduler grants for the last remainder of `bytes`
 * (ceil(remainder / estimate), at most the carrier) carry a TBS that holds it.
 */
bool
LastBlockFits(const LinkAdaptation& linkAdaptation, uint8_t mcs, uint32_t numPrbs, uint64_t bytes)
{
    const uint64_t fullTbsBytes = linkAdaptation.GetTbsBits(mcs, numPrbs) / 8;
    const uint64_t remainder = bytes - (bytes - 1) / fullTbsBytes * fullTbsBytes;
    const double estimateBytesPerPrb = linkAdaptation.EstimateBytesPerPrb(0.0); // fixed MCS
    const auto granted =
        std::min<uint64_t>(numPrbs,
                           static_cast<uint64_t>(std::ceil(remainder / estimateBytesPerPrb)));
    return linkAdaptation.GetTbsBits(mcs, granted) / 8 >= remainder;
}

/// gNBs and UEs at fixed positions, LOS, no shadowing, no fast fading, 1x1 isotropic arrays.
struct Deployment
{
    std::vector<Ptr<Node>> gnbs;
    std::vector<Ptr<Node>> ues;
    Ptr<LinkAdaptation> linkAdaptation;
    Ptr<RadioNetwork> network;
};

Ptr<Node>
MakeNode(const Vector& position)
{
    auto node = CreateObject<Node>();
    auto mobility = CreateObject<ConstantPositionMobilityModel>();
    mobility->SetPosition(position);
    node->AggregateObject(mobility);
    return node;
}

Ptr<UniformPlanarArray>
MakeSingleElementArray()
{
    auto array = CreateObject<UniformPlanarArray>();
    array->SetAttribute("NumRows", UintegerValue(1));
    array->SetAttribute("NumColumns", UintegerValue(1));
    array->SetAttribute("AntennaElement", PointerValue(CreateObject<IsotropicAntennaModel>()));
    return array;
}

/// A radio engine under test: the slot engine, or the flow engine with a step length.
struct Engine
{
    TypeId type;
    uint32_t stepSlots{0}; //!< FlowRadioNetwork's StepSlots (0: the CSI period)

    bool IsFlow() const
    {
        return type == FlowRadioNetwork::GetTypeId();
    }

    std::string GetName() const
    {
        return type.GetName() + (IsFlow() ? ", StepSlots " + std::to_string(stepSlots) : "");
    }
};

Engine
SlotEngine()
{
    return {RadioNetwork::GetTypeId()};
}

Engine
FlowEngine(uint32_t stepSlots)
{
    return {FlowRadioNetwork::GetTypeId(), stepSlots};
}

/// UEs and gNBs on the x axis at the given abscissas (m); round-robin scheduling, fixed MCS.
Deployment
MakeDeployment(const std::vector<double>& gnbXm,
               const std::vector<double>& ueXm,
               uint8_t fixedMcs,
               double gnbTxPowerDbm,
               bool harq,
               const Engine& engine)
{
    const OfdmaGrid grid = MakeGrid();
    auto pathloss =
        CreatePropagationLossModel(ThreeGppScenario::UMa, kFrequencyHz, false, LosMode::AlwaysLos);
    auto channel = CreateObject<RadioChannel>();
    channel->SetAttribute("FastFading", BooleanValue(false));
    channel->Setup(pathloss, nullptr, grid, kFrequencyHz);
    Deployment d;
    for (double x : gnbXm)
    {
        d.gnbs.push_back(MakeNode(Vector(x, 0, kGnbHeightM)));
        channel->AddCell(d.gnbs.back(), MakeSingleElementArray());
    }
    for (double x : ueXm)
    {
        d.ues.push_back(MakeNode(Vector(x, 0, kUeHeightM)));
        channel->AddUe(d.ues.back(), MakeSingleElementArray());
    }
    d.linkAdaptation = CreateObject<LinkAdaptation>();
    d.linkAdaptation->SetAttribute("FixedMcs", UintegerValue(fixedMcs));
    ObjectFactory factory(engine.type.GetName());
    if (engine.IsFlow())
    {
        factory.Set("StepSlots", UintegerValue(engine.stepSlots));
    }
    d.network = factory.Create<RadioNetwork>();
    d.network->SetAttribute("Scheduler", StringValue("ns3::RoundRobinScheduler"));
    d.network->SetAttribute("GnbTxPowerDbm", DoubleValue(gnbTxPowerDbm));
    d.network->SetAttribute("Harq", BooleanValue(harq));
    d.network->Setup(grid, channel, d.linkAdaptation);
    d.network->AssignStreams(1);
    return d;
}

/// B 8 / Rate in whole nanoseconds; the values used here divide exactly.
Time
SerialisationTime(uint64_t bytes, uint64_t rateBps)
{
    return NanoSeconds(bytes * 8 * 1000000000 / rateBps);
}

/// Records every delivery callback of a BackhaulNetwork test.
struct ArrivalLog
{
    std::vector<std::pair<int, Time>> arrivals; //!< (tag, time)

    Callback<void> Tag(int tag)
    {
        return Callback<void>([this, tag]() { arrivals.emplace_back(tag, Simulator::Now()); });
    }

    Time Of(int tag) const
    {
        for (const auto& [t, time] : arrivals)
        {
            if (t == tag)
            {
                return time;
            }
        }
        return Time::Max();
    }
};

/**
 * BackhaulNetwork: an idle link delivers B bytes at B 8 / Rate + Delay; transfers on one
 * directed link are served FIFO; the opposite direction and other links are independent;
 * the time is exact to the nanosecond even above 4 GiB.
 */
class BackhaulClosedFormTestCase : public TestCase
{
  public:
    BackhaulClosedFormTestCase()
        : TestCase("backhaul delivers at B 8 over Rate plus Delay, FIFO per directed link")
    {
    }

  private:
    void DoRun() override
    {
        const uint64_t rateBps = 1000000000;
        const Time delay = MicroSeconds(250);
        const uint64_t bytes = 125000; // 1 ms at 1 Gbps
        auto backhaul = CreateObject<BackhaulNetwork>();
        backhaul->SetAttribute("Rate", DataRateValue(DataRate(rateBps)));
        backhaul->SetAttribute("Delay", TimeValue(delay));
        const Time serialisation = SerialisationTime(bytes, rateBps);
        const Time idleSend = MilliSeconds(20); // after everything below has drained

        ArrivalLog log;
        Simulator::ScheduleNow([&]() {
            backhaul->Send(0, 1, bytes, log.Tag(1));
            backhaul->Send(0, 1, bytes, log.Tag(2)); // queues behind 1
            backhaul->Send(1, 0, bytes, log.Tag(3)); // opposite direction: own FIFO
            backhaul->Send(0, 2, bytes, log.Tag(4)); // another link
        });
        // Sent while 1 and 2 still occupy the link: starts when 2 has been serialised.
        Simulator::Schedule(MicroSeconds(1500),
                            [&]() { backhaul->Send(0, 1, bytes / 5, log.Tag(5)); });
        Simulator::Schedule(idleSend, [&]() { backhaul->Send(0, 1, bytes, log.Tag(6)); });
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(log.arrivals.size(), 6u, "every transfer arrives once");
        NS_TEST_EXPECT_MSG_EQ(log.Of(1), serialisation + delay, "idle link");
        NS_TEST_EXPECT_MSG_EQ(log.Of(2), 2 * serialisation + delay, "FIFO behind transfer 1");
        NS_TEST_EXPECT_MSG_EQ(log.Of(3), serialisation + delay, "opposite direction not queued");
        NS_TEST_EXPECT_MSG_EQ(log.Of(4), serialisation + delay, "other link not queued");
        NS_TEST_EXPECT_MSG_EQ(log.Of(5),
                              2 * serialisation + SerialisationTime(bytes / 5, rateBps) + delay,
                              "FIFO behind a busy link");
        NS_TEST_EXPECT_MSG_EQ(log.Of(6), idleSend + serialisation + delay, "idle again");
        Simulator::Destroy();

        // 5 GB + 1 B at 8 Gbps: one byte per nanosecond, beyond 32-bit byte counts.
        const uint64_t hugeBytes = 5000000001;
        auto fresh = CreateObject<BackhaulNetwork>();
        fresh->SetAttribute("Rate", DataRateValue(DataRate(8000000000)));
        fresh->SetAttribute("Delay", TimeValue(Seconds(0)));
        Time arrival;
        fresh->Send(3, 7, hugeBytes, Callback<void>([&]() { arrival = Simulator::Now(); }));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(arrival, NanoSeconds(hugeBytes), "nanosecond-exact above 4 GiB");
        Simulator::Destroy();
    }
};

/// BackhaulNetwork rejects a transfer to the same cell, zero bytes and a zero rate.
class BackhaulErrorTestCase : public TestCase
{
  public:
    BackhaulErrorTestCase()
        : TestCase("backhaul rejects same-cell transfers, zero bytes and a zero rate")
    {
    }

  private:
    void DoRun() override
    {
        auto backhaul = CreateObject<BackhaulNetwork>();
        bool fired = false;
        Callback<void> mark([&fired]() { fired = true; });
        auto throwsInvalid = [&](uint32_t from, uint32_t to, uint64_t bytes) {
            return ThrowsInvalidArgument([&]() { backhaul->Send(from, to, bytes, mark); });
        };
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(2, 2, 1000), true, "same cell");
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(0, 1, 0), true, "zero bytes");
        backhaul->SetAttribute("Rate", DataRateValue(DataRate(0)));
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(0, 1, 1000), true, "zero rate");
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(fired, false, "a rejected transfer is never delivered");
        Simulator::Destroy();
    }
};

/// The endpoints of the two-cell deployment.
enum class Endpoint
{
    Ue0,
    Ue1,
    Gnb0,
    Gnb1,
};

std::string
ToString(Endpoint endpoint)
{
    static const char* names[] = {"UE0", "UE1", "gNB0", "gNB1"};
    return names[static_cast<int>(endpoint)];
}

/**
 * Two cells 2 km apart (gNB0 at x = 0, gNB1 at x = 2000 m), each with one UE 50 m away on
 * the far side from the other cell, fixed MCS, a TransferService over them.
 */
class TwoCellFixture
{
  public:
    static constexpr double kIsdM = 2000.0;
    static constexpr double kUeDistanceM = 50.0;
    static constexpr uint8_t kMcs = 20; // 256QAM, R = 682.5/1024 (TS 38.214 Table 5.1.3.1-2)
    static constexpr uint64_t kBackhaulRateBps = 1000000000;

    TwoCellFixture(Time backhaulDelay, const Engine& engine)
        : m_backhaulDelay(backhaulDelay)
    {
        m_deployment = MakeDeployment({0.0, kIsdM},
                                      {-kUeDistanceM, kIsdM + kUeDistanceM},
                                      kMcs,
                                      kGnbTxPowerDbm,
                                      true,
                                      engine);
        m_backhaul = CreateObject<BackhaulNetwork>();
        m_backhaul->SetAttribute("Rate", DataRateValue(DataRate(kBackhaulRateBps)));
        m_backhaul->SetAttribute("Delay", TimeValue(backhaulDelay));
        m_service = CreateObject<TransferService>();
        m_service->Setup(m_deployment.network, m_backhaul, m_deployment.gnbs, m_deployment.ues);
    }

    Ptr<Node> Get(Endpoint endpoint) const
    {
        switch (endpoint)
        {
        case Endpoint::Ue0:
            return m_deployment.ues[0];
        case Endpoint::Ue1:
            return m_deployment.ues[1];
        case Endpoint::Gnb0:
            return m_deployment.gnbs[0];
        case Endpoint::Gnb1:
            return m_deployment.gnbs[1];
        }
        return nullptr;
    }

    Ptr<TransferService> GetService() const
    {
        return m_service;
    }

    Ptr<RadioNetwork> GetNetwork() const
    {
        return m_deployment.network;
    }

    const LinkAdaptation& GetLinkAdaptation() const
    {
        return *m_deployment.linkAdaptation;
    }

    /**
     * Worst-case SINR (dB) of a serving link in one direction: the other cell transmits on
     * every PRB at full power (downlink) or its UE puts all its power into one PRB (uplink).
     * Both UEs sit at the same distances, so one value covers both cells.
     */
    double WorstSinrDb(LinkDirection direction) const
    {
        const OfdmaGrid grid = MakeGrid();
        const double servingLossDb = UmaLosPathlossDb(kUeDistanceM, kGnbHeightM, kUeHeightM);
        const double interferenceLossDb =
            UmaLosPathlossDb(kIsdM + kUeDistanceM, kGnbHeightM, kUeHeightM);
        const Ptr<RadioNetwork> network = GetNetwork();
        const double prbsDb = 10.0 * std::log10(grid.GetNumPrbs());
        double signalDbm;
        double interferenceDbm;
        double noiseDbm;
        if (direction == LinkDirection::Downlink)
        {
            const double perPrbDbm = GetDouble(network, "GnbTxPowerDbm") - prbsDb;
            signalDbm = perPrbDbm - servingLossDb;
            interferenceDbm = perPrbDbm - interferenceLossDb;
            noiseDbm = NoisePerPrbDbm(grid, GetDouble(network, "UeNoiseFigureDb"));
        }
        else
        {
            const double ueDbm = GetDouble(network, "UeTxPowerDbm");
            signalDbm = ueDbm - prbsDb - servingLossDb; // weakest: power over all PRBs
            interferenceDbm = ueDbm - interferenceLossDb;
            noiseDbm = NoisePerPrbDbm(grid, GetDouble(network, "GnbNoiseFigureDb"));
        }
        return signalDbm - LinearToDb(DbToLinear(interferenceDbm) + DbToLinear(noiseDbm));
    }

    /// Backhaul leg duration on an idle link.
    Time BackhaulTime(uint64_t bytes) const
    {
        return SerialisationTime(bytes, kBackhaulRateBps) + m_backhaulDelay;
    }

    /// Slots a radio leg of this size takes, rule (d).
    uint64_t RadioSlots(uint64_t bytes) const
    {
        const uint64_t tbsBytes = GetLinkAdaptation().GetTbsBits(kMcs, MakeGrid().GetNumPrbs()) / 8;
        return (bytes + tbsBytes - 1) / tbsBytes;
    }

    /// End of a transfer of `bytes` along `route` handed to the service at `start`.
    Time ExpectedEnd(const std::string& route, Time start, uint64_t bytes) const
    {
        const int64_t slotNs = MakeGrid().GetSlotDuration().GetNanoSeconds();
        Time t = start;
        std::istringstream legs(route);
        std::string leg;
        while (std::getline(legs, leg, '+'))
        {
            if (leg == "BH")
            {
                t += BackhaulTime(bytes); // rule (e)
            }
            else // UL or DL: rules (b) to (d)
            {
                const int64_t firstSlot = (t.GetNanoSeconds() + slotNs - 1) / slotNs;
                t = NanoSeconds((firstSlot + static_cast<int64_t>(RadioSlots(bytes))) * slotNs);
            }
        }
        return t;
    }

  private:
    Time m_backhaulDelay;
    Deployment m_deployment;
    Ptr<BackhaulNetwork> m_backhaul;
    Ptr<TransferService> m_service;
};

/**
 * One transfer through TransferService in the two-cell deployment: its route, its delivery
 * time from the closed form of the file comment, its TransferRecord and one "Transfer" trace.
 */
class TransferRouteTestCase : public TestCase
{
  public:
    TransferRouteTestCase(Endpoint source,
                          Endpoint destination,
                          uint64_t bytes,
                          Time backhaulDelay,
                          std::string route,
                          const Engine& engine)
        : TestCase(ToString(source) + " to " + ToString(destination) + ", " +
                   std::to_string(bytes) + " B, backhaul delay " +
                   std::to_string(backhaulDelay.GetMicroSeconds()) + " us, takes route " + route +
                   " in closed-form time (" + engine.GetName() + ")"),
          m_source(source),
          m_destination(destination),
          m_bytes(bytes),
          m_backhaulDelay(backhaulDelay),
          m_route(route),
          m_engine(engine)
    {
    }

  private:
    void DoRun() override
    {
        TwoCellFixture fixture(m_backhaulDelay, m_engine);
        const LinkAdaptation& la = fixture.GetLinkAdaptation();
        const uint32_t numPrbs = MakeGrid().GetNumPrbs();
        NS_TEST_ASSERT_MSG_GT(fixture.BackhaulTime(m_bytes),
                              MakeGrid().GetSlotDuration(),
                              "rule (b) applies to backhaul hand-overs");
        NS_TEST_ASSERT_MSG_EQ(LastBlockFits(la, TwoCellFixture::kMcs, numPrbs, m_bytes),
                              true,
                              "rule (d) applies to " << m_bytes << " B");
        for (LinkDirection direction : {LinkDirection::Downlink, LinkDirection::Uplink})
        {
            const double worstDb = fixture.WorstSinrDb(direction);
            for (uint32_t prbs = 1; prbs <= numPrbs; ++prbs)
            {
                const double bler =
                    la.GetBler(FixedDecision(la, TwoCellFixture::kMcs, prbs), worstDb);
                NS_TEST_ASSERT_MSG_LT(bler,
                                      1e-9,
                                      ToString(direction) << " at worst-case SINR " << worstDb
                                                          << " dB on " << prbs << " PRBs");
            }
        }

        // A flow-level step reports transmission 0 (HARQ folded into its goodput).
        const uint8_t firstTransmission = m_engine.IsFlow() ? 0 : 1;
        uint32_t failedOrRepeated = 0;
        double lowestSinrDb[2] = {1e9, 1e9};
        fixture.GetNetwork()->TraceConnectWithoutContext(
            "SlotKpi",
            Callback<void, const SlotKpi&>([&](const SlotKpi& kpi) {
                failedOrRepeated +=
                    kpi.transmission != firstTransmission || kpi.deliveredBytes != kpi.payloadBytes;
                auto& lowest = lowestSinrDb[static_cast<int>(kpi.direction)];
                lowest = std::min(lowest, kpi.sinrDb);
            }));
        std::vector<TransferRecord> traced;
        std::vector<TransferRecord> done;
        fixture.GetService()->TraceConnectWithoutContext(
            "Transfer",
            Callback<void, const TransferRecord&>(
                [&traced](const TransferRecord& r) { traced.push_back(r); }));

        const Time start = MicroSeconds(1200); // mid-slot, so the first leg waits for slot 3
        uint64_t id = 999;
        Simulator::Schedule(start, [&]() {
            id = fixture.GetService()->Send(
                fixture.Get(m_source),
                fixture.Get(m_destination),
                m_bytes,
                TransferService::DeliveredCallback(
                    [&done](const TransferRecord& r) { done.push_back(r); }));
        });
        fixture.GetNetwork()->Start();
        const Time expectedEnd = fixture.ExpectedEnd(m_route, start, m_bytes);
        Simulator::Stop(expectedEnd + MilliSeconds(5));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(traced.size(), 1u, "the Transfer trace fires once");
        NS_TEST_ASSERT_MSG_EQ(done.size(), 1u, "the callback fires once");
        const TransferRecord& r = traced.front();
        NS_TEST_EXPECT_MSG_EQ(r.route, m_route, "route");
        NS_TEST_EXPECT_MSG_EQ(r.id, id, "id returned by Send");
        NS_TEST_EXPECT_MSG_EQ(r.sourceNodeId, fixture.Get(m_source)->GetId(), "source");
        NS_TEST_EXPECT_MSG_EQ(r.destinationNodeId, fixture.Get(m_destination)->GetId(), "dest");
        NS_TEST_EXPECT_MSG_EQ(r.bytes, m_bytes, "bytes");
        NS_TEST_EXPECT_MSG_EQ(r.start, start, "start");
        NS_TEST_EXPECT_MSG_EQ(r.end, expectedEnd, "end: closed form of the file comment");
        NS_TEST_EXPECT_MSG_EQ(done.front().end, r.end, "callback and trace agree");
        NS_TEST_EXPECT_MSG_EQ(done.front().id, r.id, "callback and trace agree");
        NS_TEST_EXPECT_MSG_EQ(failedOrRepeated, 0u, "every block decoded at the first attempt");
        for (LinkDirection direction : {LinkDirection::Downlink, LinkDirection::Uplink})
        {
            const double lowest = lowestSinrDb[static_cast<int>(direction)];
            if (lowest < 1e9)
            {
                NS_TEST_EXPECT_MSG_GT_OR_EQ(lowest,
                                            fixture.WorstSinrDb(direction) - 1e-6,
                                            "engine SINR above the worst-case bound");
            }
        }
        Simulator::Destroy();
    }

    Endpoint m_source;
    Endpoint m_destination;
    uint64_t m_bytes;
    Time m_backhaulDelay;
    std::string m_route;
    Engine m_engine;
};

/**
 * Two transfers handed to the same uplink at once share its byte FIFO: the first ends after
 * ceil(B1 / TBS) slots (B2 fills the rest of its last block), the second after
 * ceil((B1 + B2) / TBS); each fires the trace once.
 */
class TransferFifoTestCase : public TestCase
{
  public:
    explicit TransferFifoTestCase(const Engine& engine)
        : TestCase("two transfers on one uplink are served FIFO, one trace each (" +
                   engine.GetName() + ")"),
          m_engine(engine)
    {
    }

  private:
    void DoRun() override
    {
        TwoCellFixture fixture(MilliSeconds(1), m_engine);
        const uint64_t first = 30000;
        const uint64_t second = 12345;
        NS_TEST_ASSERT_MSG_EQ(LastBlockFits(fixture.GetLinkAdaptation(),
                                            TwoCellFixture::kMcs,
                                            MakeGrid().GetNumPrbs(),
                                            first + second),
                              true,
                              "rule (d) applies");
        std::vector<TransferRecord> traced;
        fixture.GetService()->TraceConnectWithoutContext(
            "Transfer",
            Callback<void, const TransferRecord&>(
                [&traced](const TransferRecord& r) { traced.push_back(r); }));
        auto service = fixture.GetService();
        const uint64_t id0 = service->Send(fixture.Get(Endpoint::Ue0),
                                           fixture.Get(Endpoint::Gnb0),
                                           first,
                                           TransferService::DeliveredCallback());
        const uint64_t id1 = service->Send(fixture.Get(Endpoint::Ue0),
                                           fixture.Get(Endpoint::Gnb0),
                                           second,
                                           TransferService::DeliveredCallback());
        fixture.GetNetwork()->Start();
        Simulator::Stop(MilliSeconds(20));
        Simulator::Run();

        const Time slot = MakeGrid().GetSlotDuration();
        NS_TEST_ASSERT_MSG_EQ(traced.size(), 2u, "one trace per transfer");
        NS_TEST_EXPECT_MSG_NE(id0, id1, "distinct ids");
        NS_TEST_EXPECT_MSG_EQ(traced[0].id, id0, "the first transfer completes first");
        NS_TEST_EXPECT_MSG_EQ(traced[0].end,
                              slot * fixture.RadioSlots(first),
                              "first transfer: its own bytes only");
        NS_TEST_EXPECT_MSG_EQ(traced[1].id, id1, "then the second");
        NS_TEST_EXPECT_MSG_EQ(traced[1].end,
                              slot * fixture.RadioSlots(first + second),
                              "second transfer: behind the first");
        Simulator::Destroy();
    }

    Engine m_engine;
};

/// TransferService rejects zero bytes, unknown or null nodes and source == destination.
class TransferErrorTestCase : public TestCase
{
  public:
    TransferErrorTestCase()
        : TestCase("transfer service rejects zero bytes, unknown nodes and self transfers")
    {
    }

  private:
    void DoRun() override
    {
        TwoCellFixture fixture(MilliSeconds(1), SlotEngine());
        auto service = fixture.GetService();
        uint32_t traced = 0;
        service->TraceConnectWithoutContext(
            "Transfer",
            Callback<void, const TransferRecord&>([&traced](const TransferRecord&) { ++traced; }));
        auto throwsInvalid = [&](Ptr<Node> from, Ptr<Node> to, uint64_t bytes) {
            return ThrowsInvalidArgument(
                [&]() { service->Send(from, to, bytes, TransferService::DeliveredCallback()); });
        };
        const Ptr<Node> ue0 = fixture.Get(Endpoint::Ue0);
        const Ptr<Node> gnb1 = fixture.Get(Endpoint::Gnb1);
        const Ptr<Node> stranger = CreateObject<Node>();
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(ue0, gnb1, 0), true, "zero bytes");
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(ue0, stranger, 1000), true, "unknown destination");
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(stranger, gnb1, 1000), true, "unknown source");
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(nullptr, gnb1, 1000), true, "null source");
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(ue0, ue0, 1000), true, "UE to itself");
        NS_TEST_EXPECT_MSG_EQ(throwsInvalid(gnb1, gnb1, 1000), true, "gNB to itself");
        fixture.GetNetwork()->Start();
        Simulator::Stop(MilliSeconds(10));
        Simulator::Run();
        NS_TEST_EXPECT_MSG_EQ(traced, 0u, "no rejected transfer completes");
        NS_TEST_EXPECT_MSG_EQ(fixture.GetNetwork()->GetDeliveredBytes(0, LinkDirection::Uplink),
                              0u,
                              "no rejected transfer reaches the radio");
        Simulator::Destroy();
    }
};

/**
 * A marginal downlink: one cell, one UE 100 m away, the gNB power set so that the SINR is
 * the one where a full-carrier block of the fixed MCS fails with probability 1/2 (SINR from
 * the TR 38.901 pathloss and the noise floor in closed form).
 */
struct MarginalLink
{
    static constexpr uint8_t kMcs = 10;
    static constexpr double kDistanceM = 100.0;

    MarginalLink(bool harq, const Engine& engine)
    {
        const OfdmaGrid grid = MakeGrid();
        const uint32_t numPrbs = grid.GetNumPrbs();
        // The SINR at which a full block fails with probability 1/2, by bisection.
        auto reference = CreateObject<LinkAdaptation>();
        fullBlock = FixedDecision(*reference, kMcs, numPrbs);
        double lowDb = -20.0;
        double highDb = 40.0;
        while (highDb - lowDb > 1e-9)
        {
            const double midDb = 0.5 * (lowDb + highDb);
            (reference->GetBler(fullBlock, midDb) > 0.5 ? lowDb : highDb) = midDb;
        }
        sinrDb = 0.5 * (lowDb + highDb);
        // DL SINR per PRB = P / N_PRB - PL - noise, solved for P (default noise figure).
        const double ueNoiseFigureDb = GetDouble(CreateObject<RadioNetwork>(), "UeNoiseFigureDb");
        const double gnbTxPowerDbm = sinrDb + 10.0 * std::log10(numPrbs) +
                                     UmaLosPathlossDb(kDistanceM, kGnbHeightM, kUeHeightM) +
                                     NoisePerPrbDbm(grid, ueNoiseFigureDb);
        deployment = MakeDeployment({0.0}, {kDistanceM}, kMcs, gnbTxPowerDbm, harq, engine);
    }

    Deployment deployment;
    LinkDecision fullBlock; //!< the fixed MCS on the whole carrier
    double sinrDb;          //!< of every first transmission
};

/**
 * On the marginal link, a transfer of whole blocks still completes and every byte is
 * delivered exactly once. With HARQ, retransmissions appear with the chase-combined SINR
 * SINR_1 + 10 log10(k) of the k-th transmission; without it, failed blocks are re-sent as
 * new first transmissions.
 */
class HarqMarginalLinkTestCase : public TestCase
{
  public:
    explicit HarqMarginalLinkTestCase(bool harq)
        : TestCase(std::string("marginal link (BLER 0.5) delivers every byte once, HARQ ") +
                   (harq ? "on" : "off")),
          m_harq(harq)
    {
    }

  private:
    void DoRun() override
    {
        const uint64_t blocks = 100;
        const OfdmaGrid grid = MakeGrid();
        MarginalLink link(m_harq, SlotEngine());
        Deployment& d = link.deployment;
        const LinkDecision& full = link.fullBlock;
        const double targetSinrDb = link.sinrDb;

        const uint64_t tbsBytes = full.tbsBits / 8;
        const uint64_t bytes = blocks * tbsBytes; // whole blocks: every block has the full TBS
        uint64_t deliveredSum = 0;
        uint64_t deliveredBlocks = 0;
        uint64_t failedFirst = 0;
        uint64_t retransmissions = 0;
        Time lastDeliverySlot;
        d.network->TraceConnectWithoutContext(
            "SlotKpi",
            Callback<void, const SlotKpi&>([&](const SlotKpi& kpi) {
                NS_TEST_EXPECT_MSG_EQ(kpi.tbsBytes, tbsBytes, "full-carrier blocks only");
                NS_TEST_EXPECT_MSG_EQ((kpi.direction == LinkDirection::Downlink),
                                      true,
                                      "downlink only");
                const double expectedSinrDb = targetSinrDb + LinearToDb(kpi.transmission);
                NS_TEST_EXPECT_MSG_EQ_TOL(kpi.sinrDb,
                                          expectedSinrDb,
                                          1e-6,
                                          "closed-form SINR of transmission " << +kpi.transmission);
                if (kpi.transmission == 1)
                {
                    NS_TEST_EXPECT_MSG_EQ_TOL(kpi.bler, 0.5, 1e-4, "marginal first transmission");
                    failedFirst += kpi.deliveredBytes == 0;
                }
                else
                {
                    ++retransmissions;
                    NS_TEST_EXPECT_MSG_LT(kpi.bler, 0.5, "combining lowers the BLER");
                }
                NS_TEST_EXPECT_MSG_EQ(
                    (kpi.deliveredBytes == 0 || kpi.deliveredBytes == kpi.payloadBytes),
                    true,
                    "a block is delivered whole or not at all");
                deliveredSum += kpi.deliveredBytes;
                if (kpi.deliveredBytes > 0)
                {
                    ++deliveredBlocks;
                    lastDeliverySlot = kpi.time;
                }
            }));
        Time done = Time::Max();
        d.network->Enqueue(0, LinkDirection::Downlink, bytes, Callback<void>([&done]() {
                               done = Simulator::Now();
                           }));
        d.network->Start();
        Simulator::Stop(Seconds(0.5));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_NE(done, Time::Max(), "the transfer completes");
        NS_TEST_EXPECT_MSG_EQ(done,
                              lastDeliverySlot + grid.GetSlotDuration(),
                              "callback at the end of the slot of the last delivered block");
        NS_TEST_EXPECT_MSG_EQ(deliveredSum, bytes, "sum of deliveredBytes");
        NS_TEST_EXPECT_MSG_EQ(d.network->GetDeliveredBytes(0, LinkDirection::Downlink),
                              bytes,
                              "delivered-bytes counter");
        NS_TEST_EXPECT_MSG_EQ(deliveredBlocks, blocks, "each block delivered exactly once");
        // With P(fail) = 1/2 per first transmission, none failing among 100 has p = 2^-100.
        NS_TEST_EXPECT_MSG_GT(failedFirst, 0u, "the link is marginal");
        if (m_harq)
        {
            NS_TEST_EXPECT_MSG_GT(retransmissions, 0u, "HARQ retransmissions appear");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(retransmissions, 0u, "without HARQ, failed bytes are re-queued");
        }
        Simulator::Destroy();
    }

    bool m_harq;
};

/**
 * FlowRadioNetwork's goodput on the marginal link. With P_i the BLER of i chase-combined
 * copies, a flow step carries TBS (1 - P_1..P_M) / (1 + P_1 + .. + P_1..P_{M-1}) bytes per
 * slot (M = 4 with HARQ, 1 without), so B bytes end after the first k slots with
 * floor(k g) >= B, exactly. The slot engine, drawing each block's fate, must agree on
 * average over independent runs: its mean completion time lies within 3 standard errors
 * of k, plus, with HARQ, the (M - 1) RTT slots by which the last block's retransmissions
 * can outlast the others.
 */
class FlowGoodputTestCase : public TestCase
{
  public:
    explicit FlowGoodputTestCase(bool harq)
        : TestCase(std::string("flow-level goodput on the marginal link matches the slot engine "
                               "on average, HARQ ") +
                   (harq ? "on" : "off")),
          m_harq(harq)
    {
    }

  private:
    /// Completion time of a transfer of `bytes` on the marginal link, in slots.
    double CompletionSlots(const Engine& engine, uint64_t bytes, uint32_t run) const
    {
        RngSeedManager::SetRun(run);
        MarginalLink link(m_harq, engine);
        Time done = Time::Max();
        link.deployment.network->Enqueue(0,
                                         LinkDirection::Downlink,
                                         bytes,
                                         Callback<void>([&done]() { done = Simulator::Now(); }));
        link.deployment.network->Start();
        Simulator::Stop(Seconds(1));
        Simulator::Run();
        Simulator::Destroy();
        return (done / MakeGrid().GetSlotDuration()).GetDouble();
    }

    void DoRun() override
    {
        const uint64_t run = RngSeedManager::GetRun();
        MarginalLink reference(m_harq, SlotEngine());
        Simulator::Destroy();
        const auto& la = *reference.deployment.linkAdaptation;
        const uint32_t maxTransmissions = m_harq ? 4 : 1; // HarqMaxTransmissions default
        double reach = 1.0;
        double expectedTransmissions = 0.0;
        for (uint32_t i = 1; i <= maxTransmissions; ++i)
        {
            expectedTransmissions += reach;
            reach *= la.GetBler(reference.fullBlock, reference.sinrDb + LinearToDb(i));
        }
        const uint64_t tbsBytes = reference.fullBlock.tbsBits / 8;
        const double goodput = tbsBytes * (1.0 - reach) / expectedTransmissions;
        const uint64_t bytes = 100 * tbsBytes;
        double k = std::ceil(bytes / goodput);
        while (std::floor((k - 1) * goodput) >= bytes)
        {
            --k;
        }
        while (std::floor(k * goodput) < bytes)
        {
            ++k;
        }
        for (uint32_t stepSlots : {0U, 40U})
        {
            NS_TEST_EXPECT_MSG_EQ_TOL(CompletionSlots(FlowEngine(stepSlots), bytes, 1),
                                      k,
                                      1e-9,
                                      "flow engine, StepSlots " << stepSlots << ": closed form");
        }

        const uint32_t runs = 20;
        double sum = 0;
        double sumSquares = 0;
        for (uint32_t r = 1; r <= runs; ++r)
        {
            const double slots = CompletionSlots(SlotEngine(), bytes, r);
            sum += slots;
            sumSquares += slots * slots;
        }
        RngSeedManager::SetRun(run);
        const double mean = sum / runs;
        const double standardError =
            std::sqrt((sumSquares - runs * mean * mean) / (runs - 1) / runs);
        const double harqTail = m_harq ? (maxTransmissions - 1) * 4.0 : 0.0; // RTT 4 slots
        NS_TEST_EXPECT_MSG_LT(std::abs(mean - k),
                              3 * standardError + harqTail,
                              "slot engine mean " << mean << " slots (standard error "
                                                  << standardError << ") vs flow " << k);
    }

    bool m_harq;
};

class TransferServiceTestSuite : public TestSuite
{
  public:
    TransferServiceTestSuite()
        : TestSuite("radio-transfer-service", TestSuite::UNIT)
    {
        AddTestCase(new BackhaulClosedFormTestCase, TestCase::QUICK);
        AddTestCase(new BackhaulErrorTestCase, TestCase::QUICK);
        const uint64_t bytes = 100000;
        const Time delay = MilliSeconds(1);
        // Both engines follow the closed forms: with a fixed MCS and no block errors, a
        // flow-level step of any length carries exactly the TBS per slot.
        for (const Engine& engine : {SlotEngine(), FlowEngine(0), FlowEngine(40)})
        {
            // The backhaul leg (0.8 ms + delay) ends mid-slot with 1 ms, on a slot boundary
            // with 1.2 ms.
            for (Time bhDelay : {delay, MicroSeconds(1200)})
            {
                AddTestCase(new TransferRouteTestCase(Endpoint::Ue0,
                                                      Endpoint::Ue1,
                                                      bytes,
                                                      bhDelay,
                                                      "UL+BH+DL",
                                                      engine),
                            TestCase::QUICK);
            }
            const std::vector<std::tuple<Endpoint, Endpoint, uint64_t, std::string>> routes{
                {Endpoint::Ue0, Endpoint::Gnb0, bytes, "UL"},
                {Endpoint::Gnb1, Endpoint::Ue1, bytes, "DL"},
                {Endpoint::Gnb0, Endpoint::Gnb1, bytes, "BH"},
                {Endpoint::Ue1, Endpoint::Gnb0, bytes, "UL+BH"},
                {Endpoint::Gnb0, Endpoint::Ue1, bytes, "BH+DL"},
                {Endpoint::Ue0, Endpoint::Gnb0, 1, "UL"}};
            for (const auto& [from, to, size, route] : routes)
            {
                AddTestCase(new TransferRouteTestCase(from, to, size, delay, route, engine),
                            TestCase::QUICK);
            }
            AddTestCase(new TransferFifoTestCase(engine), TestCase::QUICK);
        }
        AddTestCase(new TransferErrorTestCase, TestCase::QUICK);
        AddTestCase(new HarqMarginalLinkTestCase(true), TestCase::QUICK);
        AddTestCase(new HarqMarginalLinkTestCase(false), TestCase::QUICK);
        AddTestCase(new FlowGoodputTestCase(true), TestCase::QUICK);
        AddTestCase(new FlowGoodputTestCase(false), TestCase::QUICK);
    }
};

TransferServiceTestSuite g_transferServiceTestSuite;

} // namespace
