#include "training/dp-federated-averaging.h"

#include "training/rdp-accountant.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DpFederatedAveraging");

NS_OBJECT_ENSURE_REGISTERED(DpFederatedAveraging);

namespace
{

/// Throws std::invalid_argument "<what> <value> must be <range>" unless ok.
void
Require(bool ok, const std::string& what, double value, const std::string& range)
{
    if (!ok)
    {
        std::ostringstream message;
        message << what << " " << value << " must be " << range;
        throw std::invalid_argument(message.str());
    }
}

} // namespace

TypeId
DpFederatedAveraging::GetTypeId()
{
    // The checkers accept any double: the setters validate and throw std::invalid_argument
    // (a range checker would abort instead, and cannot express open intervals).
    static TypeId tid =
        TypeId("ns3::DpFederatedAveraging")
            .SetParent<Object>()
            .SetGroupName("Training")
            .AddConstructor<DpFederatedAveraging>()
            .AddAttribute("ClipNorm",
                          "C: L2 bound on each device's model delta over all its uploaded "
                          "tensors (parameter units), > 0 (DP-FedAvg, McMahan et al. 2018).",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&DpFederatedAveraging::SetClipNorm,
                                             &DpFederatedAveraging::GetClipNorm),
                          MakeDoubleChecker<double>())
            .AddAttribute("NoiseMultiplier",
                          "sigma: Gaussian noise std on the sum of clipped deltas divided by "
                          "ClipNorm (dimensionless), >= 0; 0 disables the noise (no privacy).",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&DpFederatedAveraging::SetNoiseMultiplier,
                                             &DpFederatedAveraging::GetNoiseMultiplier),
                          MakeDoubleChecker<double>())
            .AddAttribute("SamplingRate",
                          "q: probability that a device takes part in a round, in (0, 1], for "
                          "privacy accounting only; k/N for random-k selection, 1 for any "
                          "selection that is not a random sample (greedy, Lyapunov, all).",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&DpFederatedAveraging::SetSamplingRate,
                                             &DpFederatedAveraging::GetSamplingRate),
                          MakeDoubleChecker<double>())
            .AddAttribute("Delta",
                          "delta of the (epsilon, delta) guarantee GetEpsilon reports, in (0, 1); "
                          "usually below 1 / number of devices.",
                          DoubleValue(1e-5),
                          MakeDoubleAccessor(&DpFederatedAveraging::SetDelta,
                                             &DpFederatedAveraging::GetDelta),
                          MakeDoubleChecker<double>())
            .AddAttribute("ExpectedParticipants",
                          "D: fixed denominator of the average of clipped deltas (devices), "
                          "> 0; the expected number of uploads per round (k for random-k or "
                          "top-k selection, q N for Poisson sampling). Never the realised count.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&DpFederatedAveraging::SetExpectedParticipants,
                                             &DpFederatedAveraging::GetExpectedParticipants),
                          MakeDoubleChecker<double>())
            .AddAttribute("Seed",
                          "Seed of the LibTorch generator of the noise (derive it from the ns-3 "
                          "seed and run for independent replications).",
                          UintegerValue(1),
                          MakeUintegerAccessor(&DpFederatedAveraging::SetSeed,
                                               &DpFederatedAveraging::GetSeed),
                          MakeUintegerChecker<uint64_t>());
    return tid;
}

DpFederatedAveraging::DpFederatedAveraging()
    : m_generator(at::make_generator<at::CPUGeneratorImpl>(m_seed))
{
}

void
DpFederatedAveraging::SetClipNorm(double clipNorm)
{
    Require(clipNorm > 0 && std::isfinite(clipNorm), "ClipNorm", clipNorm, "finite and > 0");
    m_clipNorm = clipNorm;
}

void
DpFederatedAveraging::SetNoiseMultiplier(double noiseMultiplier)
{
    Require(noiseMultiplier >= 0 && std::isfinite(noiseMultiplier),
            "NoiseMultiplier",
            noiseMultiplier,
            "finite and >= 0");
    m_noiseMultiplier = noiseMultiplier;
}

void
DpFederatedAveraging::SetSamplingRate(double samplingRate)
{
    Require(samplingRate > 0 && samplingRate <= 1, "SamplingRate", samplingRate, "in (0, 1]");
    m_samplingRate = samplingRate;
}

void
DpFederatedAveraging::SetDelta(double delta)
{
    Require(delta > 0 && delta < 1, "Delta", delta, "in (0, 1)");
    m_delta = delta;
}

