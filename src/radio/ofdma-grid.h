#ifndef EDGE_LAM_OFDMA_GRID_H
#define EDGE_LAM_OFDMA_GRID_H

#include "ns3/nstime.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup radio
 * The NR time-frequency grid of one carrier: numerology mu (TS 38.211 sec. 4.2),
 * subcarrier spacing 15 kHz * 2^mu, 14 OFDM symbols per slot, 2^mu slots per 1 ms
 * subframe, and the number of PRBs that fit the channel bandwidth.
 *
 * The PRB count is the maximum transmission bandwidth configuration N_RB of
 * TS 38.101-1 Table 5.3.2-1 (FR1) or TS 38.101-2 Table 5.3.2-1 (FR2) when the
 * (bandwidth, spacing) pair is listed there; otherwise (e.g. FR3 carriers, which
 * have no table yet) 95% of the bandwidth is used, rounded down to whole PRBs.
 */
class OfdmaGrid
{
  public:
    static constexpr uint32_t kSubcarriersPerPrb = 12;
    static constexpr uint32_t kSymbolsPerSlot = 14;
    static constexpr uint8_t kMaxNumerology = 4;

    /**
     * \param numerology mu in [0, 4]
     * \param bandwidthHz channel bandwidth, > 0
     * \throws std::invalid_argument naming the offending value
     */
    OfdmaGrid(uint8_t numerology, double bandwidthHz);

    uint8_t GetNumerology() const;
    double GetBandwidthHz() const;
    double GetSubcarrierSpacingHz() const;
    double GetPrbBandwidthHz() const;
    uint32_t GetNumPrbs() const;
    uint32_t GetSlotsPerSecond() const;
    Time GetSlotDuration() const;

    /// Whether the PRB count came from the TS 38.101 tables (false: 95% fallback).
    bool IsPrbCountFromTable() const;

  private:
    uint8_t m_numerology;
    double m_bandwidthHz;
    uint32_t m_numPrbs;
    bool m_prbCountFromTable;
};

} // namespace ns3

#endif // EDGE_LAM_OFDMA_GRID_H
