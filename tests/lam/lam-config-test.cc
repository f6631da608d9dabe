#include "lam/lam-config.h"

#include "ns3/test.h"

#include <fstream>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

std::string
PresetPath(const std::string& name)
{
    return std::string(EDGE_LAM_SOURCE_DIR) + "/models/" + name + ".json";
}

/// The presets in models/ load, and their parameter counts equal the GPT-2 count
/// written out term by term here, independently of CountLamParameters().
class LamPresetCountTestCase : public TestCase
{
  public:
    LamPresetCountTestCase()
        : TestCase("preset parameter counts equal the closed form")
    {
    }

  private:
    void DoRun() override
    {
        struct Preset
        {
            std::string name;
            int64_t embedding; ///< V C for tokens, F C + C for features
            int64_t context, width, mlp, layers;
            int64_t head; ///< C O + O, or 0 when tied
        };

        // Per block: LN 2C + c_attn (3C^2 + 3C) + attn.c_proj (C^2 + C) + LN 2C
        //            + c_fc (C M + M) + mlp.c_proj (M C + C).
        auto block = [](int64_t c, int64_t m) {
            return 2 * c + (3 * c * c + 3 * c) + (c * c + c) + 2 * c + (c * m + m) + (m * c + c);
        };
        for (const Preset& p :
             {Preset{"lam-tiny", 64 * 64, 32, 64, 256, 2, 64 * 64 + 64},
              Preset{"lam-small", 4096 * 384, 256, 384, 1536, 4, 384 * 4096 + 4096},
              Preset{"gpt2-small", 50257 * 768, 1024, 768, 3072, 12, 0},
              Preset{"csi-predictor-tiny", 96 * 64 + 64, 16, 64, 256, 2, 64 * 96 + 96},
              Preset{"csi-predictor-small", 96 * 128 + 128, 16, 128, 512, 4, 128 * 96 + 96},
              Preset{"csi-ar-residual-tiny", 192 * 64 + 64, 16, 64, 256, 2, 64 * 96 + 96},
              Preset{"csi-ar-residual-small", 192 * 128 + 128, 16, 128, 512, 4, 128 * 96 + 96},
              Preset{"csi-subcarrier-tiny", 34 * 64 + 64, 48, 64, 256, 2, 64 * 2 + 2},
              Preset{"csi-subcarrier-small", 34 * 128 + 128, 48, 128, 512, 4, 128 * 2 + 2}})
        {
            LamConfig config = LoadLamConfig(PresetPath(p.name));
            NS_TEST_ASSERT_MSG_EQ(config.name, p.name, "name in " << p.name);
            int64_t expected = p.embedding + p.context * p.width +
                               p.layers * block(p.width, p.mlp) + 2 * p.width + p.head;
            NS_TEST_ASSERT_MSG_EQ(CountLamParameters(config), expected, "count of " << p.name);
        }
        // GPT-2 small as published (Hugging Face "gpt2": 124,439,808 parameters).
        NS_TEST_ASSERT_MSG_EQ(CountLamParameters(LoadLamConfig(PresetPath("gpt2-small"))),
                              124439808,
                              "GPT-2 small published count");

        LamConfig csi = LoadLamConfig(PresetPath("csi-predictor-tiny"));
        NS_TEST_ASSERT_MSG_EQ((csi.inputKind == LamInputKind::FEATURES), true, "features input");
        NS_TEST_ASSERT_MSG_EQ(csi.inputFeatures, 96, "features per step");
        LamConfig tiny = LoadLamConfig(PresetPath("lam-tiny"));
        NS_TEST_ASSERT_MSG_EQ(tiny.outputSize, tiny.vocabSize, "output_size defaults to vocab");
        NS_TEST_ASSERT_MSG_EQ(tiny.bias, true, "bias defaults to true");
    }
};

/// Bad configs throw std::invalid_argument naming the file and the key.
class LamConfigErrorTestCase : public TestCase
{
  public:
    LamConfigErrorTestCase()
        : TestCase("bad config files are rejected naming the file and the key")
    {
    }

  private:
    void DoRun() override
    {
        const std::string valid = R"("name": "m", "input": "tokens", "vocab_size": 16,
            "context_length": 8, "layers": 1, "heads": 2, "mlp_width": 32)";

        struct Case
        {
            std::string label;
            std::string text;
            std::string keyInMessage; ///< what the message must name besides the path
        };

        for (const Case& c :
             {Case{"missing", "{" + valid + "}", "\"width\""},
              Case{"indivisible",
                   "{" + valid + R"(, "width": 9})",
                   "\"width\": value 9 must be divisible by heads (2)"},
              Case{"duplicate",
                   "{" + valid + R"(, "width": 8, "input": "tokens"})",
                   "duplicate key \"input\""},
              Case{"kind",
                   R"({"name": "m", "input": "image", "width": 8})",
                   "\"input\": unknown input kind \"image\""},
              Case{"malformed", "{" + valid + R"( "width": 8})", "expected ',' or '}'"},
              Case{"typo", "{" + valid + R"(, "width": 8, "widht": 8})", "\"widht\""},
              Case{"fraction", "{" + valid + R"(, "width": 8.5})", "\"width\": value 8.5"},
              Case{"negative", "{" + valid + R"(, "width": -8})", "\"width\": value -8"},
              Case{"string", "{" + valid + R"(, "width": "8"})", "\"width\": value \"8\""},
              Case{"nested", "{" + valid + R"(, "width": [8]})", "key \"width\""},
              Case{"other-kind",
                   "{" + valid + R"(, "width": 8, "input_features": 4})",
                   "\"input_features\""},
              Case{"tied",
                   "{" + valid + R"(, "width": 8, "tie_embeddings": true, "output_size": 4})",
                   "\"output_size\""},
              Case{"trailing", "{" + valid + R"(, "width": 8} x)", "after the closing"}})
        {
            std::string path = CreateTempDirFilename("lam-config-" + c.label + ".json");
            std::ofstream(path) << c.text;
            std::string message;
            try
            {
                LoadLamConfig(path);
            }
            catch (const std::invalid_argument& e)
            {
                message = e.what();
            }
            NS_TEST_EXPECT_MSG_NE(message.find(path),
                                  std::string::npos,
                                  c.label << ": message names the file: " << message);
            NS_TEST_EXPECT_MSG_NE(message.find(c.keyInMessage),
                                  std::string::npos,
                                  c.label << ": message names the key: " << message);
        }

        // A valid variant of the same text loads, so the failures above are the edits'.
        std::string path = CreateTempDirFilename("lam-config-valid.json");
        std::ofstream(path) << "{" + valid + R"(, "width": 8})";
        NS_TEST_ASSERT_MSG_EQ(LoadLamConfig(path).width, 8, "valid variant loads");

        std::string missing = CreateTempDirFilename("no-such-config.json");
        std::string message;
        try
        {
            LoadLamConfig(missing);
        }
        catch (const std::invalid_argument& e)
        {
            message = e.what();
        }
        NS_TEST_ASSERT_MSG_NE(message.find(missing), std::string::npos, "missing file named");
    }
};

class LamConfigTestSuite : public TestSuite
{
  public:
    LamConfigTestSuite()
        : TestSuite("lam-config", TestSuite::UNIT)
    {
        AddTestCase(new LamPresetCountTestCase, TestCase::QUICK);
        AddTestCase(new LamConfigErrorTestCase, TestCase::QUICK);
    }
};

LamConfigTestSuite g_lamConfigTestSuite;

} // namespace
