#ifndef EDGE_LAM_CHECKPOINT_H
#define EDGE_LAM_CHECKPOINT_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ns3
{

/// \ingroup lam
/// A metadata value of a checkpoint: an integer (e.g. the seed) or a string (e.g. the config name).
using CheckpointValue = std::variant<int64_t, std::string>;

/// \ingroup lam
/// Metadata of a checkpoint: what must be equal for a resume to be meaningful.
using CheckpointMetadata = std::map<std::string, CheckpointValue>;

/**
 * \ingroup lam
 * \brief What a training checkpoint covers: named modules (e.g. one replica per device)
 * and named optimizers. Both are non-owning views of the caller's objects; names must
 * be unique and non-empty within each list.
 */
struct TrainingState
{
    std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> modules;
    std::vector<std::pair<std::string, torch::optim::Optimizer*>> optimizers;
    /// Also save and restore LibTorch's default CPU generator (the one torch::manual_seed
    /// seeds): random draws after a resume (dropout, sampling) continue the saved run's
    /// sequence. Off by default, so that loading weights alone leaves the caller's
    /// generator alone.
    bool randomGenerator{false};
};

/// \ingroup lam
/// Choices for SaveCheckpoint().
struct CheckpointOptions
{
    /// Store frozen parameters (requires_grad false) in full as well. By default they are
    /// stored as shape + 64-bit fingerprint only, so the checkpoint of a LoRA run holds
    /// the adapters, not the base model, and loading checks that the base is the same.
    bool includeFrozen{false};
};

/// \ingroup lam
/// The round and metadata a checkpoint was written with.
struct CheckpointInfo
{
    int64_t round{0};
    CheckpointMetadata metadata;
};

/**
 * \ingroup lam
 * \brief Writes a training checkpoint atomically (AtomicFile: temporary file in the same
 * directory, fsync, rename): a failure or crash leaves an older file at `path` intact.
 *
 * Format (version 1): a 32-byte header (magic "ELAMCKPT", uint32 format version,
 * uint32 zero, uint64 payload length, uint64 FNV-1a 64 checksum of the payload; all
 * little-endian), then a LibTorch serialize archive with the round, the metadata, per
 * module its trainable parameters and buffers in full and its frozen parameters as
 * shape + fingerprint (see CheckpointOptions), per optimizer its state
 * (torch::optim::Optimizer::save, e.g. Adam moments and step counts, SGD momentum) and,
 * with TrainingState::randomGenerator, the default CPU generator's state.
 *
 * \param path file to write; its directory must exist
 * \param state modules and optimizers to save
 * \param round training round reached (e.g. federated rounds completed), >= 0
 * \param metadata what a resume must match (seed, config name, ...)
 * \param options see CheckpointOptions
 * \throws std::invalid_argument on a negative round, an empty or duplicate name, a null
 *         module or optimizer, or an empty metadata key
 * \throws std::runtime_error naming the path if the file cannot be written
 */
void SaveCheckpoint(const std::string& path,
                    const TrainingState& state,
                    int64_t round,
                    const CheckpointMetadata& metadata,
                    const CheckpointOptions& options = {});

/**
 * \ingroup lam
 * \brief Restores modules and optimizers from a checkpoint written by SaveCheckpoint().
 *
 * Checks, in this order, before any module is modified: the file (exists, header,
 * format version, length, checksum), the metadata (every key of `expected` must be
 * present with the same value; extra keys in the file are accepted), the module names,
 * and per module every parameter and buffer: present, same shape and dtype, and for
 * fingerprinted frozen parameters the same values. Optimizers are then restored
 * (same names; each must have the same parameter groups as when saved), and finally
 * the module tensors are copied and, with TrainingState::randomGenerator, the default
 * CPU generator is restored. If an optimizer's state is rejected, the modules are
 * untouched but that optimizer's state is unspecified.
 *
 * \param path checkpoint file
 * \param state modules and optimizers to restore; the same names as when saved
 * \param expected metadata this run has; a mismatch is refused
 * \return the round and the full metadata stored in the file
 * \throws std::runtime_error naming the path if the file is missing, truncated, corrupt
 *         or of another format or version
 * \throws std::invalid_argument naming the key, module, parameter (with both shapes) or
 *         optimizer that does not match, or if `state` asks for the random generator and
 *         the file holds none
 */
CheckpointInfo LoadCheckpoint(const std::string& path,
                              const TrainingState& state,
                              const CheckpointMetadata& expected);

/**
 * \ingroup lam
 * Reads only the round and metadata of a checkpoint (e.g. to decide whether to resume).
 * \throws std::runtime_error as LoadCheckpoint() for file problems
 */
CheckpointInfo ReadCheckpointInfo(const std::string& path);

/// \ingroup lam
/// \return the value as written in messages: 42 or "text"
std::string ToString(const CheckpointValue& value);

} // namespace ns3

#endif // EDGE_LAM_CHECKPOINT_H
