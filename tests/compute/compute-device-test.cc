#include "compute/compute-device.h"
#include "compute/device-profile.h"

#include "ns3/double.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Records the TaskFinished trace and the order of done() callbacks.
struct TaskLog
{
    struct Entry
    {
        std::string label;
        Time finishTime;
        Time queueingDelay;
        Time duration;
    };

    std::vector<Entry> finished;
    std::vector<std::string> doneOrder;

    void OnFinished(const std::string& label, double flops, Time queueingDelay, Time duration)
    {
        finished.push_back({label, Simulator::Now(), queueingDelay, duration});
    }

    void OnDone(std::string label)
    {
        doneOrder.push_back(label);
    }

    void Attach(Ptr<ComputeDevice> device)
    {
        device->TraceConnectWithoutContext("TaskFinished",
                                           MakeCallback(&TaskLog::OnFinished, this));
    }
};

/// Device with a given rate and powers, aggregated to a fresh node.
Ptr<ComputeDevice>
MakeDevice(double flopsPerS, double activeW = 10.0, double idleW = 2.0)
{
    DeviceProfile profile = DeviceProfile::Get("phone");
    profile.effectiveFlopsPerS = flopsPerS;
    profile.activePowerW = activeW;
    profile.idlePowerW = idleW;
    Ptr<ComputeDevice> device = CreateObject<ComputeDevice>();
    device->SetProfile(profile);
    CreateObject<Node>()->AggregateObject(device);
    return device;
}

/// flops / rate in whole ns, computed independently of ComputeDevice (default resolution ns).
Time
ExpectedDuration(double flops, double flopsPerS)
{
    return NanoSeconds(std::llround(flops / flopsPerS * 1e9));
}

class ComputeLatencyTestCase : public TestCase
{
  public:
    ComputeLatencyTestCase()
        : TestCase("a task lasts flops over the effective rate, to the Time resolution")
    {
    }

  private:
    void DoRun() override
    {
        const double rate = 4e12;
        Ptr<ComputeDevice> device = MakeDevice(rate);
        TaskLog log;
        log.Attach(device);
        // 1.3e10 / 4e12 = 3.25 ms exactly; 1e9 / 3e12 has no exact ns value (rounds).
        Simulator::Schedule(Seconds(1), [device]() {
            device->Submit(1.3e10, "exact", MakeNullCallback<void>());
        });
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(log.finished.size(), 1u, "one task finished");
        NS_TEST_ASSERT_MSG_EQ(log.finished[0].finishTime,
                              Seconds(1) + MicroSeconds(3250),
                              "finish = submit + 3.25 ms");
        NS_TEST_ASSERT_MSG_EQ(log.finished[0].duration, MicroSeconds(3250), "duration");
        NS_TEST_ASSERT_MSG_EQ(log.finished[0].queueingDelay, Time(0), "no queueing");

        device->SetAttribute("EffectiveFlopsPerSecond", DoubleValue(3e12));
        NS_TEST_ASSERT_MSG_EQ(device->GetComputeDuration(1e9),
                              ExpectedDuration(1e9, 3e12),
                              "rounded to the nearest ns");
        NS_TEST_ASSERT_MSG_EQ(device->GetComputeDuration(1e9), NanoSeconds(333333), "1/3 ms");
        NS_TEST_ASSERT_MSG_EQ(device->GetComputeDuration(0), Time(0), "zero FLOPs take no time");
        Simulator::Destroy();
    }
};

class ComputeFifoTestCase : public TestCase
{
  public:
    ComputeFifoTestCase()
        : TestCase("tasks run one at a time in submission order")
    {
    }

