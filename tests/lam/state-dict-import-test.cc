#include "lam/gpt-model.h"
#include "lam/lam-test-helpers.h"
#include "lam/state-dict-import.h"

#include "ns3/test.h"

#include <caffe2/serialize/inline_container.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <torch/script.h>
#include <vector>

using namespace ns3;
using namespace ns3::lamtest;
using namespace std::string_literals;

namespace
{

/// Writes a str -> Tensor dict as Python's torch.save(dict, path) would (same zip format).
void
SaveStateDict(const std::string& path, const NamedTensorList& tensors)
{
    c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
    for (const auto& [key, tensor] : tensors)
    {
        dict.insert(key, tensor);
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
}

/// The model's tensors under nanoGPT's export names: "transformer." + name, "lm_head.*".
NamedTensorList
NanoGptExport(const GptModel& model)
{
    NamedTensorList tensors;
    for (const auto& item : model->named_parameters())
    {
        const std::string& name = item.key();
        const bool head = name.compare(0, 5, "head.") == 0;
        tensors.emplace_back(head ? "lm_" + name : "transformer." + name,
                             item.value().detach().clone());
    }
    return tensors;
}

/// Whether two modules' parameters are equal bit for bit (same names and order).
bool
BitIdentical(const torch::nn::Module& a, const torch::nn::Module& b)
{
    auto pa = a.named_parameters();
    auto pb = b.named_parameters();
    if (pa.size() != pb.size())
    {
        return false;
    }
    for (size_t i = 0; i < pa.size(); ++i)
    {
        if (pa[i].key() != pb[i].key() || !torch::equal(pa[i].value(), pb[i].value()))
        {
            return false;
        }
    }
    return true;
}

/// The nanoGPT mapping: strip "transformer.", lm_head is our head.
StateDictImportOptions
NanoGptOptions()
{
    StateDictImportOptions options;
    options.stripPrefix = "transformer.";
    options.renames = {{"lm_head.weight", "head.weight"}, {"lm_head.bias", "head.bias"}};
    return options;
}

/// A state-dict file (nanoGPT names, one tensor stored as float64) imports bit-exactly
/// into a differently initialised model; the float64 tensor holds float32 values, so the
/// conversion back is exact.
class StateDictRoundTripTestCase : public TestCase
{
  public:
    StateDictRoundTripTestCase()
        : TestCase("a torch.save state dict imports exactly, with prefix, renames and dtype")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-import");
        LamConfig config = Preset("lam-tiny");
        torch::manual_seed(1);
        GptModel source(config);
        torch::manual_seed(2);
        GptModel target(config);
        NS_TEST_ASSERT_MSG_EQ(BitIdentical(*source, *target), false, "different start");

        NamedTensorList tensors = NanoGptExport(source);
        tensors[0].second = tensors[0].second.to(torch::kDouble);
        const std::string path = dir.File("nanogpt.pt");
        SaveStateDict(path, tensors);

        NamedTensorList read = ReadStateDictFile(path);
        NS_TEST_ASSERT_MSG_EQ(read.size(), tensors.size(), "tensor count");
        NS_TEST_EXPECT_MSG_EQ(read[0].first, "transformer.wte.weight", "file order kept");
        NS_TEST_EXPECT_MSG_EQ(read[0].second.scalar_type(), torch::kDouble, "dtype as stored");
        StateDictImportReport report = ImportStateDict(*target, read, NanoGptOptions());
        NS_TEST_EXPECT_MSG_EQ(report.loaded.size(), source->named_parameters().size(), "loaded");
        NS_TEST_EXPECT_MSG_EQ(report.missing.size() + report.unexpected.size() +
                                  report.ignored.size(),
                              0,
                              "nothing missing, unexpected or ignored");
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*source, *target), true, "values round-trip");
        NS_TEST_EXPECT_MSG_EQ(target->wte->weight.scalar_type(), torch::kFloat, "dtype kept");
        NS_TEST_EXPECT_MSG_EQ(target->wte->weight.requires_grad(), true, "still trainable");
    }
};

