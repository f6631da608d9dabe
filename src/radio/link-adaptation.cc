#include "link-adaptation.h"

#include "radio/tbs-calculator.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LinkAdaptation");

NS_OBJECT_ENSURE_REGISTERED(LinkAdaptation);

TypeId
LinkAdaptation::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LinkAdaptation")
            .SetParent<Object>()
            .SetGroupName("EdgeLam")
            .AddConstructor<LinkAdaptation>()
            .AddAttribute("McsTable",
                          "MCS table and matching CQI table: Qam256 = TS 38.214 Tables "
                          "5.1.3.1-2 and 5.2.2.1-3, Qam64 = Tables 5.1.3.1-1 and 5.2.2.1-2",
                          EnumValue(McsTable::QAM256),
                          MakeEnumAccessor(&LinkAdaptation::m_mcsTable),
                          MakeEnumChecker(McsTable::QAM256, "Qam256", McsTable::QAM64, "Qam64"))
            .AddAttribute("FixedMcs",
                          "MCS index used for every block regardless of the channel (a "
                          "fixed-MCS link); 255 = adaptive (CQI-based) choice",
                          UintegerValue(kAdaptiveMcs),
                          MakeUintegerAccessor(&LinkAdaptation::m_fixedMcs),
                          MakeUintegerChecker<uint8_t>())
            .AddAttribute("TargetBler",
                          "Transport-block error probability that CQI and MCS selection aim "
                          "at (TS 38.214 sec. 5.2.2.1 uses 0.1)",
                          DoubleValue(0.1),
                          MakeDoubleAccessor(&LinkAdaptation::m_targetBler),
                          MakeDoubleChecker<double>(1e-6, 0.9))
            .AddAttribute("Mode",
                          "McsTable: NR MCS, TBS and BLER model; ShannonGap: error-free rate "
                          "N_RE * log2(1 + SINR / gap)",
                          EnumValue(LinkAdaptation::MCS_TABLE),
                          MakeEnumAccessor(&LinkAdaptation::m_mode),
                          MakeEnumChecker(LinkAdaptation::MCS_TABLE,
                                          "McsTable",
                                          LinkAdaptation::SHANNON_GAP,
                                          "ShannonGap"))
            .AddAttribute("ShannonGapDb",
                          "SNR gap to capacity of ShannonGap mode (dB)",
                          DoubleValue(3.0),
                          MakeDoubleAccessor(&LinkAdaptation::m_shannonGapDb),
                          MakeDoubleChecker<double>(0.0, 30.0))
            .AddAttribute("DmrsRePerPrb",
                          "N_DMRS^PRB: DM-RS REs per PRB per slot including CDM groups without "
                          "data (TS 38.214 sec. 5.1.3.2); 12 = one front-loaded symbol of "
                          "DM-RS configuration type 1 with 2 CDM groups (TS 38.211 sec. 7.4.1.1)",
                          UintegerValue(12),
                          MakeUintegerAccessor(&LinkAdaptation::m_dmrsRePerPrb),
                          MakeUintegerChecker<uint32_t>(0, 167))
            .AddAttribute("OverheadRePerPrb",
                          "N_oh^PRB: xOverhead REs per PRB per slot (TS 38.214 sec. 5.1.3.2, "
                          "TS 38.331 PDSCH-ServingCellConfig; 0, 6, 12 or 18)",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LinkAdaptation::m_overheadRePerPrb),
                          MakeUintegerChecker<uint32_t>(0, 167))
            .AddAttribute("DataSymbolsPerSlot",
                          "N_symb^sh: OFDM symbols of a slot allocated to the shared channel; "
                          "12 = 14 minus a 2-symbol CORESET (TS 38.211 sec. 7.3.2.2)",
                          UintegerValue(12),
                          MakeUintegerAccessor(&LinkAdaptation::m_dataSymbolsPerSlot),
                          MakeUintegerChecker<uint32_t>(1, 14))
            .AddAttribute("NumLayers",
                          "Spatial layers v of the single codeword (TS 38.211 sec. 7.3.1.3)",
                          UintegerValue(1),
                          MakeUintegerAccessor(&LinkAdaptation::m_numLayers),
                          MakeUintegerChecker<uint8_t>(1, TbsCalculator::kMaxLayersPerCodeword))
            .AddAttribute("CqiReferencePrbs",
                          "PRBs of the CSI reference resource whose transport block a CQI "
                          "must decode with TargetBler (TS 38.214 sec. 5.2.2.5); 16 = one "
                          "subband of a 145-275 PRB bandwidth part (Table 5.2.1.4-2)",
                          UintegerValue(16),
                          MakeUintegerAccessor(&LinkAdaptation::m_cqiReferencePrbs),
                          MakeUintegerChecker<uint32_t>(1, TbsCalculator::kMaxPrbs))
            .AddAttribute(
                "BlerModel",
                "Transport-block error model of McsTable mode (null: the default "
                "AttenuatedShannonBlerModel)",
                PointerValue(),
                MakePointerAccessor(&LinkAdaptation::SetBlerModel, &LinkAdaptation::GetBlerModel),
                MakePointerChecker<BlerModel>());
    return tid;
}

