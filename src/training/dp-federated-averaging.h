#ifndef EDGE_LAM_DP_FEDERATED_AVERAGING_H
#define EDGE_LAM_DP_FEDERATED_AVERAGING_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/split-model.h"

#include "ns3/object.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * What one DP aggregation produced.
 */
struct DpAggregateResult
{
    NamedTensors global;            ///< new global tensors: global + noisy average of deltas
    std::vector<double> deltaNorms; ///< L2 norm of each upload's delta before clipping
    uint32_t numClipped{0};         ///< uploads whose delta norm exceeded ClipNorm
};

/**
 * \ingroup training
 * \brief User-level differentially private FedAvg (DP-FedAvg, McMahan, Ramage, Talwar,
 * Zhang, "Learning Differentially Private Recurrent Language Models", ICLR 2018, Alg. 1
 * with the fixed-denominator estimator f_f and uniform weights).
 *
 * Each upload's delta_k = upload_k - global, over all its tensors jointly, is clipped to
 * L2 norm <= C; the new global is global + (sum_k clipped delta_k + N(0, (sigma C)^2 I))
 * / D, with D = ExpectedParticipants a constant that does not depend on who took part.
 * Adding or removing one device changes the sum by at most C, so the noise std sigma C / D
 * on the average is the Gaussian mechanism with noise multiplier sigma, and each round is
 * one step of the subsampled Gaussian mechanism of RdpAccountant with sampling rate
 * SamplingRate (1 when the devices are not a random sample).
 *
 * Noise comes from a LibTorch CPU generator seeded by Seed: the same seed and inputs give
 * the same bytes.
 */
class DpFederatedAveraging : public Object
{
  public:
    static TypeId GetTypeId();
    DpFederatedAveraging();

    /**
     * \param clipNorm C, the L2 bound of a device's delta over all its tensors, finite > 0
     * \throws std::invalid_argument naming the bad value
     */
    void SetClipNorm(double clipNorm);
    /**
     * \param noiseMultiplier sigma = noise std / C, finite >= 0 (0: no privacy)
     * \throws std::invalid_argument naming the bad value
     */
    void SetNoiseMultiplier(double noiseMultiplier);
    /**
     * \param samplingRate q, each device's probability of taking part in a round, in (0, 1]
     * \throws std::invalid_argument naming the bad value
     */
    void SetSamplingRate(double samplingRate);
    /**
     * \param delta target delta of GetEpsilon, in (0, 1)
     * \throws std::invalid_argument naming the bad value
     */
    void SetDelta(double delta);
    /**
     * \param expectedParticipants D, the fixed denominator of the average, finite > 0
     * \throws std::invalid_argument naming the bad value
     */
    void SetExpectedParticipants(double expectedParticipants);
    /// Reseeds the noise generator (the next Aggregate draws from the start of the stream).
    void SetSeed(uint64_t seed);

    double GetClipNorm() const;
    double GetNoiseMultiplier() const;
    double GetSamplingRate() const;
    double GetDelta() const;
    double GetExpectedParticipants() const;
    uint64_t GetSeed() const;
    /// sigma C / D: the standard deviation of the noise on each coordinate of the average.
    double GetNoiseStd() const;

    /**
     * \brief One DP-FedAvg round. Call it also when no upload arrived (the noise is still
     * added): skipping the update would reveal that nobody took part.
     * \param global the global tensors the devices started the round from
     * \param uploads each device's tensors after local training (names and shapes of global)
     * \return the new global tensors (dtype of global) and the deltas' norms before clipping
     * \throws std::invalid_argument when an upload differs from global in names or shapes
     *         or its delta is not finite
     */
    DpAggregateResult Aggregate(const NamedTensors& global,
                                const std::vector<NamedTensors>& uploads);

    /**
     * \brief Epsilon at Delta after \p rounds rounds of this mechanism (RdpAccountant, tight
     * conversion, Opacus order grid); +infinity when NoiseMultiplier is 0, 0 for no rounds.
     */
    double GetEpsilon(uint64_t rounds) const;

  private:
    double m_clipNorm{1};
    double m_noiseMultiplier{1};
    double m_samplingRate{1};
    double m_delta{1e-5};
    double m_expectedParticipants{1};
    uint64_t m_seed{1};
    at::Generator m_generator;
};

} // namespace ns3

#endif // EDGE_LAM_DP_FEDERATED_AVERAGING_H
