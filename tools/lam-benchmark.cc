// Measures the wall time of one LAM training step (forward, cross-entropy loss,
// backward, Adam step) of a GptModel, for full training and for LoRA, at 1 and 2
// threads, with torch::optim::Adam and with FusedAdam, and the fp32 GEMM rate of the same process
// for comparison (docs/benchmarks.md, scripts/bench-lam.sh). scripts/bench_lam.py times the same
// step in Python PyTorch and checks, from the file `export` writes, that its model is
// the same function as this one.
//
// Usage:
//   edge-lam-lam-benchmark time <model.json> <batch> <steps> <seconds per case>
//   edge-lam-lam-benchmark export <model.json> <full|lora> <batch> <steps> <out.pt>
//   edge-lam-lam-benchmark import <model.json> <full|lora> <file.pt> <file.jit>
//
// `time` prints one line per measurement, key=value pairs:
//   step impl=cpp model=<name> mode=<full|lora> adam=<torch|fused> threads=<n> batch=<b> steps=<t>
//        params=<count> trainable=<count> flops=<per step> ms=<median> ms_min=<min> runs=<n>
//        forward_ms=<median> backward_ms=<median> adam_ms=<median> gemm_gflops=<rate>
// where gemm_gflops is the 2048 x 2048 fp32 torch::mm rate measured just before the case
// at the same threads.
// `export` writes a str -> Tensor dict (Python's torch.load reads it): the model's
// parameters under their names, the input "_input" (B, T), targets "_target" (B, T),
// the losses of kVerifySteps Adam steps "_losses", "_params" and "_trainable".
// `import` is the other direction: it reads what `bench_lam.py export` wrote with Python
// PyTorch (the weights as "model.<name>" with the same extras, and the model traced to
// TorchScript), imports both with ImportStateDict, requires the two imports to be equal,
// the outputs to match Python's (1e-5 of their largest magnitude) and the C++ losses of
// the same Adam steps to match Python's (relative 1e-4), and exits non-zero otherwise.

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/fused-adam.h"
#include "lam/gpt-model.h"
#include "lam/lam-config.h"
#include "lam/shard-cost.h"
#include "lam/state-dict-import.h"

#include <algorithm>
#include <chrono>
#include <dlfcn.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace ns3;

