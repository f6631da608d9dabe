#ifndef EDGE_LAM_THREE_GPP_LSP_TABLES_H
#define EDGE_LAM_THREE_GPP_LSP_TABLES_H

#include "channel/three-gpp-scenario-id.h"

#include <Eigen/Dense>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ns3
{

// The two indoor-office scenarios share Table 7.5-6 Part 2 (they differ only in the LOS
// probability, sec. 7.4.2).

/// Order of the large-scale parameters in the correlation matrix and the drawn vector.
enum ThreeGppLsp : std::size_t
{
    kLspDs = 0, //!< lg(DS / 1 s)
    kLspAsd,    //!< lg(ASD / 1 deg)
    kLspAsa,    //!< lg(ASA / 1 deg)
    kLspZsa,    //!< lg(ZSA / 1 deg)
    kLspZsd,    //!< lg(ZSD / 1 deg)
    kLspSf,     //!< shadow fading (dB)
    kLspK,      //!< Ricean K-factor (dB), LOS only
    kNumLsps,
};

/// Mean and standard deviation of one normally distributed (lg or dB) parameter.
struct ThreeGppNormal
{
    double mu;
    double sigma;
};

/**
 * \ingroup channel
 * The parameters of TR 38.901 Table 7.5-6 (Parts 1-3) and Tables 7.5-7 to 7.5-10 for one
 * scenario, propagation condition, carrier frequency and link geometry, with the
 * frequency dependences evaluated (at the scenario's clamped frequency).
 */
struct ThreeGppLspParameters
{
    ThreeGppNormal lgDs;  //!< lg(DS / 1 s)
    ThreeGppNormal lgAsd; //!< lg(ASD / 1 deg)
    ThreeGppNormal lgAsa; //!< lg(ASA / 1 deg)
    ThreeGppNormal lgZsa; //!< lg(ZSA / 1 deg)
    ThreeGppNormal lgZsd; //!< lg(ZSD / 1 deg), Tables 7.5-7..7.5-10
    ThreeGppNormal sfDb;  //!< shadow fading (dB), mean 0
    ThreeGppNormal kDb;   //!< K-factor (dB); {0, 0} in NLOS
    double offsetZodDeg;  //!< mu_offset,ZOD (deg), Tables 7.5-7..7.5-10
    /// Cross-correlations in ThreeGppLsp order; in NLOS the K row and column are those of
    /// the identity, so one 7x7 matrix serves both conditions.
    Eigen::Matrix<double, kNumLsps, kNumLsps> correlation;
    double delayScaling;          //!< r_tau
    ThreeGppNormal xprDb;         //!< cross-polarisation ratio (dB)
    uint32_t numClusters;         //!< N
    uint32_t raysPerCluster;      //!< M
    double clusterDsS;            //!< c_DS (s); 3.91 ns where the table says N/A
    double clusterAsdDeg;         //!< c_ASD (deg)
    double clusterAsaDeg;         //!< c_ASA (deg)
    double clusterZsaDeg;         //!< c_ZSA (deg)
    double clusterShadowingStdDb; //!< zeta (dB), per-cluster shadowing
    double effectiveFrequencyGHz; //!< f_c after the scenario's lower clamp (GHz)
};

/**
 * Evaluates the tables for one link.
 * \param carrierFrequencyHz carrier (Hz), 0.5 to 100 GHz (sec. 7.5 validity range)
 * \param distance2dM horizontal BS-UE distance (m)
 * \param ueHeightM h_UT (m), \param bsHeightM h_BS (m) (for the ZSD of UMi)
 * \throws std::invalid_argument naming a frequency outside the range or a negative or
 *         non-finite distance or height
 */
ThreeGppLspParameters GetThreeGppLspParameters(ThreeGppScenario scenario,
                                               bool los,
                                               double carrierFrequencyHz,
                                               double distance2dM,
                                               double ueHeightM,
                                               double bsHeightM);

/**
 * C_phi^NLOS of Table 7.5-2 (azimuth scaling for N clusters).
 * \throws std::invalid_argument if N is not in the table
 */
double ThreeGppAzimuthScalingFactor(uint32_t numClusters);

/**
 * C_theta^NLOS of Table 7.5-4 (zenith scaling for N clusters).
 * \throws std::invalid_argument if N is not in the table
 */
double ThreeGppZenithScalingFactor(uint32_t numClusters);

/// Ray offset angles alpha_m of Table 7.5-3 for unit rms spread, m = 1..20 in spec order.
const std::array<double, 20>& ThreeGppRayOffsetAngles();

/**
 * Sub-cluster of each ray m (0-based) when a cluster is split, Table 7.5-5: 0 for rays
 * 1-8, 19, 20; 1 for rays 9-12, 17, 18; 2 for rays 13-16.
 */
const std::array<uint8_t, 20>& ThreeGppSubClusterOfRay();

/// Power fractions (10/20, 6/20, 4/20) and delay offsets (0, 1.28, 2.56 in units of c_DS)
/// of the three sub-clusters, Table 7.5-5.
constexpr double kThreeGppSubClusterPower[3] = {10.0 / 20, 6.0 / 20, 4.0 / 20};
constexpr double kThreeGppSubClusterDelay[3] = {0.0, 1.28, 2.56};

} // namespace ns3

#endif // EDGE_LAM_THREE_GPP_LSP_TABLES_H
