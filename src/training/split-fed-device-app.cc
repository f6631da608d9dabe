#include "training/split-fed-device-app.h"

#include "lam/fused-adam.h"
#include "training/federated-averaging.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SplitFedDeviceApp");
NS_OBJECT_ENSURE_REGISTERED(SplitFedDeviceApp);

TypeId
SplitFedDeviceApp::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SplitFedDeviceApp")
                            .SetParent<Application>()
                            .SetGroupName("Training")
                            .AddConstructor<SplitFedDeviceApp>();
    return tid;
}

void
SplitFedDeviceApp::Setup(uint32_t deviceIndex,
                         GptModel model,
                         int64_t deviceBlocks,
                         CsiPredictionData data,
                         const SplitFedTrainingConfig& config,
                         Ptr<ComputeDevice> compute,
                         int64_t batchStream)
{
    if (config.localSteps <= 0 || config.batchSize <= 0 || !(config.learningRate > 0) ||
        !(config.maxGradNorm > 0))
    {
        throw std::invalid_argument(
            "local steps, batch size, learning rate and maxGradNorm must be positive");
    }
    m_deviceIndex = deviceIndex;
    m_model.emplace(model, deviceBlocks);
    m_data = std::move(data);
    m_config = config;
    m_compute = compute;
    m_batchDraw = CreateObject<UniformRandomVariable>();
    m_batchDraw->SetStream(batchStream);
    const LamConfig& lam = model->GetConfig();
    const int64_t steps = m_data.inputs.size(1);
    if (config.scheme == TrainingScheme::SPLIT)
    {
        m_frontCost =
            ComputeShardCost(lam, config.lora, m_model->FrontSpan(), config.batchSize, steps);
        m_tailCost =
            ComputeShardCost(lam, config.lora, m_model->TailSpan(), config.batchSize, steps);
        // The device holds its shards, their optimizer state and activations for the run.
        compute->AllocateMemory(m_frontCost.TrainingMemoryBytes() +
                                    m_tailCost.TrainingMemoryBytes(),
                                "device shards of " + lam.name);
    }
    else if (config.scheme != TrainingScheme::CENTRAL) // central: the device holds data only
    {
        const ShardSpan whole{true, 0, lam.numLayers, true, false};
        m_wholeCost = ComputeShardCost(lam, config.lora, whole, config.batchSize, steps);
        compute->AllocateMemory(m_wholeCost.TrainingMemoryBytes(), "whole " + lam.name);
    }
}

void
SplitFedDeviceApp::SetReplay(bool replay)
{
    m_replay = replay;
}

void
SplitFedDeviceApp::BeginRound(const NamedTensors& globalTrainable)
{
    m_stepsDone = 0;
    m_lossSum = 0;
    m_step.reset();
    if (m_replay)
    {
        return;
    }
    NamedTensors trainable = m_model->DeviceParameters(true);
    NamedTensors server = m_model->ServerParameters(true);
    trainable.insert(trainable.end(), server.begin(), server.end());
    if (m_config.scheme != TrainingScheme::LOCAL)
    {
        AssignTensors(trainable, globalTrainable);
    }
    std::vector<torch::Tensor> parameters;
    for (const auto& [name, tensor] : trainable)
    {
        parameters.push_back(tensor);
    }
    m_optimizer =
        std::make_unique<FusedAdam>(parameters, torch::optim::AdamOptions(m_config.learningRate));
}

bool
SplitFedDeviceApp::HasNextStep() const
{
    return m_stepsDone < m_config.localSteps;
}

void
SplitFedDeviceApp::RunFor(double flops, const std::string& label, uint64_t bytes, BytesReady done)
{
    m_compute->Submit(flops, label, Callback<void>([done, bytes]() { done(bytes); }));
}

torch::Tensor
SplitFedDeviceApp::DrawBatch()
{
    const int64_t available = m_data.inputs.size(0);
    std::vector<int64_t> rows(m_config.batchSize);
    for (int64_t& row : rows)
    {
        row = m_batchDraw->GetInteger(0, available - 1);
    }
    return torch::tensor(rows, torch::kLong);
}

