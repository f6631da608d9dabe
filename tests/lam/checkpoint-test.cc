#include "lam/checkpoint.h"
#include "lam/gpt-model.h"
#include "lam/lam-test-helpers.h"

#include "ns3/test.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;
using namespace ns3::lamtest;

namespace
{

std::string
ReadBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void
WriteBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

enum class OptimizerKind
{
    ADAM,
    SGD_MOMENTUM
};

/**
 * A small training run: replicas of lam-tiny (one per "device"), each with its own
 * optimizer, trained on a copy task. The base weights depend only on `seed`.
 */
class TinyRun
{
  public:
    TinyRun(OptimizerKind kind, bool lora, size_t replicas, uint64_t seed)
        : m_config(Preset("lam-tiny"))
    {
        torch::manual_seed(seed);
        for (size_t i = 0; i < replicas; ++i)
        {
            GptModel model(m_config);
            if (lora)
            {
                LoraOptions options;
                options.rank = 4;
                options.alpha = 8.0;
                FreezeBaseEnableLora(model, options);
            }
            m_models.push_back(model);
        }
        ResetOptimizers(kind);
    }

    /// New optimizers without state (what a resume without optimizer state would have).
    void ResetOptimizers(OptimizerKind kind)
    {
        m_optimizers.clear();
        for (GptModel& model : m_models)
        {
            if (kind == OptimizerKind::ADAM)
            {
                m_optimizers.push_back(
                    std::make_unique<torch::optim::Adam>(model->parameters(),
                                                         torch::optim::AdamOptions(1e-2)));
            }
            else
            {
                m_optimizers.push_back(std::make_unique<torch::optim::SGD>(
                    model->parameters(),
                    torch::optim::SGDOptions(0.5).momentum(0.9)));
            }
        }
    }

    /// One optimizer step per replica; replica i trains on batches[i].
    void Step(const std::vector<torch::Tensor>& batches)
    {
        for (size_t i = 0; i < m_models.size(); ++i)
        {
            m_optimizers[i]->zero_grad();
            torch::Tensor logits = m_models[i]->forward(batches[i]); // (B, T, V)
            torch::nn::functional::cross_entropy(logits.view({-1, m_config.vocabSize}),
                                                 batches[i].view({-1}))
                .backward();
            m_optimizers[i]->step();
        }
    }

    TrainingState State() const
    {
        TrainingState state;
        for (size_t i = 0; i < m_models.size(); ++i)
        {
            const std::string name = "device" + std::to_string(i);
            state.modules.emplace_back(name, m_models[i].ptr());
            state.optimizers.emplace_back(name, m_optimizers[i].get());
        }
        return state;
    }

    /// Overwrites the trainable parameters, so that only a load can bring them back.
    void ScrambleTrainable()
    {
        torch::NoGradGuard noGrad;
        for (GptModel& model : m_models)
        {
            for (auto& parameter : model->parameters())
            {
                if (parameter.requires_grad())
                {
                    parameter.uniform_(-1.0, 1.0);
                }
            }
        }
    }

    /// Copies of every parameter of every replica.
    std::vector<torch::Tensor> Snapshot() const
    {
        std::vector<torch::Tensor> copies;
        for (const GptModel& model : m_models)
        {
            for (const auto& parameter : model->parameters())
            {
                copies.push_back(parameter.detach().clone());
            }
        }
        return copies;
    }

    /// Whether every parameter equals the snapshot bit for bit.
    bool BitIdentical(const std::vector<torch::Tensor>& snapshot) const
    {
        std::vector<torch::Tensor> mine = Snapshot();
        for (size_t p = 0; p < mine.size(); ++p)
        {
            if (!torch::equal(mine[p], snapshot.at(p)))
            {
                return false;
            }
        }
        return mine.size() == snapshot.size();
    }

    const LamConfig& GetConfig() const
    {
        return m_config;
    }

