#ifndef EDGE_LAM_STATE_DICT_IMPORT_H
#define EDGE_LAM_STATE_DICT_IMPORT_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// \ingroup lam
/// Tensors by name, in file order (e.g. "transformer.h.0.attn.c_attn.weight").
using NamedTensorList = std::vector<std::pair<std::string, torch::Tensor>>;

/**
 * \ingroup lam
 * \brief Reads a PyTorch state-dict file: the zip/pickle format of Python's
 * `torch.save(obj, path)` (and of LibTorch's torch::pickle_save) whose object is a
 * plain dict of str -> Tensor.
 *
 * LibTorch 1.13 cannot unpickle an `OrderedDict`, which is what
 * `model.state_dict()` returns: save `dict(model.state_dict())` in Python instead.
 * Such a file is recognised and rejected with that advice.
 * \throws std::runtime_error naming the path if the file is missing or unreadable, is
 *         an OrderedDict or a TorchScript archive, or its object is not a str -> Tensor dict
 *         (naming the offending key)
 */
NamedTensorList ReadStateDictFile(const std::string& path);

/**
 * \ingroup lam
 * \brief Reads the parameters, then the buffers, of a TorchScript file
 * (`torch.jit.save(torch.jit.script(model), path)` in Python, torch::jit::Module::save in
 * C++), named as in the scripted module ("h.0.attn.c_attn.weight").
 * \throws std::runtime_error naming the path if it cannot be loaded as TorchScript
 */
NamedTensorList ReadTorchScriptTensors(const std::string& path);

/**
 * \ingroup lam
 * How file keys map onto a module's parameter and buffer names, and what is checked.
 * A file key is mapped as: if it is in `renames`, to that name; otherwise keys that do
 * not start with `stripPrefix` are ignored, the prefix is removed and `addPrefix`
 * prepended.
 */
struct StateDictImportOptions
{
    /// Only keys starting with this are imported, without it: "transformer." (nanoGPT and
    /// Hugging Face GPT-2 exports), "h.3." (one block of a full model into a shard).
    std::string stripPrefix;
    /// Prepended after stripping: "h.3." puts a one-block file into block 3 of a model.
    std::string addPrefix;
    /// Exact file key -> module name, bypassing the prefixes (nanoGPT: "lm_head.weight" ->
    /// "head.weight").
    std::map<std::string, std::string> renames;
    /// Module names of 2-D weights stored transposed in the file, (in, out) instead of
    /// (out, in): Hugging Face GPT-2's Conv1D layers (see HfGpt2TransposedWeights()).
    std::vector<std::string> transposed;
    /// true: every module parameter and buffer must be imported and every mapped file key
    /// must exist in the module, else nothing is imported and the call throws listing them.
    /// false: missing and unexpected names are only reported.
    bool strict{true};
};

/// \ingroup lam
/// What ImportStateDict() did.
struct StateDictImportReport
{
    std::vector<std::string> loaded;     ///< module names that received a tensor
    std::vector<std::string> missing;    ///< module names the file did not provide
    std::vector<std::string> unexpected; ///< mapped file keys with no module counterpart
    std::vector<std::string> ignored;    ///< file keys outside stripPrefix (not mapped)
};

/**
 * \ingroup lam
 * \brief Copies named tensors into a module's parameters and buffers (requires_grad
 * flags are kept), converting each to the dtype and device of its destination.
 *
 * Everything is checked before the module is modified.
 * \param module destination (a GptModel, a shard, a Block, ...)
 * \param tensors e.g. from ReadStateDictFile() or ReadTorchScriptTensors()
 * \param options key mapping and strictness
 * \return what was loaded, missing, unexpected and ignored
 * \throws std::invalid_argument naming the key and both shapes on a shape mismatch (in
 *         either mode), listing missing or unexpected names in strict mode, naming a
 *         `transposed` name that is not a mapped 2-D file tensor, or naming a module
 *         name that two file keys map to
 */
StateDictImportReport ImportStateDict(torch::nn::Module& module,
                                      const NamedTensorList& tensors,
                                      const StateDictImportOptions& options = {});

/**
 * \ingroup lam
 * Module names of the weights Hugging Face GPT-2 stores as Conv1D, (in, out):
 * "h.{i}.attn.c_attn.weight", "h.{i}.attn.c_proj.weight", "h.{i}.mlp.c_fc.weight",
 * "h.{i}.mlp.c_proj.weight" for i in [0, layers).
 */
std::vector<std::string> HfGpt2TransposedWeights(int64_t layers);

} // namespace ns3

#endif // EDGE_LAM_STATE_DICT_IMPORT_H
