#include "compute/compute-helper.h"
#include "lam/lam-test-helpers.h"
#include "training/csi-prediction-task.h"
#include "training/device-selection-baselines.h"
#include "training/federated-averaging.h"
#include "training/split-fed-device-app.h"
#include "training/split-fed-server-app.h"
#include "training/split-fed-transport.h"

#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <limits>
#include <map>
#include <string>
#include <vector>

using namespace ns3;
using namespace ns3::lamtest;

namespace
{

/// Dedicated links of fixed rates between the server and each device, one FIFO per
/// direction: a transfer of b bytes lasts 8 b / rate once the link is free.
class FixedRateTransport : public SplitFedTransport
{
  public:
    FixedRateTransport(std::vector<double> upBps, std::vector<double> downBps)
        : m_rateBps{std::move(downBps), std::move(upBps)},
          m_free{std::vector<Time>(m_rateBps[0].size()), std::vector<Time>(m_rateBps[0].size())}
    {
    }

    void Send(uint32_t device, bool up, uint64_t bytes, std::function<void()> done) override
    {
        Time& free = m_free[up][device];
        const Time start = std::max(free, Simulator::Now());
        free = start + Seconds(8.0 * bytes / m_rateBps[up][device]);
        Simulator::Schedule(free - Simulator::Now(), [done]() { done(); });
    }

    double GetEstimatedRateBps(uint32_t device, bool up) const override
    {
        return m_rateBps[up][device];
    }

    double GetTxPowerW(uint32_t) const override
    {
        return 0.2;
    }

  private:
    std::vector<double> m_rateBps[2]; ///< [up][device]
    std::vector<Time> m_free[2];      ///< when each link is next free
};

/// A small split federated set-up on fixed-rate links.
struct TinyFederation
{
    LamConfig lam = Preset("csi-predictor-tiny");
    LoraOptions lora;
    SplitFedTrainingConfig training;
    NodeContainer deviceNodes;
    NodeContainer serverNode;
    std::vector<Ptr<SplitFedDeviceApp>> apps;
    Ptr<SplitFedServerApp> server;
    std::vector<SplitFedRoundKpi> rounds;
    GptModel global{nullptr};

    TinyFederation(const std::vector<double>& upBps,
                   const std::vector<double>& downBps,
                   double serverFlopsPerS,
                   uint32_t rounds,
                   bool poisonData = false,
                   const std::function<void(SplitFedTrainingConfig&)>& configure = {})
    {
        torch::manual_seed(1);
        lora.rank = 2;
        lora.trainTaskLayers = true;
        training.localSteps = 2;
        training.batchSize = 8;
        training.lora = lora;
        if (configure)
        {
            configure(training);
        }
        const uint32_t n = upBps.size();
        deviceNodes.Create(n);
        serverNode.Create(1);
        ComputeHelper compute;
        std::vector<Ptr<ComputeDevice>> devices = compute.Install(deviceNodes, "phone");
        Ptr<ComputeDevice> serverCompute = compute.Install(serverNode, "edge-server")[0];
        DeviceProfile fast = serverCompute->GetProfile();
        fast.effectiveFlopsPerS = serverFlopsPerS;
        serverCompute->SetProfile(fast);

        CsiPredictionTask task(CsiPredictionTaskConfig{});
        task.AssignStreams(100);
        global = GptModel(lam); // after the seed
        FreezeBaseEnableLora(global, lora);
        for (uint32_t k = 0; k < n; ++k)
        {
            CsiPredictionData data =
                task.Generate(Vector(0, 0, 25), Vector(80.0 + 20 * k, 10, 1.5), Vector(8, 0, 0), 1);
            if (poisonData)
            {
                data.inputs.fill_(std::numeric_limits<float>::quiet_NaN());
            }
            GptModel replica(lam);
            FreezeBaseEnableLora(replica, lora);
            Ptr<SplitFedDeviceApp> app = CreateObject<SplitFedDeviceApp>();
            app->Setup(k, replica, 1, data, training, devices[k], 200 + k);
            deviceNodes.Get(k)->AddApplication(app);
            apps.push_back(app);
        }
        CsiPredictionData validation =
            task.Generate(Vector(0, 0, 25), Vector(100, 0, 1.5), Vector(8, 0, 0), 1);
        server = CreateObject<SplitFedServerApp>();
        server->SetAttribute("Rounds", UintegerValue(rounds));
        server->Setup(Create<FixedRateTransport>(upBps, downBps),
                      apps,
                      serverCompute,
                      CreateObject<AllDevicesSelectionPolicy>(),
                      global,
                      validation);
        server->SetRoundCallback(
            [this](const SplitFedRoundKpi& kpi) { this->rounds.push_back(kpi); });
        serverNode.Get(0)->AddApplication(server);
    }