  private:
    LamConfig m_config;
    std::vector<GptModel> m_models;
    std::vector<std::unique_ptr<torch::optim::Optimizer>> m_optimizers;
};

/// batches[step][replica]: token ids (B = 4, T = 8).
std::vector<std::vector<torch::Tensor>>
MakeBatches(const LamConfig& config, int steps, size_t replicas)
{
    torch::manual_seed(99);
    std::vector<std::vector<torch::Tensor>> batches(steps);
    for (auto& step : batches)
    {
        for (size_t i = 0; i < replicas; ++i)
        {
            step.push_back(torch::randint(config.vocabSize, {4, 8}, torch::kLong));
        }
    }
    return batches;
}

/**
 * The resume guarantee: train n steps, checkpoint, train k more; a fresh run loaded
 * from the checkpoint and trained the same k steps ends bit-identical. Checked for
 * Adam and SGD with momentum, full training and LoRA (two replicas); a control run
 * without the optimizer state must differ, so the comparison can fail.
 */
class CheckpointResumeTestCase : public TestCase
{
  public:
    CheckpointResumeTestCase()
        : TestCase("a run resumed from a checkpoint is bit-identical to the uninterrupted run")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-ckpt");
        const int before = 3;
        const int after = 3;
        for (OptimizerKind kind : {OptimizerKind::ADAM, OptimizerKind::SGD_MOMENTUM})
        {
            for (bool lora : {false, true})
            {
                const std::string label =
                    std::string(kind == OptimizerKind::ADAM ? "Adam" : "SGD") +
                    (lora ? " LoRA" : " full");
                const size_t replicas = lora ? 2 : 1;
                const uint64_t seed = 7;
                const CheckpointMetadata metadata{{"seed", int64_t(seed)},
                                                  {"config", std::string("lam-tiny")}};
                TinyRun original(kind, lora, replicas, seed);
                auto batches = MakeBatches(original.GetConfig(), before + after, replicas);
                for (int s = 0; s < before; ++s)
                {
                    original.Step(batches[s]);
                }
                const std::string path = dir.File("run.ckpt");
                SaveCheckpoint(path, original.State(), before, metadata);
                for (int s = before; s < before + after; ++s)
                {
                    original.Step(batches[s]);
                }

                TinyRun resumed(kind, lora, replicas, seed);
                resumed.ScrambleTrainable();
                CheckpointInfo info = LoadCheckpoint(path, resumed.State(), metadata);
                NS_TEST_ASSERT_MSG_EQ(info.round, before, label << ": round");
                NS_TEST_ASSERT_MSG_EQ(ToString(info.metadata.at("config")),
                                      "\"lam-tiny\"",
                                      label << ": metadata");
                TinyRun control(kind, lora, replicas, seed);
                LoadCheckpoint(path, control.State(), metadata);
                control.ResetOptimizers(kind);
                for (int s = before; s < before + after; ++s)
                {
                    resumed.Step(batches[s]);
                    control.Step(batches[s]);
                }
                NS_TEST_EXPECT_MSG_EQ(resumed.BitIdentical(original.Snapshot()),
                                      true,
                                      label << ": resumed");
                NS_TEST_EXPECT_MSG_EQ(control.BitIdentical(original.Snapshot()),
                                      false,
                                      label << ": control without optimizer state");
            }
        }
    }
};

/**
 * A LoRA checkpoint stores the adapters and a fingerprint of the frozen base: its size is
 * that of the adapter tensors and their Adam moments (3 x 4 bytes per adapter scalar)
 * plus archive overhead, far below the full checkpoint (at least 3 x 4 bytes per scalar).
 */
class CheckpointSizeTestCase : public TestCase
{
  public:
    CheckpointSizeTestCase()
        : TestCase("a LoRA checkpoint holds the adapters only, a full one every parameter")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-ckpt");
        const int64_t fullScalars = 110400;  // lam-tiny, CountLamParameters
        const int64_t adapterScalars = 8192; // r = 4, all four targets, 2 blocks
        const int64_t overheadBytes = 64 * 1024;
        std::map<bool, int64_t> bytes;
        for (bool lora : {false, true})
        {
            TinyRun run(OptimizerKind::ADAM, lora, 1, 3);
            run.Step(MakeBatches(run.GetConfig(), 1, 1)[0]);
            const std::string path = dir.File(lora ? "lora.ckpt" : "full.ckpt");
            SaveCheckpoint(path, run.State(), 1, {});
            bytes[lora] = static_cast<int64_t>(std::filesystem::file_size(path));
        }
        NS_TEST_EXPECT_MSG_GT_OR_EQ(bytes[false], 3 * 4 * fullScalars, "full: " << bytes[false]);
        NS_TEST_EXPECT_MSG_LT(bytes[false],
                              3 * 4 * fullScalars + overheadBytes,
                              "full: " << bytes[false]);
        NS_TEST_EXPECT_MSG_GT_OR_EQ(bytes[true], 3 * 4 * adapterScalars, "LoRA: " << bytes[true]);
        NS_TEST_EXPECT_MSG_LT(bytes[true],
                              3 * 4 * adapterScalars + overheadBytes,
                              "LoRA: " << bytes[true]);
    }
};

