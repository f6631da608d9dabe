#ifndef EDGE_LAM_CSI_PREDICTION_TASK_H
#define EDGE_LAM_CSI_PREDICTION_TASK_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "channel/antenna-array.h"
#include "channel/csi-ar-predictor.h"
#include "channel/csi-estimation-noise.h"
#include "channel/csi-predictor.h"
#include "channel/three-gpp-ray-generator.h"

#include "ns3/vector.h"

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * The predictor whose error the model learns: its output at each step is added to this
 * reference's prediction of the next snapshot.
 */
enum class CsiPredictionReference
{
    HOLD, ///< the last noisy snapshot: the model predicts the change
    /// least-squares AR on each port's subcarriers, fitted at each step on the history so
    /// far (ArCsiPredictor::PredictEachStep); its predictions are also model inputs
    AR,
};

/**
 * \ingroup training
 * What one token of a port's sequence holds.
 */
enum class CsiPredictionLayout
{
    /// token t: snapshot t of the port's K subcarriers (and, with the AR reference, AR's
    /// prediction of snapshot t + 1); the model corrects the reference at every step
    TIME_STEPS,
    /// token k: subcarrier k's T noisy snapshots and the reference's prediction of its
    /// snapshot T; the model corrects that prediction at every subcarrier, attending to
    /// the subcarriers below k (the channel is smooth across frequency, the noise is not)
    SUBCARRIERS,
};

/**
 * \ingroup training
 * The channel-prediction task: link and sampling of the CSI the devices learn from.
 * Defaults: the LLM4CP setup (UMa NLOS, 2.4 GHz, 32-port base station, 48
 * subcarriers of 180 kHz, 0.5 ms sampling, 16 past snapshots, 20 dB estimation SNR).
 */
struct CsiPredictionTaskConfig
{
    double frequencyHz{2.4e9};
    uint32_t subcarriers{48};
    double subcarrierSpacingHz{180e3};
    double samplePeriodS{0.5e-3};
    uint32_t historySteps{16};
    double snrDb{20};
    CsiPredictionReference reference{CsiPredictionReference::HOLD};
    uint32_t arOrder{8}; ///< order of the AR reference
    CsiPredictionLayout layout{CsiPredictionLayout::TIME_STEPS};
};

/**
 * \ingroup training
 * Drops of one device (or of the validation set). Each drop is the uplink CSI of a
 * 32-port base station over `historySteps + 1` snapshots; each base-station port is
 * one sequence of 2K real features per step (real parts of the K subcarriers, then the
 * imaginary parts). Sequences are scaled by the RMS of their noisy history, so the model
 * sees unit power whatever the pathloss. With the AR reference each step also carries
 * AR's prediction of the next snapshot (2K more features). The subcarrier layout
 * transposes a sequence: one token per subcarrier (CsiPredictionLayout).
 */
struct CsiPredictionData
{
    int64_t drops{0};
    int64_t ports{0};
    CsiPredictionLayout layout{CsiPredictionLayout::TIME_STEPS};
    /// TIME_STEPS: (drops x ports, T, 2K) noisy snapshots 0..T-1, scaled; with the AR
    /// reference (.., T, 4K): then also AR's predictions of snapshots 1..T.
    /// SUBCARRIERS: (drops x ports, K, 2T + 2) per subcarrier the real parts of its
    /// snapshots 0..T-1, their imaginary parts, and the reference's snapshot T (re, im).
    torch::Tensor inputs;
    /// TIME_STEPS: (drops x ports, T, 2K) noisy snapshots 1..T minus the reference's
    /// predictions of them, scaled: the model predicts the reference's error (for HOLD the
    /// change from each snapshot to the next), so an untrained one reproduces the
    /// reference. SUBCARRIERS: (drops x ports, K, 2) the same error at snapshot T only.
    torch::Tensor targets;
    torch::Tensor nextReference; ///< (drops x ports, 2K) the reference's snapshot T, scaled
    torch::Tensor nextClean;     ///< (drops x ports, 2K) clean snapshot T, scaled
    torch::Tensor scale;         ///< (drops x ports) the RMS each sequence was divided by
    /// Per drop, what a classical predictor sees: the noisy history (T, K x ports) and the
    /// clean next snapshot (1, K x ports), unscaled (columns are subcarrier-major).
    std::vector<Eigen::MatrixXcd> history;
    std::vector<Eigen::MatrixXcd> nextTruth;
};

/**
 * \ingroup training
 * \brief Generates channel-prediction data from the TR 38.901 ray-level CSI engine:
 * every drop redraws the large- and small-scale parameters of the link between a base
 * station and a UE at the given positions and velocity (a device's own surroundings),
 * adds estimation noise at the configured SNR, and cuts the sequences.
 */
class CsiPredictionTask
{
  public:
    /// \throws std::invalid_argument for a non-positive size, period or frequency
    explicit CsiPredictionTask(const CsiPredictionTaskConfig& config);

    /// Fixes the random streams; \return the number used.
    int64_t AssignStreams(int64_t stream);

    /// \param drops > 0
    CsiPredictionData Generate(const Vector& bsPosition,
                               const Vector& uePosition,
                               const Vector& velocityMps,
                               uint32_t drops);

    /// Model input features per token: 2K, 4K with the AR reference; 2T + 2 with
    /// subcarrier tokens.
    int64_t GetInputFeatures() const;
    /// Model output features per token: 2K; 2 with subcarrier tokens.
    int64_t GetOutputFeatures() const;
    /// Tokens per sequence: T; K with subcarrier tokens.
    int64_t GetTokens() const;
    const CsiPredictionTaskConfig& GetConfig() const;

  private:
    CsiPredictionTaskConfig m_config;
    AntennaArray m_bsArray;
    AntennaArray m_ueArray;
    Ptr<ThreeGppRayGenerator> m_rays;
    Ptr<CsiEstimationNoise> m_noise;
    Ptr<ArCsiPredictor> m_ar;
    std::vector<double> m_offsetsHz;
    std::vector<double> m_timesS;
};

/**
 * One snapshot per subcarrier: (N, 2K) real parts then imaginary parts -> (N, K, 2).
 */
torch::Tensor SubcarrierMajor(const torch::Tensor& snapshots);

/**
 * The next snapshot a model predicts: the reference's prediction plus the model's
 * correction at the last step (with subcarrier tokens: at every subcarrier).
 * \param output model output on data.inputs: (N, T, 2K), or (N, K, 2)
 * \return (N, 2K), scaled
 */
torch::Tensor PredictNextSnapshot(const CsiPredictionData& data, const torch::Tensor& output);

/**
 * NMSE (dB) of next-snapshot predictions: per drop sum |prediction - truth|^2 over ports
 * and subcarriers divided by sum |truth|^2, averaged over drops in linear units, then in
 * dB (as EvaluateCsiPredictor() does for the classical predictors).
 * \param predicted (drops x ports, 2K) scaled predictions, as the model outputs them
 */
double NextStepNmseDb(const torch::Tensor& predicted, const CsiPredictionData& data);

/// The same NMSE for a classical predictor run on each drop's noisy history.
double NextStepNmseDb(const CsiPredictor& predictor, const CsiPredictionData& data);

} // namespace ns3

#endif // EDGE_LAM_CSI_PREDICTION_TASK_H
