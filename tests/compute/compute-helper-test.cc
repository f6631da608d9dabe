#include "compute/compute-helper.h"

#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/node-container.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

/// Runs `action` and returns the message of the std::invalid_argument it throws ("" if none).
template <typename F>
std::string
InvalidArgumentMessage(F action)
{
    try
    {
        action();
    }
    catch (const std::invalid_argument& e)
    {
        return e.what();
    }
    return "";
}

class ComputeHelperInstallTestCase : public TestCase
{
  public:
    ComputeHelperInstallTestCase()
        : TestCase("Install aggregates a device with the profile plus overrides")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes;
        nodes.Create(3);
        ComputeHelper helper;
        helper.SetDeviceAttribute("MemoryBytes", UintegerValue(12345));
        const auto devices = helper.Install(nodes, "edge-server");
        NS_TEST_ASSERT_MSG_EQ(devices.size(), 3u, "one device per node");

        const DeviceProfile server = DeviceProfile::Get("edge-server");
        for (uint32_t i = 0; i < nodes.GetN(); ++i)
        {
            Ptr<ComputeDevice> device = ComputeHelper::Get(nodes.Get(i));
            NS_TEST_ASSERT_MSG_EQ(device, devices[i], "Get finds the installed device");
            const DeviceProfile profile = device->GetProfile();
            NS_TEST_ASSERT_MSG_EQ(profile.name, "edge-server", "profile name");
            NS_TEST_ASSERT_MSG_EQ(profile.effectiveFlopsPerS,
                                  server.effectiveFlopsPerS,
                                  "rate from the profile");
            NS_TEST_ASSERT_MSG_EQ(profile.activePowerW, server.activePowerW, "active power");
            NS_TEST_ASSERT_MSG_EQ(profile.memoryBytes, 12345u, "override applied on top");
        }

        // A Config path reaches the aggregated device (how scenarios override attributes).
        Config::Set("/NodeList/" + std::to_string(nodes.Get(1)->GetId()) +
                        "/$ns3::ComputeDevice/EffectiveFlopsPerSecond",
                    DoubleValue(2e12));
        NS_TEST_ASSERT_MSG_EQ(devices[1]->GetComputeDuration(1e12), Seconds(0.5), "via Config");
        NS_TEST_ASSERT_MSG_EQ(devices[0]->GetProfile().effectiveFlopsPerS,
                              server.effectiveFlopsPerS,
                              "other nodes untouched");
        Simulator::Destroy();
    }
};

class ComputeHelperErrorsTestCase : public TestCase
{
  public:
    ComputeHelperErrorsTestCase()
        : TestCase("bad profile, attribute or double install leave nodes untouched")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes;
        nodes.Create(2);
        ComputeHelper helper;

        std::string message = InvalidArgumentMessage([&]() { helper.Install(nodes, "toaster"); });
        NS_TEST_ASSERT_MSG_NE(message.find("toaster"), std::string::npos, message);
        NS_TEST_ASSERT_MSG_NE(message.find("embedded-gpu"), std::string::npos, "lists names");

        message =
            InvalidArgumentMessage([&]() { helper.SetDeviceAttribute("Flops", DoubleValue(1)); });
        NS_TEST_ASSERT_MSG_NE(message.find("'Flops'"), std::string::npos, message);
        message = InvalidArgumentMessage(
            [&]() { helper.SetDeviceAttribute("ActivePowerW", DoubleValue(-5)); });
        NS_TEST_ASSERT_MSG_NE(message.find("'-5' is not valid"), std::string::npos, message);

        message = InvalidArgumentMessage([&]() { ComputeHelper::Get(nodes.Get(0)); });
        NS_TEST_ASSERT_MSG_NE(message.find("has no ComputeDevice"), std::string::npos, message);

        helper.Install(NodeContainer(nodes.Get(1)), "laptop");
        message = InvalidArgumentMessage([&]() { helper.Install(nodes, "phone"); });
        NS_TEST_ASSERT_MSG_NE(message.find("already has"), std::string::npos, message);
        NS_TEST_ASSERT_MSG_EQ(nodes.Get(0)->GetObject<ComputeDevice>(),
                              nullptr,
                              "failed Install left node 0 untouched");
        NS_TEST_ASSERT_MSG_EQ(ComputeHelper::Get(nodes.Get(1))->GetProfile().name,
                              "laptop",
                              "node 1 keeps its device");
        Simulator::Destroy();
    }
};

class ComputeHelperTestSuite : public TestSuite
{
  public:
    ComputeHelperTestSuite()
        : TestSuite("compute-helper", TestSuite::UNIT)
    {
        AddTestCase(new ComputeHelperInstallTestCase, TestCase::QUICK);
        AddTestCase(new ComputeHelperErrorsTestCase, TestCase::QUICK);
    }
};

ComputeHelperTestSuite g_computeHelperTestSuite;

} // namespace
