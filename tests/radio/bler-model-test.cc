#include "radio/bler-model.h"
#include "radio/mcs-table.h"
#include "radio/tbs-calculator.h"

#include "ns3/double.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>

using namespace ns3;

namespace
{

/// 10 log10(2^(SE / alpha) - 1): the attenuated Shannon bound solved for the SINR.
double
ClosedFormThresholdDb(double spectralEfficiency, double alpha)
{
    return 10 * std::log10(std::pow(2.0, spectralEfficiency / alpha) - 1);
}

/// TBS of a Table 5.1.3.1-2 row on numPrbs PRBs of 12 data symbols and 12 DM-RS REs.
uint32_t
TbsOf(const ModCodEntry& row, uint32_t numPrbs)
{
    return TbsCalculator::ComputeTbsBits(row.qm, row.GetCodeRate(), numPrbs, 12, 12, 0, 1);
}

/// BLER is exactly 10% at the closed-form threshold, for any block length and alpha.
class BlerThresholdTestCase : public TestCase
{
  public:
    BlerThresholdTestCase()
        : TestCase("BLER is 10% at SINR = 2^(SE over alpha) - 1")
    {
    }

  private:
    void DoRun() override
    {
        for (double alpha : {0.75, 0.6, 1.0})
        {
            Ptr<AttenuatedShannonBlerModel> model = CreateObject<AttenuatedShannonBlerModel>();
            model->SetAttribute("Alpha", DoubleValue(alpha));
            for (McsTable::Type type : {McsTable::QAM64, McsTable::QAM256})
            {
                for (const ModCodEntry& row : McsTable::GetMcsEntries(type))
                {
                    for (uint32_t prbs : {1u, 7u, 52u, 273u})
                    {
                        const double rate = row.GetCodeRate();
                        const double sinrDb = ClosedFormThresholdDb(row.qm * rate, alpha);
                        NS_TEST_ASSERT_MSG_EQ_TOL(
                            model->GetBler(sinrDb, row.qm, rate, TbsOf(row, prbs)),
                            0.1,
                            1e-9,
                            "alpha " << alpha << " Qm " << +row.qm << " R " << rate << " PRBs "
                                     << prbs);
                    }
                }
            }
        }
        // Default alpha 0.75: MCS 0 at -6.16 dB, Table 2 MCS 27 at 29.72 dB.
        Ptr<AttenuatedShannonBlerModel> model = CreateObject<AttenuatedShannonBlerModel>();
        NS_TEST_EXPECT_MSG_EQ_TOL(model->GetThresholdSinrDb(0.234375), -6.1644, 1e-4, "MCS 0");
        NS_TEST_EXPECT_MSG_EQ_TOL(model->GetThresholdSinrDb(8 * 948.0 / 1024), 29.7221, 1e-4, "");
    }
};

/**
 * The curve shape against the finite-blocklength width computed here independently:
 * one code block of K' bits spans n = K' / (R Qm) channel uses and its BLER is
 * Q((SINR_dB - th_dB) / sigma + Q^-1(0.1)), sigma = (10/ln 10) sqrt(1 + 2/th) / sqrt(n),
 * hence 50% at th_dB - 1.28155 sigma. With C blocks the TB fails if any block fails.
 */
class BlerShapeTestCase : public TestCase
{
  public:
    BlerShapeTestCase()
        : TestCase("BLER curve width follows the code-block length")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<AttenuatedShannonBlerModel> model = CreateObject<AttenuatedShannonBlerModel>();
        const double rate = 120.0 / 1024;
        const double thresholdLinear = std::pow(2.0, 2 * rate / 0.75) - 1;
        const double thresholdDb = 10 * std::log10(thresholdLinear);
        const double qInv01 = 1.2815515655446004;

        // TBS 24: one block of K' = 40 bits (16-bit CRC), n = 40 / (2 R) = 170.67.
        double sigmaDb =
            10 / std::log(10.0) * std::sqrt(1 + 2 / thresholdLinear) / std::sqrt(40 / (2 * rate));
        NS_TEST_EXPECT_MSG_EQ_TOL(model->GetBler(thresholdDb - qInv01 * sigmaDb, 2, rate, 24),
                                  0.5,
                                  1e-9,
                                  "single block: 50% at threshold - 1.28 sigma");
        // One sigma above the threshold: Q(1 + 1.28155) = 0.011285.
        NS_TEST_EXPECT_MSG_EQ_TOL(model->GetBler(thresholdDb + sigmaDb, 2, rate, 24),
                                  0.5 * std::erfc((1 + qInv01) / std::sqrt(2.0)),
                                  1e-12,
                                  "single block: one sigma above");

