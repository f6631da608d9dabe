#include "lam/checkpoint.h"

#include "helper/atomic-file.h"

#include "ns3/log.h"

#include <ATen/CPUGeneratorImpl.h>
#include <array>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Checkpoint");

namespace
{

constexpr std::array<char, 8> kMagic{'E', 'L', 'A', 'M', 'C', 'K', 'P', 'T'};
constexpr uint32_t kFormatVersion = 1;
// Optional key: files written without the generator are still version 1.
const std::string kGeneratorKey = "torch_cpu_generator";
constexpr size_t kHeaderBytes = 32; // magic 8, version 4, zero 4, length 8, checksum 8
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

/// FNV-1a 64: cheap, dependency-free, enough to detect truncation and bit flips.
uint64_t
Fnv1a64(const void* data, size_t bytes, uint64_t hash = kFnvOffset)
{
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i)
    {
        hash = (hash ^ p[i]) * kFnvPrime;
    }
    return hash;
}

/// Fingerprint of a tensor's dtype and values (contiguous CPU bytes), as int64 for the archive.
int64_t
Fingerprint(const torch::Tensor& tensor)
{
    torch::Tensor bytes = tensor.detach().to(torch::kCPU).contiguous();
    const std::string dtype(c10::toString(bytes.scalar_type()));
    const uint64_t hash = Fnv1a64(bytes.data_ptr(),
                                  static_cast<size_t>(bytes.numel()) * bytes.element_size(),
                                  Fnv1a64(dtype.data(), dtype.size()));
    return static_cast<int64_t>(hash);
}

void
PutLittleEndian(std::string& out, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
    {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    }
}

uint64_t
GetLittleEndian(const std::string& in, size_t offset, int bytes)
{
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i)
    {
        value |= static_cast<uint64_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
    }
    return value;
}

std::string
ShapeText(c10::IntArrayRef shape)
{
    std::ostringstream text;
    text << shape;
    return text.str();
}

/// Names must be non-empty and unique; pointers non-null.
template <typename T>
void
CheckNames(const std::vector<std::pair<std::string, T>>& items, const std::string& kind)
{
    std::set<std::string> seen;
    for (const auto& [name, item] : items)
    {
        if (name.empty() || !seen.insert(name).second)
        {
            throw std::invalid_argument("checkpoint: " + kind + " name '" + name +
                                        "' is empty or used twice");
        }
        if (item == nullptr)
        {
            throw std::invalid_argument("checkpoint: " + kind + " '" + name + "' is null");
        }
    }
}

/// A parameter or buffer of a module, by full name ("h.0.attn.c_attn.weight").
struct NamedTensor
{
    std::string name;
    torch::Tensor tensor;
    bool isParameter;
};

std::vector<NamedTensor>
NamedTensors(const torch::nn::Module& module)
{
    std::vector<NamedTensor> tensors;
    for (const auto& item : module.named_parameters())
    {
        tensors.push_back({item.key(), item.value(), true});
    }
    for (const auto& item : module.named_buffers())
    {
        tensors.push_back({item.key(), item.value(), false});
    }
    return tensors;
}

torch::serialize::OutputArchive
SaveModule(const torch::nn::Module& module, bool includeFrozen)
{
    c10::Dict<std::string, at::Tensor> tensors;
    c10::Dict<std::string, c10::List<int64_t>> frozenShapes;
    c10::Dict<std::string, int64_t> frozenFingerprints;
    for (const auto& [name, tensor, isParameter] : NamedTensors(module))
    {
        // Buffers never require grad but are state (e.g. running statistics): kept in full.
        if (isParameter && !tensor.requires_grad() && !includeFrozen)
        {
            frozenShapes.insert(name, c10::List<int64_t>(tensor.sizes()));
            frozenFingerprints.insert(name, Fingerprint(tensor));
        }
        else
        {
            tensors.insert(name, tensor.detach());
        }
    }
    torch::serialize::OutputArchive archive;
    archive.write("tensors", c10::IValue(tensors));
    archive.write("frozen_shapes", c10::IValue(frozenShapes));
    archive.write("frozen_fingerprints", c10::IValue(frozenFingerprints));
    return archive;
}

/// The archive of a checkpoint file, after the header checks.
struct OpenedCheckpoint
{
    std::string payload; ///< the archive reads from it: it must outlive the archive
    torch::serialize::InputArchive archive;
    CheckpointInfo info;
    std::vector<std::string> moduleNames;
    std::vector<std::string> optimizerNames;
};

