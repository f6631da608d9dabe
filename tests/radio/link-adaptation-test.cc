#include "radio/bler-model.h"
#include "radio/link-adaptation.h"
#include "radio/mcs-table.h"
#include "radio/tbs-calculator.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Data REs per PRB of the default slot layout: 12 symbols * 12 subcarriers - 12 DM-RS REs.
constexpr uint32_t kDefaultDataRePerPrb = 12 * 12 - 12;

Ptr<LinkAdaptation>
MakeLinkAdaptation(McsTable::Type table, LinkAdaptation::Mode mode, uint8_t layers = 1)
{
    Ptr<LinkAdaptation> la = CreateObject<LinkAdaptation>();
    la->SetAttribute("McsTable", EnumValue(table));
    la->SetAttribute("Mode", EnumValue(mode));
    la->SetAttribute("NumLayers", UintegerValue(layers));
    return la;
}

/// Effective SINR against closed forms.
class EffectiveSinrTestCase : public TestCase
{
  public:
    EffectiveSinrTestCase()
        : TestCase("capacity-based effective SINR matches closed forms")
    {
    }

  private:
    void DoRun() override
    {
        // Flat channel: the effective SINR is the SINR.
        NS_TEST_EXPECT_MSG_EQ_TOL(LinkAdaptation::EffectiveSinrDb({100, 100, 100}),
                                  20.0,
                                  1e-12,
                                  "flat");
        // {0, 3}: mean log2(1 + s) = (0 + 2) / 2 = 1, so 2^1 - 1 = 1 = 0 dB.
        NS_TEST_EXPECT_MSG_EQ_TOL(LinkAdaptation::EffectiveSinrDb({0, 3}), 0.0, 1e-12, "{0, 3}");
        // {1, 15}: mean log2 = (1 + 4) / 2 = 2.5, 2^2.5 - 1 = 4.65685 (6.681 dB), below
        // the arithmetic mean 8 (Jensen), above the minimum 1.
        NS_TEST_EXPECT_MSG_EQ_TOL(LinkAdaptation::EffectiveSinrDb({1, 15}),
                                  10 * std::log10(std::pow(2.0, 2.5) - 1),
                                  1e-12,
                                  "{1, 15}");
        NS_TEST_EXPECT_MSG_EQ(std::isinf(LinkAdaptation::EffectiveSinrDb({0, 0})), true, "0");
    }
};

/**
 * No rate beats Shannon: for every SINR from -10 to 35 dB in 0.25 dB steps and every
 * tested allocation, the decided MCS delivers on average TBS * (1 - BLER) bits, which
 * must not exceed layers * N_RE * log2(1 + SINR), the capacity of the same data REs
 * (N_RE computed here from the slot layout). The decision must also be the highest MCS
 * meeting the 10% target (MCS 0 if none does).
 */
class ShannonBoundTestCase : public TestCase
{
  public:
    ShannonBoundTestCase()
        : TestCase("no decided rate exceeds the Shannon capacity of its resource")
    {
    }

  private:
    void DoRun() override
    {
        for (McsTable::Type table : {McsTable::QAM64, McsTable::QAM256})
        {
            const uint8_t topMcs = McsTable::GetMcsEntries(table).size() - 1;
            for (uint8_t layers : {1, 2})
            {
                Ptr<LinkAdaptation> la =
                    MakeLinkAdaptation(table, LinkAdaptation::MCS_TABLE, layers);
                for (uint32_t prbs : {1u, 3u, 25u, 106u, 273u})
                {
                    for (int step = 0; step <= 180; ++step)
                    {
                        const double sinrDb = -10 + 0.25 * step;
                        const LinkDecision d = la->Decide(sinrDb, prbs);
                        const double bler = la->GetBler(d, sinrDb);
                        const double capacityBits = layers * double(kDefaultDataRePerPrb) * prbs *
                                                    std::log2(1 + std::pow(10.0, sinrDb / 10));
                        NS_TEST_ASSERT_MSG_LT_OR_EQ(d.tbsBits * (1 - bler),
                                                    capacityBits,
                                                    "SINR " << sinrDb << " dB, " << prbs
                                                            << " PRBs, MCS " << +d.mcs);
                        NS_TEST_ASSERT_MSG_EQ(d.tbsBits, la->GetTbsBits(d.mcs, prbs), "TBS");
                        NS_TEST_ASSERT_MSG_EQ((d.mcs == 0 || bler <= 0.1), true, "target met");
                        if (d.mcs < topMcs)
                        {
                            const LinkDecision next{uint8_t(d.mcs + 1),
                                                    la->GetTbsBits(d.mcs + 1, prbs),
                                                    0};
                            NS_TEST_ASSERT_MSG_GT(la->GetBler(next, sinrDb), 0.1, "highest MCS");
                        }
                    }
                    NS_TEST_ASSERT_MSG_EQ(+la->Decide(-10, prbs).mcs, 0, "MCS 0 at -10 dB");
                    NS_TEST_ASSERT_MSG_EQ(+la->Decide(35, prbs).mcs, +topMcs, "top MCS at 35 dB");
                }
            }
        }
    }
};