/// Builds a TorchScript module whose parameters have the given dotted names (submodules
/// created along the path, as torch.jit.script of a nanoGPT-layout model has).
torch::jit::Module
ScriptModuleOf(const NamedTensorList& tensors)
{
    torch::jit::Module root(c10::QualifiedName("__torch__.Exported"));
    for (const auto& [name, tensor] : tensors)
    {
        torch::jit::Module current = root;
        std::string path = "Exported";
        size_t start = 0;
        for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start))
        {
            const std::string part = name.substr(start, dot - start);
            path += "_" + part;
            if (!current.hasattr(part))
            {
                current.register_module(
                    part,
                    torch::jit::Module(c10::QualifiedName("__torch__." + path)));
            }
            current = current.attr(part).toModule();
            start = dot + 1;
        }
        current.register_parameter(name.substr(start), tensor, /*is_buffer=*/false);
    }
    return root;
}

/// A TorchScript file imports bit-exactly; an extra buffer is unexpected, which strict
/// mode refuses and non-strict mode reports.
class TorchScriptImportTestCase : public TestCase
{
  public:
    TorchScriptImportTestCase()
        : TestCase("a TorchScript file imports exactly; unexpected tensors are reported")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-import");
        LamConfig config = Preset("lam-tiny");
        torch::manual_seed(3);
        GptModel source(config);
        torch::manual_seed(4);
        GptModel target(config);
        NamedTensorList tensors;
        for (const auto& item : source->named_parameters())
        {
            tensors.emplace_back(item.key(), item.value().detach().clone());
        }
        torch::jit::Module script = ScriptModuleOf(tensors);
        script.register_buffer("step_count", torch::zeros({1}));
        const std::string path = dir.File("model.ts");
        script.save(path);

        NamedTensorList read = ReadTorchScriptTensors(path);
        NS_TEST_ASSERT_MSG_EQ(read.size(), tensors.size() + 1, "parameters + buffer");
        NS_TEST_EXPECT_MSG_EQ(read[0].first, "wte.weight", "nested names");

        StateDictImportOptions strict;
        std::string message =
            MessageOf<std::invalid_argument>([&]() { ImportStateDict(*target, read, strict); });
        NS_TEST_EXPECT_MSG_NE(message.find("unexpected (no such module tensor) 'step_count'"),
                              std::string::npos,
                              message);
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*source, *target), false, "strict: nothing imported");

        StateDictImportOptions lenient;
        lenient.strict = false;
        StateDictImportReport report = ImportStateDict(*target, read, lenient);
        NS_TEST_ASSERT_MSG_EQ(report.unexpected.size(), 1, "one unexpected");
        NS_TEST_EXPECT_MSG_EQ(report.unexpected[0], "step_count", "reported");
        NS_TEST_EXPECT_MSG_EQ(report.missing.empty(), true, "none missing");
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*source, *target), true, "values round-trip");

        std::string asStateDict = MessageOf<std::runtime_error>([&]() { ReadStateDictFile(path); });
        NS_TEST_EXPECT_MSG_NE(asStateDict.find("is a TorchScript archive"),
                              std::string::npos,
                              asStateDict);
    }
};

/// One block of a full-model file into a Block (strip "h.1."), and a one-block file into
/// block 1 of a model (add "h.1.", non-strict: the rest is reported missing).
class ShardImportTestCase : public TestCase
{
  public:
    ShardImportTestCase()
        : TestCase("prefixes move a block between a full model and a shard")
    {
    }

