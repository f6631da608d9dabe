#include "radio/metric-scheduler.h"

#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("MetricScheduler");

NS_OBJECT_ENSURE_REGISTERED(MetricScheduler);

namespace
{

void
CheckCandidates(const std::vector<SchedulingCandidate>& candidates, uint32_t numPrbs)
{
    // The message stream is only built on failure: this runs every slot.
    auto fail = [](const auto&... parts) {
        std::ostringstream msg;
        (msg << ... << parts);
        throw std::invalid_argument(msg.str());
    };
    std::unordered_set<uint32_t> seen;
    for (const SchedulingCandidate& c : candidates)
    {
        if (c.ueId == RadioScheduler::kUnallocated)
        {
            fail("ueId ", c.ueId, " is reserved for unallocated PRBs");
        }
        if (!seen.insert(c.ueId).second)
        {
            fail("ueId ", c.ueId, " appears twice among the scheduling candidates");
        }
        if (c.prbBytes.size() != numPrbs)
        {
            fail("ueId ",
                 c.ueId,
                 " has ",
                 c.prbBytes.size(),
                 " per-PRB byte estimates for a carrier of ",
                 numPrbs,
                 " PRBs");
        }
        auto bad = std::find_if(c.prbBytes.begin(), c.prbBytes.end(), [](double b) {
            return !(b >= 0) || !std::isfinite(b);
        });
        if (bad != c.prbBytes.end())
        {
            fail("ueId ",
                 c.ueId,
                 " has an invalid byte estimate ",
                 *bad,
                 " on PRB ",
                 bad - c.prbBytes.begin(),
                 " (must be finite and >= 0)");
        }
    }
}

bool
NeedsMore(const SchedulingCandidate& c, double grantedBytes)
{
    return c.backlogBytes == SchedulingCandidate::kFullBuffer ||
           grantedBytes < static_cast<double>(c.backlogBytes);
}

} // namespace

TypeId
MetricScheduler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::MetricScheduler")
            .SetParent<RadioScheduler>()
            .SetGroupName("Radio")
            .AddAttribute("RbgSize",
                          "Resource block group size in PRBs: the unit a UE is ranked for "
                          "(downlink/uplink resource allocation type 0, TS 38.214 sec. "
                          "5.1.2.2.1 and 6.1.2.2.1; nominal sizes 2-16 in Table 5.1.2.2.1-1). "
                          "The last RBG of the carrier may be shorter; a UE whose backlog "
                          "is covered mid-RBG leaves the rest of the RBG to others.",
                          UintegerValue(1),
                          MakeUintegerAccessor(&MetricScheduler::m_rbgSizePrbs),
                          MakeUintegerChecker<uint32_t>(1));
    return tid;
}

std::vector<uint32_t>
MetricScheduler::Allocate(const std::vector<SchedulingCandidate>& candidates, uint32_t numPrbs)
{
    NS_LOG_FUNCTION(this << candidates.size() << numPrbs);
    CheckCandidates(candidates, numPrbs);
    std::vector<uint32_t> owners(numPrbs, kUnallocated);
    const std::vector<size_t> order = GetTieBreakOrder(candidates);
    std::vector<Grant> grants(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i)
    {
        grants[i].slotWeight = GetSlotWeight(candidates[i]);
    }

    for (uint64_t rbgStart = 0; rbgStart < numPrbs; rbgStart += m_rbgSizePrbs)
    {
        const uint32_t rbgEnd = std::min<uint64_t>(numPrbs, rbgStart + m_rbgSizePrbs);
        uint32_t prb = rbgStart;
        while (prb < rbgEnd)
        {
            bool found = false;
            size_t best = 0;
            double bestMetric = 0;
            for (size_t i : order)
            {
                const SchedulingCandidate& c = candidates[i];
                if (!NeedsMore(c, grants[i].bytes))
                {
                    continue;
                }
                const double rbgBytes =
                    std::accumulate(c.prbBytes.begin() + prb, c.prbBytes.begin() + rbgEnd, 0.0);
                if (rbgBytes <= 0)
                {
                    continue;
                }
                const double metric = ComputeMetric(c, rbgBytes, grants[i]);
                if (!found || metric > bestMetric) // strict: ties keep the earlier candidate
                {
                    found = true;
                    best = i;
                    bestMetric = metric;
                }
            }
            if (!found)
            {
                break; // nobody can use the rest of this RBG
            }
            const SchedulingCandidate& winner = candidates[best];
            Grant& grant = grants[best];
            do
            {
                owners[prb] = winner.ueId;
                ++grant.numPrbs;
                grant.bytes += winner.prbBytes[prb];
                ++prb;
            } while (prb < rbgEnd && NeedsMore(winner, grant.bytes));
        }
    }
    return owners;
}

std::vector<size_t>
MetricScheduler::GetTieBreakOrder(const std::vector<SchedulingCandidate>& candidates) const
{
    std::vector<size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&candidates](size_t a, size_t b) {
        return candidates[a].ueId < candidates[b].ueId;
    });
    return order;
}

double
MetricScheduler::GetSlotWeight(const SchedulingCandidate& candidate) const
{
    return 1.0;
}

} // namespace ns3
