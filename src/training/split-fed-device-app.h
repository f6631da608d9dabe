#ifndef EDGE_LAM_SPLIT_FED_DEVICE_APP_H
#define EDGE_LAM_SPLIT_FED_DEVICE_APP_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "compute/compute-device.h"
#include "lam/split-model.h"
#include "training/csi-prediction-task.h"

#include "ns3/application.h"
#include "ns3/random-variable-stream.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * Who trains what, and what crosses the air.
 */
enum class TrainingScheme
{
    SPLIT,     ///< split federated learning: shards on device and server, every exchange on air
    FEDERATED, ///< the whole model on each device; model download and upload per round
    LOCAL,     ///< the whole model on each device, nothing sent, no aggregation (baseline)
    CENTRAL    ///< devices upload their data once; the server trains the model on it (bound)
};

/**
 * \ingroup training
 * Hyper-parameters of local training, shared by every device of a run.
 */
struct SplitFedTrainingConfig
{
    int64_t localSteps{4};     ///< split-learning steps per device per round
    int64_t batchSize{32};     ///< sequences per step
    double learningRate{1e-3}; ///< Adam, reset at the start of every round
    PayloadPrecision precision{PayloadPrecision::FP32};
    std::optional<LoraOptions> lora; ///< adapters the replicas carry; nullopt: full training
    TrainingScheme scheme{TrainingScheme::SPLIT};
    /// A step whose gradient norm (all trainable tensors of the model it updates) exceeds
    /// this, or is not finite, stops the run before the optimizer applies it.
    double maxGradNorm{1e3};
};

/**
 * \ingroup training
 * Training diverged: a non-finite loss, or a gradient norm that is not finite or above
 * SplitFedTrainingConfig::maxGradNorm. Thrown before the step is applied, so the model
 * and the last checkpoint are untouched by it.
 */
class TrainingDivergedError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/**
 * \ingroup training
 * \brief An edge device of split federated fine-tuning: it holds its data and its
 * replica of the model (frozen weights shared with every replica; its own adapters and
 * task layers), runs the device shards (front and tail) on its ComputeDevice, and
 * answers the server's protocol (SplitFedServerApp drives the rounds).
 *
 * LibTorch runs when a stage starts; the stage's simulated duration is its FLOPs on the
 * device's ComputeDevice (FIFO), and the callback fires when that time has passed.
 */
class SplitFedDeviceApp : public Application
{
  public:
    typedef std::function<void(uint64_t bytes)> BytesReady;

    static TypeId GetTypeId();

    /**
     * \param deviceIndex index of the device (its UE index)
     * \param model this device's replica, with its LoRA adapters (if any) in place
     * \param deviceBlocks split point: blocks on the device
     * \param data local training data
     * \param compute the device's ComputeDevice
     * \param batchStream ns-3 stream index for drawing minibatches
     */
    void Setup(uint32_t deviceIndex,
               GptModel model,
               int64_t deviceBlocks,
               CsiPredictionData data,
               const SplitFedTrainingConfig& config,
               Ptr<ComputeDevice> compute,
               int64_t batchStream);

    /**
     * Replay mode (resuming a run): every stage takes its simulated time, draws its
     * minibatch and reports the bytes of its exchange, but LibTorch does nothing. The
     * simulated timeline does not depend on tensor values, so a replay of finished rounds
     * reproduces it exactly.
     */
    void SetReplay(bool replay);

    /// Loads the global trainable tensors (not in LOCAL training, where each device keeps
    /// its own) and starts a fresh optimizer.
    void BeginRound(const NamedTensors& globalTrainable);
    /// Whether local steps remain in this round.
    bool HasNextStep() const;
    /// Stage 1: draws a minibatch and runs the front; done(activation bytes).
    void ForwardFront(BytesReady done);
    /// Stage 3: tail forward, loss, backward to the representation; done(gradient bytes).
    void ForwardTailBackward(BytesReady done);
    /// Stage 5: backward through the front, optimizer step; done(0).
    void BackwardFrontAndStep(BytesReady done);
    /// Without split: one local step of the whole model on the device; done(0).
    void LocalStep(BytesReady done);
    /// Centralised training: the next minibatch of this device's data (drawn as a local
    /// step would, also in replay), for the server to train on; counts as a step.
    std::pair<torch::Tensor, torch::Tensor> TakeCentralBatch();
    /// Bytes of this device's training data at the payload precision (what centralised
    /// training uploads once).
    uint64_t GetDataBytes() const;
    /// Stops the run (TrainingDivergedError) if a loss is not finite; adds it to the
    /// round's mean.
    void RecordLoss(double loss);
    /// Stops the run (TrainingDivergedError) if the L2 norm of the gradients of
    /// `parameters` is not finite or exceeds the configured maxGradNorm.
    void CheckGradients(const std::vector<torch::Tensor>& parameters) const;

    /// The step in flight (the server runs its stages 2 and 4 on it).
    SplitStep& GetStep();
    SplitModel& GetSplitModel();
    /// Trainable tensors of the replica (device and server sides), detached copies.
    NamedTensors GetTrainable() const;
    /// Bytes of the trainable tensors the device downloads and uploads each round, at the
    /// payload precision (0 in LOCAL training).
    uint64_t GetDeviceModelBytes() const;
    /// Mean loss of this round's completed steps.
    double GetRoundLoss() const;
    /// FedAvg weight: sequences of local data.
    double GetDataWeight() const;
    uint32_t GetDeviceIndex() const;
    Ptr<ComputeDevice> GetCompute() const;
    const SplitFedTrainingConfig& GetConfig() const;
    /// Simulated compute time of one local step on this device (front and tail).
    Time GetStepComputeTime() const;
    /// Bytes one local step sends up (activations, representation gradient) or down
    /// (representation, activation gradient when the front trains), from the shapes.
    uint64_t GetStepBytes(bool up) const;
    /// Bytes of one exchange: a (B, T, C) tensor at the payload precision.
    uint64_t GetExchangeBytes() const;

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    /// Draws a minibatch (with replacement) of local sequences.
    torch::Tensor DrawBatch();
    /// Submits `flops` to the device's compute; runs done(bytes) when finished.
    void RunFor(double flops, const std::string& label, uint64_t bytes, BytesReady done);

    uint32_t m_deviceIndex{0};
    std::optional<SplitModel> m_model;
    CsiPredictionData m_data;
    SplitFedTrainingConfig m_config;
    Ptr<ComputeDevice> m_compute;
    Ptr<UniformRandomVariable> m_batchDraw;
    std::unique_ptr<torch::optim::Adam> m_optimizer;
    std::optional<SplitStep> m_step;
    torch::Tensor m_batchTargets;
    ShardCost m_frontCost;
    ShardCost m_tailCost;
    ShardCost m_wholeCost; ///< without split
    int64_t m_stepsDone{0};
    double m_lossSum{0};
    bool m_replay{false};
};

} // namespace ns3

#endif // EDGE_LAM_SPLIT_FED_DEVICE_APP_H