/// ShannonGap mode: TBS = floor(layers * N_RE * log2(1 + SINR / gap)), no errors.
class ShannonGapTestCase : public TestCase
{
  public:
    ShannonGapTestCase()
        : TestCase("Shannon-gap mode rate equals floor(N_RE log2(1 + SINR over gap))")
    {
    }

  private:
    void DoRun() override
    {
        for (double gapDb : {0.0, 3.0, 6.5})
        {
            Ptr<LinkAdaptation> la =
                MakeLinkAdaptation(McsTable::QAM256, LinkAdaptation::SHANNON_GAP, 2);
            la->SetAttribute("ShannonGapDb", DoubleValue(gapDb));
            for (uint32_t prbs : {1u, 50u, 273u})
            {
                for (double sinrDb = -10; sinrDb <= 40; sinrDb += 2.5)
                {
                    const double efficiency =
                        std::log2(1 + std::pow(10.0, sinrDb / 10) / std::pow(10.0, gapDb / 10));
                    const LinkDecision d = la->Decide(sinrDb, prbs);
                    NS_TEST_ASSERT_MSG_EQ(
                        d.tbsBits,
                        uint32_t(std::floor(2.0 * kDefaultDataRePerPrb * prbs * efficiency)),
                        "TBS at " << sinrDb << " dB");
                    NS_TEST_ASSERT_MSG_EQ_TOL(d.spectralEfficiency, efficiency, 1e-12, "SE");
                    NS_TEST_ASSERT_MSG_EQ(+d.mcs, +LinkDecision::kNoMcs, "no MCS");
                    NS_TEST_ASSERT_MSG_EQ(la->GetBler(d, sinrDb), 0.0, "error free");
                }
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(la->EstimateBytesPerPrb(20),
                                      2.0 * kDefaultDataRePerPrb / 8 *
                                          std::log2(1 + std::pow(10.0, (20 - gapDb) / 10)),
                                      1e-9,
                                      "bytes per PRB");
        }
    }
};

/**
 * CQI selection against the closed-form 10% points 2^(Qm R / 0.75) - 1 of the CQI
 * rows, and the CQI-to-MCS mapping against TS 38.214 values read off the tables.
 */
class CqiMcsMappingTestCase : public TestCase
{
  public:
    CqiMcsMappingTestCase()
        : TestCase("CQI follows the 10% BLER points and maps to the closest lower MCS")
    {
    }

  private:
    void DoRun() override
    {
        // MCS of each CQI 1..15: the highest MCS whose SE <= the CQI's SE.
        const uint8_t expectedQam256[] = {0, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27};
        const uint8_t expectedQam64[] = {0, 0, 2, 4, 6, 8, 11, 13, 15, 18, 20, 22, 24, 26, 28};
        for (McsTable::Type table : {McsTable::QAM64, McsTable::QAM256})
        {
            Ptr<LinkAdaptation> la = MakeLinkAdaptation(table, LinkAdaptation::MCS_TABLE);
            const uint8_t* expected = table == McsTable::QAM256 ? expectedQam256 : expectedQam64;
            NS_TEST_EXPECT_MSG_EQ(+la->McsFromCqi(0), 0, "CQI 0");
            for (uint8_t cqi = 1; cqi <= McsTable::kMaxCqi; ++cqi)
            {
                NS_TEST_EXPECT_MSG_EQ(+la->McsFromCqi(cqi), +expected[cqi - 1], "CQI " << +cqi);
                const ModCodEntry& row = McsTable::GetCqi(table, cqi);
                const double thresholdDb =
                    10 * std::log10(std::pow(2.0, row.qm * row.GetCodeRate() / 0.75) - 1);
                NS_TEST_EXPECT_MSG_EQ(+la->SelectCqi(thresholdDb + 0.01), +cqi, "above");
                NS_TEST_EXPECT_MSG_EQ(+la->SelectCqi(thresholdDb - 0.01), cqi - 1, "below");
            }
            NS_TEST_EXPECT_MSG_EQ(+la->SelectCqi(-20), 0, "out of range at -20 dB");
            NS_TEST_EXPECT_MSG_EQ(+la->SelectCqi(35), 15, "CQI 15 at 35 dB");
            NS_TEST_EXPECT_MSG_EQ(la->EstimateBytesPerPrb(-20), 0.0, "nothing at CQI 0");
            const double topEfficiency = McsTable::GetMcsEntries(table).back().spectralEfficiency;
            NS_TEST_EXPECT_MSG_EQ_TOL(la->EstimateBytesPerPrb(40),
                                      topEfficiency * kDefaultDataRePerPrb / 8,
                                      1e-9,
                                      "bytes per PRB at CQI 15");
        }
        // The default model is created when none is given.
        Ptr<LinkAdaptation> la = CreateObject<LinkAdaptation>();
        NS_TEST_EXPECT_MSG_NE(DynamicCast<AttenuatedShannonBlerModel>(la->GetBlerModel()),
                              nullptr,
                              "default BLER model");
        NS_TEST_EXPECT_MSG_EQ(la->GetTbsBits(27, 273), 270576u, "default layout, TBS (a)");
    }
};

/// Every invalid input throws std::invalid_argument naming the offending value.
/**
 * The scheduler's per-PRB estimate from a linear SINR (compared against cached linear
 * thresholds) equals the estimate from the SINR in dB (CQI selection), in every mode,
 * away from the CQI switching points where the two differ only by rounding.
 */
class LinearEstimateTestCase : public TestCase
{
  public:
    LinearEstimateTestCase()
        : TestCase("per-PRB byte estimate from linear SINR (one PRB or a report) equals the dB "
                   "path")
    {
    }