LinkAdaptation::LinkAdaptation()
    : m_mcsTable(McsTable::QAM256),
      m_fixedMcs(kAdaptiveMcs),
      m_targetBler(0.1),
      m_mode(MCS_TABLE),
      m_shannonGapDb(3.0),
      m_dmrsRePerPrb(12),
      m_overheadRePerPrb(0),
      m_dataSymbolsPerSlot(12),
      m_numLayers(1),
      m_cqiReferencePrbs(16),
      m_blerModel(CreateObject<AttenuatedShannonBlerModel>())
{
    NS_LOG_FUNCTION(this);
}

void
LinkAdaptation::DoDispose()
{
    m_blerModel = nullptr;
    Object::DoDispose();
}

Ptr<BlerModel>
LinkAdaptation::GetBlerModel() const
{
    return m_blerModel;
}

void
LinkAdaptation::SetBlerModel(Ptr<BlerModel> model)
{
    if (!model)
    {
        throw std::invalid_argument("BLER model must not be null");
    }
    m_blerModel = model;
}

McsTable::Type
LinkAdaptation::GetMcsTableType() const
{
    return m_mcsTable;
}

double
LinkAdaptation::EffectiveSinrDb(const std::vector<double>& sinrLinear)
{
    if (sinrLinear.empty())
    {
        throw std::invalid_argument("effective SINR of an empty set of SINRs");
    }
    double sumLog2 = 0;
    for (double sinr : sinrLinear)
    {
        if (!(sinr >= 0) || !std::isfinite(sinr))
        {
            std::ostringstream msg;
            msg << "SINR " << sinr << " (linear) must be finite and non-negative";
            throw std::invalid_argument(msg.str());
        }
        sumLog2 += std::log2(1 + sinr);
    }
    return 10 * std::log10(std::exp2(sumLog2 / sinrLinear.size()) - 1);
}

uint32_t
LinkAdaptation::GetNumDataRe(uint32_t numPrbs) const
{
    return TbsCalculator::GetNumDataRe(numPrbs,
                                       m_dataSymbolsPerSlot,
                                       m_dmrsRePerPrb,
                                       m_overheadRePerPrb);
}

uint32_t
LinkAdaptation::ComputeTbsBits(const ModCodEntry& entry, uint32_t numPrbs) const
{
    return TbsCalculator::ComputeTbsBits(entry.qm,
                                         entry.GetCodeRate(),
                                         numPrbs,
                                         m_dataSymbolsPerSlot,
                                         m_dmrsRePerPrb,
                                         m_overheadRePerPrb,
                                         m_numLayers);
}

uint32_t
LinkAdaptation::GetTbsBits(uint8_t mcs, uint32_t numPrbs) const
{
    return ComputeTbsBits(McsTable::GetMcs(m_mcsTable, mcs), numPrbs);
}

uint32_t
LinkAdaptation::GetMaxTbsBits(uint32_t numPrbs) const
{
    if (m_mode == SHANNON_GAP)
    {
        return std::numeric_limits<uint32_t>::max();
    }
    // The tables' spectral efficiency grows with the MCS index, and the TBS with it.
    const uint8_t mcs =
        m_fixedMcs != kAdaptiveMcs ? m_fixedMcs : McsTable::GetMcsEntries(m_mcsTable).size() - 1;
    return GetTbsBits(mcs, numPrbs);
}

double
LinkAdaptation::FindThresholdDb(const ModCodEntry& entry, uint32_t tbsBits) const
{
    double lowDb = -50.0;
    double highDb = 80.0;
    while (highDb - lowDb > 1e-6)
    {
        double midDb = 0.5 * (lowDb + highDb);
        bool meets =
            m_blerModel->GetBler(midDb, entry.qm, entry.GetCodeRate(), tbsBits) <= m_targetBler;
        (meets ? highDb : lowDb) = midDb;
    }
    return highDb;
}