void
DpFederatedAveraging::SetExpectedParticipants(double expectedParticipants)
{
    Require(expectedParticipants > 0 && std::isfinite(expectedParticipants),
            "ExpectedParticipants",
            expectedParticipants,
            "finite and > 0");
    m_expectedParticipants = expectedParticipants;
}

void
DpFederatedAveraging::SetSeed(uint64_t seed)
{
    m_seed = seed;
    std::lock_guard<std::mutex> lock(m_generator.mutex());
    m_generator.set_current_seed(seed);
}

double
DpFederatedAveraging::GetClipNorm() const
{
    return m_clipNorm;
}

double
DpFederatedAveraging::GetNoiseMultiplier() const
{
    return m_noiseMultiplier;
}

double
DpFederatedAveraging::GetSamplingRate() const
{
    return m_samplingRate;
}

double
DpFederatedAveraging::GetDelta() const
{
    return m_delta;
}

double
DpFederatedAveraging::GetExpectedParticipants() const
{
    return m_expectedParticipants;
}

uint64_t
DpFederatedAveraging::GetSeed() const
{
    return m_seed;
}

double
DpFederatedAveraging::GetNoiseStd() const
{
    return m_noiseMultiplier * m_clipNorm / m_expectedParticipants;
}

DpAggregateResult
DpFederatedAveraging::Aggregate(const NamedTensors& global,
                                const std::vector<NamedTensors>& uploads)
{
    torch::NoGradGuard noGrad;
    DpAggregateResult result;
    // Sum of the clipped deltas, in double so that clipping to C is exact to double rounding.
    std::vector<torch::Tensor> sum;
    for (const auto& [name, tensor] : global)
    {
        sum.push_back(torch::zeros(tensor.sizes(), torch::kDouble));
    }
    for (std::size_t k = 0; k < uploads.size(); ++k)
    {
        if (uploads[k].size() != global.size())
        {
            throw std::invalid_argument("DP-FedAvg: upload " + std::to_string(k) + " has " +
                                        std::to_string(uploads[k].size()) +
                                        " tensors, the global model " +
                                        std::to_string(global.size()));
        }
        std::vector<torch::Tensor> delta;
        double normSq = 0;
        for (std::size_t i = 0; i < global.size(); ++i)
        {
            const auto& [name, tensor] = uploads[k][i];
            if (name != global[i].first || !tensor.sizes().equals(global[i].second.sizes()))
            {
                std::ostringstream message;
                message << "DP-FedAvg: tensor " << i << " of upload " << k << " is '" << name
                        << "' " << tensor.sizes() << ", the global one '" << global[i].first << "' "
                        << global[i].second.sizes();
                throw std::invalid_argument(message.str());
            }
            delta.push_back(tensor.to(torch::kDouble) - global[i].second.to(torch::kDouble));
            normSq += delta.back().square().sum().item<double>();
        }
        const double norm = std::sqrt(normSq);
        if (!std::isfinite(norm))
        {
            throw std::invalid_argument("DP-FedAvg: the delta of upload " + std::to_string(k) +
                                        " is not finite (norm " + std::to_string(norm) + ")");
        }
        result.deltaNorms.push_back(norm);
        // Joint clipping over all tensors: the sensitivity bound is on the whole upload.
        double scale = 1;
        if (norm > m_clipNorm)
        {
            scale = m_clipNorm / norm;
            ++result.numClipped;
        }
        for (std::size_t i = 0; i < global.size(); ++i)
        {
            sum[i].add_(delta[i], scale);
        }
    }
    const double noiseStd = m_noiseMultiplier * m_clipNorm;
    for (std::size_t i = 0; i < global.size(); ++i)
    {
        if (noiseStd > 0)
        {
            // Tensors draw in list order from one generator: same seed, same bytes.
            sum[i].add_(torch::randn(sum[i].sizes(), m_generator, torch::kDouble), noiseStd);
        }
        const torch::Tensor& start = global[i].second;
        result.global.emplace_back(
            global[i].first,
            (start.to(torch::kDouble) + sum[i] / m_expectedParticipants).to(start.scalar_type()));
    }
    NS_LOG_INFO(uploads.size() << " uploads, " << result.numClipped << " clipped to " << m_clipNorm
                               << ", noise std " << GetNoiseStd());
    return result;
}

double
DpFederatedAveraging::GetEpsilon(uint64_t rounds) const
{
    if (rounds == 0)
    {
        return 0;
    }
    if (m_noiseMultiplier == 0)
    {
        return std::numeric_limits<double>::infinity();
    }
    RdpAccountant accountant;
    accountant.Step(m_samplingRate, m_noiseMultiplier, rounds);
    return accountant.GetEpsilon(m_delta).first;
}

} // namespace ns3