  private:
    void DoRun() override
    {
        LamConfig config = Preset("lam-tiny");
        torch::manual_seed(5);
        GptModel source(config);
        torch::manual_seed(6);
        GptModel target(config);
        NamedTensorList full = NanoGptExport(source);

        Block shard(config);
        StateDictImportOptions toShard;
        toShard.stripPrefix = "transformer.h.1.";
        StateDictImportReport report = ImportStateDict(*shard, full, toShard);
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*shard, *source->GetBlock(1)), true, "block 1 -> shard");
        NS_TEST_EXPECT_MSG_EQ(report.loaded.size(), shard->named_parameters().size(), "all loaded");
        NS_TEST_EXPECT_MSG_EQ(report.ignored.size(),
                              full.size() - shard->named_parameters().size(),
                              "the rest ignored");

        NamedTensorList oneBlock;
        for (const auto& item : shard->named_parameters())
        {
            oneBlock.emplace_back(item.key(), item.value().detach().clone());
        }
        StateDictImportOptions intoModel;
        intoModel.addPrefix = "h.1.";
        intoModel.strict = false;
        report = ImportStateDict(*target, oneBlock, intoModel);
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*target->GetBlock(1), *source->GetBlock(1)),
                              true,
                              "shard -> block 1");
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*target->GetBlock(0), *source->GetBlock(0)),
                              false,
                              "block 0 untouched");
        NS_TEST_EXPECT_MSG_EQ(report.missing.size(),
                              target->named_parameters().size() - oneBlock.size(),
                              "the rest missing");
    }
};

/// A made-up Hugging Face GPT-2 style file stores the four Conv1D weights per block as
/// (in, out): refused naming the key and both shapes, imported exactly once listed.
class TransposedImportTestCase : public TestCase
{
  public:
    TransposedImportTestCase()
        : TestCase("Conv1D weights stored (in, out) are transposed on request")
    {
    }

  private:
    void DoRun() override
    {
        LamConfig config = Preset("lam-tiny");
        torch::manual_seed(7);
        GptModel source(config);
        torch::manual_seed(8);
        GptModel target(config);
        const std::vector<std::string> conv1d = HfGpt2TransposedWeights(config.numLayers);
        NS_TEST_ASSERT_MSG_EQ(conv1d.size(), 8, "4 per block");
        NS_TEST_EXPECT_MSG_EQ(conv1d[0], "h.0.attn.c_attn.weight", "first name");

        NamedTensorList hf = NanoGptExport(source);
        for (auto& [key, tensor] : hf)
        {
            for (const std::string& name : conv1d)
            {
                if (key == "transformer." + name)
                {
                    tensor = tensor.t().contiguous(); // (out, in) -> (in, out)
                }
            }
        }
        std::string message = MessageOf<std::invalid_argument>(
            [&]() { ImportStateDict(*target, hf, NanoGptOptions()); });
        NS_TEST_EXPECT_MSG_NE(message.find("'transformer.h.0.attn.c_attn.weight' (module "
                                           "'h.0.attn.c_attn.weight'): shape [64, 192] in the "
                                           "file, [192, 64] in the module (transposed"),
                              std::string::npos,
                              message);
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*source, *target), false, "nothing imported");

        StateDictImportOptions options = NanoGptOptions();
        options.transposed = conv1d;
        ImportStateDict(*target, hf, options);
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*source, *target), true, "values round-trip");

        options.transposed = {"ln_f.weight"};
        std::string oneD = MessageOf<std::invalid_argument>(
            [&]() { ImportStateDict(*target, NanoGptExport(source), options); });
        NS_TEST_EXPECT_MSG_NE(oneD.find("'ln_f.weight' is a 1-D tensor"), std::string::npos, oneD);
    }
};

/// Missing keys, wrong shapes, non-tensor values, OrderedDicts and missing files are
/// refused with messages naming them; a refused import leaves the model untouched.
class StateDictErrorTestCase : public TestCase
{
  public:
    StateDictErrorTestCase()
        : TestCase("missing keys, wrong shapes and unreadable files are reported")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir("edge-lam-import");
        LamConfig config = Preset("lam-tiny");
        torch::manual_seed(9);
        GptModel source(config);
        torch::manual_seed(10);
        GptModel target(config);
        const torch::Tensor wpeBefore = target->wpe->weight.detach().clone();