namespace
{

constexpr int64_t kGemmSize = 2048;
constexpr double kLearningRate = 1e-4;
constexpr int kVerifySteps = 3;
constexpr int kWarmupSteps = 1; // first step allocates Adam's moments and autograd buffers
constexpr int kMinTimedSteps = 3;

/**
 * Sets the threads of LibTorch's own kernels and of OpenBLAS: Debian's OpenBLAS runs its
 * own pthread pool, which torch::set_num_threads() leaves at one thread per core.
 * \throws std::runtime_error if the process does not run on OpenBLAS
 */
void
SetThreads(int threads)
{
    torch::set_num_threads(threads);
    using SetBlasThreads = void (*)(int);
    auto setBlasThreads =
        reinterpret_cast<SetBlasThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (setBlasThreads == nullptr)
    {
        throw std::runtime_error("OpenBLAS is not loaded (see tools/blas-check.cc)");
    }
    setBlasThreads(threads);
}

double
SecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// fp32 GEMM rate of torch::mm on two kGemmSize squares, GFLOP/s, over about `seconds`.
double
GemmRate(double seconds)
{
    torch::Tensor a = torch::randn({kGemmSize, kGemmSize});
    torch::Tensor b = torch::randn({kGemmSize, kGemmSize});
    torch::Tensor c = torch::mm(a, b); // warm-up
    auto start = std::chrono::steady_clock::now();
    int64_t calls = 0;
    do
    {
        c = torch::mm(a, b);
        ++calls;
    } while (SecondsSince(start) < seconds || calls < 3);
    return 2.0 * kGemmSize * kGemmSize * kGemmSize * calls / SecondsSince(start) / 1e9;
}

/// Deterministic token ids (B, T) in [0, vocab) for inputs and targets.
torch::Tensor
Tokens(const LamConfig& config, int64_t batch, int64_t steps, uint64_t seed)
{
    if (config.inputKind != LamInputKind::TOKENS)
    {
        throw std::invalid_argument(config.name +
                                    ": the benchmark needs a token-input model, not " +
                                    ToString(config.inputKind));
    }
    torch::manual_seed(seed);
    return torch::randint(config.vocabSize, {batch, steps}, torch::kLong);
}

/// Milliseconds spent in the phases of one training step.
struct StepPhases
{
    double forwardMs{0};   ///< forward pass and loss
    double backwardMs{0};  ///< backward pass
    double optimizerMs{0}; ///< zero_grad and Adam step
};

/// One training step: zero gradients, forward, next-token cross-entropy, backward,
/// Adam; the loss before the update. Phase times go to `phases` when given.
double
TrainStep(GptModel& model,
          torch::optim::Adam& optimizer,
          const torch::Tensor& input,
          const torch::Tensor& target,
          StepPhases* phases = nullptr)
{
    auto start = std::chrono::steady_clock::now();
    optimizer.zero_grad();
    auto forwardStart = std::chrono::steady_clock::now();
    torch::Tensor logits = model->forward(input); // (B, T, V)
    torch::Tensor loss =
        torch::nn::functional::cross_entropy(logits.view({-1, logits.size(2)}), // (B T, V)
                                             target.view({-1}));
    auto backwardStart = std::chrono::steady_clock::now();
    loss.backward();
    auto stepStart = std::chrono::steady_clock::now();
    optimizer.step();
    if (phases != nullptr)
    {
        auto ms = [](auto from, auto to) {
            return 1e3 * std::chrono::duration<double>(to - from).count();
        };
        const auto end = std::chrono::steady_clock::now();
        phases->forwardMs = ms(forwardStart, backwardStart);
        phases->backwardMs = ms(backwardStart, stepStart);
        phases->optimizerMs = ms(start, forwardStart) + ms(stepStart, end);
    }
    return loss.item<double>();
}

/// An optimizer under test and the milliseconds of its steps and their phases.
struct TimedOptimizer
{
    TimedOptimizer(std::string name, std::unique_ptr<torch::optim::Adam> optimizer)
        : name(std::move(name)),
          optimizer(std::move(optimizer))
    {
    }