std::vector<std::string>
ReadStringList(torch::serialize::InputArchive& archive, const std::string& key)
{
    c10::IValue value;
    archive.read(key, value);
    std::vector<std::string> names;
    for (const c10::IValue& name : value.toListRef())
    {
        names.push_back(name.toStringRef());
    }
    return names;
}

OpenedCheckpoint
OpenCheckpoint(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw std::runtime_error("cannot open checkpoint '" + path +
                                 "': missing or unreadable file");
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string where = "checkpoint '" + path + "'";
    if (bytes.size() < kHeaderBytes)
    {
        throw std::runtime_error(where + " is truncated: " + std::to_string(bytes.size()) +
                                 " bytes, shorter than the " + std::to_string(kHeaderBytes) +
                                 "-byte header");
    }
    if (bytes.compare(0, kMagic.size(), kMagic.data(), kMagic.size()) != 0)
    {
        throw std::runtime_error(where + " is not an edge-lam checkpoint (no ELAMCKPT magic)");
    }
    const uint64_t version = GetLittleEndian(bytes, 8, 4);
    if (version != kFormatVersion)
    {
        throw std::runtime_error(where + " has format version " + std::to_string(version) +
                                 "; this build reads version " + std::to_string(kFormatVersion));
    }
    const uint64_t payloadBytes = GetLittleEndian(bytes, 16, 8);
    const uint64_t checksum = GetLittleEndian(bytes, 24, 8);
    if (bytes.size() - kHeaderBytes != payloadBytes)
    {
        throw std::runtime_error(where +
                                 " is truncated or has trailing bytes: the header announces " +
                                 std::to_string(payloadBytes) + " payload bytes, the file has " +
                                 std::to_string(bytes.size() - kHeaderBytes));
    }
    OpenedCheckpoint opened;
    opened.payload = bytes.substr(kHeaderBytes);
    if (Fnv1a64(opened.payload.data(), payloadBytes) != checksum)
    {
        throw std::runtime_error(where + " is corrupt: payload checksum mismatch");
    }

    try
    {
        opened.archive.load_from(opened.payload.data(), payloadBytes);
        c10::IValue value;
        opened.archive.read("round", value);
        opened.info.round = value.toInt();
        opened.archive.read("meta_int", value);
        for (const auto& entry : value.toGenericDict())
        {
            opened.info.metadata[entry.key().toStringRef()] = entry.value().toInt();
        }
        opened.archive.read("meta_str", value);
        for (const auto& entry : value.toGenericDict())
        {
            opened.info.metadata[entry.key().toStringRef()] = entry.value().toStringRef();
        }
        opened.moduleNames = ReadStringList(opened.archive, "module_names");
        opened.optimizerNames = ReadStringList(opened.archive, "optimizer_names");
    }
    catch (const c10::Error& e)
    {
        throw std::runtime_error(where + " is corrupt: " + e.what_without_backtrace());
    }
    return opened;
}

/// Index of each name in the file; throws unless the file has exactly the names of `state`.
template <typename T>
std::map<std::string, size_t>
MatchNames(const std::vector<std::string>& inFile,
           const std::vector<std::pair<std::string, T>>& inState,
           const std::string& kind,
           const std::string& where)
{
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < inFile.size(); ++i)
    {
        index[inFile[i]] = i;
    }
    std::string fileList;
    for (const std::string& name : inFile)
    {
        fileList += (fileList.empty() ? "'" : ", '") + name + "'";
    }
    for (const auto& item : inState)
    {
        if (index.count(item.first) == 0)
        {
            throw std::invalid_argument(where + " has no " + kind + " '" + item.first +
                                        "' (it has: " + fileList + ")");
        }
    }
    if (inFile.size() != inState.size())
    {
        throw std::invalid_argument(where + " has " + std::to_string(inFile.size()) + " " + kind +
                                    "s (" + fileList + "), this run " +
                                    std::to_string(inState.size()));
    }
    return index;
}