LinkAdaptation::Thresholds&
LinkAdaptation::GetThresholds() const
{
    ThresholdKey key{m_mcsTable,
                     m_targetBler,
                     m_cqiReferencePrbs,
                     m_dmrsRePerPrb,
                     m_overheadRePerPrb,
                     m_numLayers,
                     m_dataSymbolsPerSlot,
                     PeekPointer(m_blerModel)};
    if (m_thresholdKey == key)
    {
        return m_thresholds;
    }
    m_thresholdKey = key;
    m_thresholds = Thresholds{};
    m_thresholds.cqiDb.assign(McsTable::kMaxCqi + 1, 0.0);
    m_thresholds.cqiPrbBytes.assign(McsTable::kMaxCqi + 1, 0.0);
    m_thresholds.cqiLinear.assign(McsTable::kMaxCqi + 1, 0.0);
    const double bytesPerUnitEfficiency = GetNumDataRe(1) * m_numLayers / 8.0;
    for (uint8_t cqi = 1; cqi <= McsTable::kMaxCqi; ++cqi)
    {
        const ModCodEntry& entry = McsTable::GetCqi(m_mcsTable, cqi);
        m_thresholds.cqiDb[cqi] = FindThresholdDb(entry, ComputeTbsBits(entry, m_cqiReferencePrbs));
        m_thresholds.cqiLinear[cqi] = std::pow(10.0, m_thresholds.cqiDb[cqi] / 10);
        m_thresholds.cqiPrbBytes[cqi] =
            McsTable::GetMcs(m_mcsTable, McsFromCqi(cqi)).spectralEfficiency *
            bytesPerUnitEfficiency;
        NS_ABORT_MSG_IF(cqi > 1 && !(m_thresholds.cqiDb[cqi] >= m_thresholds.cqiDb[cqi - 1]),
                        "CQI " << +cqi << "'s SINR threshold " << m_thresholds.cqiDb[cqi]
                               << " dB is below CQI " << cqi - 1 << "'s; check the BLER model");
    }
    return m_thresholds;
}

uint8_t
LinkAdaptation::SelectCqi(double effectiveSinrDb) const
{
    BlerModel::CheckEffectiveSinrDb(effectiveSinrDb);
    const std::vector<double>& thresholdsDb = GetThresholds().cqiDb;
    for (uint8_t cqi = McsTable::kMaxCqi; cqi >= 1; --cqi)
    {
        if (effectiveSinrDb >= thresholdsDb[cqi])
        {
            return cqi;
        }
    }
    return 0;
}

uint8_t
LinkAdaptation::McsFromCqi(uint8_t cqi) const
{
    if (cqi == 0)
    {
        return 0;
    }
    const double cqiEfficiency = McsTable::GetCqi(m_mcsTable, cqi).spectralEfficiency;
    const auto& mcsEntries = McsTable::GetMcsEntries(m_mcsTable);
    uint8_t best = 0;
    for (uint8_t mcs = 0; mcs < mcsEntries.size(); ++mcs)
    {
        if (mcsEntries[mcs].spectralEfficiency <= cqiEfficiency)
        {
            best = mcs;
        }
    }
    return best;
}

double
LinkAdaptation::ShannonGapSpectralEfficiency(double sinrDb) const
{
    return std::log2(1 + std::pow(10.0, (sinrDb - m_shannonGapDb) / 10));
}

LinkDecision
LinkAdaptation::Decide(double effectiveSinrDb, uint32_t numPrbs) const
{
    NS_LOG_FUNCTION(this << effectiveSinrDb << numPrbs);
    BlerModel::CheckEffectiveSinrDb(effectiveSinrDb);
    if (m_mode == SHANNON_GAP)
    {
        const double efficiency = ShannonGapSpectralEfficiency(effectiveSinrDb);
        const double numRe = double(GetNumDataRe(numPrbs)) * m_numLayers;
        return {LinkDecision::kNoMcs, uint32_t(std::floor(numRe * efficiency)), efficiency};
    }
    if (m_fixedMcs != kAdaptiveMcs)
    {
        return {m_fixedMcs,
                GetTbsBits(m_fixedMcs, numPrbs),
                McsTable::GetMcs(m_mcsTable, m_fixedMcs).spectralEfficiency};
    }
    // Highest MCS meeting the target on exactly this allocation (BLER depends on the TBS).
    const auto& entries = McsTable::GetMcsEntries(m_mcsTable);
    std::vector<double>& mcsDb = GetThresholds().mcsDbByPrbs[numPrbs];
    if (mcsDb.empty())
    {
        for (uint8_t m = 0; m < entries.size(); ++m)
        {
            mcsDb.push_back(FindThresholdDb(entries[m], GetTbsBits(m, numPrbs)));
        }
    }
    uint8_t mcs = entries.size() - 1;
    while (mcs > 0 && effectiveSinrDb < mcsDb[mcs])
    {
        --mcs;
    }
    const uint32_t tbsBits = GetTbsBits(mcs, numPrbs);
    NS_LOG_DEBUG("SINR " << effectiveSinrDb << " dB, " << numPrbs << " PRBs: MCS " << unsigned(mcs)
                         << ", TBS " << tbsBits << " bits");
    return {mcs, tbsBits, McsTable::GetMcs(m_mcsTable, mcs).spectralEfficiency};
}

