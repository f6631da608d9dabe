#include "compute/device-profile.h"

#include "ns3/test.h"

#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

class ComputeProfileBuiltInTestCase : public TestCase
{
  public:
    ComputeProfileBuiltInTestCase()
        : TestCase("built-in profiles are valid and their rates are a fraction of peak")
    {
    }

  private:
    void DoRun() override
    {
        const auto names = DeviceProfile::GetNames();
        NS_TEST_ASSERT_MSG_EQ(names.size(), 4u, "four built-in profiles");
        for (const std::string& name : names)
        {
            const DeviceProfile profile = DeviceProfile::Get(name);
            NS_TEST_ASSERT_MSG_EQ(profile.name, name, "Get returns the named profile");
            bool valid = true;
            try
            {
                profile.Validate();
            }
            catch (const std::invalid_argument&)
            {
                valid = false;
            }
            NS_TEST_ASSERT_MSG_EQ(valid, true, name << " validates");
            NS_TEST_ASSERT_MSG_GT(profile.memoryBytes, 0u, name << " has memory");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(profile.activePowerW,
                                        profile.idlePowerW,
                                        name << ": computing draws at least idle power");
        }

        // Dense FP16 tensor peaks from the vendors' datasheets (docs/compute-model.md): a
        // sustained rate must lie well below peak (10-60%, the range of reported MFUs).
        struct Peak
        {
            const char* name;
            double peakFlopsPerS;
        };

        for (const Peak& peak : {Peak{"embedded-gpu", 42.5e12}, Peak{"edge-server", 312e12}})
        {
            const double fraction =
                DeviceProfile::Get(peak.name).effectiveFlopsPerS / peak.peakFlopsPerS;
            NS_TEST_ASSERT_MSG_GT_OR_EQ(fraction, 0.1, peak.name << " effective/peak");
            NS_TEST_ASSERT_MSG_LT_OR_EQ(fraction, 0.6, peak.name << " effective/peak");
        }
        // UE power class 3: 23 dBm (TS 38.101-1 sec. 6.2.1).
        NS_TEST_ASSERT_MSG_EQ_TOL(DeviceProfile::Get("phone").txPowerDbm, 23.0, 1e-12, "PC3");
    }
};

class ComputeProfileErrorsTestCase : public TestCase
{
  public:
    ComputeProfileErrorsTestCase()
        : TestCase("unknown profile names and bad fields are rejected with a message")
    {
    }

  private:
    void DoRun() override
    {
        std::string message;
        try
        {
            DeviceProfile::Get("mainframe");
        }
        catch (const std::invalid_argument& e)
        {
            message = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(message.find("'mainframe'"), std::string::npos, message);
        for (const std::string& name : DeviceProfile::GetNames())
        {
            NS_TEST_ASSERT_MSG_NE(message.find(name), std::string::npos, "lists " << name);
        }

        DeviceProfile profile = DeviceProfile::Get("laptop");
        profile.effectiveFlopsPerS = -3;
        message.clear();
        try
        {
            profile.Validate();
        }
        catch (const std::invalid_argument& e)
        {
            message = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(message.find("-3"), std::string::npos, "names the bad rate");
        NS_TEST_ASSERT_MSG_NE(message.find("laptop"), std::string::npos, "names the profile");
    }
};

class ComputeProfileTestSuite : public TestSuite
{
  public:
    ComputeProfileTestSuite()
        : TestSuite("compute-profile", TestSuite::UNIT)
    {
        AddTestCase(new ComputeProfileBuiltInTestCase, TestCase::QUICK);
        AddTestCase(new ComputeProfileErrorsTestCase, TestCase::QUICK);
    }
};

ComputeProfileTestSuite g_computeProfileTestSuite;

} // namespace
