// WeightedShareScheduler: long-run PRB shares against share * numPrbs * slots, backlog
// limits, leftover rules and input checks.
#include "radio/weighted-share-scheduler.h"

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/object-factory.h"
#include "ns3/pointer.h"
#include "ns3/random-variable-stream.h"
#include "ns3/test.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

SchedulingCandidate
MakeCandidate(uint32_t ueId, uint64_t backlogBytes, std::vector<double> prbBytes)
{
    SchedulingCandidate c;
    c.ueId = ueId;
    c.backlogBytes = backlogBytes;
    c.prbBytes = std::move(prbBytes);
    return c;
}

/// A scheduler created the way RadioNetwork creates one: by TypeId name.
Ptr<WeightedShareScheduler>
CreateScheduler(Ptr<BandwidthShareTable> table, bool workConserving = false)
{
    ObjectFactory factory("ns3::WeightedShareScheduler");
    factory.Set("ShareTable", PointerValue(table));
    factory.Set("WorkConserving", BooleanValue(workConserving));
    return factory.Create<WeightedShareScheduler>();
}

Ptr<BandwidthShareTable>
MakeTable(const std::map<uint32_t, double>& shares)
{
    auto table = CreateObject<BandwidthShareTable>();
    for (const auto& [ue, share] : shares)
    {
        table->SetShare(ue, share);
    }
    return table;
}

/// Full-buffer candidates with random positive per-PRB estimates (the policy must ignore them).
std::vector<SchedulingCandidate>
RandomFullBuffers(const std::vector<uint32_t>& ues, uint32_t numPrbs, UniformRandomVariable& u)
{
    std::vector<SchedulingCandidate> candidates;
    for (uint32_t ue : ues)
    {
        std::vector<double> prbBytes(numPrbs);
        for (double& b : prbBytes)
        {
            b = u.GetValue(5, 100);
        }
        candidates.push_back(MakeCandidate(ue, SchedulingCandidate::kFullBuffer, prbBytes));
    }
    return candidates;
}

/**
 * Shares 0.5 / 0.25 / 0.25 of 51 PRBs with full buffers: after every slot S of 1000 each UE's
 * cumulative PRB count is within one PRB of share * 51 * S (the carried credit is in
 * (-1, 1)), every PRB is used, and the totals are 25500 / 12750 / 12750 within 1.
 */
class WeightedShareExactnessTestCase : public TestCase
{
  public:
    WeightedShareExactnessTestCase()
        : TestCase("shares 0.5, 0.25, 0.25 give share x PRBs x slots within one PRB at all times")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t numPrbs = 51;
        const std::map<uint32_t, double> shares = {{4, 0.5}, {9, 0.25}, {2, 0.25}};
        Ptr<WeightedShareScheduler> scheduler = CreateScheduler(MakeTable(shares));
        auto uniform = CreateObject<UniformRandomVariable>();
        uniform->SetStream(31);
        std::map<uint32_t, double> prbs;
        for (uint32_t slot = 1; slot <= 1000; ++slot)
        {
            const auto owners =
                scheduler->Allocate(RandomFullBuffers({4, 9, 2}, numPrbs, *uniform), numPrbs);
            NS_TEST_ASSERT_MSG_EQ(
                std::count(owners.begin(), owners.end(), RadioScheduler::kUnallocated),
                0,
                "full buffers use the whole carrier");
            for (uint32_t owner : owners)
            {
                prbs[owner] += 1;
            }
            for (const auto& [ue, share] : shares)
            {
                NS_TEST_ASSERT_MSG_LT(std::abs(prbs[ue] - share * numPrbs * slot),
                                      1.0,
                                      "UE " << ue << " after slot " << slot);
            }
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(prbs[4], 25500.0, 1.0, "UE 4 total");
        NS_TEST_ASSERT_MSG_EQ_TOL(prbs[9], 12750.0, 1.0, "UE 9 total");
        NS_TEST_ASSERT_MSG_EQ_TOL(prbs[2], 12750.0, 1.0, "UE 2 total");
    }
};

/**
 * Leftover PRBs: with shares 0.3 and 0.2 (sum 0.5) and an unshared full-buffer UE, the
 * shared UEs get 0.3 x 51 and 0.2 x 51 PRBs per slot on average and the unshared one the
 * other half. Without the unshared UE the other half stays unused, unless WorkConserving.
 */