void
SplitFedDeviceApp::RecordLoss(double loss)
{
    if (!std::isfinite(loss))
    {
        throw TrainingDivergedError("device " + std::to_string(m_deviceIndex) + ": training loss " +
                                    std::to_string(loss) +
                                    " is not finite (lower the learning rate or use fp32 "
                                    "payloads)");
    }
    m_lossSum += loss;
}

void
SplitFedDeviceApp::CheckGradients(const std::vector<torch::Tensor>& parameters) const
{
    double squares = 0;
    for (const torch::Tensor& parameter : parameters)
    {
        if (parameter.grad().defined())
        {
            const double tensorNorm = parameter.grad().norm().item<double>();
            squares += tensorNorm * tensorNorm;
        }
    }
    const double norm = std::sqrt(squares);
    if (!(norm <= m_config.maxGradNorm)) // also NaN
    {
        std::ostringstream message;
        message << "device " << m_deviceIndex << ": gradient norm " << norm;
        if (std::isfinite(norm))
        {
            message << " exceeds maxGradNorm " << m_config.maxGradNorm;
        }
        else
        {
            message << " is not finite";
        }
        message << " (exploding gradients: lower the learning rate)";
        throw TrainingDivergedError(message.str());
    }
}

void
SplitFedDeviceApp::ForwardFront(BytesReady done)
{
    // The draw happens in replay too, so the stream stays where the original run had it.
    torch::Tensor index = DrawBatch();
    if (m_replay)
    {
        RunFor(m_frontCost.forwardFlops, "front forward", GetExchangeBytes(), done);
        return;
    }
    m_batchTargets = m_data.targets.index_select(0, index);
    m_optimizer->zero_grad();
    m_step.emplace(*m_model, m_config.precision);
    const uint64_t bytes = m_step->DeviceForward(m_data.inputs.index_select(0, index));
    RunFor(m_frontCost.forwardFlops, "front forward", bytes, done);
}

std::pair<torch::Tensor, torch::Tensor>
SplitFedDeviceApp::TakeCentralBatch()
{
    torch::Tensor index = DrawBatch();
    ++m_stepsDone;
    if (m_replay)
    {
        return {};
    }
    return {m_data.inputs.index_select(0, index), m_data.targets.index_select(0, index)};
}

uint64_t
SplitFedDeviceApp::GetDataBytes() const
{
    // The noisy snapshots 0..T of every sequence; the server derives the rest (the
    // targets, and AR's predictions when they are inputs) from them.
    uint64_t values = 0;
    for (const Eigen::MatrixXcd& history : m_data.history) // (T, K x ports)
    {
        values += 2 * static_cast<uint64_t>(history.rows() + 1) * history.cols();
    }
    return values * BytesPerElement(m_config.precision);
}

void
SplitFedDeviceApp::LocalStep(BytesReady done)
{
    torch::Tensor index = DrawBatch();
    if (!m_replay)
    {
        m_optimizer->zero_grad();
        GptModel model = m_model->GetModel();
        torch::Tensor loss = torch::mse_loss(model->forward(m_data.inputs.index_select(0, index)),
                                             m_data.targets.index_select(0, index));
        RecordLoss(loss.item<double>());
        loss.backward();
        CheckGradients(m_optimizer->param_groups().front().params());
        m_optimizer->step();
    }
    ++m_stepsDone;
    RunFor(m_wholeCost.forwardFlops + m_wholeCost.backwardFlops, "local step", 0, done);
}

void
SplitFedDeviceApp::ForwardTailBackward(BytesReady done)
{
    const double tailFlops = m_tailCost.forwardFlops + m_tailCost.backwardFlops;
    if (m_replay)
    {
        const bool serverTrains =
            !m_model->ServerParameters(true).empty() || m_model->FrontTrains();
        RunFor(tailFlops, "tail", serverTrains ? GetExchangeBytes() : 0, done);
        return;
    }
    const torch::Tensor targets = m_batchTargets;
    const uint64_t bytes = m_step->DeviceBackward(
        [targets](const torch::Tensor& output) { return torch::mse_loss(output, targets); });
    RecordLoss(m_step->GetLoss());
    RunFor(tailFlops, "tail", bytes, done);
}

