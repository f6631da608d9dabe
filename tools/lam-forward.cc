// lam-forward: runs a GptModel with weights trained elsewhere (Python PyTorch, nanoGPT,
// Hugging Face after renaming) on an input array and writes the output array, so a
// checkpoint can be checked against the framework that produced it
// (tests/cli/pytorch-import.sh, docs/lam-runtime.md):
//
//   edge-lam-lam-forward --model=<config.json> --weights=<file> [--format=state-dict|torchscript]
//                        [--stripPrefix=...] --input=<x.npy> --output=<y.npy>
//
// The weights are imported strictly (every model tensor, nothing else under the prefix).
// Input: float32 features (B, T, F) for a "features" model, int64 token ids (B, T) for a
// "tokens" model. Output: float32 (B, T, output_size). A bad file, dtype or shape stops it
// with a message naming the problem, and no output file is written.

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "channel/npy-reader.h"
#include "channel/npy-writer.h"
#include "helper/scenario-arguments.h"
#include "lam/gpt-model.h"
#include "lam/lam-config.h"
#include "lam/state-dict-import.h"

#include <cstdint>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// The .npy array as a tensor of the dtype the model reads (copied, row-major).
torch::Tensor
ReadModelInput(const std::string& path, LamInputKind kind)
{
    NpyArray array = ReadNpy(path);
    const NpyDtype expected = kind == LamInputKind::TOKENS ? NpyDtype::INT64 : NpyDtype::FLOAT32;
    if (array.GetDtype() != expected)
    {
        ThrowBadArgument("input",
                         path,
                         "dtype " + NpyDtypeDescr(array.GetDtype()) + ", but a \"" +
                             ToString(kind) + "\" model reads " + NpyDtypeDescr(expected));
    }
    std::vector<int64_t> sizes(array.GetShape().begin(), array.GetShape().end());
    auto dtype = kind == LamInputKind::TOKENS ? torch::kLong : torch::kFloat;
    return torch::from_blob(const_cast<char*>(array.GetBytes().data()), sizes, dtype).clone();
}

int
Run(int argc, char** argv)
{
    std::string model;
    std::string weights;
    std::string format = "state-dict";
    std::string stripPrefix;
    std::string input;
    std::string output;
    ScenarioArguments args("edge-lam-lam-forward",
                           "Builds a GptModel from a config, imports PyTorch weights strictly, "
                           "runs forward (eval, no gradients) on an .npy input and writes the "
                           "output (B, T, output_size) as float32 .npy.");
    args.Add("model", "model config JSON (models/*.json layout)", model);
    args.Add("weights",
             "weights: torch.save(dict(model.state_dict())) or torch.jit.save(script)",
             weights);
    args.Add("format", "format of --weights: state-dict or torchscript", format);
    args.Add("stripPrefix",
             "only file keys with this prefix are imported, without it (e.g. transformer.)",
             stripPrefix);
    args.Add("input", "input .npy: float32 (B, T, F) features or int64 (B, T) tokens", input);
    args.Add("output", "output .npy, float32 (B, T, output_size); written atomically", output);
    args.Parse(argc, argv);
    for (const auto& [name, value] :
         {std::pair{"model", model}, {"weights", weights}, {"input", input}, {"output", output}})
    {
        if (value.empty())
        {
            throw std::invalid_argument(std::string("--") + name + " is required");
        }
    }
    using Reader = NamedTensorList (*)(const std::string&);
    const Reader read = ChooseArgument<Reader>(
        "format",
        format,
        {{"state-dict", ReadStateDictFile}, {"torchscript", ReadTorchScriptTensors}});

    const LamConfig config = LoadLamConfig(model);
    GptModel gpt(config);
    StateDictImportOptions options;
    options.stripPrefix = stripPrefix;
    try
    {
        ImportStateDict(*gpt, read(weights), options);
    }
    catch (const std::exception& e)
    {
        throw std::runtime_error(weights + " (--format=" + format + ") into " + model + ": " +
                                 e.what());
    }
    const torch::Tensor x = ReadModelInput(input, config.inputKind);

    gpt->eval();
    torch::NoGradGuard noGrad;
    torch::Tensor y;
    try
    {
        y = gpt->forward(x).to(torch::kFloat).contiguous(); // (B, T, output_size)
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("input", input, e.what());
    }
    std::vector<std::size_t> shape(y.sizes().begin(), y.sizes().end());
    NpyWriter writer(output, NpyDtype::FLOAT32, shape);
    writer.Append(y.data_ptr<float>(), static_cast<std::size_t>(y.numel()));
    writer.Commit();
    std::cout << "edge-lam-lam-forward: " << config.name << " on " << input << " -> " << output
              << " " << FormatNpyShape(shape) << "\n";
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("edge-lam-lam-forward", Run, argc, argv);
}
