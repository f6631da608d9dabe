#ifndef EDGE_LAM_CDL_TABLES_H
#define EDGE_LAM_CDL_TABLES_H

#include <array>
#include <cstddef>
#include <string>

namespace ns3
{

/**
 * \ingroup channel
 * The five clustered-delay-line models of 3GPP TR 38.901 sec. 7.7.1: A, B, C are NLOS,
 * D and E are LOS (cluster 1 has a specular LOS path besides its Laplacian part).
 */
enum class CdlModel
{
    A,
    B,
    C,
    D,
    E,
};

/// All CDL models, in table order (for iteration in tests and scenarios).
constexpr CdlModel kAllCdlModels[] = {CdlModel::A,
                                      CdlModel::B,
                                      CdlModel::C,
                                      CdlModel::D,
                                      CdlModel::E};

/// One row of a TR 38.901 CDL table: a cluster with Laplacian angular spread.
struct CdlClusterRow
{
    double normalisedDelay; //!< delay divided by the rms delay spread (sec. 7.7.3)
    double powerDb;         //!< cluster power relative to the table's reference (dB)
    double aodDeg;          //!< cluster azimuth of departure (deg)
    double aoaDeg;          //!< cluster azimuth of arrival (deg)
    double zodDeg;          //!< cluster zenith of departure (deg)
    double zoaDeg;          //!< cluster zenith of arrival (deg)
};

/**
 * \ingroup channel
 * One TR 38.901 CDL table as printed in the spec. For the LOS models the spec lists the
 * specular (LOS) path of cluster 1 as its own row with the same delay and angles as the
 * Laplacian row of cluster 1; only its power is kept here (losPowerDb), so `clusters`
 * holds the Laplacian clusters, cluster 1 first.
 */
struct CdlTable
{
    const char* name;              //!< "CDL-A" ... "CDL-E"
    const char* reference;         //!< the table in TR 38.901
    const CdlClusterRow* clusters; //!< Laplacian clusters in the spec's order
    std::size_t numClusters;       //!< number of rows in `clusters`
    bool hasLos;                   //!< cluster 1 has a specular LOS path (CDL-D, CDL-E)
    double losPowerDb;             //!< power of the LOS path (dB); unused when !hasLos
    double kFactorDb;              //!< LOS power over cluster 1's Laplacian power (dB) as
                                   //!< stated for the model (13.3, 22); unused when !hasLos
    double clusterAsdDeg;          //!< c_ASD, intra-cluster azimuth spread of departure (deg)
    double clusterAsaDeg;          //!< c_ASA, intra-cluster azimuth spread of arrival (deg)
    double clusterZsdDeg;          //!< c_ZSD, intra-cluster zenith spread of departure (deg)
    double clusterZsaDeg;          //!< c_ZSA, intra-cluster zenith spread of arrival (deg)
    double xprDb;                  //!< cross-polarisation power ratio (dB)
};

/// Number of rays per cluster in the CDL models (TR 38.901 sec. 7.7.1 step 1).
constexpr std::size_t kCdlRaysPerCluster = 20;

// The ray offset angles alpha_m of Table 7.5-3 are ThreeGppRayOffsetAngles()
// (channel/three-gpp-lsp-tables.h), shared with the stochastic model.

/// The table of a CDL model.
const CdlTable& GetCdlTable(CdlModel model);

/**
 * \param name "CDL-A", ..., "CDL-E"
 * \throws std::invalid_argument naming the value when it is not one of these
 */
CdlModel CdlModelFromName(const std::string& name);

} // namespace ns3

#endif // EDGE_LAM_CDL_TABLES_H