  private:
    void DoRun() override
    {
        const double rate = 1e12;
        Ptr<ComputeDevice> device = MakeDevice(rate);
        TaskLog log;
        log.Attach(device);
        const double flopsA = 2e10; // 20 ms
        const double flopsB = 5e9;  // 5 ms
        const double flopsC = 1e9;  // 1 ms, submitted by A's done() while B waits
        const double flopsD = 3e9;  // 3 ms, submitted by C's done() onto an empty queue
        const Time t1 = ExpectedDuration(flopsA, rate);
        const Time t2 = ExpectedDuration(flopsB, rate);
        const Time t3 = ExpectedDuration(flopsC, rate);
        const Time t4 = ExpectedDuration(flopsD, rate);
        uint32_t started = 0;
        device->TraceConnectWithoutContext(
            "TaskStarted",
            MakeBoundCallback(
                +[](uint32_t* count, const std::string&, double, Time) { ++*count; },
                &started));

        device->Submit(flopsA, "A", [&log, device, flopsC, flopsD]() {
            log.OnDone("A");
            device->Submit(flopsC, "C", [&log, device, flopsD]() {
                log.OnDone("C");
                device->Submit(flopsD, "D", [&log]() { log.OnDone("D"); });
            });
        });
        device->Submit(flopsB, "B", [&log]() { log.OnDone("B"); });
        NS_TEST_ASSERT_MSG_EQ(device->IsBusy(), true, "A runs at once");
        NS_TEST_ASSERT_MSG_EQ(device->GetQueueLength(), 1u, "B waits");
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(log.finished.size(), 4u, "four tasks");
        NS_TEST_ASSERT_MSG_EQ(log.finished[0].label, "A", "A first");
        NS_TEST_ASSERT_MSG_EQ(log.finished[0].finishTime, t1, "A at t1");
        NS_TEST_ASSERT_MSG_EQ(log.finished[1].label, "B", "B second");
        NS_TEST_ASSERT_MSG_EQ(log.finished[1].finishTime, t1 + t2, "B at t1 + t2");
        NS_TEST_ASSERT_MSG_EQ(log.finished[1].queueingDelay, t1, "B waited for A");
        NS_TEST_ASSERT_MSG_EQ(log.finished[1].duration, t2, "B ran t2");
        NS_TEST_ASSERT_MSG_EQ(log.finished[2].label, "C", "C queued behind B");
        NS_TEST_ASSERT_MSG_EQ(log.finished[2].finishTime, t1 + t2 + t3, "C at t1 + t2 + t3");
        NS_TEST_ASSERT_MSG_EQ(log.finished[2].queueingDelay, t2, "C waited for B");
        NS_TEST_ASSERT_MSG_EQ(log.finished[3].finishTime, t1 + t2 + t3 + t4, "D after C");
        NS_TEST_ASSERT_MSG_EQ(log.finished[3].queueingDelay, Time(0), "D found the queue empty");
        NS_TEST_ASSERT_MSG_EQ(started, 4u, "each task started exactly once");
        std::string doneOrder;
        for (const std::string& label : log.doneOrder)
        {
            doneOrder += label;
        }
        NS_TEST_ASSERT_MSG_EQ(doneOrder, "ABCD", "every done() called, in order");
        NS_TEST_ASSERT_MSG_EQ(device->GetBusyTime(), t1 + t2 + t3 + t4, "busy time is the sum");
        NS_TEST_ASSERT_MSG_EQ(device->IsBusy(), false, "idle at the end");
        Simulator::Destroy();
    }
};

class ComputeEnergyTestCase : public TestCase
{
  public:
    ComputeEnergyTestCase()
        : TestCase("compute and radio energy follow P x t closed forms")
    {
    }