class WeightedShareLeftoverTestCase : public TestCase
{
  public:
    WeightedShareLeftoverTestCase()
        : TestCase("PRBs the shares leave go to unshared UEs, or to shared ones if work-conserving")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t numPrbs = 51;
        const uint32_t numSlots = 200;
        auto uniform = CreateObject<UniformRandomVariable>();
        uniform->SetStream(32);
        for (bool withUnshared : {true, false})
        {
            for (bool workConserving : {false, true})
            {
                Ptr<WeightedShareScheduler> scheduler =
                    CreateScheduler(MakeTable({{1, 0.3}, {2, 0.2}}), workConserving);
                std::vector<uint32_t> ues = {1, 2};
                if (withUnshared)
                {
                    ues.push_back(3);
                }
                std::map<uint32_t, double> prbs;
                for (uint32_t slot = 0; slot < numSlots; ++slot)
                {
                    for (uint32_t owner :
                         scheduler->Allocate(RandomFullBuffers(ues, numPrbs, *uniform), numPrbs))
                    {
                        prbs[owner] += 1;
                    }
                }
                const std::string label = std::string(withUnshared ? "with" : "without") +
                                          " unshared UE, work-conserving " +
                                          (workConserving ? "on" : "off");
                const double total = double(numPrbs) * numSlots;
                if (withUnshared || !workConserving)
                {
                    NS_TEST_ASSERT_MSG_EQ_TOL(prbs[1], 0.3 * total, 1.0, label);
                    NS_TEST_ASSERT_MSG_EQ_TOL(prbs[2], 0.2 * total, 1.0, label);
                    const uint32_t other = withUnshared ? 3 : RadioScheduler::kUnallocated;
                    NS_TEST_ASSERT_MSG_EQ_TOL(prbs[other], 0.5 * total, 2.0, label);
                }
                else
                {
                    NS_TEST_ASSERT_MSG_EQ(prbs[RadioScheduler::kUnallocated], 0, label);
                    NS_TEST_ASSERT_MSG_GT(prbs[1], 0.3 * total, label);
                    NS_TEST_ASSERT_MSG_GT(prbs[2], 0.2 * total, label);
                }
            }
        }
    }
};

/**
 * Backlog limits, as in the RadioScheduler contract: a shared UE never holds a PRB it does
 * not need (dropping its last PRB would leave the backlog uncovered) nor one it carries
 * nothing on, keeps no positive credit once covered, and the same inputs give the same
 * allocation. Random backlogs, 10% unusable PRBs, shares summing to 1.2 (scaled to 1).
 */
class WeightedShareBacklogTestCase : public TestCase
{
  public:
    WeightedShareBacklogTestCase()
        : TestCase("shared UEs get only the PRBs their backlog needs; allocations deterministic")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t numPrbs = 51;
        const std::map<uint32_t, double> shares = {{40, 0.5}, {2, 0.3}, {17, 0.4}};
        for (bool workConserving : {false, true})
        {
            Ptr<WeightedShareScheduler> scheduler =
                CreateScheduler(MakeTable(shares), workConserving);
            Ptr<WeightedShareScheduler> twin = CreateScheduler(MakeTable(shares), workConserving);
            auto uniform = CreateObject<UniformRandomVariable>();
            uniform->SetStream(33);
            for (uint32_t slot = 0; slot < 300; ++slot)
            {
                std::vector<SchedulingCandidate> candidates;
                for (uint32_t ueId : {40u, 2u, 17u, 5u})
                {
                    const uint64_t backlog = uniform->GetValue() < 0.3
                                                 ? SchedulingCandidate::kFullBuffer
                                                 : uniform->GetInteger(1, 1500);
                    std::vector<double> prbBytes(numPrbs);
                    for (double& b : prbBytes)
                    {
                        b = uniform->GetValue() < 0.1 ? 0.0 : uniform->GetValue(5, 100);
                    }
                    candidates.push_back(MakeCandidate(ueId, backlog, prbBytes));
                }
                const auto owners = scheduler->Allocate(candidates, numPrbs);
                NS_TEST_ASSERT_MSG_EQ((owners == twin->Allocate(candidates, numPrbs)),
                                      true,
                                      "same state and inputs give the same allocation");
                for (const SchedulingCandidate& c : candidates)
                {
                    double granted = 0;
                    double lastPrbBytes = 0;
                    for (uint32_t prb = 0; prb < numPrbs; ++prb)
                    {
                        if (owners[prb] == c.ueId)
                        {
                            NS_TEST_ASSERT_MSG_GT(c.prbBytes[prb], 0, "PRB it carries nothing on");
                            granted += c.prbBytes[prb];
                            lastPrbBytes = c.prbBytes[prb];
                        }
                    }
                    if (granted > 0)
                    {
                        NS_TEST_ASSERT_MSG_LT(granted - lastPrbBytes,
                                              static_cast<double>(c.backlogBytes),
                                              "UE " << c.ueId << " got a PRB it did not need");
                    }
                    if (shares.count(c.ueId) &&
                        c.backlogBytes != SchedulingCandidate::kFullBuffer &&
                        granted >= c.backlogBytes)
                    {
                        NS_TEST_ASSERT_MSG_LT_OR_EQ(scheduler->GetCreditPrbs(c.ueId),
                                                    0.0,
                                                    "covered UE " << c.ueId << " hoards credit");
                    }
                    NS_TEST_ASSERT_MSG_LT_OR_EQ(std::abs(scheduler->GetCreditPrbs(c.ueId)),
                                                1.0,
                                                "credit bound");
                }
            }
        }