    std::string name; ///< as printed: adam=<name>
    std::unique_ptr<torch::optim::Adam> optimizer;
    std::vector<double> ms;
    std::vector<double> forwardMs;
    std::vector<double> backwardMs;
    std::vector<double> optimizerMs;
};

/// Median of `values` (sorted in place); values must not be empty.
double
Median(std::vector<double>& values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::vector<torch::Tensor>
TrainableParameters(GptModel& model)
{
    std::vector<torch::Tensor> trainable;
    for (const torch::Tensor& parameter : model->parameters())
    {
        if (parameter.requires_grad())
        {
            trainable.push_back(parameter);
        }
    }
    return trainable;
}

/// A model as the benchmark trains it: seeded weights, LoRA (rank 8, all four
/// targets) when `lora`.
GptModel
BuildModel(const LamConfig& config, bool lora)
{
    torch::manual_seed(1);
    GptModel model(config);
    if (lora)
    {
        FreezeBaseEnableLora(model, LoraOptions{});
    }
    return model;
}

int64_t
PositiveArgument(const char* text, const std::string& what)
{
    int64_t value = std::stoll(text);
    if (value <= 0)
    {
        throw std::invalid_argument(what + " " + std::string(text) + " must be > 0");
    }
    return value;
}

bool
ParseMode(const std::string& mode)
{
    if (mode != "full" && mode != "lora")
    {
        throw std::invalid_argument("mode \"" + mode + "\" must be full or lora");
    }
    return mode == "lora";
}

void
TimeSteps(const LamConfig& config, int64_t batch, int64_t steps, double seconds)
{
    const torch::Tensor input = Tokens(config, batch, steps, 2);
    const torch::Tensor target = Tokens(config, batch, steps, 3);
    for (bool lora : {false, true})
    {
        GptModel model = BuildModel(config, lora);
        const ShardSpan whole{true, 0, config.numLayers, true, false};
        const ShardCost cost =
            ComputeShardCost(config,
                             lora ? std::optional<LoraOptions>(LoraOptions{}) : std::nullopt,
                             whole,
                             batch,
                             steps);
        for (int threads : {1, 2})
        {
            SetThreads(threads);
            // The GEMM rate right before the case: another process may hold a core.
            const double gemmGflops = GemmRate(1.0);
            // The two optimizers step in alternation, so that both see the same machine
            // (its speed drifts by several percent within a minute). They update the
            // same weights: the step time does not depend on the values.
            std::vector<TimedOptimizer> timed;
            timed.push_back(
                {"torch",
                 std::make_unique<torch::optim::Adam>(TrainableParameters(model),
                                                      torch::optim::AdamOptions(kLearningRate))});
            timed.push_back(
                {"fused",
                 std::make_unique<FusedAdam>(TrainableParameters(model),
                                             torch::optim::AdamOptions(kLearningRate))});
            for (TimedOptimizer& each : timed)
            {
                for (int i = 0; i < kWarmupSteps; ++i)
                {
                    TrainStep(model, *each.optimizer, input, target);
                }
            }
            auto start = std::chrono::steady_clock::now();
            while (SecondsSince(start) < 2 * seconds ||
                   static_cast<int>(timed.back().ms.size()) < kMinTimedSteps)
            {
                for (TimedOptimizer& each : timed)
                {
                    StepPhases phases;
                    auto stepStart = std::chrono::steady_clock::now();
                    TrainStep(model, *each.optimizer, input, target, &phases);
                    each.ms.push_back(1e3 * SecondsSince(stepStart));
                    each.forwardMs.push_back(phases.forwardMs);
                    each.backwardMs.push_back(phases.backwardMs);
                    each.optimizerMs.push_back(phases.optimizerMs);
                }
            }
            for (TimedOptimizer& each : timed)
            {
                const size_t runs = each.ms.size();
                const double median = Median(each.ms);
                std::cout << "step impl=cpp model=" << config.name
                          << " mode=" << (lora ? "lora" : "full") << " adam=" << each.name
                          << " threads=" << threads << " batch=" << batch << " steps=" << steps
                          << " params=" << CountParameters(*model)
                          << " trainable=" << CountTrainableParameters(*model)
                          << " flops=" << cost.forwardFlops + cost.backwardFlops << " ms=" << median
                          << " ms_min=" << each.ms.front() << " runs=" << runs
                          << " forward_ms=" << Median(each.forwardMs)
                          << " backward_ms=" << Median(each.backwardMs)
                          << " adam_ms=" << Median(each.optimizerMs)
                          << " gemm_gflops=" << gemmGflops << std::endl;
            }
        }
    }
}

void
Export(const LamConfig& config, bool lora, int64_t batch, int64_t steps, const std::string& path)
{
    GptModel model = BuildModel(config, lora);
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& item : model->named_parameters())
    {
        dict.insert(item.key(), item.value().detach().clone());
    }
    const torch::Tensor input = Tokens(config, batch, steps, 2);
    const torch::Tensor target = Tokens(config, batch, steps, 3);
    torch::optim::Adam optimizer(TrainableParameters(model),
                                 torch::optim::AdamOptions(kLearningRate));
    std::vector<double> losses;
    for (int i = 0; i < kVerifySteps; ++i)
    {
        losses.push_back(TrainStep(model, optimizer, input, target));
    }
    dict.insert("_input", input);
    dict.insert("_target", target);
    dict.insert("_losses", torch::tensor(losses, torch::kDouble));
    dict.insert("_params", torch::tensor(CountParameters(*model), torch::kLong));
    dict.insert("_trainable", torch::tensor(CountTrainableParameters(*model), torch::kLong));
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
    {
        throw std::runtime_error("cannot write " + path);
    }
}

/// The tensor stored under `key` in a file read by ReadStateDictFile().
torch::Tensor
Extra(const NamedTensorList& file, const std::string& key)
{
    for (const auto& [name, tensor] : file)
    {
        if (name == key)
        {
            return tensor;
        }
    }
    throw std::invalid_argument("the file has no \"" + key + "\" entry");
}

/// Imports Python's weights (state dict and TorchScript), trains kVerifySteps steps and
/// compares the losses with Python's; false on a mismatch.
bool
Import(const LamConfig& config,
       bool lora,
       const std::string& stateDictPath,
       const std::string& torchScriptPath)
{
    const NamedTensorList file = ReadStateDictFile(stateDictPath);
    StateDictImportOptions options;
    options.stripPrefix = "model.";
    GptModel model = BuildModel(config, lora); // its seeded weights are all overwritten
    const StateDictImportReport report = ImportStateDict(*model, file, options);
    GptModel scripted = BuildModel(config, lora);
    ImportStateDict(*scripted, ReadTorchScriptTensors(torchScriptPath));
    double scriptedDiff = 0;
    const auto scriptedParameters = scripted->named_parameters();
    for (const auto& item : model->named_parameters())
    {
        scriptedDiff =
            std::max(scriptedDiff,
                     (item.value() - scriptedParameters[item.key()]).abs().max().item<double>());
    }

    // The outputs, not only the losses: a loss at random initialisation (~ln V) hides
    // differences such as exact vs tanh GELU (2e-7 relative), the outputs do not.
    const torch::Tensor pythonLogits = Extra(file, "_logits");
    double logitsDiff = 0;
    {
        torch::NoGradGuard noGrad;
        logitsDiff = ((model->forward(Extra(file, "_input")) - pythonLogits).abs().max() /
                      pythonLogits.abs().max())
                         .item<double>();
    }
    torch::optim::Adam optimizer(TrainableParameters(model),
                                 torch::optim::AdamOptions(kLearningRate));
    const torch::Tensor pythonLosses = Extra(file, "_losses");
    double worst = 0;
    std::ostringstream cpp;
    for (int64_t i = 0; i < pythonLosses.numel(); ++i)
    {
        const double loss =
            TrainStep(model, optimizer, Extra(file, "_input"), Extra(file, "_target"));
        const double python = pythonLosses[i].item<double>();
        worst = std::max(worst, std::abs(loss - python) / std::abs(python));
        cpp << (i > 0 ? "," : "") << loss;
    }
    // float32 results of the same kernels in another order: ~1e-7 relative.
    const bool ok = logitsDiff < 1e-5 && worst < 1e-4 && scriptedDiff == 0;
    std::cout << "import model=" << config.name << " mode=" << (lora ? "lora" : "full")
              << " tensors=" << report.loaded.size() << " logits_max_rel_diff=" << logitsDiff
              << " loss_cpp=" << cpp.str() << " max_rel_diff=" << worst
              << " torchscript_max_abs_diff=" << scriptedDiff << " " << (ok ? "ok" : "MISMATCH")
              << "\n";
    return ok;
}

} // namespace

