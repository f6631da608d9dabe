#ifndef EDGE_LAM_TBS_CALCULATOR_H
#define EDGE_LAM_TBS_CALCULATOR_H

#include <cstdint>

namespace ns3
{

/**
 * \ingroup radio
 * LDPC code-block segmentation of one transport block (TS 38.212 sec. 5.2.2 and 7.2.2).
 */
struct CodeBlockSegmentation
{
    uint8_t baseGraph;      //!< LDPC base graph, 1 or 2 (TS 38.212 sec. 7.2.2)
    uint32_t numCodeBlocks; //!< C
    uint32_t codeBlockBits; //!< K' = B'/C: payload plus CRC bits of each code block
};

/**
 * \ingroup radio
 * Transport block size of a PDSCH/PUSCH with one codeword, TS 38.214 sec. 5.1.3.2
 * (PUSCH sec. 6.1.4.2 uses the same procedure).
 */
class TbsCalculator
{
  public:
    /// Maximum PRBs of one carrier (TS 38.211 sec. 4.4.2: N_RB^max = 275).
    static constexpr uint32_t kMaxPrbs = 275;
    /// Maximum layers of one codeword (TS 38.211 sec. 7.3.1.3).
    static constexpr uint8_t kMaxLayersPerCodeword = 4;

    /**
     * Resource elements per PRB available for data, min(156, N'_RE) with
     * N'_RE = 12 * N_symb^sh - N_DMRS^PRB - N_oh^PRB (TS 38.214 sec. 5.1.3.2 step 1).
     * \param numSymbols N_symb^sh, allocated OFDM symbols in the slot, [1, 14]
     * \param dmrsRePerPrb N_DMRS^PRB, DM-RS REs per PRB in the allocation, including
     *        the CDM groups without data
     * \param overheadRePerPrb N_oh^PRB, the xOverhead of TS 38.331 (0, 6, 12 or 18)
     * \throws std::invalid_argument when the symbols are out of range or the reference
     *         signals leave no RE for data
     */
    static uint32_t GetDataRePerPrb(uint32_t numSymbols,
                                    uint32_t dmrsRePerPrb,
                                    uint32_t overheadRePerPrb);

    /**
     * N_RE = min(156, N'_RE) * n_PRB, the data REs per layer of an allocation
     * (TS 38.214 sec. 5.1.3.2 step 1).
     * \throws std::invalid_argument for numPrbs outside [1, kMaxPrbs] or as GetDataRePerPrb()
     */
    static uint32_t GetNumDataRe(uint32_t numPrbs,
                                 uint32_t numSymbols,
                                 uint32_t dmrsRePerPrb,
                                 uint32_t overheadRePerPrb);

    /**
     * TBS in bits, TS 38.214 sec. 5.1.3.2 steps 1-4.
     * \param qm modulation order: 1 (pi/2-BPSK), 2, 4, 6 or 8
     * \param codeRate target code rate R in (0, 1) (the table value / 1024)
     * \param numPrbs n_PRB in [1, kMaxPrbs]
     * \param numSymbols N_symb^sh in [1, 14]
     * \param dmrsRePerPrb N_DMRS^PRB
     * \param overheadRePerPrb N_oh^PRB
     * \param layers v in [1, kMaxLayersPerCodeword]
     * \throws std::invalid_argument naming the offending value
     */
    static uint32_t ComputeTbsBits(uint8_t qm,
                                   double codeRate,
                                   uint32_t numPrbs,
                                   uint32_t numSymbols,
                                   uint32_t dmrsRePerPrb,
                                   uint32_t overheadRePerPrb,
                                   uint8_t layers);

    /**
     * Base graph selection (TS 38.212 sec. 7.2.2) and code-block segmentation
     * (TS 38.212 sec. 5.2.2) of a transport block of tbsBits bits at code rate R.
     * \throws std::invalid_argument for tbsBits == 0 or R outside (0, 1)
     */
    static CodeBlockSegmentation SegmentCodeBlocks(uint32_t tbsBits, double codeRate);
};

} // namespace ns3

#endif // EDGE_LAM_TBS_CALCULATOR_H