    /// The closed form of one device's round: download of its trainable tensors, the
    /// local steps (five compute stages and four transfers each), upload.
    double ClosedFormRoundS(uint32_t k, double upBps, double downBps, double serverFlopsPerS)
    {
        SplitModel& split = apps[k]->GetSplitModel();
        const int64_t steps = 16;
        ShardCost front = ComputeShardCost(lam, lora, split.FrontSpan(), training.batchSize, steps);
        ShardCost body = ComputeShardCost(lam, lora, split.BodySpan(), training.batchSize, steps);
        ShardCost tail = ComputeShardCost(lam, lora, split.TailSpan(), training.batchSize, steps);
        const double deviceFlopsPerS = DeviceProfile::Get("phone").effectiveFlopsPerS;
        // Every exchange is a (B, T, C) fp32 tensor; the front has adapters, so the
        // activation gradient goes down too.
        const double tensorBits = 8.0 * 4 * training.batchSize * steps * lam.width;
        const double perStep = front.forwardFlops / deviceFlopsPerS + tensorBits / upBps +
                               body.forwardFlops / serverFlopsPerS + tensorBits / downBps +
                               (tail.forwardFlops + tail.backwardFlops) / deviceFlopsPerS +
                               tensorBits / upBps + body.backwardFlops / serverFlopsPerS +
                               tensorBits / downBps + front.backwardFlops / deviceFlopsPerS;
        const double modelBits = 8.0 * apps[k]->GetDeviceModelBytes();
        return modelBits / downBps + training.localSteps * perStep + modelBits / upBps;
    }
};

/// On fixed-rate links the simulated round lasts the closed form: one device (server
/// compute included); three devices on an effectively instantaneous server, where the
/// round is the slowest device's closed form; and three devices with server time, where
/// the slowest device's server stages do not queue behind the others'.
class SplitFedRoundTimeTestCase : public TestCase
{
  public:
    SplitFedRoundTimeTestCase()
        : TestCase("simulated round time equals the closed form on fixed-rate links")
    {
    }