  private:
    void DoRun() override
    {
        for (const char* mode : {"McsTable", "ShannonGap"})
        {
            for (uint32_t fixedMcs : {255u, 9u})
            {
                auto la = CreateObject<LinkAdaptation>();
                la->SetAttribute("Mode", StringValue(mode));
                la->SetAttribute("FixedMcs", UintegerValue(fixedMcs));
                uint32_t differences = 0;
                std::vector<double> report;
                std::vector<double> expected;
                for (double sinrDb = -15.0; sinrDb <= 40.0; sinrDb += 0.0371)
                {
                    double fromDb = la->EstimateBytesPerPrb(sinrDb);
                    double fromLinear = la->EstimateBytesPerPrbLinear(std::pow(10, sinrDb / 10));
                    if (std::abs(fromDb - fromLinear) > 1e-9 * std::max(1.0, fromDb))
                    {
                        ++differences;
                    }
                    report.push_back(std::pow(10, sinrDb / 10));
                    expected.push_back(fromLinear);
                }
                NS_TEST_EXPECT_MSG_EQ((la->EstimateBytesPerPrbLinear(report) == expected),
                                      true,
                                      "a whole report equals PRB by PRB");
                NS_TEST_EXPECT_MSG_EQ(differences,
                                      0u,
                                      "mode " << mode << ", FixedMcs " << fixedMcs);
            }
        }
        auto la = CreateObject<LinkAdaptation>();
        NS_TEST_EXPECT_MSG_EQ(la->EstimateBytesPerPrbLinear(0.0), 0.0, "zero SINR carries nothing");
        bool threw = false;
        try
        {
            la->EstimateBytesPerPrbLinear(std::nan(""));
        }
        catch (const std::invalid_argument&)
        {
            threw = true;
        }
        NS_TEST_EXPECT_MSG_EQ(threw, true, "NaN SINR is rejected");
    }
};

/**
 * GetMaxTbsBits bounds every decision: for both MCS tables, adaptive and fixed MCS, every
 * PRB count up to 275 and SINRs from -10 to 60 dB, no Decide() returns a larger TBS, and
 * the bound is reached (it is the TBS of the best decision at high SINR).
 */
class MaxTbsBoundTestCase : public TestCase
{
  public:
    MaxTbsBoundTestCase()
        : TestCase("the maximum TBS bounds every decision and is reached at high SINR")
    {
    }

  private:
    void DoRun() override
    {
        for (const char* table : {"Qam64", "Qam256"})
        {
            for (uint32_t fixedMcs : {255u, 9u})
            {
                auto la = CreateObject<LinkAdaptation>();
                la->SetAttribute("McsTable", StringValue(table));
                la->SetAttribute("FixedMcs", UintegerValue(fixedMcs));
                uint32_t exceeded = 0;
                uint32_t unreached = 0;
                for (uint32_t prbs = 1; prbs <= 275; prbs += prbs < 60 ? 1 : 17)
                {
                    const uint32_t bound = la->GetMaxTbsBits(prbs);
                    uint32_t best = 0;
                    for (double sinrDb = -10.0; sinrDb <= 60.0; sinrDb += 0.5)
                    {
                        best = std::max(best, la->Decide(sinrDb, prbs).tbsBits);
                    }
                    exceeded += best > bound;
                    unreached += best != bound;
                }
                NS_TEST_EXPECT_MSG_EQ(exceeded, 0u, table << ", FixedMcs " << fixedMcs);
                NS_TEST_EXPECT_MSG_EQ(unreached, 0u, table << ", FixedMcs " << fixedMcs);
            }
        }
        auto shannon = CreateObject<LinkAdaptation>();
        shannon->SetAttribute("Mode", StringValue("ShannonGap"));
        NS_TEST_EXPECT_MSG_EQ(shannon->GetMaxTbsBits(51),
                              std::numeric_limits<uint32_t>::max(),
                              "no bound in ShannonGap mode");
    }
};

class InvalidInputTestCase : public TestCase
{
  public:
    InvalidInputTestCase()
        : TestCase("invalid inputs throw naming the value")
    {
    }

