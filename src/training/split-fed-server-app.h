#ifndef EDGE_LAM_SPLIT_FED_SERVER_APP_H
#define EDGE_LAM_SPLIT_FED_SERVER_APP_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "compute/compute-device.h"
#include "training/csi-prediction-task.h"
#include "training/device-selection-policy.h"
#include "training/dp-federated-averaging.h"
#include "training/split-fed-device-app.h"
#include "training/split-fed-transport.h"

#include "ns3/application.h"
#include "ns3/event-id.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * What one device did in one round.
 */
struct SplitFedDeviceKpi
{
    uint32_t device{0};
    bool selected{false};
    bool completed{false};    ///< finished all local steps and uploaded before the deadline
    double bandwidthShare{0}; ///< planned share of the band
    double uplinkRateBps{0};  ///< full-band rate estimate the plan used
    uint64_t bytesUp{0};
    uint64_t bytesDown{0};
    double energyJ{0}; ///< compute (active and idle) and radio energy in the round
    double loss{0};    ///< mean training loss of its local steps
};

/**
 * \ingroup training
 * What one round did.
 */
struct SplitFedRoundKpi
{
    uint64_t round{0};
    Time start;
    Time end;
    double predictedLatencyS{0}; ///< the plan's min-max latency
    uint32_t selected{0};
    uint32_t completed{0};
    double trainLoss{0};        ///< mean over completed devices (data-weighted)
    double validationNmseDb{0}; ///< global model after aggregation
    /// Privacy loss (user-level, at the DP aggregator's delta) after this round; +inf
    /// without differential privacy
    double epsilon{std::numeric_limits<double>::infinity()};
    double clippedFraction{0}; ///< uploads whose update was clipped (DP only)
    std::vector<SplitFedDeviceKpi> devices;
};

/**
 * \ingroup training
 * \brief The edge server of split federated fine-tuning (SFL with one server-side
 * replica of the adapters per device, aggregated with the device modules at the end of
 * each round, as SplitFed-v1 / SplitLoRA do).
 *
 * A round: the policy selects devices and shares the band; each selected device
 * downloads the global trainable tensors of its shards, then runs its local steps as the
 * five split-learning exchanges (activations up, server forward, representation down,
 * device loss and backward, gradient up, server backward, activation gradient down when
 * the front trains), with every transfer over the TransferService and every compute
 * stage on the ComputeDevice of the node that runs it; finally it uploads its device-side
 * trainable tensors. The round ends when every selected device is done, or at the round
 * deadline with the devices that are (partial aggregation); FedAvg weighted by data
 * size then forms the new global tensors and the global model is validated.
 */
class SplitFedServerApp : public Application
{
  public:
    typedef std::function<void(const SplitFedRoundKpi&)> RoundCallback;

    static TypeId GetTypeId();

    /**
     * \param globalModel the model whose trainable tensors are the global state (same
     *        config and adapters as the replicas); validated after every round
     */
    void Setup(Ptr<SplitFedTransport> transport,
               std::vector<Ptr<SplitFedDeviceApp>> devices,
               Ptr<ComputeDevice> serverCompute,
               Ptr<DeviceSelectionPolicy> policy,
               GptModel globalModel,
               CsiPredictionData validation);

    /// Called after each round (KPI writers, progress).
    void SetRoundCallback(RoundCallback callback);

    /// Fills the learning KPIs (losses, validation NMSE) of a replayed round.
    typedef std::function<void(SplitFedRoundKpi& kpi)> ReplayedKpis;

    /**
     * Resuming: rounds [0, rounds) are replayed (devices in replay mode, no aggregation
     * or validation; their learning KPIs come from `learningKpis`); the global trainable
     * tensors must be loaded (e.g. from a checkpoint) before round `rounds` starts, which
     * then trains normally.
     */
    void SetReplayRounds(uint64_t rounds, ReplayedKpis learningKpis);

    /**
     * Aggregates with user-level DP-FedAvg (clipped updates, fixed denominator, Gaussian
     * noise) instead of FedAvg by data size. The noise of round r is drawn from seed
     * `seed + r`, so a resumed run draws what the uninterrupted one drew.
     */
    void SetDifferentialPrivacy(Ptr<DpFederatedAveraging> dp, uint64_t seed);

    /// NMSE (dB) of the global model on the validation data now.
    double Validate();

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    void StartRound();
    // The stages of one local step of a device, in order (see SplitStep).
    void RunStep(uint32_t device);
    /// Centralised training: one step of the global model on a batch of `device`'s data.
    void CentralStep(uint32_t device);
    void ServerForward(uint32_t device);
    void DeviceTail(uint32_t device);
    void ServerBackward(uint32_t device);
    void DeviceFinish(uint32_t device);
    /// After a local step: the next one, or the device's upload at the end of its round.
    void NextStepOrUpload(uint32_t device);
    void DeviceDone(uint32_t device);
    void EndRound();
    /// FedAvg (or DP-FedAvg) of the uploads into the global tensors and model; the
    /// round's training loss.
    void Aggregate();
    /// Whether `device` still works for `round` (not ended, not dropped at the deadline).
    bool IsCurrent(uint64_t round, uint32_t device) const;
    /// Sends bytes between the server and a device, then calls next if the device is
    /// still current.
    void Send(uint32_t device, bool up, uint64_t bytes, std::function<void()> next);
    /// Runs `flops` for a device on the server's compute, then next if still current.
    void Compute(uint32_t device,
                 double flops,
                 const std::string& label,
                 std::function<void()> next);

    Ptr<SplitFedTransport> m_transport;
    std::vector<Ptr<SplitFedDeviceApp>> m_devices;
    Ptr<ComputeDevice> m_serverCompute;
    Ptr<DeviceSelectionPolicy> m_policy;
    std::optional<GptModel> m_globalModel;
    CsiPredictionData m_validation;
    RoundCallback m_roundCallback;

    uint32_t m_rounds{10};
    Time m_deadline;
    NamedTensors m_global;             ///< global trainable tensors
    std::vector<ShardCost> m_bodyCost; ///< per device (batch sizes may differ)
    uint64_t m_round{0};
    bool m_roundOpen{false};
    EventId m_deadlineEvent;
    SplitFedRoundKpi m_kpi;
    std::set<uint32_t> m_active; ///< selected devices still working in this round
    std::vector<double> m_energyAtStart;
    std::vector<NamedTensors> m_uploads;
    std::vector<double> m_uploadWeights;
    std::vector<double> m_uploadLosses;
    uint64_t m_replayRounds{0};
    ReplayedKpis m_replayedKpis;
    Ptr<DpFederatedAveraging> m_dp;
    ShardCost m_centralCost; ///< a step of the whole model (centralised training)
    std::unique_ptr<torch::optim::Adam> m_centralOptimizer; ///< reset every round
    uint64_t m_dpSeed{0};
};

} // namespace ns3

#endif // EDGE_LAM_SPLIT_FED_SERVER_APP_H