void
SplitFedDeviceApp::BackwardFrontAndStep(BytesReady done)
{
    if (!m_replay)
    {
        m_step->DeviceFinish();
        // Adapters of both sides step here: Adam is per parameter, so one optimizer over
        // the replica equals a device optimizer and a server optimizer stepping separately.
        CheckGradients(m_optimizer->param_groups().front().params());
        m_optimizer->step();
    }
    ++m_stepsDone;
    RunFor(m_frontCost.backwardFlops, "front backward", 0, done);
}

SplitStep&
SplitFedDeviceApp::GetStep()
{
    return *m_step;
}

SplitModel&
SplitFedDeviceApp::GetSplitModel()
{
    return *m_model;
}

NamedTensors
SplitFedDeviceApp::GetTrainable() const
{
    // In the model's parameter order, as the server's global tensors.
    NamedTensors trainable;
    for (const auto& item : m_model->GetModel()->named_parameters())
    {
        if (item.value().requires_grad())
        {
            trainable.emplace_back(item.key(), item.value());
        }
    }
    return CloneTensors(trainable);
}

uint64_t
SplitFedDeviceApp::GetDeviceModelBytes() const
{
    if (m_config.scheme == TrainingScheme::LOCAL || m_config.scheme == TrainingScheme::CENTRAL)
    {
        return 0;
    }
    const int64_t elements = m_config.scheme == TrainingScheme::SPLIT
                                 ? CountElements(m_model->DeviceParameters(true))
                                 : CountElements(GetTrainable());
    return elements * BytesPerElement(m_config.precision);
}

double
SplitFedDeviceApp::GetRoundLoss() const
{
    return m_stepsDone > 0 ? m_lossSum / m_stepsDone : 0.0;
}

double
SplitFedDeviceApp::GetDataWeight() const
{
    return static_cast<double>(m_data.inputs.size(0));
}

uint32_t
SplitFedDeviceApp::GetDeviceIndex() const
{
    return m_deviceIndex;
}

Ptr<ComputeDevice>
SplitFedDeviceApp::GetCompute() const
{
    return m_compute;
}

const SplitFedTrainingConfig&
SplitFedDeviceApp::GetConfig() const
{
    return m_config;
}

Time
SplitFedDeviceApp::GetStepComputeTime() const
{
    return m_compute->GetComputeDuration(m_frontCost.forwardFlops + m_frontCost.backwardFlops +
                                         m_tailCost.forwardFlops + m_tailCost.backwardFlops +
                                         m_wholeCost.forwardFlops + m_wholeCost.backwardFlops);
}

uint64_t
SplitFedDeviceApp::GetExchangeBytes() const
{
    const LamConfig& lam = m_model->GetModel()->GetConfig();
    return static_cast<uint64_t>(m_config.batchSize) * m_data.inputs.size(1) * lam.width *
           BytesPerElement(m_config.precision);
}

uint64_t
SplitFedDeviceApp::GetStepBytes(bool up) const
{
    if (m_config.scheme != TrainingScheme::SPLIT)
    {
        return 0;
    }
    const uint64_t tensor = GetExchangeBytes();
    return up ? 2 * tensor : tensor * (m_model->FrontTrains() ? 2 : 1);
}

void
SplitFedDeviceApp::DoDispose()
{
    m_optimizer.reset();
    m_step.reset();
    m_model.reset();
    m_compute = nullptr;
    m_batchDraw = nullptr;
    Application::DoDispose();
}

void
SplitFedDeviceApp::StartApplication()
{
    // Passive: the server drives every stage.
}

void
SplitFedDeviceApp::StopApplication()
{
}

} // namespace ns3