        // The closed-form case: 100 bytes at 30 B/PRB need ceil(100 / 30) = 4 PRBs although the
        // share (0.5 of 10) would allow 5; the unshared full buffer takes the other 6.
        Ptr<WeightedShareScheduler> scheduler = CreateScheduler(MakeTable({{7, 0.5}}));
        const auto owners = scheduler->Allocate(
            {MakeCandidate(7, 100, std::vector<double>(10, 30.0)),
             MakeCandidate(3, SchedulingCandidate::kFullBuffer, std::vector<double>(10, 20.0))},
            10);
        NS_TEST_ASSERT_MSG_EQ(std::count(owners.begin(), owners.end(), 7u), 4, "100-byte UE");
        NS_TEST_ASSERT_MSG_EQ(std::count(owners.begin(), owners.end(), 3u), 6, "unshared UE");
    }
};

/// Bad shares and malformed candidates are rejected naming the UE; Config::SetDefault wires
/// a table into schedulers created by TypeId name (what RadioNetwork does).
class WeightedShareInputTestCase : public TestCase
{
  public:
    WeightedShareInputTestCase()
        : TestCase("bad shares and candidates are rejected naming the UE; table wiring by default")
    {
    }

  private:
    void DoRun() override
    {
        auto table = CreateObject<BandwidthShareTable>();
        for (double bad : {-0.1, 1.5, std::nan("")})
        {
            std::string message;
            try
            {
                table->SetShare(6, bad);
            }
            catch (const std::invalid_argument& e)
            {
                message = e.what();
            }
            NS_TEST_ASSERT_MSG_NE(message.find("of ueId 6 must be in [0, 1]"),
                                  std::string::npos,
                                  "share " << bad << ": '" << message << "'");
        }
        table->SetShare(6, 0.4);
        table->SetShare(6, 0);
        NS_TEST_ASSERT_MSG_EQ(table->GetShares().empty(), true, "share 0 removes the UE");

        Ptr<WeightedShareScheduler> scheduler = CreateScheduler(table);
        const SchedulingCandidate good = MakeCandidate(1, 100, std::vector<double>(4, 10));
        for (const auto& [bad, expected] : std::vector<std::pair<SchedulingCandidate, std::string>>{
                 {MakeCandidate(9, 100, std::vector<double>(5, 10)), "ueId 9 has 5"},
                 {MakeCandidate(1, 100, std::vector<double>(4, 10)), "ueId 1 appears twice"},
                 {MakeCandidate(9, 100, {10, -1, 10, 10}), "ueId 9 has an invalid"},
                 {MakeCandidate(RadioScheduler::kUnallocated, 100, {1, 1, 1, 1}), "reserved"}})
        {
            std::string message;
            try
            {
                scheduler->Allocate({good, bad}, 4);
            }
            catch (const std::invalid_argument& e)
            {
                message = e.what();
            }
            NS_TEST_ASSERT_MSG_NE(message.find(expected),
                                  std::string::npos,
                                  "expected '" << expected << "', got '" << message << "'");
        }

        table->SetShare(1, 0.5);
        Config::SetDefault("ns3::WeightedShareScheduler::ShareTable", PointerValue(table));
        ObjectFactory factory("ns3::WeightedShareScheduler");
        Ptr<RadioScheduler> byName = factory.Create<RadioScheduler>();
        Config::SetDefault("ns3::WeightedShareScheduler::ShareTable", PointerValue());
        const auto owners = byName->Allocate(
            {MakeCandidate(1, SchedulingCandidate::kFullBuffer, std::vector<double>(10, 10.0))},
            10);
        NS_TEST_ASSERT_MSG_EQ(std::count(owners.begin(), owners.end(), 1u),
                              5,
                              "the default table's 0.5 share reaches a scheduler made by name");
    }
};

class WeightedShareSchedulerTestSuite : public TestSuite
{
  public:
    WeightedShareSchedulerTestSuite()
        : TestSuite("radio-scheduler-weighted-share", TestSuite::UNIT)
    {
        AddTestCase(new WeightedShareExactnessTestCase, TestCase::QUICK);
        AddTestCase(new WeightedShareLeftoverTestCase, TestCase::QUICK);
        AddTestCase(new WeightedShareBacklogTestCase, TestCase::QUICK);
        AddTestCase(new WeightedShareInputTestCase, TestCase::QUICK);
    }
};

WeightedShareSchedulerTestSuite g_weightedShareSchedulerTestSuite;

} // namespace
