#include "tbs-calculator.h"

#include "radio/mcs-table.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

/// TS 38.214 Table 5.1.3.2-1: TBS for N_info <= 3824.
constexpr std::array<uint32_t, 93> kSmallTbsTable = {
    24,   32,   40,   48,   56,   64,   72,   80,   88,   96,   104,  112,  120,  128,  136,  144,
    152,  160,  168,  176,  184,  192,  208,  224,  240,  256,  272,  288,  304,  320,  336,  352,
    368,  384,  408,  432,  456,  480,  504,  528,  552,  576,  608,  640,  672,  704,  736,  768,
    808,  848,  888,  928,  984,  1032, 1064, 1128, 1160, 1192, 1224, 1256, 1288, 1320, 1352, 1416,
    1480, 1544, 1608, 1672, 1736, 1800, 1864, 1928, 2024, 2088, 2152, 2216, 2280, 2408, 2472, 2536,
    2600, 2664, 2728, 2792, 2856, 2976, 3104, 3240, 3368, 3496, 3624, 3752, 3824,
};

/// Largest N_info handled by the table branch (TS 38.214 sec. 5.1.3.2 step 3).
constexpr double kSmallTbsMaxInfoBits = 3824;
/// Transport-block and code-block CRC lengths (TS 38.212 sec. 7.2.1 and 5.2.2).
constexpr uint32_t kLongCrcBits = 24;
constexpr uint32_t kShortCrcBits = 16;
/// Maximum code-block sizes K_cb of LDPC base graphs 1 and 2 (TS 38.212 sec. 5.2.2).
constexpr uint32_t kMaxCodeBlockBitsBg1 = 8448;
constexpr uint32_t kMaxCodeBlockBitsBg2 = 3840;

void
CheckCodeRate(double codeRate)
{
    if (!(codeRate > 0 && codeRate < 1))
    {
        std::ostringstream msg;
        msg << "code rate " << codeRate << " must lie in (0, 1)";
        throw std::invalid_argument(msg.str());
    }
}

uint32_t
CeilDiv(uint32_t a, uint32_t b)
{
    return (a + b - 1) / b;
}

} // namespace

uint32_t
TbsCalculator::GetDataRePerPrb(uint32_t numSymbols,
                               uint32_t dmrsRePerPrb,
                               uint32_t overheadRePerPrb)
{
    if (numSymbols < 1 || numSymbols > 14)
    {
        std::ostringstream msg;
        msg << "number of allocated OFDM symbols " << numSymbols << " is out of range [1, 14]";
        throw std::invalid_argument(msg.str());
    }
    // Step 1: N'_RE = 12 * N_symb^sh - N_DMRS^PRB - N_oh^PRB, capped at 156 per PRB.
    const uint64_t referenceRe = uint64_t(dmrsRePerPrb) + overheadRePerPrb;
    if (referenceRe >= 12 * numSymbols)
    {
        std::ostringstream msg;
        msg << "DM-RS (" << dmrsRePerPrb << ") plus overhead (" << overheadRePerPrb
            << ") REs per PRB leave no data RE in " << numSymbols << " symbols";
        throw std::invalid_argument(msg.str());
    }
    return std::min<uint32_t>(156, 12 * numSymbols - uint32_t(referenceRe));
}

uint32_t
TbsCalculator::GetNumDataRe(uint32_t numPrbs,
                            uint32_t numSymbols,
                            uint32_t dmrsRePerPrb,
                            uint32_t overheadRePerPrb)
{
    if (numPrbs < 1 || numPrbs > kMaxPrbs)
    {
        std::ostringstream msg;
        msg << "number of PRBs " << numPrbs << " is out of range [1, " << kMaxPrbs << "]";
        throw std::invalid_argument(msg.str());
    }
    return GetDataRePerPrb(numSymbols, dmrsRePerPrb, overheadRePerPrb) * numPrbs;
}

uint32_t
TbsCalculator::ComputeTbsBits(uint8_t qm,
                              double codeRate,
                              uint32_t numPrbs,
                              uint32_t numSymbols,
                              uint32_t dmrsRePerPrb,
                              uint32_t overheadRePerPrb,
                              uint8_t layers)
{
    McsTable::CheckModulationOrder(qm);
    CheckCodeRate(codeRate);
    if (layers < 1 || layers > kMaxLayersPerCodeword)
    {
        std::ostringstream msg;
        msg << "number of layers " << unsigned(layers) << " is out of range [1, "
            << unsigned(kMaxLayersPerCodeword) << "] of one codeword";
        throw std::invalid_argument(msg.str());
    }

    // Steps 1-2: REs for data and the intermediate number of information bits.
    const double numRe = GetNumDataRe(numPrbs, numSymbols, dmrsRePerPrb, overheadRePerPrb);
    const double infoBits = numRe * codeRate * qm * layers;

    if (infoBits <= kSmallTbsMaxInfoBits)
    {
        // Step 3: quantise N_info down to a multiple of 2^n, then the table value >= it.
        const int n = std::max(3, int(std::floor(std::log2(infoBits))) - 6);
        const double step = std::ldexp(1.0, n);
        const double quantised = std::max(24.0, step * std::floor(infoBits / step));
        return *std::lower_bound(kSmallTbsTable.begin(), kSmallTbsTable.end(), quantised);
    }

    // Step 4: quantise N_info - 24 to a multiple of 2^n, then fill whole code blocks.
    const int n = int(std::floor(std::log2(infoBits - 24))) - 5;
    const double step = std::ldexp(1.0, n);
    const auto quantised = uint32_t(std::max(3840.0, step * std::round((infoBits - 24) / step)));
    uint32_t numCodeBlocks = 1;
    if (codeRate <= 0.25)
    {
        numCodeBlocks = CeilDiv(quantised + 24, 3816);
    }
    else if (quantised > 8424)
    {
        numCodeBlocks = CeilDiv(quantised + 24, 8424);
    }
    return 8 * numCodeBlocks * CeilDiv(quantised + 24, 8 * numCodeBlocks) - 24;
}

CodeBlockSegmentation
TbsCalculator::SegmentCodeBlocks(uint32_t tbsBits, double codeRate)
{
    if (tbsBits == 0)
    {
        throw std::invalid_argument("transport block size 0 bits has no code block");
    }
    CheckCodeRate(codeRate);
    // TS 38.212 sec. 7.2.2: base graph 2 for short blocks or low rates.
    const bool bg2 = tbsBits <= 292 || (tbsBits <= 3824 && codeRate <= 0.67) || codeRate <= 0.25;
    const uint32_t maxCodeBlockBits = bg2 ? kMaxCodeBlockBitsBg2 : kMaxCodeBlockBitsBg1;
    // TS 38.212 sec. 7.2.1: 24-bit TB CRC above 3824 bits, else 16.
    const uint32_t tbWithCrcBits = tbsBits + (tbsBits > 3824 ? kLongCrcBits : kShortCrcBits);
    // TS 38.212 sec. 5.2.2: each of several code blocks gets its own 24-bit CRC.
    CodeBlockSegmentation seg{uint8_t(bg2 ? 2 : 1), 1, tbWithCrcBits};
    if (tbWithCrcBits > maxCodeBlockBits)
    {
        seg.numCodeBlocks = CeilDiv(tbWithCrcBits, maxCodeBlockBits - kLongCrcBits);
        seg.codeBlockBits =
            CeilDiv(tbWithCrcBits + seg.numCodeBlocks * kLongCrcBits, seg.numCodeBlocks);
    }
    return seg;
}

} // namespace ns3