  private:
    void Expect(const std::function<void()>& call, const std::string& named)
    {
        std::string what = "(nothing thrown)";
        try
        {
            call();
        }
        catch (const std::invalid_argument& e)
        {
            what = e.what();
        }
        NS_TEST_EXPECT_MSG_NE(what.find(named), std::string::npos, "message: " << what);
    }

    void DoRun() override
    {
        Ptr<LinkAdaptation> la = CreateObject<LinkAdaptation>();
        Ptr<BlerModel> bler = la->GetBlerModel();
        Expect([] { TbsCalculator::ComputeTbsBits(3, 0.5, 10, 12, 12, 0, 1); }, "order 3");
        Expect([] { TbsCalculator::ComputeTbsBits(2, 1.0, 10, 12, 12, 0, 1); }, "code rate 1");
        Expect([] { TbsCalculator::ComputeTbsBits(2, 0.5, 0, 12, 12, 0, 1); }, "PRBs 0");
        Expect([] { TbsCalculator::ComputeTbsBits(2, 0.5, 276, 12, 12, 0, 1); }, "PRBs 276");
        Expect([] { TbsCalculator::ComputeTbsBits(2, 0.5, 10, 15, 12, 0, 1); }, "symbols 15");
        Expect([] { TbsCalculator::ComputeTbsBits(2, 0.5, 10, 2, 12, 12, 1); }, "DM-RS (12)");
        Expect([] { TbsCalculator::ComputeTbsBits(2, 0.5, 10, 12, 12, 0, 5); }, "layers 5");
        Expect([] { TbsCalculator::SegmentCodeBlocks(0, 0.5); }, "size 0");
        Expect([] { McsTable::GetMcs(McsTable::QAM256, 28); }, "MCS index 28");
        Expect([] { McsTable::GetCqi(McsTable::QAM64, 0); }, "CQI index 0");
        Expect([&] { bler->GetBler(NAN, 2, 0.5, 100); }, "SINR nan");
        Expect([&] { bler->GetBler(INFINITY, 2, 0.5, 100); }, "SINR inf");
        Expect([&] { bler->GetBler(0, 5, 0.5, 100); }, "order 5");
        Expect([&] { bler->GetBler(0, 2, -0.5, 100); }, "code rate -0.5");
        Expect([&] { la->Decide(NAN, 10); }, "SINR nan");
        Expect([&] { la->Decide(10, 0); }, "PRBs 0");
        Expect([&] { la->GetTbsBits(28, 10); }, "MCS index 28");
        Expect([&] { la->GetBler({LinkDecision::kNoMcs, 100, 0}, 10); }, "MCS index 255");
        Expect([&] { la->McsFromCqi(16); }, "CQI index 16");
        Expect([&] { la->SetBlerModel(nullptr); }, "null");
        Expect([] { LinkAdaptation::EffectiveSinrDb({}); }, "empty");
        Expect([] { LinkAdaptation::EffectiveSinrDb({1, -0.5}); }, "SINR -0.5");
        Expect([] { LinkAdaptation::EffectiveSinrDb({1, NAN}); }, "SINR nan");
        la->SetAttribute("Mode", EnumValue(LinkAdaptation::SHANNON_GAP));
        Expect([&] { la->Decide(10, 300); }, "PRBs 300");
        la->SetAttribute("DmrsRePerPrb", UintegerValue(144));
        Expect([&] { la->Decide(10, 10); }, "DM-RS (144)");
    }
};

class LinkAdaptationTestSuite : public TestSuite
{
  public:
    LinkAdaptationTestSuite()
        : TestSuite("radio-link-adaptation", TestSuite::UNIT)
    {
        AddTestCase(new EffectiveSinrTestCase, TestCase::QUICK);
        AddTestCase(new ShannonBoundTestCase, TestCase::QUICK);
        AddTestCase(new ShannonGapTestCase, TestCase::QUICK);
        AddTestCase(new CqiMcsMappingTestCase, TestCase::QUICK);
        AddTestCase(new InvalidInputTestCase, TestCase::QUICK);
        AddTestCase(new LinearEstimateTestCase, TestCase::QUICK);
        AddTestCase(new MaxTbsBoundTestCase, TestCase::QUICK);
    }
};

LinkAdaptationTestSuite g_linkAdaptationTestSuite;

} // namespace
