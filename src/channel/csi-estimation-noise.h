#ifndef EDGE_LAM_CSI_ESTIMATION_NOISE_H
#define EDGE_LAM_CSI_ESTIMATION_NOISE_H

#include "channel/csi-tensor.h"

#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup channel
 * Channel-estimation error as a receiver sees it: H_est = H + N with N circularly
 * symmetric complex Gaussian, i.i.d. over time, subcarrier and antenna pair, and a
 * variance set per snapshot (one time index t) by the estimation SNR:
 *   sigma_t^2 = mean_{k,r,s} |H[t,k,r,s]|^2 / 10^(SnrDb/10),
 * so the normalised MSE of every snapshot is 10^(-SnrDb/10) on average, whatever its
 * pathloss. This is the error of a least-squares pilot estimate at that pilot SNR; it
 * does not model pilot interpolation, quantisation or pilot contamination.
 */
class CsiEstimationNoise : public Object
{
  public:
    static TypeId GetTypeId();
    CsiEstimationNoise();

    /// Adds the estimation error to every snapshot of the tensor in place.
    void Apply(CsiTensor& csi) const;

    /// \return the number of random streams used (1)
    int64_t AssignStreams(int64_t stream);

  private:
    double m_snrDb;
    Ptr<NormalRandomVariable> m_normal;
};

} // namespace ns3

#endif // EDGE_LAM_CSI_ESTIMATION_NOISE_H