/// Missing, truncated, corrupt and foreign files, and mismatching runs, are refused
/// with a message naming the problem; a refused load leaves the model untouched.
class CheckpointValidationTestCase : public TestCase
{
  public:
    CheckpointValidationTestCase()
        : TestCase("bad checkpoints and mismatching runs are refused with a message")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-ckpt");
        const CheckpointMetadata metadata{{"seed", int64_t(1)}};
        TinyRun run(OptimizerKind::ADAM, true, 1, 1);
        run.Step(MakeBatches(run.GetConfig(), 1, 1)[0]);
        const std::string path = dir.File("good.ckpt");
        SaveCheckpoint(path, run.State(), 1, metadata);
        const std::string bytes = ReadBytes(path);

        struct FileCase
        {
            std::string label;
            std::string content;
            std::string inMessage;
        };

        std::string flipped = bytes;
        flipped[bytes.size() / 2] ^= 0x10;
        std::string version = bytes;
        version[8] = 2;
        for (const FileCase& c :
             {FileCase{"truncated", bytes.substr(0, bytes.size() / 2), "truncated"},
              FileCase{"header only", bytes.substr(0, 20), "shorter than the 32-byte header"},
              FileCase{"bit flip", flipped, "checksum mismatch"},
              FileCase{"version", version, "format version 2"},
              FileCase{"foreign", std::string(100, 'x'), "no ELAMCKPT magic"}})
        {
            const std::string bad = dir.File("bad.ckpt");
            WriteBytes(bad, c.content);
            std::string message = MessageOf<std::runtime_error>(
                [&]() { LoadCheckpoint(bad, run.State(), metadata); });
            NS_TEST_EXPECT_MSG_NE(message.find(c.inMessage),
                                  std::string::npos,
                                  c.label << ": " << message);
            NS_TEST_EXPECT_MSG_NE(message.find(bad), std::string::npos, c.label << ": path");
        }
        std::string missing = MessageOf<std::runtime_error>(
            [&]() { LoadCheckpoint(dir.File("none.ckpt"), run.State(), metadata); });
        NS_TEST_EXPECT_MSG_NE(missing.find("missing"), std::string::npos, missing);

        // Another run: other metadata, names, shapes, base weights.
        std::string seed = MessageOf<std::invalid_argument>([&]() {
            LoadCheckpoint(path, run.State(), {{"seed", int64_t(2)}});
        });
        NS_TEST_EXPECT_MSG_NE(seed.find("seed = 1, this run has seed = 2"),
                              std::string::npos,
                              seed);
        std::string config = MessageOf<std::invalid_argument>([&]() {
            LoadCheckpoint(path, run.State(), {{"config", std::string("lam-small")}});
        });
        NS_TEST_EXPECT_MSG_NE(config.find("no metadata 'config'"), std::string::npos, config);

        TrainingState renamed = run.State();
        renamed.modules[0].first = "device7";
        std::string name =
            MessageOf<std::invalid_argument>([&]() { LoadCheckpoint(path, renamed, metadata); });
        NS_TEST_EXPECT_MSG_NE(name.find("no module 'device7' (it has: 'device0')"),
                              std::string::npos,
                              name);

        LamConfig shorter = Preset("lam-tiny");
        shorter.contextLength = 16;
        GptModel other(shorter);
        TrainingState shape{{{"device0", other.ptr()}}, {}};
        const std::string fullPath = dir.File("full.ckpt");
        TrainingState modelOnly = TinyRun(OptimizerKind::ADAM, false, 1, 1).State();
        modelOnly.optimizers.clear();
        SaveCheckpoint(fullPath, modelOnly, 0, metadata);
        std::string shapeMessage =
            MessageOf<std::invalid_argument>([&]() { LoadCheckpoint(fullPath, shape, metadata); });
        NS_TEST_EXPECT_MSG_NE(
            shapeMessage.find("'wpe.weight' has shape [32, 64] in the checkpoint but [16, 64]"),
            std::string::npos,
            shapeMessage);

        // Same architecture, other base weights (seed 2): the fingerprint check fires and
        // the adapters, though valid, are not copied.
        TinyRun otherBase(OptimizerKind::ADAM, true, 1, 2);
        otherBase.ScrambleTrainable();
        const std::vector<torch::Tensor> before = otherBase.Snapshot();
        std::string base = MessageOf<std::invalid_argument>(
            [&]() { LoadCheckpoint(path, otherBase.State(), metadata); });
        NS_TEST_EXPECT_MSG_NE(base.find("is frozen and stored as a fingerprint only"),
                              std::string::npos,
                              base);
        NS_TEST_EXPECT_MSG_EQ(otherBase.BitIdentical(before), true, "model untouched");
    }
};

