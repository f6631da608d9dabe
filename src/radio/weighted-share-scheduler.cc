#include "radio/weighted-share-scheduler.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/pointer.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("WeightedShareScheduler");

NS_OBJECT_ENSURE_REGISTERED(BandwidthShareTable);
NS_OBJECT_ENSURE_REGISTERED(WeightedShareScheduler);

namespace
{

/// Slack for floating-point sums of shares and credits (PRBs).
constexpr double kEpsilonPrbs = 1e-9;

void
CheckCandidates(const std::vector<SchedulingCandidate>& candidates, uint32_t numPrbs)
{
    std::unordered_set<uint32_t> seen;
    for (const SchedulingCandidate& c : candidates)
    {
        std::ostringstream msg;
        msg << "ueId " << c.ueId;
        if (c.ueId == RadioScheduler::kUnallocated)
        {
            msg << " is reserved for unallocated PRBs";
        }
        else if (!seen.insert(c.ueId).second)
        {
            msg << " appears twice among the scheduling candidates";
        }
        else if (c.prbBytes.size() != numPrbs)
        {
            msg << " has " << c.prbBytes.size() << " per-PRB byte estimates for a carrier of "
                << numPrbs << " PRBs";
        }
        else
        {
            auto bad = std::find_if(c.prbBytes.begin(), c.prbBytes.end(), [](double b) {
                return !(b >= 0) || !std::isfinite(b);
            });
            if (bad == c.prbBytes.end())
            {
                continue;
            }
            msg << " has an invalid byte estimate " << *bad << " on PRB "
                << bad - c.prbBytes.begin() << " (must be finite and >= 0)";
        }
        throw std::invalid_argument(msg.str());
    }
}

bool
NeedsMore(const SchedulingCandidate& c, double grantedBytes)
{
    return c.backlogBytes == SchedulingCandidate::kFullBuffer ||
           grantedBytes < static_cast<double>(c.backlogBytes);
}

/// The candidate restricted to the PRBs still free (estimates zeroed elsewhere).
SchedulingCandidate
OnFreePrbs(SchedulingCandidate c, const std::vector<uint32_t>& owners)
{
    for (size_t prb = 0; prb < owners.size(); ++prb)
    {
        if (owners[prb] != RadioScheduler::kUnallocated)
        {
            c.prbBytes[prb] = 0;
        }
    }
    return c;
}

/// Runs a round-robin pass over the free PRBs and writes its grants into owners.
void
FillFreePrbs(RoundRobinScheduler& scheduler,
             const std::vector<SchedulingCandidate>& candidates,
             std::vector<uint32_t>& owners)
{
    if (candidates.empty())
    {
        return;
    }
    const std::vector<uint32_t> extra = scheduler.Allocate(candidates, owners.size());
    for (size_t prb = 0; prb < owners.size(); ++prb)
    {
        if (owners[prb] == RadioScheduler::kUnallocated)
        {
            owners[prb] = extra[prb];
        }
    }
}

} // namespace

TypeId
BandwidthShareTable::GetTypeId()
{
    static TypeId tid = TypeId("ns3::BandwidthShareTable")
                            .SetParent<Object>()
                            .SetGroupName("Radio")
                            .AddConstructor<BandwidthShareTable>();
    return tid;
}

void
BandwidthShareTable::SetShare(uint32_t ueId, double share)
{
    if (!(share >= 0 && share <= 1))
    {
        std::ostringstream msg;
        msg << "bandwidth share " << share << " of ueId " << ueId << " must be in [0, 1]";
        throw std::invalid_argument(msg.str());
    }
    if (share == 0)
    {
        m_shares.erase(ueId);
    }
    else
    {
        m_shares[ueId] = share;
    }
}

double
BandwidthShareTable::GetShare(uint32_t ueId) const
{
    auto it = m_shares.find(ueId);
    return it == m_shares.end() ? 0.0 : it->second;
}

void
BandwidthShareTable::Clear()
{
    m_shares.clear();
}

const std::map<uint32_t, double>&
BandwidthShareTable::GetShares() const
{
    return m_shares;
}

TypeId
WeightedShareScheduler::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::WeightedShareScheduler")
            .SetParent<RadioScheduler>()
            .SetGroupName("Radio")
            .AddConstructor<WeightedShareScheduler>()
            .AddAttribute("ShareTable",
                          "The BandwidthShareTable giving each UE its fraction of the "
                          "carrier's PRBs; without one every UE is served round robin",
                          PointerValue(),
                          MakePointerAccessor(&WeightedShareScheduler::m_shareTable),
                          MakePointerChecker<BandwidthShareTable>())
            .AddAttribute("WorkConserving",
                          "Give PRBs that neither the shares nor UEs without a share use to "
                          "shared UEs with backlog beyond their share (false: shares are "
                          "also upper limits)",
                          BooleanValue(false),
                          MakeBooleanAccessor(&WeightedShareScheduler::m_workConserving),
                          MakeBooleanChecker());
    return tid;
}