double
LinkAdaptation::GetBler(const LinkDecision& decision, double effectiveSinrDb) const
{
    BlerModel::CheckEffectiveSinrDb(effectiveSinrDb);
    if (m_mode == SHANNON_GAP)
    {
        return 0;
    }
    const ModCodEntry& entry = McsTable::GetMcs(m_mcsTable, decision.mcs);
    return m_blerModel->GetBler(effectiveSinrDb, entry.qm, entry.GetCodeRate(), decision.tbsBits);
}

double
LinkAdaptation::EstimateBytesPerPrb(double prbSinrDb) const
{
    BlerModel::CheckEffectiveSinrDb(prbSinrDb);
    double efficiency = 0;
    if (m_mode == SHANNON_GAP)
    {
        efficiency = ShannonGapSpectralEfficiency(prbSinrDb);
    }
    else if (m_fixedMcs != kAdaptiveMcs)
    {
        efficiency = McsTable::GetMcs(m_mcsTable, m_fixedMcs).spectralEfficiency;
    }
    else
    {
        return GetThresholds().cqiPrbBytes[SelectCqi(prbSinrDb)];
    }
    return efficiency * GetNumDataRe(1) * m_numLayers / 8;
}

namespace
{

/**
 * Bytes per PRB of the highest CQI whose threshold the SINR reaches (0 below CQI 1). The
 * thresholds do not decrease with the CQI (checked where they are built), so that CQI is the
 * number of thresholds reached: a count without branches.
 */
double
CqiPrbBytes(double prbSinrLinear,
            const std::vector<double>& cqiLinear,
            const std::vector<double>& cqiPrbBytes)
{
    uint32_t cqi = 0;
    for (uint8_t c = 1; c <= McsTable::kMaxCqi; ++c)
    {
        cqi += prbSinrLinear >= cqiLinear[c];
    }
    return cqiPrbBytes[cqi];
}

} // namespace

double
LinkAdaptation::EstimateBytesPerPrbLinear(double prbSinrLinear) const
{
    if (m_mode == SHANNON_GAP || m_fixedMcs != kAdaptiveMcs || !(prbSinrLinear >= 0))
    {
        return EstimateBytesPerPrb(10 * std::log10(prbSinrLinear)); // also rejects NaN
    }
    const Thresholds& thresholds = GetThresholds();
    return CqiPrbBytes(prbSinrLinear, thresholds.cqiLinear, thresholds.cqiPrbBytes);
}

std::vector<double>
LinkAdaptation::EstimateBytesPerPrbLinear(const std::vector<double>& prbSinrLinear) const
{
    std::vector<double> bytes(prbSinrLinear.size());
    if (m_mode == SHANNON_GAP || m_fixedMcs != kAdaptiveMcs)
    {
        std::transform(prbSinrLinear.begin(), prbSinrLinear.end(), bytes.begin(), [this](double s) {
            return EstimateBytesPerPrbLinear(s);
        });
        return bytes;
    }
    // The thresholds once per report, not once per PRB, and outermost: CqiPrbBytes()'s
    // count for all PRBs side by side. Counted in doubles (exact up to 2^53), which GCC
    // vectorises over the PRBs; integer counts of a double comparison it does not.
    const Thresholds& thresholds = GetThresholds();
    const std::size_t numPrbs = prbSinrLinear.size();
    std::vector<double> reached(numPrbs, 0.0);
    for (uint8_t c = 1; c <= McsTable::kMaxCqi; ++c)
    {
        const double threshold = thresholds.cqiLinear[c];
        for (std::size_t prb = 0; prb < numPrbs; ++prb)
        {
            reached[prb] += prbSinrLinear[prb] >= threshold ? 1.0 : 0.0;
        }
    }
    for (std::size_t prb = 0; prb < numPrbs; ++prb)
    {
        const double sinr = prbSinrLinear[prb];
        bytes[prb] = sinr >= 0 ? thresholds.cqiPrbBytes[static_cast<std::size_t>(reached[prb])]
                               : EstimateBytesPerPrbLinear(sinr); // rejects NaN
    }
    return bytes;
}

} // namespace ns3
