#ifndef EDGE_LAM_MCS_TABLE_H
#define EDGE_LAM_MCS_TABLE_H

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * One row of an NR MCS or CQI table: modulation order and target code rate.
 */
struct ModCodEntry
{
    uint8_t qm;                //!< modulation order Qm (bits per symbol): 2, 4, 6 or 8
    double codeRateX1024;      //!< target code rate R x 1024, as printed in TS 38.214
    double spectralEfficiency; //!< bit/s/Hz per layer, as printed (4 decimals) in TS 38.214

    /// Target code rate R in (0, 1).
    double GetCodeRate() const
    {
        return codeRateX1024 / 1024.0;
    }
};

/**
 * \ingroup radio
 * The PDSCH MCS index tables of TS 38.214 sec. 5.1.3.1 and the CQI tables of
 * TS 38.214 sec. 5.2.2.1, without reserved entries (MCS 29-31 of Table 5.1.3.1-1,
 * MCS 28-31 of Table 5.1.3.1-2) and without CQI 0 ("out of range").
 *
 * Each MCS table is paired with the CQI table of the same maximum modulation, as
 * configured by mcs-Table and cqi-Table in TS 38.331: QAM64 uses MCS Table 5.1.3.1-1
 * and CQI Table 5.2.2.1-2; QAM256 uses MCS Table 5.1.3.1-2 and CQI Table 5.2.2.1-3.
 */
class McsTable
{
  public:
    /// Which pair of tables (an ns-3 EnumValue, hence a plain enum).
    enum Type
    {
        QAM64 = 0,
        QAM256 = 1,
    };

    /// Highest CQI index of both CQI tables.
    static constexpr uint8_t kMaxCqi = 15;

    /// MCS rows; index = MCS index I_MCS.
    static const std::vector<ModCodEntry>& GetMcsEntries(Type type);

    /**
     * \param mcs MCS index, below GetMcsEntries(type).size()
     * \throws std::invalid_argument naming the index when it is reserved or out of range
     */
    static const ModCodEntry& GetMcs(Type type, uint8_t mcs);

    /**
     * \param cqi CQI index in [1, kMaxCqi] (CQI 0 means "out of range" and has no entry)
     * \throws std::invalid_argument naming the index otherwise
     */
    static const ModCodEntry& GetCqi(Type type, uint8_t cqi);

    /**
     * \throws std::invalid_argument unless qm is a modulation order of TS 38.211
     *         sec. 5.1 used for data: 1 (pi/2-BPSK), 2, 4, 6 or 8
     */
    static void CheckModulationOrder(uint8_t qm);
};

} // namespace ns3

#endif // EDGE_LAM_MCS_TABLE_H