  private:
    void DoRun() override
    {
        {
            const double serverFlopsPerS = 1e11; // slow enough for its time to matter
            TinyFederation one({20e6}, {50e6}, serverFlopsPerS, 2);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(one.rounds.size(), 2u, "rounds run");
            const double expected = one.ClosedFormRoundS(0, 20e6, 50e6, serverFlopsPerS);
            for (const SplitFedRoundKpi& kpi : one.rounds)
            {
                // Each of the ~40 stages is rounded to the 1 ns time resolution.
                NS_TEST_EXPECT_MSG_EQ_TOL((kpi.end - kpi.start).GetSeconds(),
                                          expected,
                                          50e-9,
                                          "one device, round " << kpi.round);
                NS_TEST_EXPECT_MSG_EQ(kpi.completed, 1u, "completed");
                const uint64_t tensorBytes = 4 * 8 * 16 * one.lam.width;
                const uint64_t modelBytes = one.apps[0]->GetDeviceModelBytes();
                NS_TEST_EXPECT_MSG_EQ(kpi.devices[0].bytesUp,
                                      modelBytes + 2 * 2 * tensorBytes,
                                      "bytes up: activations and gradients of 2 steps + model");
                NS_TEST_EXPECT_MSG_EQ(kpi.devices[0].bytesDown,
                                      modelBytes + 2 * 2 * tensorBytes,
                                      "bytes down");
            }
            Simulator::Destroy();
        }
        {
            const double instantaneous = 1e30;
            const std::vector<double> up{5e6, 40e6, 12e6};
            const std::vector<double> down{30e6, 80e6, 10e6};
            TinyFederation three(up, down, instantaneous, 1);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(three.rounds.size(), 1u, "rounds run");
            double slowest = 0;
            for (uint32_t k = 0; k < 3; ++k)
            {
                slowest =
                    std::max(slowest, three.ClosedFormRoundS(k, up[k], down[k], instantaneous));
            }
            NS_TEST_EXPECT_MSG_EQ_TOL((three.rounds[0].end - three.rounds[0].start).GetSeconds(),
                                      slowest,
                                      50e-9,
                                      "three devices: max over k");
            NS_TEST_EXPECT_MSG_EQ(three.rounds[0].completed, 3u, "completed");
            Simulator::Destroy();
        }
        {
            // Three devices and a server whose time matters: the cell-edge device's first
            // upload ends after the others' rounds, so its server stages never queue and
            // the round is max over k of the closed forms, server time included.
            const double serverFlopsPerS = 1e11;
            const std::vector<double> up{40e6, 30e6, 0.05e6};
            const std::vector<double> down{80e6, 60e6, 0.2e6};
            TinyFederation three(up, down, serverFlopsPerS, 1);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(three.rounds.size(), 1u, "rounds run");
            double slowest = 0;
            for (uint32_t k = 0; k < 3; ++k)
            {
                slowest =
                    std::max(slowest, three.ClosedFormRoundS(k, up[k], down[k], serverFlopsPerS));
            }
            const double withoutServer = three.ClosedFormRoundS(2, up[2], down[2], 1e30);
            NS_TEST_ASSERT_MSG_GT(slowest - withoutServer, 1e-6, "server time is measurable");
            NS_TEST_EXPECT_MSG_EQ_TOL((three.rounds[0].end - three.rounds[0].start).GetSeconds(),
                                      slowest,
                                      50e-9,
                                      "three devices and server time: max over k");
            Simulator::Destroy();
        }
    }
};

/// With a round deadline, a straggler is dropped: the round ends at the deadline with the
/// devices done by then, and the next round starts at once.
class SplitFedDeadlineTestCase : public TestCase
{
  public:
    SplitFedDeadlineTestCase()
        : TestCase("a round deadline drops the straggler and aggregates the others")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<double> up{40e6, 40e6, 0.5e6};
        const std::vector<double> down{80e6, 80e6, 1e6};
        TinyFederation federation(up, down, 1e30, 2);
        const double fast = federation.ClosedFormRoundS(0, up[0], down[0], 1e30);
        const double slow = federation.ClosedFormRoundS(2, up[2], down[2], 1e30);
        const double deadline = 2 * fast;
        NS_TEST_ASSERT_MSG_LT(deadline, slow, "the set-up makes device 2 a straggler");
        federation.server->SetAttribute("RoundDeadline", TimeValue(Seconds(deadline)));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(federation.rounds.size(), 2u, "rounds run");
        for (const SplitFedRoundKpi& kpi : federation.rounds)
        {
            NS_TEST_EXPECT_MSG_EQ_TOL((kpi.end - kpi.start).GetSeconds(),
                                      deadline,
                                      1e-9,
                                      "ends at the deadline");
            NS_TEST_EXPECT_MSG_EQ(kpi.selected, 3u, "selected");
            NS_TEST_EXPECT_MSG_EQ(kpi.completed, 2u, "aggregated without the straggler");
            NS_TEST_EXPECT_MSG_EQ(kpi.devices[2].completed, false, "device 2 dropped");
        }
        NS_TEST_EXPECT_MSG_EQ_TOL(federation.rounds[1].start.GetSeconds(),
                                  federation.rounds[0].end.GetSeconds(),
                                  1e-12,
                                  "next round at once");
        Simulator::Destroy();
    }
};

/// FedAvg of identical models is the identity; of two models the weighted mean.
class FederatedAverageTestCase : public TestCase
{
  public:
    FederatedAverageTestCase()
        : TestCase("FedAvg of identical models is the identity; two models give the weighted mean")
    {
    }

  private:
    void DoRun() override
    {
        torch::manual_seed(4);
        NamedTensors a{{"w", torch::randn({5, 7})}, {"b", torch::randn({3})}};
        NamedTensors same = FederatedAverage({a, a, a}, {1.0, 2.5, 7.0});
        for (std::size_t i = 0; i < a.size(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(torch::equal(same[i].second, a[i].second), true, a[i].first);
        }
        NamedTensors b{{"w", torch::randn({5, 7})}, {"b", torch::randn({3})}};
        NamedTensors mean = FederatedAverage({a, b}, {1.0, 3.0});
        for (std::size_t i = 0; i < a.size(); ++i)
        {
            torch::Tensor expected = 0.25 * a[i].second + 0.75 * b[i].second;
            NS_TEST_EXPECT_MSG_LT((mean[i].second - expected).abs().max().item<double>(),
                                  1e-6,
                                  a[i].first);
        }
        NamedTensors renamed{{"v", a[0].second}, {"b", a[1].second}};
        std::string message = MessageOf<std::invalid_argument>([&]() {
            FederatedAverage({a, renamed}, {1, 1});
        });
        NS_TEST_EXPECT_MSG_NE(message.find("'v'"), std::string::npos, message);
        message = MessageOf<std::invalid_argument>([&]() { FederatedAverage({a, b}, {0, 0}); });
        NS_TEST_EXPECT_MSG_NE(message.find("sum to 0"), std::string::npos, message);
    }
};

/// A non-finite training loss stops the run with a message naming the device.
class SplitFedNanLossTestCase : public TestCase
{
  public:
    SplitFedNanLossTestCase()
        : TestCase("a non-finite loss stops the run naming the device")
    {
    }

