#ifndef EDGE_LAM_CDL_RAY_SET_H
#define EDGE_LAM_CDL_RAY_SET_H

#include "channel/cdl-tables.h"
#include "channel/ray-set.h"

#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup channel
 * Produces RaySets of the clustered-delay-line models CDL-A ... CDL-E of 3GPP TR 38.901
 * sec. 7.7.1, for the ray-level channel-coefficient engine.
 *
 * Deterministic part, from the table of the model:
 * - cluster n has delay tau_n = tau_norm,n * DelaySpreadS (sec. 7.7.3) and power P_n,
 *   normalised so that the Laplacian clusters sum to 1;
 * - its 20 rays have angles cluster angle + c * alpha_m (eq. 7.7-0a), c the table's
 *   c_ASD, c_ASA, c_ZSD, c_ZSA and alpha_m the offsets of Table 7.5-3; azimuths are
 *   wrapped into [-pi, pi); zeniths stay within [0, pi] for every table row (the
 *   largest offset, 2.1551 c, never crosses a pole), so no reflection is applied;
 * - every ray has the table's XPR (step 3: fixed, no randomness);
 * - CDL-D/E: the specular row of cluster 1 becomes the LosPath, with the delay and
 *   angles of cluster 1 and K = P_LOS / sum of the Laplacian cluster powers (cluster 1's
 *   Laplacian part included); cluster 1's Laplacian row stays clusters[0].
 *
 * Random part, drawn anew by each CreateRaySet():
 * - coupling (step 2, as step 8 of sec. 7.5): the AOA offsets are used in table order,
 *   the AOD, ZOD and ZOA offsets each by an independent random permutation per cluster;
 * - initial phases (step 10): four per ray, uniform in [-pi, pi).
 *
 * Not implemented: the angle scaling of sec. 7.7.5.1 (desired angular spreads and
 * mean angles) and the K-factor scaling of sec. 7.7.6.
 */
class CdlRaySetFactory : public Object
{
  public:
    static TypeId GetTypeId();
    CdlRaySetFactory();
    ~CdlRaySetFactory() override;

    /// Model name, "CDL-A" ... "CDL-E".
    std::string GetModelName() const;
    double GetDelaySpreadS() const;
    double GetCarrierFrequencyHz() const;

    /// Draws a new RaySet of the current model: fresh ray coupling and initial phases.
    RaySet CreateRaySet();

    /**
     * Assigns a fixed random stream number to the random variables used by this model.
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    void SetModelName(const std::string& name);
    void SetDelaySpreadS(double delaySpreadS);
    void SetCarrierFrequencyHz(double carrierFrequencyHz);
    /// Random permutation of the ray indices 0..19 (Fisher-Yates).
    std::array<std::size_t, kCdlRaysPerCluster> DrawPermutation();

    CdlModel m_model{CdlModel::A};
    double m_delaySpreadS{0};
    double m_carrierFrequencyHz{0};
    Ptr<UniformRandomVariable> m_uniform;
};

} // namespace ns3

#endif // EDGE_LAM_CDL_RAY_SET_H