        NamedTensorList noWpe;
        NamedTensorList badShape;
        for (const auto& [key, tensor] : NanoGptExport(source))
        {
            if (key == "transformer.wpe.weight")
            {
                badShape.emplace_back(key, torch::zeros({16, 64}));
                continue;
            }
            noWpe.emplace_back(key, tensor);
            badShape.emplace_back(key, tensor);
        }
        std::string missing = MessageOf<std::invalid_argument>(
            [&]() { ImportStateDict(*target, noWpe, NanoGptOptions()); });
        NS_TEST_EXPECT_MSG_NE(missing.find("missing 'wpe.weight'"), std::string::npos, missing);
        NS_TEST_EXPECT_MSG_EQ(BitIdentical(*source, *target), false, "strict: nothing imported");

        StateDictImportOptions lenient = NanoGptOptions();
        lenient.strict = false;
        StateDictImportReport report = ImportStateDict(*target, noWpe, lenient);
        NS_TEST_ASSERT_MSG_EQ(report.missing.size(), 1, "one missing");
        NS_TEST_EXPECT_MSG_EQ(report.missing[0], "wpe.weight", "reported");
        NS_TEST_EXPECT_MSG_EQ(torch::equal(target->wpe->weight, wpeBefore), true, "wpe kept");
        NS_TEST_EXPECT_MSG_EQ(torch::equal(target->head->weight, source->head->weight),
                              true,
                              "the rest imported");

        std::string shape = MessageOf<std::invalid_argument>(
            [&]() { ImportStateDict(*target, badShape, lenient); });
        NS_TEST_EXPECT_MSG_NE(shape.find("'transformer.wpe.weight' (module 'wpe.weight'): shape "
                                         "[16, 64] in the file, [32, 64] in the module"),
                              std::string::npos,
                              shape);

        // Files: a non-tensor value, an OrderedDict (what torch.save(model.state_dict())
        // writes: PROTO 2, GLOBAL collections.OrderedDict, EMPTY_TUPLE, REDUCE, STOP), none.
        c10::impl::GenericDict notTensor(c10::StringType::get(), c10::AnyType::get());
        notTensor.insert("epoch", int64_t(3));
        const std::string intPath = dir.File("int.pt");
        const std::vector<char> bytes = torch::pickle_save(c10::IValue(notTensor));
        std::ofstream(intPath, std::ios::binary).write(bytes.data(), bytes.size());
        std::string value = MessageOf<std::runtime_error>([&]() { ReadStateDictFile(intPath); });
        NS_TEST_EXPECT_MSG_NE(value.find("value of key 'epoch' is a Int"),
                              std::string::npos,
                              value);

        const std::string orderedPath = dir.File("ordered.pt");
        {
            caffe2::serialize::PyTorchStreamWriter writer(orderedPath);
            const std::string pickle = "\x80\x02"s + "ccollections\nOrderedDict\nq\x00)Rq\x01."s;
            writer.writeRecord("data.pkl", pickle.data(), pickle.size());
            writer.writeEndOfFile();
        }
        std::string ordered =
            MessageOf<std::runtime_error>([&]() { ReadStateDictFile(orderedPath); });
        NS_TEST_EXPECT_MSG_NE(ordered.find("torch.save(dict(model.state_dict()), path)"),
                              std::string::npos,
                              ordered);

        for (const auto& read : {ReadStateDictFile, ReadTorchScriptTensors})
        {
            std::string none = MessageOf<std::runtime_error>([&]() { read(dir.File("none.pt")); });
            NS_TEST_EXPECT_MSG_NE(none.find("missing or unreadable"), std::string::npos, none);
        }
    }
};

class StateDictImportTestSuite : public TestSuite
{
  public:
    StateDictImportTestSuite()
        : TestSuite("lam-state-dict-import", TestSuite::UNIT)
    {
        AddTestCase(new StateDictRoundTripTestCase, TestCase::QUICK);
        AddTestCase(new TorchScriptImportTestCase, TestCase::QUICK);
        AddTestCase(new ShardImportTestCase, TestCase::QUICK);
        AddTestCase(new TransposedImportTestCase, TestCase::QUICK);
        AddTestCase(new StateDictErrorTestCase, TestCase::QUICK);
    }
};

StateDictImportTestSuite g_stateDictImportTestSuite;

} // namespace