  private:
    void DoRun() override
    {
        TinyFederation poisoned({20e6}, {50e6}, 1e12, 1, true);
        std::string message = MessageOf<TrainingDivergedError>([]() { Simulator::Run(); });
        NS_TEST_EXPECT_MSG_NE(message.find("device 0: training loss"), std::string::npos, message);
        NS_TEST_EXPECT_MSG_EQ(poisoned.rounds.size(), 0u, "no round completed");
        Simulator::Destroy();
    }
};

/// A gradient norm above maxGradNorm stops the run naming the device, in split, federated
/// and central training; on the devices the step is not applied.
class SplitFedGradientLimitTestCase : public TestCase
{
  public:
    SplitFedGradientLimitTestCase()
        : TestCase("a gradient norm above the limit stops the run before the step is applied")
    {
    }

  private:
    void DoRun() override
    {
        for (TrainingScheme scheme :
             {TrainingScheme::SPLIT, TrainingScheme::FEDERATED, TrainingScheme::CENTRAL})
        {
            // Far below any real step's norm (about 0.1 here), so the first step trips it.
            TinyFederation limited({20e6}, {50e6}, 1e12, 1, false, [scheme](auto& training) {
                training.scheme = scheme;
                training.maxGradNorm = 1e-6;
            });
            // What every trainable tensor must still be: the global model's (which the
            // devices load when the round starts, and central training steps itself).
            NamedTensors before;
            for (const auto& item : limited.global->named_parameters())
            {
                if (item.value().requires_grad())
                {
                    before.emplace_back(item.key(), item.value().clone());
                }
            }
            std::string message = MessageOf<TrainingDivergedError>([]() { Simulator::Run(); });
            NS_TEST_EXPECT_MSG_NE(message.find("device 0: gradient norm "),
                                  std::string::npos,
                                  message);
            NS_TEST_EXPECT_MSG_NE(message.find(" exceeds maxGradNorm 1e-06"),
                                  std::string::npos,
                                  message);
            NS_TEST_EXPECT_MSG_EQ(limited.rounds.size(), 0u, "no round completed");
            auto globalAfter = limited.global->named_parameters();
            const NamedTensors device = limited.apps[0]->GetTrainable();
            NS_TEST_ASSERT_MSG_EQ(device.size(), before.size(), "trainable tensors");
            for (std::size_t i = 0; i < before.size(); ++i)
            {
                const std::string& name = before[i].first;
                NS_TEST_EXPECT_MSG_EQ(torch::equal(globalAfter[name], before[i].second),
                                      true,
                                      "global model unchanged: " << name);
                if (scheme != TrainingScheme::CENTRAL) // there the replicas idle
                {
                    NS_TEST_EXPECT_MSG_EQ(torch::equal(device[i].second, before[i].second),
                                          true,
                                          "device step not applied: " << name);
                }
            }
            Simulator::Destroy();
        }
    }
};

class SplitFedTestSuite : public TestSuite
{
  public:
    SplitFedTestSuite()
        : TestSuite("training-split-fed", TestSuite::UNIT)
    {
        AddTestCase(new FederatedAverageTestCase, TestCase::QUICK);
        AddTestCase(new SplitFedRoundTimeTestCase, TestCase::QUICK);
        AddTestCase(new SplitFedNanLossTestCase, TestCase::QUICK);
        AddTestCase(new SplitFedGradientLimitTestCase, TestCase::QUICK);
        AddTestCase(new SplitFedDeadlineTestCase, TestCase::QUICK);
    }
};

SplitFedTestSuite g_splitFedTestSuite;

} // namespace