WeightedShareScheduler::WeightedShareScheduler()
    : m_unsharedRoundRobin(CreateObject<RoundRobinScheduler>()),
      m_extraRoundRobin(CreateObject<RoundRobinScheduler>())
{
}

double
WeightedShareScheduler::GetCreditPrbs(uint32_t ueId) const
{
    auto it = m_creditPrbs.find(ueId);
    return it == m_creditPrbs.end() ? 0.0 : it->second;
}

std::vector<uint32_t>
WeightedShareScheduler::Allocate(const std::vector<SchedulingCandidate>& candidates,
                                 uint32_t numPrbs)
{
    NS_LOG_FUNCTION(this << candidates.size() << numPrbs);
    CheckCandidates(candidates, numPrbs);
    std::vector<uint32_t> owners(numPrbs, kUnallocated);

    // Rule 1: shared UEs, by increasing ueId so that ties go to the lowest.
    struct Shared
    {
        const SchedulingCandidate* candidate;
        double entitlementPrbs;
        uint32_t grantedPrbs{0};
        double grantedBytes{0};
        uint32_t cursor{0}; //!< no usable free PRB below it (PRBs are only ever taken)
    };

    std::vector<Shared> shared;
    std::vector<SchedulingCandidate> unshared;
    double shareSum = 0;
    for (const SchedulingCandidate& c : candidates)
    {
        const double share = m_shareTable ? m_shareTable->GetShare(c.ueId) : 0.0;
        if (share > 0)
        {
            shared.push_back({&c, share});
            shareSum += share;
        }
        else
        {
            unshared.push_back(c);
        }
    }
    std::sort(shared.begin(), shared.end(), [](const Shared& a, const Shared& b) {
        return a.candidate->ueId < b.candidate->ueId;
    });
    const double scale = shareSum > 1 ? 1 / shareSum : 1.0;
    double entitlementSumPrbs = 0;
    for (Shared& s : shared)
    {
        s.entitlementPrbs = GetCreditPrbs(s.candidate->ueId) + s.entitlementPrbs * scale * numPrbs;
        entitlementSumPrbs += s.entitlementPrbs;
    }
    // Round the slot's total to the nearest integer (halves down), so the summed credit
    // stays in [-1/2, 1/2) and every UE's grant is its entitlement rounded up or down.
    const double slotPrbs = std::ceil(entitlementSumPrbs - 0.5 - kEpsilonPrbs);
    const auto grantPrbs = static_cast<uint32_t>(std::clamp(slotPrbs, 0.0, double(numPrbs)));

    // The next free PRB on which the UE carries bytes, or numPrbs.
    auto nextUsable = [&](Shared& s) {
        while (s.cursor < numPrbs &&
               (owners[s.cursor] != kUnallocated || s.candidate->prbBytes[s.cursor] <= 0))
        {
            ++s.cursor;
        }
        return s.cursor;
    };
    for (uint32_t given = 0; given < grantPrbs; ++given)
    {
        Shared* best = nullptr;
        for (Shared& s : shared)
        {
            const double remaining = s.entitlementPrbs - s.grantedPrbs;
            if (remaining > kEpsilonPrbs && NeedsMore(*s.candidate, s.grantedBytes) &&
                nextUsable(s) < numPrbs &&
                (!best || remaining > best->entitlementPrbs - best->grantedPrbs))
            {
                best = &s;
            }
        }
        if (!best)
        {
            break;
        }
        owners[best->cursor] = best->candidate->ueId;
        best->grantedBytes += best->candidate->prbBytes[best->cursor];
        ++best->grantedPrbs;
    }

    std::vector<SchedulingCandidate> extraCandidates;
    for (const Shared& s : shared)
    {
        double creditPrbs = std::clamp(s.entitlementPrbs - s.grantedPrbs, -1.0, 1.0);
        if (!NeedsMore(*s.candidate, s.grantedBytes))
        {
            creditPrbs = std::min(creditPrbs, 0.0); // demand met: nothing to catch up
        }
        else if (m_workConserving)
        {
            SchedulingCandidate rest = *s.candidate;
            if (rest.backlogBytes != SchedulingCandidate::kFullBuffer)
            {
                rest.backlogBytes = static_cast<uint64_t>(
                    std::ceil(static_cast<double>(rest.backlogBytes) - s.grantedBytes));
            }
            extraCandidates.push_back(std::move(rest));
        }
        m_creditPrbs[s.candidate->ueId] = creditPrbs;
    }

    // Rule 2, then rule 3, on the PRBs still free.
    for (SchedulingCandidate& c : unshared)
    {
        c = OnFreePrbs(std::move(c), owners);
    }
    FillFreePrbs(*m_unsharedRoundRobin, unshared, owners);
    for (SchedulingCandidate& c : extraCandidates)
    {
        c = OnFreePrbs(std::move(c), owners);
    }
    FillFreePrbs(*m_extraRoundRobin, extraCandidates, owners);
    return owners;
}

} // namespace ns3
