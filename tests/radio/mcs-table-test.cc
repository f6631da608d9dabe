#include "radio/mcs-table.h"

#include "ns3/test.h"

#include <cmath>

using namespace ns3;

namespace
{

/**
 * Internal consistency of the typed TS 38.214 tables: each printed spectral efficiency
 * must equal Qm * R / 1024 rounded to 4 decimals, so a typo in any column shows up.
 */
class McsTableConsistencyTestCase : public TestCase
{
  public:
    McsTableConsistencyTestCase()
        : TestCase("MCS and CQI rows satisfy SE = Qm * R and the TS 38.214 row counts")
    {
    }

  private:
    void CheckRow(const ModCodEntry& row, const std::string& where)
    {
        // Printed with 4 decimals: |SE - Qm R| <= 0.5e-4 (plus double rounding).
        NS_TEST_EXPECT_MSG_EQ_TOL(row.spectralEfficiency,
                                  row.qm * row.GetCodeRate(),
                                  0.5e-4 + 1e-9,
                                  where << ": SE != Qm * R / 1024");
        NS_TEST_EXPECT_MSG_EQ((row.GetCodeRate() > 0 && row.GetCodeRate() < 1),
                              true,
                              where << ": code rate");
    }

    void DoRun() override
    {
        // Row counts without reserved entries: I_MCS 0..28 and 0..27, CQI 1..15.
        NS_TEST_ASSERT_MSG_EQ(McsTable::GetMcsEntries(McsTable::QAM64).size(), 29u, "Table 1");
        NS_TEST_ASSERT_MSG_EQ(McsTable::GetMcsEntries(McsTable::QAM256).size(), 28u, "Table 2");

        for (McsTable::Type type : {McsTable::QAM64, McsTable::QAM256})
        {
            const auto& rows = McsTable::GetMcsEntries(type);
            for (size_t mcs = 0; mcs < rows.size(); ++mcs)
            {
                CheckRow(rows[mcs], "MCS " + std::to_string(mcs));
            }
            for (uint8_t cqi = 1; cqi <= McsTable::kMaxCqi; ++cqi)
            {
                CheckRow(McsTable::GetCqi(type, cqi), "CQI " + std::to_string(cqi));
                if (cqi > 1)
                {
                    NS_TEST_EXPECT_MSG_GT(McsTable::GetCqi(type, cqi).spectralEfficiency,
                                          McsTable::GetCqi(type, cqi - 1).spectralEfficiency,
                                          "CQI efficiency increases at CQI " << +cqi);
                }
            }
            // Both tables start at QPSK 120/1024 and the CQI tables at QPSK 78/1024.
            NS_TEST_EXPECT_MSG_EQ(rows.front().codeRateX1024, 120, "lowest MCS rate");
            NS_TEST_EXPECT_MSG_EQ(McsTable::GetCqi(type, 1).codeRateX1024, 78, "CQI 1 rate");
            NS_TEST_EXPECT_MSG_EQ(McsTable::GetCqi(type, 15).codeRateX1024, 948, "CQI 15 rate");
        }

        // Modulation boundaries. Table 5.1.3.1-1: QPSK 0-9, 16QAM 10-16, 64QAM 17-28.
        // Table 5.1.3.1-2: QPSK 0-4, 16QAM 5-10, 64QAM 11-19, 256QAM 20-27.
        const auto qmOf = [](McsTable::Type type, uint8_t mcs) {
            return unsigned(McsTable::GetMcs(type, mcs).qm);
        };
        for (uint8_t mcs = 0; mcs <= 28; ++mcs)
        {
            NS_TEST_EXPECT_MSG_EQ(qmOf(McsTable::QAM64, mcs),
                                  (mcs <= 9    ? 2u
                                   : mcs <= 16 ? 4u
                                               : 6u),
                                  "Qm of Table 1 MCS " << +mcs);
        }
        for (uint8_t mcs = 0; mcs <= 27; ++mcs)
        {
            NS_TEST_EXPECT_MSG_EQ(qmOf(McsTable::QAM256, mcs),
                                  (mcs <= 4    ? 2u
                                   : mcs <= 10 ? 4u
                                   : mcs <= 19 ? 6u
                                               : 8u),
                                  "Qm of Table 2 MCS " << +mcs);
        }
        // The two half-integer rates of Table 2 and the top rows.
        NS_TEST_EXPECT_MSG_EQ(McsTable::GetMcs(McsTable::QAM256, 20).codeRateX1024, 682.5, "");
        NS_TEST_EXPECT_MSG_EQ(McsTable::GetMcs(McsTable::QAM256, 26).codeRateX1024, 916.5, "");
        NS_TEST_EXPECT_MSG_EQ(McsTable::GetMcs(McsTable::QAM256, 27).codeRateX1024, 948, "");
        NS_TEST_EXPECT_MSG_EQ(McsTable::GetMcs(McsTable::QAM64, 28).codeRateX1024, 948, "");

        // Spectral efficiency increases with the MCS index, except where TS 38.214 Table
        // 5.1.3.1-1 itself steps down from MCS 16 (16QAM, 2.5703) to 17 (64QAM, 2.5664).
        for (McsTable::Type type : {McsTable::QAM64, McsTable::QAM256})
        {
            const auto& rows = McsTable::GetMcsEntries(type);
            for (size_t mcs = 1; mcs < rows.size(); ++mcs)
            {
                const bool specException = type == McsTable::QAM64 && mcs == 17;
                const bool increases =
                    rows[mcs].spectralEfficiency > rows[mcs - 1].spectralEfficiency;
                NS_TEST_EXPECT_MSG_EQ(increases, !specException, "SE order at MCS " << mcs);
            }
        }
    }
};

class McsTableTestSuite : public TestSuite
{
  public:
    McsTableTestSuite()
        : TestSuite("radio-mcs-table", TestSuite::UNIT)
    {
        AddTestCase(new McsTableConsistencyTestCase, TestCase::QUICK);
    }
};

McsTableTestSuite g_mcsTableTestSuite;

} // namespace
