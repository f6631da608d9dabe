#include "lam/split-model.h"

#include <stdexcept>

namespace ns3
{

SplitModel::SplitModel(GptModel model, int64_t deviceBlocks)
    : m_model(std::move(model)),
      m_deviceBlocks(deviceBlocks)
{
    const int64_t layers = m_model->GetConfig().numLayers;
    if (deviceBlocks < 0 || deviceBlocks >= layers)
    {
        throw std::invalid_argument("split point: " + std::to_string(deviceBlocks) +
                                    " blocks on the device must be in [0, " +
                                    std::to_string(layers - 1) + "] for " +
                                    m_model->GetConfig().name + " (" + std::to_string(layers) +
                                    " blocks; the server keeps at least one)");
    }
}

GptModel
SplitModel::GetModel() const
{
    return m_model;
}

int64_t
SplitModel::GetDeviceBlocks() const
{
    return m_deviceBlocks;
}

torch::Tensor
SplitModel::Front(const torch::Tensor& input)
{
    return m_model->ForwardBlocks(m_model->Embed(input), 0, m_deviceBlocks);
}

torch::Tensor
SplitModel::Body(const torch::Tensor& activations)
{
    return m_model->ForwardBlocks(activations, m_deviceBlocks, m_model->GetConfig().numLayers);
}

torch::Tensor
SplitModel::Tail(const torch::Tensor& representation)
{
    return m_model->ForwardHead(representation);
}

bool
SplitModel::IsDeviceParameter(const std::string& name) const
{
    const std::string blockPrefix = "h.";
    if (name.compare(0, blockPrefix.size(), blockPrefix) != 0)
    {
        return true; // embeddings, ln_f, head
    }
    const int64_t block = std::stoll(name.substr(blockPrefix.size()));
    return block < m_deviceBlocks;
}

NamedTensors
SplitModel::Select(bool device, bool trainableOnly) const
{
    NamedTensors selected;
    for (const auto& item : m_model->named_parameters())
    {
        if (IsDeviceParameter(item.key()) == device &&
            (!trainableOnly || item.value().requires_grad()))
        {
            selected.emplace_back(item.key(), item.value());
        }
    }
    return selected;
}

NamedTensors
SplitModel::DeviceParameters(bool trainableOnly) const
{
    return Select(true, trainableOnly);
}

NamedTensors
SplitModel::ServerParameters(bool trainableOnly) const
{
    return Select(false, trainableOnly);
}

bool
SplitModel::FrontTrains() const
{
    for (const auto& [name, parameter] : DeviceParameters(true))
    {
        const bool tail = name.rfind("ln_f.", 0) == 0 || name.rfind("head.", 0) == 0;
        if (!tail)
        {
            return true;
        }
    }
    return false;
}

ShardSpan
SplitModel::FrontSpan() const
{
    return ShardSpan{true, 0, m_deviceBlocks, false, false};
}

ShardSpan
SplitModel::BodySpan() const
{
    return ShardSpan{false, m_deviceBlocks, m_model->GetConfig().numLayers, false, FrontTrains()};
}

ShardSpan
SplitModel::TailSpan() const
{
    const int64_t layers = m_model->GetConfig().numLayers;
    return ShardSpan{false, layers, layers, true, true};
}

SplitStep::SplitStep(SplitModel model, PayloadPrecision precision)
    : m_model(std::move(model)),
      m_precision(precision)
{
}

void
SplitStep::Expect(int expected, const char* method) const
{
    if (m_stage != expected)
    {
        throw std::logic_error(std::string("SplitStep::") + method + " called out of order");
    }
}

uint64_t
SplitStep::DeviceForward(const torch::Tensor& input)
{
    Expect(0, "DeviceForward");
    m_deviceActivations = m_model.Front(input); // (B, T, C)
    m_stage = 1;
    return PayloadBytes(m_deviceActivations, m_precision);
}

uint64_t
SplitStep::ServerForward()
{
    Expect(1, "ServerForward");
    m_serverActivations = SendAsPayload(m_deviceActivations, m_precision);
    m_serverActivations.set_requires_grad(m_deviceActivations.requires_grad());
    m_serverRepresentation = m_model.Body(m_serverActivations); // (B, T, C)
    m_stage = 2;
    return PayloadBytes(m_serverRepresentation, m_precision);
}

uint64_t
SplitStep::DeviceBackward(const LossFunction& loss)
{
    Expect(2, "DeviceBackward");
    const bool upstreamTrains = m_serverRepresentation.requires_grad();
    m_deviceRepresentation = SendAsPayload(m_serverRepresentation, m_precision);
    m_deviceRepresentation.set_requires_grad(upstreamTrains);
    torch::Tensor value = loss(m_model.Tail(m_deviceRepresentation));
    m_loss = value.item<double>();
    value.backward();
    m_stage = 3;
    if (!upstreamTrains)
    {
        return 0;
    }
    m_receivedRepresentationGradient = SendAsPayload(m_deviceRepresentation.grad(), m_precision);
    return PayloadBytes(m_receivedRepresentationGradient, m_precision);
}

uint64_t
SplitStep::ServerBackward()
{
    Expect(3, "ServerBackward");
    m_stage = 4;
    if (!m_receivedRepresentationGradient.defined())
    {
        return 0;
    }
    m_serverRepresentation.backward(m_receivedRepresentationGradient);
    if (!m_serverActivations.requires_grad())
    {
        return 0;
    }
    m_receivedActivationGradient = SendAsPayload(m_serverActivations.grad(), m_precision);
    return PayloadBytes(m_receivedActivationGradient, m_precision);
}

void
SplitStep::DeviceFinish()
{
    Expect(4, "DeviceFinish");
    if (m_receivedActivationGradient.defined())
    {
        m_deviceActivations.backward(m_receivedActivationGradient);
    }
    m_stage = 5;
}

double
SplitStep::GetLoss() const
{
    return m_loss;
}

} // namespace ns3
