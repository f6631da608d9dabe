#ifndef EDGE_LAM_TDL_TABLES_H
#define EDGE_LAM_TDL_TABLES_H

#include <cstddef>
#include <string>

namespace ns3
{

/**
 * \ingroup channel
 * The five tapped-delay-line models of 3GPP TR 38.901 sec. 7.7.2: A, B, C are NLOS
 * (all taps Rayleigh), D and E are LOS (tap 1 is Rician).
 */
enum class TdlModel
{
    A,
    B,
    C,
    D,
    E,
};

/// All TDL models, in table order (for iteration in tests and scenarios).
constexpr TdlModel kAllTdlModels[] = {TdlModel::A,
                                      TdlModel::B,
                                      TdlModel::C,
                                      TdlModel::D,
                                      TdlModel::E};

/// One row of a TR 38.901 TDL table: a Rayleigh-faded tap.
struct TdlTapRow
{
    double normalisedDelay; //!< delay divided by the rms delay spread (sec. 7.7.3)
    double powerDb;         //!< tap power relative to the table's reference (dB)
};

/**
 * \ingroup channel
 * One TR 38.901 TDL table as printed in the spec. For the LOS models the spec lists the
 * specular (LOS) path of tap 1 as its own row; it is kept apart here (losPowerDb), so
 * `taps` holds only the Rayleigh parts, tap 1 first.
 */
struct TdlTable
{
    const char* name;      //!< "TDL-A" ... "TDL-E"
    const char* reference; //!< the table in TR 38.901
    const TdlTapRow* taps; //!< Rayleigh taps in the spec's order
    std::size_t numTaps;   //!< number of rows in `taps`
    bool hasLos;           //!< tap 1 has a specular LOS path (TDL-D, TDL-E)
    double losPowerDb;     //!< power of the LOS path of tap 1 (dB); unused when !hasLos
    double kFactorDb;      //!< K-factor of tap 1 as stated under the table; unused when !hasLos
};

/// The table of a TDL model.
const TdlTable& GetTdlTable(TdlModel model);

/**
 * \param name "TDL-A", ..., "TDL-E"
 * \throws std::invalid_argument naming the value when it is not one of these
 */
TdlModel TdlModelFromName(const std::string& name);

} // namespace ns3

#endif // EDGE_LAM_TDL_TABLES_H