/// Checks one module against its archive; returns the (destination, source) copies to do.
std::vector<std::pair<torch::Tensor, torch::Tensor>>
PlanModuleLoad(torch::serialize::InputArchive& archive,
               const torch::nn::Module& module,
               const std::string& where)
{
    c10::IValue tensorsValue;
    c10::IValue shapesValue;
    c10::IValue fingerprintsValue;
    try
    {
        archive.read("tensors", tensorsValue);
        archive.read("frozen_shapes", shapesValue);
        archive.read("frozen_fingerprints", fingerprintsValue);
    }
    catch (const c10::Error& e)
    {
        throw std::runtime_error(where + " is corrupt: " + e.what_without_backtrace());
    }
    const c10::impl::GenericDict tensors = tensorsValue.toGenericDict();
    const c10::impl::GenericDict shapes = shapesValue.toGenericDict();
    const c10::impl::GenericDict fingerprints = fingerprintsValue.toGenericDict();

    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    std::set<std::string> moduleNames;
    for (const auto& [name, tensor, isParameter] : NamedTensors(module))
    {
        moduleNames.insert(name);
        const std::string what = where + " tensor '" + name + "'";
        if (tensors.contains(name))
        {
            const torch::Tensor stored = tensors.at(name).toTensor();
            if (stored.sizes() != tensor.sizes())
            {
                throw std::invalid_argument(what + " has shape " + ShapeText(stored.sizes()) +
                                            " in the checkpoint but " + ShapeText(tensor.sizes()) +
                                            " in the module");
            }
            if (stored.scalar_type() != tensor.scalar_type())
            {
                throw std::invalid_argument(
                    what + " has dtype " + std::string(c10::toString(stored.scalar_type())) +
                    " in the checkpoint but " + std::string(c10::toString(tensor.scalar_type())) +
                    " in the module");
            }
            copies.emplace_back(tensor, stored);
        }
        else if (shapes.contains(name))
        {
            const std::vector<int64_t> shape = shapes.at(name).toIntVector();
            if (c10::IntArrayRef(shape) != tensor.sizes())
            {
                throw std::invalid_argument(what + " (frozen) has shape " + ShapeText(shape) +
                                            " in the checkpoint but " + ShapeText(tensor.sizes()) +
                                            " in the module");
            }
            if (fingerprints.at(name).toInt() != Fingerprint(tensor))
            {
                throw std::invalid_argument(
                    what + " is frozen and stored as a fingerprint only, and the module's values "
                           "(or dtype) differ: build the base model as in the saved run (same "
                           "seed or pretrained weights) before loading");
            }
        }
        else
        {
            throw std::invalid_argument(what + " is missing from the checkpoint");
        }
    }
    for (const c10::impl::GenericDict* dict : {&tensors, &shapes})
    {
        for (const auto& entry : *dict)
        {
            if (moduleNames.count(entry.key().toStringRef()) == 0)
            {
                throw std::invalid_argument(where + " has tensor '" + entry.key().toStringRef() +
                                            "', which the module does not have");
            }
        }
    }
    return copies;
}

} // namespace

std::string
ToString(const CheckpointValue& value)
{
    if (std::holds_alternative<int64_t>(value))
    {
        return std::to_string(std::get<int64_t>(value));
    }
    return "\"" + std::get<std::string>(value) + "\"";
}

void
SaveCheckpoint(const std::string& path,
               const TrainingState& state,
               int64_t round,
               const CheckpointMetadata& metadata,
               const CheckpointOptions& options)
{
    if (round < 0)
    {
        throw std::invalid_argument("checkpoint: round " + std::to_string(round) + " must be >= 0");
    }
    CheckNames(state.modules, "module");
    CheckNames(state.optimizers, "optimizer");

    torch::serialize::OutputArchive archive;
    archive.write("round", c10::IValue(round));
    c10::Dict<std::string, int64_t> metaInt;
    c10::Dict<std::string, std::string> metaStr;
    for (const auto& [key, value] : metadata)
    {
        if (key.empty())
        {
            throw std::invalid_argument("checkpoint: empty metadata key");
        }
        if (std::holds_alternative<int64_t>(value))
        {
            metaInt.insert(key, std::get<int64_t>(value));
        }
        else
        {
            metaStr.insert(key, std::get<std::string>(value));
        }
    }
    archive.write("meta_int", c10::IValue(metaInt));
    archive.write("meta_str", c10::IValue(metaStr));

    // Archive keys are indices: user names may contain characters keys may not.
    c10::List<std::string> moduleNames;
    for (size_t i = 0; i < state.modules.size(); ++i)
    {
        moduleNames.push_back(state.modules[i].first);
        torch::serialize::OutputArchive moduleArchive =
            SaveModule(*state.modules[i].second, options.includeFrozen);
        archive.write("module_" + std::to_string(i), moduleArchive);
    }
    archive.write("module_names", c10::IValue(moduleNames));
    c10::List<std::string> optimizerNames;
    for (size_t i = 0; i < state.optimizers.size(); ++i)
    {
        optimizerNames.push_back(state.optimizers[i].first);
        torch::serialize::OutputArchive optimizerArchive;
        state.optimizers[i].second->save(optimizerArchive);
        archive.write("optimizer_" + std::to_string(i), optimizerArchive);
    }
    archive.write("optimizer_names", c10::IValue(optimizerNames));
    if (state.randomGenerator)
    {
        at::Generator generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        archive.write(kGeneratorKey, generator.get_state());
    }

    std::string payload;
    archive.save_to([&payload](const void* data, size_t bytes) {
        payload.append(static_cast<const char*>(data), bytes);
        return bytes;
    });
    std::string header(kMagic.data(), kMagic.size());
    PutLittleEndian(header, kFormatVersion, 4);
    PutLittleEndian(header, 0, 4);
    PutLittleEndian(header, payload.size(), 8);
    PutLittleEndian(header, Fnv1a64(payload.data(), payload.size()), 8);

    AtomicFile file(path);
    file.Write(header);
    file.Write(payload);
    file.Commit();
    NS_LOG_INFO("checkpoint " << path << ": round " << round << ", "
                              << header.size() + payload.size() << " bytes");
}