        // TBS 8448: 3 blocks of K' = 2848 bits; each block fails with 1 - 0.9^(1/3) at the
        // threshold, so with z3 = Q^-1(1 - 0.9^(1/3)) the TB fails with
        // 1 - (1 - Q(z3 - 1))^3 one sigma below it.
        sigmaDb =
            10 / std::log(10.0) * std::sqrt(1 + 2 / thresholdLinear) / std::sqrt(2848 / (2 * rate));
        const double blockTarget = 1 - std::cbrt(0.9);
        double lo = 0; // bisection for Q(z3) = blockTarget, independent of the model's Newton
        double hi = 10;
        while (hi - lo > 1e-13)
        {
            const double mid = 0.5 * (lo + hi);
            (0.5 * std::erfc(mid / std::sqrt(2.0)) > blockTarget ? lo : hi) = mid;
        }
        const double z3 = 0.5 * (lo + hi);
        const double expected = 1 - std::pow(1 - 0.5 * std::erfc((z3 - 1) / std::sqrt(2.0)), 3);
        NS_TEST_EXPECT_MSG_EQ_TOL(model->GetBler(thresholdDb - sigmaDb, 2, rate, 8448),
                                  expected,
                                  1e-9,
                                  "3 code blocks, one sigma below the threshold");

        // Longer blocks are steeper: 0.5 dB above the threshold a 273-PRB block fails
        // far less often than a 1-PRB block of the same MCS.
        const ModCodEntry& mcs10 = McsTable::GetMcs(McsTable::QAM256, 10);
        const double th10 = ClosedFormThresholdDb(mcs10.qm * mcs10.GetCodeRate(), 0.75);
        NS_TEST_EXPECT_MSG_LT(
            model->GetBler(th10 + 0.5, mcs10.qm, mcs10.GetCodeRate(), TbsOf(mcs10, 273)),
            0.1 * model->GetBler(th10 + 0.5, mcs10.qm, mcs10.GetCodeRate(), TbsOf(mcs10, 1)),
            "steeper with length");

        // No signal: certain failure; far above the threshold: no failure.
        NS_TEST_EXPECT_MSG_EQ(model->GetBler(-INFINITY, 2, rate, 24), 1.0, "-inf dB");
        NS_TEST_EXPECT_MSG_EQ(model->GetBler(thresholdDb + 60, 2, rate, 24), 0.0, "+60 dB");
    }
};

/**
 * BLER is non-increasing in SINR and non-decreasing in spectral efficiency at a fixed
 * allocation, on a 0.05 dB grid from -15 to 40 dB (absolute tolerance 1e-12 for
 * floating-point rounding of probabilities near 0 and 1).
 */
class BlerMonotonicityTestCase : public TestCase
{
  public:
    BlerMonotonicityTestCase()
        : TestCase("BLER decreases with SINR and increases with spectral efficiency")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<AttenuatedShannonBlerModel> model = CreateObject<AttenuatedShannonBlerModel>();
        for (McsTable::Type type : {McsTable::QAM64, McsTable::QAM256})
        {
            std::vector<ModCodEntry> rows = McsTable::GetMcsEntries(type);
            std::sort(rows.begin(), rows.end(), [](const ModCodEntry& a, const ModCodEntry& b) {
                return a.spectralEfficiency < b.spectralEfficiency;
            });
            for (uint32_t prbs : {1u, 5u, 25u, 106u, 273u})
            {
                std::vector<double> previousRow;
                for (const ModCodEntry& row : rows)
                {
                    const uint32_t tbs = TbsOf(row, prbs);
                    std::vector<double> blers;
                    for (int step = 0; step <= 1100; ++step)
                    {
                        const double sinrDb = -15 + 0.05 * step;
                        blers.push_back(model->GetBler(sinrDb, row.qm, row.GetCodeRate(), tbs));
                        NS_TEST_ASSERT_MSG_EQ((blers.back() >= 0 && blers.back() <= 1),
                                              true,
                                              "probability");
                        if (step > 0)
                        {
                            NS_TEST_ASSERT_MSG_LT_OR_EQ(blers[step],
                                                        blers[step - 1] + 1e-12,
                                                        "SINR " << sinrDb << " PRBs " << prbs);
                        }
                        if (!previousRow.empty())
                        {
                            NS_TEST_ASSERT_MSG_GT_OR_EQ(blers[step] + 1e-12,
                                                        previousRow[step],
                                                        "SE " << row.spectralEfficiency << " SINR "
                                                              << sinrDb << " PRBs " << prbs);
                        }
                    }
                    previousRow = blers;
                }
            }
        }
    }
};

class BlerModelTestSuite : public TestSuite
{
  public:
    BlerModelTestSuite()
        : TestSuite("radio-bler-model", TestSuite::UNIT)
    {
        AddTestCase(new BlerThresholdTestCase, TestCase::QUICK);
        AddTestCase(new BlerShapeTestCase, TestCase::QUICK);
        AddTestCase(new BlerMonotonicityTestCase, TestCase::QUICK);
    }
};

BlerModelTestSuite g_blerModelTestSuite;

} // namespace
