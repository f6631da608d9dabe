// dp-accountant: the (epsilon, delta) guarantee of DP-SGD with Poisson sampling, from
// the Renyi-DP accountant (docs/differential-privacy.md). Prints key=value lines.

#include "helper/scenario-arguments.h"
#include "training/rdp-accountant.h"

#include <cmath>
#include <iostream>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

/// A step count: decimal digits only (CommandLine would wrap "-5" into a huge uint64).
uint64_t
ParseSteps(const std::string& text)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    {
        ThrowBadArgument("steps", text, "must be a non-negative integer");
    }
    try
    {
        return std::stoull(text);
    }
    catch (const std::out_of_range&)
    {
        ThrowBadArgument("steps", text, "too large");
    }
}

int
Run(int argc, char** argv)
{
    double samplingRate{0.01};
    double noiseMultiplier{1.0};
    std::string steps{"1000"};
    double delta{1e-5};
    std::string conversion{"tight"};
    ScenarioArguments args(
        "dp-accountant",
        "Prints epsilon and the optimal Renyi order of DP-SGD (Poisson-subsampled Gaussian "
        "mechanism) after --steps steps at the given delta, over Opacus' default order grid.");
    args.Add("samplingRate",
             "Poisson sampling rate q = batch size / dataset size, in [0, 1]",
             samplingRate);
    args.Add("noiseMultiplier",
             "noise standard deviation / L2 clipping norm (sigma), > 0",
             noiseMultiplier);
    args.Add("steps", "number of noisy gradient steps T, >= 0", steps);
    args.Add("delta", "target delta, in (0, 1)", delta);
    args.Add("conversion",
             "RDP-to-DP conversion: tight (Balle et al. 2020) or classic (Mironov 2017)",
             conversion);
    args.Parse(argc, argv);

    if (!(samplingRate >= 0 && samplingRate <= 1))
    {
        ThrowBadArgument("samplingRate", std::to_string(samplingRate), "must be in [0, 1]");
    }
    if (!(noiseMultiplier > 0) || std::isinf(noiseMultiplier))
    {
        ThrowBadArgument("noiseMultiplier",
                         std::to_string(noiseMultiplier),
                         "must be finite and > 0");
    }
    if (!(delta > 0 && delta < 1))
    {
        ThrowBadArgument("delta", std::to_string(delta), "must be in (0, 1)");
    }
    if (conversion != "tight" && conversion != "classic")
    {
        ThrowBadArgument("conversion", conversion, "unknown value (valid: classic, tight)");
    }
    const uint64_t numSteps = ParseSteps(steps);

    RdpAccountant accountant;
    accountant.Step(samplingRate, noiseMultiplier, numSteps);
    const auto [epsilon, order] = accountant.GetEpsilon(
        delta,
        conversion == "tight" ? RdpConversion::TIGHT : RdpConversion::CLASSIC);
    std::cout.precision(6);
    std::cout << "epsilon=" << epsilon << "\n"
              << "delta=" << delta << "\n"
              << "optimalOrder=" << order << "\n"
              << "conversion=" << conversion << "\n";
    const auto& orders = accountant.GetOrders();
    if (epsilon > 0 && (order == orders.front() || order == orders.back()))
    {
        std::cerr << "dp-accountant: note: the optimum lies at the edge of the order grid; "
                     "epsilon may be loose\n";
    }
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("dp-accountant", Run, argc, argv);
}