  private:
    void DoRun() override
    {
        const double activeW = 10.0;
        const double idleW = 2.0;
        const double rate = 1e12;
        Ptr<ComputeDevice> device = MakeDevice(rate, activeW, idleW);
        // Timeline: idle [0,1) s, busy [1,2) s, idle [2,3) s at 2 W, idle [3,5) s at 1 W.
        Simulator::Schedule(Seconds(1), [device, rate]() {
            device->Submit(rate * 1.0, "one-second", MakeNullCallback<void>());
        });
        std::vector<double> energyJ;
        Simulator::Schedule(Seconds(1.5), [device, &energyJ]() {
            energyJ.push_back(device->GetComputeEnergyJ());
        });
        Simulator::Schedule(Seconds(3),
                            [device]() { device->SetAttribute("IdlePowerW", DoubleValue(1.0)); });
        Simulator::Schedule(Seconds(4), [device]() {
            device->AddRadioEnergy(0.2, MilliSeconds(10));
            device->AddRadioEnergy(0.2, MilliSeconds(15));
        });
        Simulator::Stop(Seconds(5));
        Simulator::Run();

        const double tol = 1e-12;
        NS_TEST_ASSERT_MSG_EQ_TOL(energyJ.at(0),
                                  idleW * 1.0 + activeW * 0.5,
                                  tol,
                                  "mid-task energy counts the running part");
        const double expectedComputeJ = idleW * 1.0 + activeW * 1.0 + idleW * 1.0 + 1.0 * 2.0;
        NS_TEST_ASSERT_MSG_EQ_TOL(device->GetComputeEnergyJ(),
                                  expectedComputeJ,
                                  tol,
                                  "compute energy");
        NS_TEST_ASSERT_MSG_EQ_TOL(device->GetRadioEnergyJ(), 0.2 * 0.025, tol, "radio energy");
        NS_TEST_ASSERT_MSG_EQ_TOL(device->GetTotalEnergyJ(),
                                  expectedComputeJ + 0.2 * 0.025,
                                  tol,
                                  "total energy");
        NS_TEST_ASSERT_MSG_EQ(device->GetBusyTime(), Seconds(1), "busy 1 s");
        NS_TEST_ASSERT_MSG_EQ(device->GetIdleTime(), Seconds(4), "idle 4 s");

        bool threw = false;
        try
        {
            device->AddRadioEnergy(-1.0, MilliSeconds(1));
        }
        catch (const std::invalid_argument& e)
        {
            threw = Contains(e.what(), "-1 W");
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "negative radio power rejected naming it");
        Simulator::Destroy();
    }
};

class ComputeIdleEnergyTestCase : public TestCase
{
  public:
    ComputeIdleEnergyTestCase()
        : TestCase("a device that never computes draws idle power from creation")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<ComputeDevice> device = CreateObject<ComputeDevice>(); // default: phone profile
        const double idleW = DeviceProfile::Get("phone").idlePowerW;
        Simulator::Stop(Seconds(7.25));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ_TOL(device->GetComputeEnergyJ(), idleW * 7.25, 1e-12, "idle");
        NS_TEST_ASSERT_MSG_EQ(device->GetBusyTime(), Time(0), "never busy");
        NS_TEST_ASSERT_MSG_EQ(device->GetRadioEnergyJ(), 0.0, "no radio energy");
        Simulator::Destroy();
    }
};

class ComputeMemoryTestCase : public TestCase
{
  public:
    ComputeMemoryTestCase()
        : TestCase("memory overflow names device and shortfall and leaves usage unchanged")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<ComputeDevice> device = MakeDevice(1e12);
        device->SetAttribute("MemoryBytes", UintegerValue(100 * 1024 * 1024)); // 100 MiB
        const uint32_t nodeId = device->GetObject<Node>()->GetId();
        std::vector<uint64_t> usage;
        device->TraceConnectWithoutContext(
            "MemoryUsage",
            MakeBoundCallback(
                +[](std::vector<uint64_t>* out, const std::string&, int64_t, uint64_t used) {
                    out->push_back(used);
                },
                &usage));

        device->AllocateMemory(60 * 1024 * 1024, "shard-0 weights");
        NS_TEST_ASSERT_MSG_EQ(device->GetMemoryUsedBytes(), 60u * 1024 * 1024, "60 MiB used");

