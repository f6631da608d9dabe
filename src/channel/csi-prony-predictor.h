#ifndef EDGE_LAM_CSI_PRONY_PREDICTOR_H
#define EDGE_LAM_CSI_PRONY_PREDICTOR_H

#include "channel/csi-predictor.h"

namespace ns3
{

/**
 * \ingroup channel
 * \brief Prony-type CSI predictor: a sum of M complex exponentials with poles shared by
 * all series of the sample, amplitudes per series.
 *
 * Every series of one sample sees the same propagation paths, hence the same Doppler
 * shifts; only the complex gain of each path differs per subcarrier and antenna. So the
 * poles z_m are estimated jointly (multi-snapshot matrix pencil, least-squares ESPRIT):
 *  1. each series x_s (past samples) gives a Hankel matrix Y_s[n, l] = x_s[n + l] with
 *     L + 1 columns (L = PencilLength); the Y_s of all series are stacked (with
 *     ForwardBackward, also the conjugated time-reversed series, which have the same
 *     poles when |z| = 1 and halve the noise variance of the subspace estimate);
 *  2. the M dominant right singular vectors of the stack span the signal subspace; M is
 *     Order, or with Order = 0 the minimiser of the MDL criterion (Wax and Kailath
 *     1985) over the squared singular values, in [1, L], counting every stacked row as a
 *     snapshot (the rows overlap, so this leans towards larger M; on noisy CSI it
 *     stops where the singular values sink into the flat noise floor);
 *  3. the poles are the eigenvalues of pinv(W_up) W_down (rotational invariance of the
 *     subspace basis W without its last / first row);
 *  4. poles with |z| > 1 are moved onto the unit circle: the physical channel (rays with
 *     a Doppler shift) has |z| = 1, so growth is an estimation error from noise or too
 *     short a window, and extrapolating it would blow up exponentially with the horizon;
 *  5. the amplitudes of every series are the least-squares fit of the Vandermonde matrix
 *     z_m^n, n = 0..past-1, to the history, and the prediction is sum_m c_{m,s} z_m^n for
 *     n = past, past + 1, ...
 * A noiseless sum of M <= L exponentials with distinct poles is recovered exactly.
 */
class PronyCsiPredictor : public CsiPredictor
{
  public:
    static TypeId GetTypeId();
    PronyCsiPredictor();

    /**
     * \param history (past, S)
     * \return the estimated poles (after clamping to |z| <= 1)
     * \throws std::invalid_argument if Order or PencilLength do not fit the history length
     */
    Eigen::VectorXcd EstimatePoles(const Matrix& history) const;

  private:
    Matrix DoPredict(const Matrix& history, std::size_t numFuture) const override;

    uint32_t m_order;
    uint32_t m_pencilLength;
    bool m_forwardBackward;
};

} // namespace ns3

#endif // EDGE_LAM_CSI_PRONY_PREDICTOR_H
