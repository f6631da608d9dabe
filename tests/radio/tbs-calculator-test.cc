#include "radio/mcs-table.h"
#include "radio/tbs-calculator.h"

#include "ns3/test.h"

#include <algorithm>

using namespace ns3;

namespace
{

/**
 * TBS against values derived by hand with TS 38.214 sec. 5.1.3.2. Common slot layout:
 * 12 data symbols, 12 DM-RS REs per PRB, no xOverhead, so N'_RE = 12*12 - 12 = 132.
 */
class TbsHandDerivedTestCase : public TestCase
{
  public:
    TbsHandDerivedTestCase()
        : TestCase("TBS equals hand-derived TS 38.214 sec. 5.1.3.2 values")
    {
    }

  private:
    uint32_t Tbs(uint8_t mcs, uint32_t prbs, uint32_t symbols, uint32_t dmrs, uint8_t layers)
    {
        const ModCodEntry& e = McsTable::GetMcs(McsTable::QAM256, mcs);
        return TbsCalculator::ComputeTbsBits(e.qm, e.GetCodeRate(), prbs, symbols, dmrs, 0, layers);
    }

    void DoRun() override
    {
        // (a) 273 PRB, MCS 27 of Table 5.1.3.1-2 (Qm 8, R 948/1024), 1 layer.
        //   N_RE = 132 * 273 = 36036; N_info = 36036 * 948/1024 * 8 = 266891.0625 > 3824.
        //   n = floor(log2(266867.0625)) - 5 = 18 - 5 = 13;
        //   N'_info = 8192 * round(266867.0625 / 8192 = 32.58) = 8192 * 33 = 270336.
        //   R > 1/4 and N'_info > 8424: C = ceil(270360 / 8424) = 33;
        //   TBS = 8 * 33 * ceil(270360 / 264 = 1024.09) - 24 = 264 * 1025 - 24 = 270576.
        NS_TEST_EXPECT_MSG_EQ(Tbs(27, 273, 12, 12, 1), 270576u, "273 PRB MCS 27");

        // (b) as (a) with 4 layers: N_info = 1067564.25; n = floor(log2(1067540.25)) - 5 = 15;
        //   N'_info = 32768 * round(32.58) = 1081344; C = ceil(1081368 / 8424) = 129;
        //   TBS = 1032 * ceil(1081368 / 1032 = 1047.8) - 24 = 1032 * 1048 - 24 = 1081512,
        //   the largest single-codeword TBS widely quoted for 100 MHz / 30 kHz NR.
        NS_TEST_EXPECT_MSG_EQ(Tbs(27, 273, 12, 12, 4), 1081512u, "273 PRB MCS 27, 4 layers");

        // (c) 1 PRB, MCS 0 (Qm 2, R 120/1024): N_info = 132 * 0.1171875 * 2 = 30.94 <= 3824.
        //   n = max(3, floor(log2 30.94) - 6) = 3; N'_info = max(24, 8 * floor(3.87)) = 24;
        //   smallest table entry >= 24 is 24.
        NS_TEST_EXPECT_MSG_EQ(Tbs(0, 1, 12, 12, 1), 24u, "1 PRB MCS 0");

        // (d) 10 PRB, MCS 10 (Qm 4, R 658/1024): N_info = 1320 * 2.5703125 = 3392.81.
        //   n = max(3, 11 - 6) = 5; N'_info = 32 * floor(106.03) = 3392; table entry >= 3392
        //   is 3496.
        NS_TEST_EXPECT_MSG_EQ(Tbs(10, 10, 12, 12, 1), 3496u, "10 PRB MCS 10");

        // (e) 273 PRB, MCS 0: N_info = 36036 * 0.234375 = 8445.94 > 3824.
        //   n = floor(log2(8421.94)) - 5 = 8; N'_info = 256 * round(32.90) = 8448.
        //   R <= 1/4: C = ceil(8472 / 3816) = 3; TBS = 24 * ceil(8472 / 24 = 353) - 24 = 8448.
        NS_TEST_EXPECT_MSG_EQ(Tbs(0, 273, 12, 12, 1), 8448u, "273 PRB MCS 0 (R <= 1/4 branch)");

        // (f) 20 PRB, MCS 10: N_info = 2640 * 2.5703125 = 6785.63 > 3824.
        //   n = floor(log2(6761.63)) - 5 = 7; N'_info = 128 * round(52.83) = 6784 <= 8424;
        //   TBS = 8 * ceil(6808 / 8 = 851) - 24 = 6784.
        NS_TEST_EXPECT_MSG_EQ(Tbs(10, 20, 12, 12, 1), 6784u, "20 PRB MCS 10 (single block)");

        // (g) 1 PRB, 14 symbols, no DM-RS: N'_RE = 168 is capped at 156.
        //   MCS 27: N_info = 156 * 7.40625 = 1155.38; n = max(3, 10 - 6) = 4;
        //   N'_info = 16 * floor(72.21) = 1152; table entry >= 1152 is 1160.
        NS_TEST_EXPECT_MSG_EQ(Tbs(27, 1, 14, 0, 1), 1160u, "156-RE cap");
        NS_TEST_EXPECT_MSG_EQ(TbsCalculator::GetDataRePerPrb(14, 0, 0), 156u, "cap");
        NS_TEST_EXPECT_MSG_EQ(TbsCalculator::GetNumDataRe(273, 12, 12, 18), 273u * 114, "N_RE");
    }
};

/// TBS never decreases when PRBs, layers or the product Qm * R grow.
class TbsMonotonicityTestCase : public TestCase
{
  public:
    TbsMonotonicityTestCase()
        : TestCase("TBS is non-decreasing in PRBs, layers and Qm * R")
    {
    }

