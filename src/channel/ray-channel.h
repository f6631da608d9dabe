#ifndef EDGE_LAM_RAY_CHANNEL_H
#define EDGE_LAM_RAY_CHANNEL_H

#include "channel/antenna-array.h"
#include "channel/csi-tensor.h"
#include "channel/ray-set.h"

#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/vector.h"

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

namespace ns3
{

/**
 * \ingroup channel
 * Ray-level channel coefficients of TR 38.901 sec. 7.5 step 11 for one BS-UE link,
 * evaluated as an OFDM frequency response with per-ray Doppler.
 *
 * For each NLOS ray m of cluster n the engine precomputes, per port pair (r, s), the
 * complex amplitude of eq. 7.5-22 without its time and delay terms,
 *   a_{r,s,n,m} = w_n sqrt(P_n / M_n) F_rx,r(theta_rx, phi_rx)^T X_{n,m} F_tx,s(theta_tx, phi_tx)
 *                 exp(j 2 pi r_rx . d_rx,r) exp(j 2 pi r_tx . d_tx,s),
 * with X_{n,m} = [e^{j Phi_tt}, e^{j Phi_tp} / sqrt(kappa); e^{j Phi_pt} / sqrt(kappa),
 * e^{j Phi_pp}] (eq. 7.5-28), positions d in wavelengths, and the ray's Doppler
 * nu_{n,m} = r_rx,n,m . v / lambda (eq. 7.5-25), r the UE-side unit vector of the ray.
 * The LOS path (eq. 7.5-29) is one more ray with X = diag(1, -1) and its own Doppler and
 * delay. Eq. 7.5-30 weights: w = sqrt(1 / (K + 1)) for the NLOS rays and sqrt(K / (K + 1))
 * for the LOS ray when the RaySet has a LOS path (K = +inf: LOS only), w = 1 without one.
 * Then
 *   H[t, k, r, s] = sum_{n,m} a_{r,s,n,m} exp(j 2 pi nu_{n,m} t) exp(-j 2 pi f_k tau_n).
 *
 * Not modelled: the LOS phase exp(-j 2 pi d_3D / lambda) (the RaySet carries no
 * distance; it is a phase common to all pairs), spatial consistency, a moving BS, path
 * loss and shadowing (the engine does not normalise: with cluster powers summing to 1,
 * E[|H[t,k,r,s]|^2] = sum_n P_n E_m[gain products of the pair], which is 1 for
 * isotropic vertically polarised elements, so E[||H_k||_F^2] = N_r N_t).
 *
 * A plain value class: a pure function of its inputs (no randomness, no attributes).
 * Downlink: the BS transmits (s = BS port, r = UE port). Uplink: the same rays reversed
 * (BS-side angles become arrival angles and X becomes X^T by reciprocity, so the
 * amplitude of pair (BS port s, UE port r) is F_bs,s^T X^T F_ue,r = a_{r,s}: the uplink
 * at the RaySet's carrier is the transpose of the downlink). For FDD build a second
 * RayChannel from the uplink band's RaySet (same angles and delays, its own phases: see
 * RedrawPhases()). Array positions are in wavelengths of the RaySet's carrier.
 *
 * Field patterns, polarisation terms and phasors are computed in double; the per-port
 * products and the sums (Eigen GEMMs) in float: the output is complex<float> anyway, and
 * float halves the cost of the dominant product. Only the downlink amplitudes are kept;
 * the uplink transposes each path's pair coefficients before the delay product.
 */
class RayChannel
{
  public:
    /**
     * Precomputes the downlink ray amplitudes (the uplink reuses them) and Doppler frequencies.
     * \param rays clusters, rays and LOS path; carrierFrequencyHz must be set
     * \param bsArray base-station array (static)
     * \param ueArray UE array
     * \param ueVelocityMps UE velocity (m/s) in the GCS
     * \throws std::invalid_argument naming the first bad value (no clusters and no LOS
     *         path, a cluster without rays, a non-finite angle, phase, delay or velocity,
     *         a negative power or K-factor, a non-positive XPR or carrier)
     */
    RayChannel(const RaySet& rays,
               const AntennaArray& bsArray,
               const AntennaArray& ueArray,
               const Vector& ueVelocityMps);

    std::size_t GetNumBsPorts() const;
    std::size_t GetNumUePorts() const;
    double GetCarrierFrequencyHz() const;
    /// Doppler frequency nu of every ray (Hz): NLOS rays cluster by cluster, LOS ray last.
    const Eigen::VectorXd& GetRayDopplerHz() const;

    /**
     * Downlink frequency response.
     * \param timesS sample times (s)
     * \param subcarrierOffsetsHz subcarrier frequencies relative to the carrier (Hz); evenly
     *        spaced offsets are evaluated by a phasor recurrence, others directly
     * \return H of shape (timesS.size(), subcarrierOffsetsHz.size(), numUePorts, numBsPorts)
     * \throws std::invalid_argument naming a non-finite time or frequency
     */
    CsiTensor GetDownlinkResponse(const std::vector<double>& timesS,
                                  const std::vector<double>& subcarrierOffsetsHz) const;

    /**
     * Uplink frequency response (UE transmits), same arguments as GetDownlinkResponse().
     * \return H of shape (timesS.size(), subcarrierOffsetsHz.size(), numBsPorts, numUePorts);
     *         at one carrier it is the transpose of the downlink (TDD reciprocity)
     */
    CsiTensor GetUplinkResponse(const std::vector<double>& timesS,
                                const std::vector<double>& subcarrierOffsetsHz) const;

  private:
    /// One ray: UE-side and BS-side directions, polarisation matrix X (downlink), weight.
    struct RayTerm
    {
        Direction ue;
        Direction bs;
        Eigen::Matrix2cd polarisation;
        double amplitude;
    };

    /// Downlink amplitudes (UE receives, BS transmits) of every ray.
    void BuildDownlink(const AntennaArray& bs, const AntennaArray& ue);
    /// H of one direction; uplink swaps the roles of the ports of the downlink amplitudes.
    CsiTensor Evaluate(bool uplink,
                       const std::vector<double>& timesS,
                       const std::vector<double>& subcarrierOffsetsHz) const;

    double m_carrierFrequencyHz;
    std::vector<RayTerm> m_rays;
    Eigen::VectorXd m_rayDopplerHz;          //!< (numRays)
    Eigen::VectorXd m_pathDelayS;            //!< (numPaths): clusters, then LOS
    std::vector<std::size_t> m_pathFirstRay; //!< (numPaths + 1) ray ranges of the paths
    std::size_t m_numUePorts{0};
    std::size_t m_numBsPorts{0};
    /// (numUePorts * numBsPorts, numRays); row r * numBsPorts + s is downlink pair (r, s).
    Eigen::MatrixXcf m_amplitudes;
};

/**
 * \ingroup channel
 * Draws new initial phases Phi (uniform in [-pi, pi), TR 38.901 step 10) for every ray,
 * keeping angles, delays, powers and XPRs: the RaySet of a second FDD band, whose
 * small-scale phases are independent of the first band's.
 * \param uniform the stream to draw from (its Min/Max are not used)
 */
void RedrawPhases(RaySet& rays, Ptr<UniformRandomVariable> uniform);

} // namespace ns3

#endif // EDGE_LAM_RAY_CHANNEL_H
