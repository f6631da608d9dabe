#include "lam/state-dict-import.h"

#include "ns3/log.h"

#include <algorithm>
#include <caffe2/serialize/inline_container.h>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>
#include <torch/script.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("StateDictImport");

namespace
{

std::string
ShapeText(c10::IntArrayRef shape)
{
    std::ostringstream text;
    text << shape;
    return text.str();
}

/// "'a', 'b', 'c' and 7 more": long lists (a whole model) stay readable.
std::string
NameList(const std::vector<std::string>& names)
{
    const size_t shown = 8;
    std::string text;
    for (size_t i = 0; i < names.size() && i < shown; ++i)
    {
        text += (i == 0 ? "'" : ", '") + names[i] + "'";
    }
    if (names.size() > shown)
    {
        text += " and " + std::to_string(names.size() - shown) + " more";
    }
    return text;
}

/// Rejects files LibTorch's pickle_load would fail on with an obscure internal assert.
void
CheckStateDictArchive(const std::string& path)
{
    std::string pickle;
    bool torchScript = false;
    try
    {
        caffe2::serialize::PyTorchStreamReader reader(path);
        torchScript = reader.hasRecord("constants.pkl");
        if (!torchScript)
        {
            auto [data, bytes] = reader.getRecord("data.pkl");
            pickle.assign(static_cast<const char*>(data.get()), std::min<size_t>(bytes, 64));
        }
    }
    catch (const c10::Error& e)
    {
        throw std::runtime_error("cannot read PyTorch state dict '" + path +
                                 "': not a torch.save zip archive (" + e.what_without_backtrace() +
                                 ")");
    }
    if (torchScript)
    {
        throw std::runtime_error("'" + path +
                                 "' is a TorchScript archive, not a state dict: read it with "
                                 "ReadTorchScriptTensors");
    }
    // Pickle protocol 2 (torch.save's default): PROTO 2, then GLOBAL of the top-level class.
    const std::string orderedDict = std::string("\x80\x02") + "ccollections\nOrderedDict\n";
    if (pickle.compare(0, orderedDict.size(), orderedDict) == 0)
    {
        throw std::runtime_error(
            "cannot read PyTorch state dict '" + path +
            "': it holds an OrderedDict (torch.save(model.state_dict())), which LibTorch 1.13 "
            "cannot unpickle; save a plain dict instead: "
            "torch.save(dict(model.state_dict()), path)");
    }
}

} // namespace

NamedTensorList
ReadStateDictFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw std::runtime_error("cannot open PyTorch state dict '" + path +
                                 "': missing or unreadable file");
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    CheckStateDictArchive(path);
    c10::IValue object;
    try
    {
        object = torch::pickle_load(bytes);
    }
    catch (const c10::Error& e)
    {
        throw std::runtime_error("cannot unpickle PyTorch state dict '" + path +
                                 "': " + e.what_without_backtrace());
    }
    if (!object.isGenericDict())
    {
        throw std::runtime_error("PyTorch state dict '" + path + "' holds a " + object.tagKind() +
                                 ", not a dict of str -> Tensor");
    }
    NamedTensorList tensors;
    for (const auto& entry : object.toGenericDict())
    {
        if (!entry.key().isString())
        {
            throw std::runtime_error("PyTorch state dict '" + path + "' has a key of type " +
                                     entry.key().tagKind() + "; keys must be strings");
        }
        const std::string& key = entry.key().toStringRef();
        if (!entry.value().isTensor())
        {
            throw std::runtime_error("PyTorch state dict '" + path + "': value of key '" + key +
                                     "' is a " + entry.value().tagKind() + ", not a Tensor");
        }
        tensors.emplace_back(key, entry.value().toTensor());
    }
    NS_LOG_INFO(path << ": " << tensors.size() << " tensors");
    return tensors;
}

NamedTensorList
ReadTorchScriptTensors(const std::string& path)
{
    if (!std::ifstream(path))
    {
        throw std::runtime_error("cannot open TorchScript file '" + path +
                                 "': missing or unreadable file");
    }
    torch::jit::Module module;
    try
    {
        module = torch::jit::load(path, torch::kCPU);
    }
    catch (const c10::Error& e)
    {
        throw std::runtime_error("cannot load TorchScript file '" + path +
                                 "': " + e.what_without_backtrace());
    }
    NamedTensorList tensors;
    for (const auto& item : module.named_parameters(/*recurse=*/true))
    {
        tensors.emplace_back(item.name, item.value);
    }
    for (const auto& item : module.named_buffers(/*recurse=*/true))
    {
        tensors.emplace_back(item.name, item.value);
    }
    NS_LOG_INFO(path << ": " << tensors.size() << " tensors");
    return tensors;
}

