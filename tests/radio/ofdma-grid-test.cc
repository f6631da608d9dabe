#include "radio/ofdma-grid.h"

#include "ns3/test.h"

#include <stdexcept>

using namespace ns3;

namespace
{

/// PRB counts and slot timing against TS 38.101-1/-2 Table 5.3.2-1 and TS 38.211 sec. 4.2.
class OfdmaGridTableTestCase : public TestCase
{
  public:
    OfdmaGridTableTestCase()
        : TestCase("PRB counts and slot durations follow TS 38.101 and TS 38.211")
    {
    }

  private:
    void DoRun() override
    {
        struct Row
        {
            uint8_t mu;
            double bandwidthHz;
            uint32_t prbs;
        };

        for (const Row& row : {Row{0, 20e6, 106},
                               Row{0, 50e6, 270},
                               Row{1, 100e6, 273},
                               Row{1, 20e6, 51},
                               Row{2, 100e6, 135},
                               Row{3, 400e6 / 2, 132},
                               Row{3, 400e6, 264}})
        {
            OfdmaGrid grid(row.mu, row.bandwidthHz);
            NS_TEST_ASSERT_MSG_EQ(grid.GetNumPrbs(), row.prbs, "N_RB for mu=" << +row.mu);
            NS_TEST_ASSERT_MSG_EQ(grid.IsPrbCountFromTable(), true, "table lookup");
        }
        OfdmaGrid fr3(2, 37.5e6); // not in any table: 95% of 37.5 MHz in 720 kHz PRBs
        NS_TEST_ASSERT_MSG_EQ(fr3.GetNumPrbs(), 49u, "fallback N_RB");
        NS_TEST_ASSERT_MSG_EQ(fr3.IsPrbCountFromTable(), false, "fallback flagged");

        for (uint8_t mu = 0; mu <= 4; ++mu)
        {
            OfdmaGrid grid(mu, 100e6);
            NS_TEST_ASSERT_MSG_EQ(grid.GetSlotDuration() * grid.GetSlotsPerSecond(),
                                  Seconds(1),
                                  "slots tile one second exactly");
            NS_TEST_ASSERT_MSG_EQ_TOL(grid.GetPrbBandwidthHz(),
                                      180e3 * (1 << mu),
                                      1e-6,
                                      "PRB width");
        }
    }
};

class OfdmaGridInvalidInputTestCase : public TestCase
{
  public:
    OfdmaGridInvalidInputTestCase()
        : TestCase("invalid numerology or bandwidth is rejected with a message")
    {
    }

  private:
    void DoRun() override
    {
        bool threw = false;
        try
        {
            OfdmaGrid grid(7, 20e6);
        }
        catch (const std::invalid_argument& e)
        {
            threw = std::string(e.what()).find("numerology 7") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "numerology 7 must throw naming the value");
        threw = false;
        try
        {
            OfdmaGrid grid(1, -5e6);
        }
        catch (const std::invalid_argument& e)
        {
            threw = std::string(e.what()).find("bandwidth") != std::string::npos;
        }
        NS_TEST_ASSERT_MSG_EQ(threw, true, "negative bandwidth must throw naming it");
    }
};

class OfdmaGridTestSuite : public TestSuite
{
  public:
    OfdmaGridTestSuite()
        : TestSuite("radio-ofdma-grid", TestSuite::UNIT)
    {
        AddTestCase(new OfdmaGridTableTestCase, TestCase::QUICK);
        AddTestCase(new OfdmaGridInvalidInputTestCase, TestCase::QUICK);
    }
};

OfdmaGridTestSuite g_ofdmaGridTestSuite;

} // namespace