        // 60 MiB used + 50 MiB requested = 10 MiB over a 100 MiB capacity.
        const uint64_t shortfall = 10 * 1024 * 1024;
        bool threw = false;
        std::string message;
        try
        {
            device->AllocateMemory(50 * 1024 * 1024, "shard-0 activations");
        }
        catch (const DeviceOutOfMemoryError& e)
        {
            threw = true;
            message = e.what();
            NS_TEST_ASSERT_MSG_EQ(e.GetShortfallBytes(), shortfall, "shortfall bytes");
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "overflow must throw");
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "node " + std::to_string(nodeId)),
                              true,
                              "names the node: " << message);
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "'phone'"), true, "names the profile");
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "shard-0 activations"), true, "names what");
        NS_TEST_ASSERT_MSG_EQ(Contains(message, std::to_string(shortfall) + " bytes"),
                              true,
                              "shortfall in bytes");
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "10.0 MiB"), true, "shortfall in MiB");
        NS_TEST_ASSERT_MSG_EQ(device->GetMemoryUsedBytes(), 60u * 1024 * 1024, "unchanged");
        NS_TEST_ASSERT_MSG_EQ(usage.size(), 1u, "no trace for the failed allocation");

        // Exactly filling the memory is allowed; one byte more is not.
        device->AllocateMemory(40 * 1024 * 1024, "shard-0 activations");
        NS_TEST_ASSERT_MSG_EQ(device->GetMemoryFreeBytes(), 0u, "full");
        threw = false;
        try
        {
            device->AllocateMemory(1, "one byte");
        }
        catch (const std::runtime_error& e)
        {
            threw = Contains(e.what(), "short by 1 bytes");
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "one byte over a full memory");

        threw = false;
        try
        {
            device->ReleaseMemory(41 * 1024 * 1024, "shard-0 activations");
        }
        catch (const std::invalid_argument& e)
        {
            threw = Contains(e.what(), "shard-0 activations");
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "releasing more than a label holds");
        threw = false;
        try
        {
            device->SetAttribute("MemoryBytes", UintegerValue(1024));
        }
        catch (const std::invalid_argument& e)
        {
            threw = Contains(e.what(), "in use");
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "capacity below usage rejected");

        device->ReleaseMemory(40 * 1024 * 1024, "shard-0 activations");
        device->ReleaseMemory(60 * 1024 * 1024, "shard-0 weights");
        NS_TEST_ASSERT_MSG_EQ(device->GetMemoryUsedBytes(), 0u, "all released");
        NS_TEST_ASSERT_MSG_EQ(device->GetPeakMemoryUsedBytes(), 100u * 1024 * 1024, "peak");
        NS_TEST_ASSERT_MSG_EQ(usage.size(), 4u, "one trace per change");
        NS_TEST_ASSERT_MSG_EQ(usage.back(), 0u, "trace reports usage after the change");
        Simulator::Destroy();
    }
};

class ComputeInvalidTaskTestCase : public TestCase
{
  public:
    ComputeInvalidTaskTestCase()
        : TestCase("negative, NaN or infinite FLOPs are rejected and nothing is queued")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<ComputeDevice> device = MakeDevice(1e12);
        for (double flops : {-1.0,
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             1e40})
        {
            bool threw = false;
            try
            {
                device->Submit(flops, "bad", MakeNullCallback<void>());
            }
            catch (const std::invalid_argument& e)
            {
                threw = Contains(e.what(), "FLOPs");
            }
            NS_TEST_ASSERT_MSG_EQ(threw, true, "flops=" << flops << " must throw");
            NS_TEST_ASSERT_MSG_EQ(device->IsBusy(), false, "nothing queued");
        }
        Simulator::Destroy();
    }
};

class ComputeDeviceTestSuite : public TestSuite
{
  public:
    ComputeDeviceTestSuite()
        : TestSuite("compute-device", TestSuite::UNIT)
    {
        AddTestCase(new ComputeLatencyTestCase, TestCase::QUICK);
        AddTestCase(new ComputeFifoTestCase, TestCase::QUICK);
        AddTestCase(new ComputeEnergyTestCase, TestCase::QUICK);
        AddTestCase(new ComputeIdleEnergyTestCase, TestCase::QUICK);
        AddTestCase(new ComputeMemoryTestCase, TestCase::QUICK);
        AddTestCase(new ComputeInvalidTaskTestCase, TestCase::QUICK);
    }
};

ComputeDeviceTestSuite g_computeDeviceTestSuite;

} // namespace
