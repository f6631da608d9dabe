#ifndef EDGE_LAM_SPLIT_MODEL_H
#define EDGE_LAM_SPLIT_MODEL_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/gpt-model.h"
#include "lam/payload-precision.h"
#include "lam/shard-cost.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// Named parameters (the names of torch::nn::Module::named_parameters()).
typedef std::vector<std::pair<std::string, torch::Tensor>> NamedTensors;

/**
 * \ingroup lam
 * \brief A GptModel cut into the shards of U-shaped split learning: the device keeps
 * the input embedding and the first k blocks (the "front") and the final LayerNorm and
 * head (the "tail"), so that neither its raw data nor its labels leave it; the server
 * runs blocks [k, L) (the "body").
 */
class SplitModel
{
  public:
    /// \throws std::invalid_argument unless 0 <= deviceBlocks < layers (the server keeps
    ///         at least one block)
    SplitModel(GptModel model, int64_t deviceBlocks);

    GptModel GetModel() const;
    int64_t GetDeviceBlocks() const;

    /// (B, T, input) -> activations (B, T, C): embedding and blocks [0, k).
    torch::Tensor Front(const torch::Tensor& input);
    /// activations (B, T, C) -> representation (B, T, C): blocks [k, L).
    torch::Tensor Body(const torch::Tensor& activations);
    /// representation (B, T, C) -> output (B, T, output_size): ln_f and head.
    torch::Tensor Tail(const torch::Tensor& representation);

    /// Parameters held by the device (front and tail) or by the server (body).
    NamedTensors DeviceParameters(bool trainableOnly) const;
    NamedTensors ServerParameters(bool trainableOnly) const;

    /// Whether any front parameter trains (then the activation gradient goes down).
    bool FrontTrains() const;

    /// The shards as ShardSpans for ComputeShardCost, with the input gradients the
    /// split step computes.
    ShardSpan FrontSpan() const;
    ShardSpan BodySpan() const;
    ShardSpan TailSpan() const;

    /// Whether parameter `name` of the model lives on the device.
    bool IsDeviceParameter(const std::string& name) const;

  private:
    NamedTensors Select(bool device, bool trainableOnly) const;

    GptModel m_model;
    int64_t m_deviceBlocks;
};

/**
 * \ingroup lam
 * \brief One training step of split learning, as the exchanges between device and
 * server, each a method to call when the simulated time for it has come:
 *
 *  1. DeviceForward: front forward; activations go up
 *  2. ServerForward: body forward; the representation goes down
 *  3. DeviceBackward: tail forward, loss, backward to the representation; its gradient
 *     goes up
 *  4. ServerBackward: backward through the body (gradients of the server's LoRA); the
 *     activation gradient goes down when the front trains
 *  5. DeviceFinish: backward through the front
 *
 * Every tensor that crosses the air is rounded to the payload precision on the way
 * (SendAsPayload), so fp16/bf16 payloads affect learning as they would. Gradients
 * accumulate in the parameters' .grad; stepping the optimizers is the caller's job.
 * With fp32 payloads the gradients equal those of the unsplit model.
 */
class SplitStep
{
  public:
    /// Maps the tail's output (B, T, output_size) to a scalar loss.
    typedef std::function<torch::Tensor(const torch::Tensor& output)> LossFunction;

    SplitStep(SplitModel model, PayloadPrecision precision);

    /// \return bytes of the activations sent up
    uint64_t DeviceForward(const torch::Tensor& input);
    /// \return bytes of the representation sent down
    uint64_t ServerForward();
    /// \return bytes of the representation gradient sent up (0 when nothing upstream
    ///         of the tail trains)
    uint64_t DeviceBackward(const LossFunction& loss);
    /// \return bytes of the activation gradient sent down (0 when the front is frozen)
    uint64_t ServerBackward();
    void DeviceFinish();

    /// The loss of DeviceBackward().
    double GetLoss() const;

  private:
    /// Throws std::logic_error unless the step is at `expected`.
    void Expect(int expected, const char* method) const;

    SplitModel m_model;
    PayloadPrecision m_precision;
    int m_stage{0};
    torch::Tensor m_deviceActivations;    ///< front output, in the device's graph
    torch::Tensor m_serverActivations;    ///< as received by the server
    torch::Tensor m_serverRepresentation; ///< body output, in the server's graph
    torch::Tensor m_deviceRepresentation; ///< as received by the device
    torch::Tensor m_receivedRepresentationGradient;
    torch::Tensor m_receivedActivationGradient;
    double m_loss{0};
};

} // namespace ns3

#endif // EDGE_LAM_SPLIT_MODEL_H