int
main(int argc, char** argv)
{
    try
    {
        const std::string command = argc > 1 ? argv[1] : "";
        if (command == "time" && argc == 6)
        {
            TimeSteps(LoadLamConfig(argv[2]),
                      PositiveArgument(argv[3], "batch"),
                      PositiveArgument(argv[4], "steps"),
                      std::stod(argv[5]));
            return 0;
        }
        if (command == "export" && argc == 7)
        {
            Export(LoadLamConfig(argv[2]),
                   ParseMode(argv[3]),
                   PositiveArgument(argv[4], "batch"),
                   PositiveArgument(argv[5], "steps"),
                   argv[6]);
            return 0;
        }
        if (command == "import" && argc == 6)
        {
            return Import(LoadLamConfig(argv[2]), ParseMode(argv[3]), argv[4], argv[5]) ? 0 : 1;
        }
        std::cerr << "usage: " << argv[0]
                  << " time <model.json> <batch> <steps> <seconds per case>\n"
                  << "       " << argv[0]
                  << " export <model.json> <full|lora> <batch> <steps> <out.pt>\n"
                  << "       " << argv[0]
                  << " import <model.json> <full|lora> <file.pt> <file.jit>\n";
    }
    catch (const std::exception& error)
    {
        std::cerr << "lam-benchmark: " << error.what() << "\n";
    }
    return 1;
}