CheckpointInfo
ReadCheckpointInfo(const std::string& path)
{
    return OpenCheckpoint(path).info;
}

CheckpointInfo
LoadCheckpoint(const std::string& path,
               const TrainingState& state,
               const CheckpointMetadata& expected)
{
    CheckNames(state.modules, "module");
    CheckNames(state.optimizers, "optimizer");
    OpenedCheckpoint opened = OpenCheckpoint(path);
    const std::string where = "checkpoint '" + path + "'";

    for (const auto& [key, value] : expected)
    {
        auto stored = opened.info.metadata.find(key);
        if (stored == opened.info.metadata.end())
        {
            throw std::invalid_argument(where + " has no metadata '" + key +
                                        "' (this run: " + ToString(value) + ")");
        }
        if (stored->second != value)
        {
            throw std::invalid_argument(where + " was written with " + key + " = " +
                                        ToString(stored->second) + ", this run has " + key + " = " +
                                        ToString(value) +
                                        ": it only loads into a run with the same " + key);
        }
    }

    const auto moduleIndex = MatchNames(opened.moduleNames, state.modules, "module", where);
    const auto optimizerIndex =
        MatchNames(opened.optimizerNames, state.optimizers, "optimizer", where);

    torch::Tensor generatorState;
    if (state.randomGenerator)
    {
        if (!opened.archive.try_read(kGeneratorKey, generatorState))
        {
            throw std::invalid_argument(where + " holds no random generator state (it was saved "
                                                "without TrainingState::randomGenerator)");
        }
        // A state this LibTorch cannot take fails here, before any module changes.
        try
        {
            at::make_generator<at::CPUGeneratorImpl>().set_state(generatorState);
        }
        catch (const c10::Error& e)
        {
            throw std::invalid_argument(where +
                                        " holds a random generator state this LibTorch "
                                        "cannot restore: " +
                                        e.what_without_backtrace());
        }
    }
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const auto& [name, module] : state.modules)
    {
        torch::serialize::InputArchive moduleArchive;
        opened.archive.read("module_" + std::to_string(moduleIndex.at(name)), moduleArchive);
        auto moduleCopies =
            PlanModuleLoad(moduleArchive, *module, where + " module '" + name + "'");
        copies.insert(copies.end(), moduleCopies.begin(), moduleCopies.end());
    }
    for (const auto& [name, optimizer] : state.optimizers)
    {
        torch::serialize::InputArchive optimizerArchive;
        opened.archive.read("optimizer_" + std::to_string(optimizerIndex.at(name)),
                            optimizerArchive);
        try
        {
            optimizer->load(optimizerArchive);
        }
        catch (const c10::Error& e)
        {
            throw std::invalid_argument(
                where + " optimizer '" + name +
                "' does not match this run's optimizer: " + e.what_without_backtrace());
        }
    }
    torch::NoGradGuard noGrad;
    for (auto& [destination, source] : copies)
    {
        destination.copy_(source);
    }
    if (state.randomGenerator)
    {
        at::Generator generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(generatorState);
    }
    NS_LOG_INFO("loaded " << path << ": round " << opened.info.round);
    return opened.info;
}

} // namespace ns3