  private:
    void DoRun() override
    {
        for (McsTable::Type type : {McsTable::QAM64, McsTable::QAM256})
        {
            // Rows in order of Qm * R (Table 5.1.3.1-1 is not ordered at MCS 16/17).
            std::vector<ModCodEntry> rows = McsTable::GetMcsEntries(type);
            std::sort(rows.begin(), rows.end(), [](const ModCodEntry& a, const ModCodEntry& b) {
                return a.qm * a.codeRateX1024 < b.qm * b.codeRateX1024;
            });
            for (uint8_t layers = 1; layers <= 2; ++layers)
            {
                uint32_t previousRowTbs[TbsCalculator::kMaxPrbs + 1] = {};
                for (const ModCodEntry& row : rows)
                {
                    uint32_t previousPrbTbs = 0;
                    for (uint32_t prbs = 1; prbs <= TbsCalculator::kMaxPrbs; ++prbs)
                    {
                        const uint32_t tbs = TbsCalculator::ComputeTbsBits(row.qm,
                                                                           row.GetCodeRate(),
                                                                           prbs,
                                                                           12,
                                                                           12,
                                                                           0,
                                                                           layers);
                        NS_TEST_ASSERT_MSG_GT_OR_EQ(tbs, previousPrbTbs, "PRBs " << prbs);
                        NS_TEST_ASSERT_MSG_GT_OR_EQ(tbs, previousRowTbs[prbs], "Qm R " << prbs);
                        previousPrbTbs = tbs;
                        previousRowTbs[prbs] = tbs;
                    }
                }
            }
        }
    }
};

/**
 * Segmentation (TS 38.212) against hand values, and against the TBS procedure: for
 * TBS > 3824 the number of code blocks that sec. 5.1.3.2 step 4 assumed must equal the
 * segmentation's C, and TBS + 24 must split into C whole bytes-aligned blocks.
 */
class CodeBlockSegmentationTestCase : public TestCase
{
  public:
    CodeBlockSegmentationTestCase()
        : TestCase("code-block segmentation matches hand values and the TBS procedure")
    {
    }

  private:
    void DoRun() override
    {
        // TBS 270576 at R = 948/1024: BG1; B = 270600; C = ceil(270600 / 8424) = 33;
        // K' = (270600 + 33 * 24) / 33 = 8224.
        CodeBlockSegmentation seg = TbsCalculator::SegmentCodeBlocks(270576, 948.0 / 1024);
        NS_TEST_EXPECT_MSG_EQ(unsigned(seg.baseGraph), 1u, "BG");
        NS_TEST_EXPECT_MSG_EQ(seg.numCodeBlocks, 33u, "C");
        NS_TEST_EXPECT_MSG_EQ(seg.codeBlockBits, 8224u, "K'");
        // TBS 8448 at R = 120/1024 <= 1/4: BG2; B = 8472; C = ceil(8472 / 3816) = 3;
        // K' = (8472 + 72) / 3 = 2848.
        seg = TbsCalculator::SegmentCodeBlocks(8448, 120.0 / 1024);
        NS_TEST_EXPECT_MSG_EQ(unsigned(seg.baseGraph), 2u, "BG");
        NS_TEST_EXPECT_MSG_EQ(seg.numCodeBlocks, 3u, "C");
        NS_TEST_EXPECT_MSG_EQ(seg.codeBlockBits, 2848u, "K'");
        // TBS 24: BG2 (A <= 292), one block of 24 + 16 CRC bits.
        seg = TbsCalculator::SegmentCodeBlocks(24, 948.0 / 1024);
        NS_TEST_EXPECT_MSG_EQ(unsigned(seg.baseGraph), 2u, "BG");
        NS_TEST_EXPECT_MSG_EQ(seg.numCodeBlocks, 1u, "C");
        NS_TEST_EXPECT_MSG_EQ(seg.codeBlockBits, 40u, "K'");

        for (McsTable::Type type : {McsTable::QAM64, McsTable::QAM256})
        {
            for (const ModCodEntry& row : McsTable::GetMcsEntries(type))
            {
                for (uint32_t prbs = 1; prbs <= TbsCalculator::kMaxPrbs; prbs += 4)
                {
                    const double rate = row.GetCodeRate();
                    const uint32_t tbs =
                        TbsCalculator::ComputeTbsBits(row.qm, rate, prbs, 12, 12, 0, 4);
                    seg = TbsCalculator::SegmentCodeBlocks(tbs, rate);
                    if (tbs > 3824)
                    {
                        NS_TEST_ASSERT_MSG_EQ((tbs + 24) % (8 * seg.numCodeBlocks),
                                              0u,
                                              "TBS " << tbs << " C " << seg.numCodeBlocks);
                    }
                    NS_TEST_ASSERT_MSG_GT_OR_EQ(seg.codeBlockBits * seg.numCodeBlocks,
                                                tbs,
                                                "blocks hold the TB");
                }
            }
        }
    }
};

class TbsCalculatorTestSuite : public TestSuite
{
  public:
    TbsCalculatorTestSuite()
        : TestSuite("radio-tbs-calculator", TestSuite::UNIT)
    {
        AddTestCase(new TbsHandDerivedTestCase, TestCase::QUICK);
        AddTestCase(new TbsMonotonicityTestCase, TestCase::QUICK);
        AddTestCase(new CodeBlockSegmentationTestCase, TestCase::QUICK);
    }
};

TbsCalculatorTestSuite g_tbsCalculatorTestSuite;

} // namespace