StateDictImportReport
ImportStateDict(torch::nn::Module& module,
                const NamedTensorList& tensors,
                const StateDictImportOptions& options)
{
    std::map<std::string, torch::Tensor> destinations;
    std::vector<std::string> destinationOrder;
    for (const auto& item : module.named_parameters())
    {
        destinations[item.key()] = item.value();
        destinationOrder.push_back(item.key());
    }
    for (const auto& item : module.named_buffers())
    {
        destinations[item.key()] = item.value();
        destinationOrder.push_back(item.key());
    }

    StateDictImportReport report;
    // Module name -> (file key, tensor as it will be copied).
    std::map<std::string, std::pair<std::string, torch::Tensor>> mapped;
    std::vector<std::string> mappedOrder;
    for (const auto& [key, tensor] : tensors)
    {
        std::string name;
        auto rename = options.renames.find(key);
        if (rename != options.renames.end())
        {
            name = rename->second;
        }
        else if (key.compare(0, options.stripPrefix.size(), options.stripPrefix) == 0)
        {
            name = options.addPrefix + key.substr(options.stripPrefix.size());
        }
        else
        {
            report.ignored.push_back(key);
            continue;
        }
        if (!mapped.emplace(name, std::make_pair(key, tensor)).second)
        {
            throw std::invalid_argument("state dict keys '" + mapped.at(name).first + "' and '" +
                                        key + "' both map to module name '" + name + "'");
        }
        mappedOrder.push_back(name);
    }

    for (const std::string& name : options.transposed)
    {
        auto item = mapped.find(name);
        if (item == mapped.end())
        {
            throw std::invalid_argument("transposed name '" + name +
                                        "' is not among the imported state dict keys");
        }
        torch::Tensor& tensor = item->second.second;
        if (tensor.dim() != 2)
        {
            throw std::invalid_argument("transposed name '" + name + "' is a " +
                                        std::to_string(tensor.dim()) +
                                        "-D tensor; only 2-D weights can be transposed");
        }
        tensor = tensor.t(); // (in, out) -> (out, in)
    }

    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const std::string& name : mappedOrder)
    {
        const auto& [key, source] = mapped.at(name);
        auto destination = destinations.find(name);
        if (destination == destinations.end())
        {
            report.unexpected.push_back(name);
            continue;
        }
        const torch::Tensor& target = destination->second;
        if (source.sizes() != target.sizes())
        {
            const bool isTranspose = source.dim() == 2 && target.dim() == 2 &&
                                     source.size(0) == target.size(1) &&
                                     source.size(1) == target.size(0);
            throw std::invalid_argument(
                "state dict key '" + key + "' (module '" + name + "'): shape " +
                ShapeText(source.sizes()) + " in the file, " + ShapeText(target.sizes()) +
                " in the module" +
                (isTranspose ? " (transposed: list it in StateDictImportOptions::transposed if "
                               "the file stores (in, out), as Hugging Face GPT-2 Conv1D does)"
                             : ""));
        }
        copies.emplace_back(target, source);
        report.loaded.push_back(name);
    }
    for (const std::string& name : destinationOrder)
    {
        if (mapped.count(name) == 0)
        {
            report.missing.push_back(name);
        }
    }
    if (options.strict && (!report.missing.empty() || !report.unexpected.empty()))
    {
        std::string message = "strict state dict import:";
        if (!report.missing.empty())
        {
            message += " missing " + NameList(report.missing) + ";";
        }
        if (!report.unexpected.empty())
        {
            message += " unexpected (no such module tensor) " + NameList(report.unexpected) + ";";
        }
        throw std::invalid_argument(message + " nothing was imported");
    }

    torch::NoGradGuard noGrad;
    for (auto& [target, source] : copies)
    {
        target.copy_(source.to(target.device(), target.scalar_type()));
    }
    NS_LOG_INFO("imported " << report.loaded.size() << " tensors, " << report.missing.size()
                            << " missing, " << report.unexpected.size() << " unexpected, "
                            << report.ignored.size() << " ignored");
    return report;
}

std::vector<std::string>
HfGpt2TransposedWeights(int64_t layers)
{
    if (layers < 0)
    {
        throw std::invalid_argument("HfGpt2TransposedWeights: layers " + std::to_string(layers) +
                                    " must be >= 0");
    }
    std::vector<std::string> names;
    for (int64_t i = 0; i < layers; ++i)
    {
        const std::string block = "h." + std::to_string(i) + ".";
        for (const char* linear : {"attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"})
        {
            names.push_back(block + linear + ".weight");
        }
    }
    return names;
}

} // namespace ns3