/// Files appear complete or not at all: no temporary file after a save, none after a
/// failed commit, and a failed save leaves the previous checkpoint byte-identical.
class CheckpointAtomicTestCase : public TestCase
{
  public:
    CheckpointAtomicTestCase()
        : TestCase("checkpoints are written atomically")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-ckpt");
        TinyRun run(OptimizerKind::SGD_MOMENTUM, false, 1, 1);
        const std::string path = dir.File("run.ckpt");
        SaveCheckpoint(path, run.State(), 1, {{"seed", int64_t(1)}});
        NS_TEST_ASSERT_MSG_EQ(dir.List().size(), 1, "only the checkpoint");
        NS_TEST_EXPECT_MSG_EQ(ReadCheckpointInfo(path).round, 1, "round");

        // rename(2) of a file onto a directory fails at commit: the temporary file goes.
        std::filesystem::create_directory(dir.File("taken"));
        std::string commit = MessageOf<std::runtime_error>(
            [&]() { SaveCheckpoint(dir.File("taken"), run.State(), 2, {}); });
        NS_TEST_EXPECT_MSG_NE(commit.find("rename"), std::string::npos, commit);
        NS_TEST_EXPECT_MSG_EQ(dir.List().size(), 2, "no stray temporary file");

        const std::string old = ReadBytes(path);
        TrainingState broken = run.State();
        broken.optimizers.emplace_back("device1", nullptr);
        std::string null =
            MessageOf<std::invalid_argument>([&]() { SaveCheckpoint(path, broken, 2, {}); });
        NS_TEST_EXPECT_MSG_NE(null.find("'device1' is null"), std::string::npos, null);
        NS_TEST_EXPECT_MSG_EQ((ReadBytes(path) == old), true, "previous checkpoint intact");
        NS_TEST_EXPECT_MSG_EQ(dir.List().size(), 2, "still no stray file");
    }
};

/// With TrainingState::randomGenerator a load puts LibTorch's default generator back where
/// the save left it (draws after a resume continue the saved run's sequence); without it
/// the caller's generator is untouched; asking for it from a file without it is refused
/// before any module changes.
class CheckpointGeneratorTestCase : public TestCase
{
  public:
    CheckpointGeneratorTestCase()
        : TestCase("the random generator is saved and restored on request")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-ckpt");
        TinyRun run(OptimizerKind::ADAM, false, 1, 3);
        TrainingState state = run.State();
        state.randomGenerator = true;
        const std::string path = dir.File("run.ckpt");
        torch::rand({5}); // somewhere past the seed
        SaveCheckpoint(path, state, 1, {});
        const torch::Tensor next = torch::rand({16});

        torch::manual_seed(99);
        LoadCheckpoint(path, state, {});
        NS_TEST_EXPECT_MSG_EQ(torch::equal(torch::rand({16}), next),
                              true,
                              "draws after the load continue the saved sequence");

        torch::manual_seed(99);
        const torch::Tensor unrestored = torch::rand({16});
        torch::manual_seed(99);
        LoadCheckpoint(path, run.State(), {});
        NS_TEST_EXPECT_MSG_EQ(torch::equal(torch::rand({16}), unrestored),
                              true,
                              "without randomGenerator the generator is untouched");
        NS_TEST_EXPECT_MSG_EQ(torch::equal(unrestored, next), false, "the check can fail");

        const std::string without = dir.File("weights.ckpt");
        SaveCheckpoint(without, run.State(), 1, {});
        // Weights that differ from the file's show whether a refused load copied any.
        torch::Tensor weight = run.State().modules.front().second->parameters().front();
        {
            torch::NoGradGuard noGrad;
            weight.add_(1.0);
        }
        const torch::Tensor changed = weight.clone();
        std::string message =
            MessageOf<std::invalid_argument>([&]() { LoadCheckpoint(without, state, {}); });
        NS_TEST_EXPECT_MSG_NE(message.find("holds no random generator state"),
                              std::string::npos,
                              message);
        NS_TEST_EXPECT_MSG_EQ(torch::equal(weight, changed), true, "refused before any copy");
    }
};

class CheckpointTestSuite : public TestSuite
{
  public:
    CheckpointTestSuite()
        : TestSuite("lam-checkpoint", TestSuite::UNIT)
    {
        AddTestCase(new CheckpointResumeTestCase, TestCase::QUICK);
        AddTestCase(new CheckpointSizeTestCase, TestCase::QUICK);
        AddTestCase(new CheckpointValidationTestCase, TestCase::QUICK);
        AddTestCase(new CheckpointAtomicTestCase, TestCase::QUICK);
        AddTestCase(new CheckpointGeneratorTestCase, TestCase::QUICK);
    }
};

CheckpointTestSuite g_checkpointTestSuite;

} // namespace
