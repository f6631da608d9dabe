#include "training/csi-prediction-task.h"

#include "channel/ray-channel.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ns3
{

CsiPredictionTask::CsiPredictionTask(const CsiPredictionTaskConfig& config)
    : m_config(config),
      m_bsArray(AntennaArray::ThreeGppBs4x4DualPol()),
      m_ueArray(AntennaArray::IsotropicUe())
{
    if (config.subcarriers == 0 || config.historySteps == 0 || !(config.samplePeriodS > 0) ||
        !(config.subcarrierSpacingHz > 0) || !(config.frequencyHz > 0))
    {
        throw std::invalid_argument("CSI prediction task: subcarriers, history steps, sample "
                                    "period, subcarrier spacing and frequency must be positive");
    }
    if (config.reference == CsiPredictionReference::AR && config.arOrder == 0)
    {
        throw std::invalid_argument("CSI prediction task: the AR reference needs an order >= 1");
    }
    m_ar = CreateObject<ArCsiPredictor>();
    m_ar->SetAttribute("Order", UintegerValue(std::max<uint32_t>(config.arOrder, 1)));
    m_rays = CreateObject<ThreeGppRayGenerator>();
    m_rays->SetAttribute("Scenario", StringValue("UMa"));
    m_rays->SetAttribute("Los", BooleanValue(false));
    m_rays->SetAttribute("CarrierFrequencyHz", DoubleValue(config.frequencyHz));
    m_noise = CreateObject<CsiEstimationNoise>();
    m_noise->SetAttribute("SnrDb", DoubleValue(config.snrDb));
    const double span = config.subcarriers * config.subcarrierSpacingHz;
    for (uint32_t k = 0; k < config.subcarriers; ++k)
    {
        m_offsetsHz.push_back(-span / 2 + (k + 0.5) * config.subcarrierSpacingHz);
    }
    for (uint32_t t = 0; t <= config.historySteps; ++t)
    {
        m_timesS.push_back(t * config.samplePeriodS);
    }
}

int64_t
CsiPredictionTask::AssignStreams(int64_t stream)
{
    int64_t used = m_rays->AssignStreams(stream);
    return used + m_noise->AssignStreams(stream + used);
}

int64_t
CsiPredictionTask::GetInputFeatures() const
{
    if (m_config.layout == CsiPredictionLayout::SUBCARRIERS)
    {
        return 2 * static_cast<int64_t>(m_config.historySteps) + 2;
    }
    return (m_config.reference == CsiPredictionReference::AR ? 4 : 2) *
           static_cast<int64_t>(m_config.subcarriers);
}

int64_t
CsiPredictionTask::GetOutputFeatures() const
{
    return m_config.layout == CsiPredictionLayout::SUBCARRIERS
               ? 2
               : 2 * static_cast<int64_t>(m_config.subcarriers);
}

int64_t
CsiPredictionTask::GetTokens() const
{
    return m_config.layout == CsiPredictionLayout::SUBCARRIERS ? m_config.subcarriers
                                                               : m_config.historySteps;
}

const CsiPredictionTaskConfig&
CsiPredictionTask::GetConfig() const
{
    return m_config;
}

CsiPredictionData
CsiPredictionTask::Generate(const Vector& bsPosition,
                            const Vector& uePosition,
                            const Vector& velocityMps,
                            uint32_t drops)
{
    if (drops == 0)
    {
        throw std::invalid_argument("CSI prediction task: at least one drop is needed");
    }
    const int64_t steps = m_config.historySteps;
    const int64_t k = m_config.subcarriers;
    const int64_t ports = m_bsArray.GetNumPorts();
    const int64_t sequences = drops * ports;
    CsiPredictionData data;
    data.drops = drops;
    data.ports = ports;
    data.layout = m_config.layout;
    const bool ar = m_config.reference == CsiPredictionReference::AR;
    const bool subcarrierTokens = m_config.layout == CsiPredictionLayout::SUBCARRIERS;
    // (sequence, time, feature); filled from complex CSI, scaled afterwards. The
    // reference's row t is its prediction of snapshot t + 1 (subcarrier tokens use only
    // the last row, the only one computed).
    torch::Tensor noisy = torch::empty({sequences, steps + 1, 2 * k});
    torch::Tensor reference = torch::zeros({ar ? sequences : 0, steps, 2 * k});
    torch::Tensor cleanNext = torch::empty({sequences, 2 * k});
    auto noisyAccess = noisy.accessor<float, 3>();
    auto referenceAccess = reference.accessor<float, 3>();
    auto cleanAccess = cleanNext.accessor<float, 2>();
    for (uint32_t drop = 0; drop < drops; ++drop)
    {
        RayChannel channel(m_rays->Generate(bsPosition, uePosition),
                           m_bsArray,
                           m_ueArray,
                           velocityMps);
        // H[t, k, r = BS port, s = UE port]
        CsiTensor clean = channel.GetUplinkResponse(m_timesS, m_offsetsHz);
        CsiTensor measured = clean;
        m_noise->Apply(measured);
        Eigen::MatrixXcd history(steps, k * ports);
        Eigen::MatrixXcd truth(1, k * ports);
        for (int64_t port = 0; port < ports; ++port)
        {
            const int64_t sequence = drop * ports + port;
            for (int64_t sc = 0; sc < k; ++sc)
            {
                for (int64_t t = 0; t <= steps; ++t)
                {
                    const std::complex<float> h = measured(t, sc, port, 0);
                    noisyAccess[sequence][t][sc] = h.real();
                    noisyAccess[sequence][t][k + sc] = h.imag();
                    if (t < steps)
                    {
                        history(t, sc * ports + port) = std::complex<double>(h);
                    }
                }
                const std::complex<float> next = clean(steps, sc, port, 0);
                cleanAccess[sequence][sc] = next.real();
                cleanAccess[sequence][k + sc] = next.imag();
                truth(0, sc * ports + port) = std::complex<double>(next);
            }
            if (ar)
            {
                // The port's subcarriers are the AR fit's series (one port's view of
                // the Doppler spectrum).
                Eigen::MatrixXcd portHistory(steps, k);
                for (int64_t sc = 0; sc < k; ++sc)
                {
                    portHistory.col(sc) = history.col(sc * ports + port);
                }
                const Eigen::MatrixXcd predicted = subcarrierTokens
                                                       ? m_ar->Predict(portHistory, 1)
                                                       : m_ar->PredictEachStep(portHistory);
                const int64_t first = steps - predicted.rows();
                for (int64_t t = first; t < steps; ++t)
                {
                    for (int64_t sc = 0; sc < k; ++sc)
                    {
                        const std::complex<double> h = predicted(t - first, sc);
                        referenceAccess[sequence][t][sc] = float(h.real());
                        referenceAccess[sequence][t][k + sc] = float(h.imag());
                    }
                }
            }
        }
        data.history.push_back(std::move(history));
        data.nextTruth.push_back(std::move(truth));
    }
    using torch::indexing::Slice;
    torch::Tensor past = noisy.index({Slice(), Slice(0, steps)});
    if (!ar)
    {
        reference = past;
    }
    // RMS over the complex history: mean of re^2 + im^2 over steps and subcarriers.
    data.scale = (past.pow(2).sum({1, 2}) / (steps * k)).sqrt().clamp_min(1e-30); // (N)
    torch::Tensor divisor = data.scale.view({sequences, 1, 1});
    data.nextReference = reference.select(1, steps - 1) / data.scale.view({sequences, 1});
    data.nextClean = cleanNext / data.scale.view({sequences, 1});
    if (subcarrierTokens)
    {
        // Real parts of the history, imaginary parts, then the reference, per subcarrier.
        past = past / divisor;
        data.inputs = torch::cat({past.index({Slice(), Slice(), Slice(0, k)}).transpose(1, 2),
                                  past.index({Slice(), Slice(), Slice(k)}).transpose(1, 2),
                                  SubcarrierMajor(data.nextReference)},
                                 2)
                          .contiguous();
        torch::Tensor next = noisy.select(1, steps) / data.scale.view({sequences, 1});
        data.targets = SubcarrierMajor(next - data.nextReference);
        return data;
    }
    data.inputs = ar ? torch::cat({past, reference}, 2) / divisor : past / divisor;
    data.targets = (noisy.index({Slice(), Slice(1, steps + 1)}) - reference) / divisor;
    return data;
}

torch::Tensor
SubcarrierMajor(const torch::Tensor& snapshots)
{
    const int64_t k = snapshots.size(1) / 2;
    using torch::indexing::Slice;
    return torch::stack(
        {snapshots.index({Slice(), Slice(0, k)}), snapshots.index({Slice(), Slice(k)})},
        2);
}

torch::Tensor
PredictNextSnapshot(const CsiPredictionData& data, const torch::Tensor& output)
{
    if (data.layout == CsiPredictionLayout::SUBCARRIERS)
    {
        return data.nextReference + torch::cat({output.select(2, 0), output.select(2, 1)}, 1);
    }
    return data.nextReference + output.select(1, output.size(1) - 1);
}

double
NextStepNmseDb(const torch::Tensor& predicted, const CsiPredictionData& data)
{
    if (predicted.dim() != 2 || predicted.size(0) != data.drops * data.ports ||
        predicted.size(1) != data.nextClean.size(1))
    {
        throw std::invalid_argument("next-step predictions must have shape (" +
                                    std::to_string(data.drops * data.ports) + ", " +
                                    std::to_string(data.nextClean.size(1)) + ")");
    }
    // Back to channel units, then per-drop error and power.
    torch::Tensor scale = data.scale.view({-1, 1}).to(torch::kDouble);
    torch::Tensor error = ((predicted.to(torch::kDouble) - data.nextClean) * scale).pow(2);
    torch::Tensor power = (data.nextClean.to(torch::kDouble) * scale).pow(2);
    torch::Tensor perDrop =
        error.view({data.drops, -1}).sum(1) / power.view({data.drops, -1}).sum(1);
    return 10.0 * std::log10(perDrop.mean().item<double>());
}

double
NextStepNmseDb(const CsiPredictor& predictor, const CsiPredictionData& data)
{
    double sum = 0;
    for (std::size_t drop = 0; drop < data.history.size(); ++drop)
    {
        sum += Nmse(predictor.Predict(data.history[drop], 1), data.nextTruth[drop]);
    }
    return 10.0 * std::log10(sum / data.history.size());
}

} // namespace ns3
