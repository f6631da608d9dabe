#include "bler-model.h"

#include "radio/mcs-table.h"
#include "radio/tbs-calculator.h"

#include "ns3/double.h"
#include "ns3/log.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BlerModel");

NS_OBJECT_ENSURE_REGISTERED(BlerModel);
NS_OBJECT_ENSURE_REGISTERED(AttenuatedShannonBlerModel);

namespace
{

/// Gaussian tail probability Q(z) = P(N(0,1) > z).
double
GaussianQ(double z)
{
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

/**
 * Q^-1(p) for p in (0, 0.1] by Newton's method from z = Q^-1(0.1). Q is decreasing and
 * convex for z > 0, so the iterates increase monotonically towards the root.
 */
double
InverseGaussianQ(double p)
{
    double z = 1.2815515655446004; // Q^-1(0.1)
    for (int i = 0; i < 100; ++i)
    {
        const double density = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
        const double step = (GaussianQ(z) - p) / density;
        z += step;
        if (std::abs(step) < 1e-12)
        {
            break;
        }
    }
    return z;
}

} // namespace

TypeId
BlerModel::GetTypeId()
{
    static TypeId tid = TypeId("ns3::BlerModel").SetParent<Object>().SetGroupName("EdgeLam");
    return tid;
}

void
BlerModel::CheckEffectiveSinrDb(double effectiveSinrDb)
{
    if (std::isnan(effectiveSinrDb) || effectiveSinrDb == INFINITY)
    {
        std::ostringstream msg;
        msg << "effective SINR " << effectiveSinrDb << " dB is not a number or +infinite";
        throw std::invalid_argument(msg.str());
    }
}

TypeId
AttenuatedShannonBlerModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::AttenuatedShannonBlerModel")
            .SetParent<BlerModel>()
            .SetGroupName("EdgeLam")
            .AddConstructor<AttenuatedShannonBlerModel>()
            .AddAttribute("Alpha",
                          "Attenuation alpha of the Shannon bound SE = alpha * log2(1 + SINR) "
                          "that places the 10% BLER point of each MCS (dimensionless, "
                          "TR 36.942 Annex A.1; applied per data RE after the TBS overheads)",
                          DoubleValue(0.75),
                          MakeDoubleAccessor(&AttenuatedShannonBlerModel::m_alpha),
                          MakeDoubleChecker<double>(0.05, 1.0));
    return tid;
}

double
AttenuatedShannonBlerModel::GetThresholdSinrDb(double spectralEfficiency) const
{
    if (!(spectralEfficiency > 0) || !std::isfinite(spectralEfficiency))
    {
        std::ostringstream msg;
        msg << "spectral efficiency " << spectralEfficiency << " bit/s/Hz must be positive";
        throw std::invalid_argument(msg.str());
    }
    return 10 * std::log10(std::exp2(spectralEfficiency / m_alpha) - 1);
}

double
AttenuatedShannonBlerModel::GetCodeBlockOffset(uint32_t numCodeBlocks) const
{
    while (m_codeBlockOffsets.size() < numCodeBlocks)
    {
        const double blocks = double(m_codeBlockOffsets.size() + 1);
        // Per-block failure probability 1 - (1 - 0.1)^(1/C), computed without cancellation.
        const double blockBler = -std::expm1(std::log1p(-kThresholdBler) / blocks);
        m_codeBlockOffsets.push_back(InverseGaussianQ(blockBler));
    }
    return m_codeBlockOffsets[numCodeBlocks - 1];
}

double
AttenuatedShannonBlerModel::GetBler(double effectiveSinrDb,
                                    uint8_t qm,
                                    double codeRate,
                                    uint32_t tbsBits) const
{
    NS_LOG_FUNCTION(this << effectiveSinrDb << unsigned(qm) << codeRate << tbsBits);
    CheckEffectiveSinrDb(effectiveSinrDb);
    McsTable::CheckModulationOrder(qm);
    const CodeBlockSegmentation seg = TbsCalculator::SegmentCodeBlocks(tbsBits, codeRate);

    const double thresholdDb = GetThresholdSinrDb(qm * codeRate);
    const double thresholdLinear = std::pow(10.0, thresholdDb / 10);
    // Complex channel uses one code block occupies at rate R with Qm bits per symbol.
    const double channelUses = seg.codeBlockBits / (codeRate * qm);
    // Waterfall width of the finite-blocklength normal approximation, linearised in dB
    // around the threshold: (10/ln 10) * sqrt(V) / (sqrt(n) * dC/dSINR * SINR).
    const double sigmaDb =
        10 / std::log(10.0) * std::sqrt(1 + 2 / thresholdLinear) / std::sqrt(channelUses);
    const double z =
        (effectiveSinrDb - thresholdDb) / sigmaDb + GetCodeBlockOffset(seg.numCodeBlocks);
    const double blockBler = GaussianQ(z);
    if (blockBler >= 1)
    {
        return 1;
    }
    // The transport block fails when any of its C code blocks fails.
    return -std::expm1(seg.numCodeBlocks * std::log1p(-blockBler));
}

} // namespace ns3
