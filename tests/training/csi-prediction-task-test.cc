#include "channel/csi-ar-predictor.h"
#include "training/csi-prediction-task.h"

#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

using torch::indexing::Slice;

/// Two drops of a UE 120 m from the site at 30 km/h, with the given reference and layout.
CsiPredictionData
TwoDrops(CsiPredictionReference reference,
         CsiPredictionLayout layout = CsiPredictionLayout::TIME_STEPS)
{
    CsiPredictionTaskConfig config;
    config.reference = reference;
    config.layout = layout;
    CsiPredictionTask task(config);
    task.AssignStreams(7);
    return task.Generate(Vector(0, 0, 25), Vector(120, 0, 1.5), Vector(8.33, 0, 0), 2);
}

/// Largest absolute difference of two tensors.
double
MaxAbs(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

/**
 * The reference the model corrects. Both references see the same channel and noise (same
 * streams). Hold: inputs are the noisy snapshots, the targets their changes and the
 * reference the last input, bit for bit. AR: the first 2K input features are those same
 * snapshots, the last 2K and the targets add up to the next noisy snapshot, and the
 * reference of snapshot T is an independent per-port ArCsiPredictor::Predict on the
 * classical predictors' history (float rounding: 1e-5 of the unit RMS).
 */
class CsiPredictionReferenceTestCase : public TestCase
{
  public:
    CsiPredictionReferenceTestCase()
        : TestCase("hold and AR references: inputs, targets and the predicted snapshot agree")
    {
    }

  private:
    void DoRun() override
    {
        const CsiPredictionData hold = TwoDrops(CsiPredictionReference::HOLD);
        const CsiPredictionData ar = TwoDrops(CsiPredictionReference::AR);
        const int64_t sequences = 2 * 32;
        const int64_t k = 48;
        NS_TEST_ASSERT_MSG_EQ(hold.inputs.size(2), 2 * k, "hold: 2K input features");
        NS_TEST_ASSERT_MSG_EQ(ar.inputs.size(2), 4 * k, "AR: 4K input features");
        NS_TEST_ASSERT_MSG_EQ(ar.targets.size(2), 2 * k, "AR: 2K outputs");
        NS_TEST_ASSERT_MSG_EQ(ar.nextReference.size(0), sequences, "one reference per sequence");

        const int64_t last = hold.inputs.size(1) - 1;
        NS_TEST_EXPECT_MSG_EQ(MaxAbs(hold.nextReference, hold.inputs.select(1, last)),
                              0.0,
                              "hold: the reference is the last noisy snapshot");
        const torch::Tensor snapshots = ar.inputs.index({Slice(), Slice(), Slice(0, 2 * k)});
        NS_TEST_EXPECT_MSG_EQ(MaxAbs(snapshots, hold.inputs), 0.0, "same noisy snapshots");
        // Reference + target = next noisy snapshot, the same for both references.
        const torch::Tensor arNext = ar.inputs.index({Slice(), Slice(), Slice(2 * k)}) + ar.targets;
        const torch::Tensor holdNext = hold.inputs + hold.targets;
        NS_TEST_EXPECT_MSG_LT(MaxAbs(arNext, holdNext), 1e-5, "reference + target");

        // AR of snapshot T, per port, from the classical predictors' (unscaled) history.
        Ptr<ArCsiPredictor> predictor = CreateObject<ArCsiPredictor>();
        predictor->SetAttribute("Order", UintegerValue(8));
        double worst = 0;
        for (int64_t drop = 0; drop < 2; ++drop)
        {
            for (int64_t port = 0; port < 32; ++port)
            {
                Eigen::MatrixXcd portHistory(16, k);
                for (int64_t sc = 0; sc < k; ++sc)
                {
                    portHistory.col(sc) = ar.history[drop].col(sc * 32 + port);
                }
                const Eigen::MatrixXcd next = predictor->Predict(portHistory, 1);
                const int64_t sequence = drop * 32 + port;
                const double scale = ar.scale[sequence].item<double>();
                for (int64_t sc = 0; sc < k; ++sc)
                {
                    worst = std::max({worst,
                                      std::abs(next(0, sc).real() / scale -
                                               ar.nextReference[sequence][sc].item<double>()),
                                      std::abs(next(0, sc).imag() / scale -
                                               ar.nextReference[sequence][k + sc].item<double>())});
                }
            }
        }
        NS_TEST_EXPECT_MSG_LT(worst, 1e-5, "per-port AR(8) of snapshot T");

        // A zero model output predicts the reference itself.
        const torch::Tensor zero = torch::zeros({sequences, 16, 2 * k});
        NS_TEST_EXPECT_MSG_EQ(MaxAbs(PredictNextSnapshot(ar, zero), ar.nextReference),
                              0.0,
                              "zero output = reference");
        CsiPredictionTaskConfig bad;
        bad.reference = CsiPredictionReference::AR;
        bad.arOrder = 0;
        bool named = false;
        try
        {
            CsiPredictionTask task(bad);
        }
        catch (const std::invalid_argument& e)
        {
            named = std::string(e.what()).find("order") != std::string::npos;
        }
        NS_TEST_EXPECT_MSG_EQ(named, true, "AR order 0 refused, naming the order");
    }
};

/**
 * Subcarrier tokens: the same drops (same streams) as the time-step layout, transposed.
 * Token k of a sequence holds the real parts of subcarrier k's T noisy snapshots, their
 * imaginary parts and the reference's snapshot T there; reference + target is the next
 * noisy snapshot; the model's (re, im) output at token k corrects subcarrier k. Checked
 * element by element against the time-step tensors of the same task, for both references.
 */
class CsiPredictionSubcarrierLayoutTestCase : public TestCase
{
  public:
    CsiPredictionSubcarrierLayoutTestCase()
        : TestCase("subcarrier tokens hold the time-step layout's values, transposed")
    {
    }

  private:
    void DoRun() override
    {
        const int64_t k = 48;
        const int64_t steps = 16;
        for (CsiPredictionReference reference :
             {CsiPredictionReference::HOLD, CsiPredictionReference::AR})
        {
            const CsiPredictionData time = TwoDrops(reference);
            const CsiPredictionData tokens = TwoDrops(reference, CsiPredictionLayout::SUBCARRIERS);
            const int64_t sequences = time.inputs.size(0);
            NS_TEST_ASSERT_MSG_EQ(tokens.inputs.size(0), sequences, "same sequences");
            NS_TEST_ASSERT_MSG_EQ(tokens.inputs.size(1), k, "one token per subcarrier");
            NS_TEST_ASSERT_MSG_EQ(tokens.inputs.size(2), 2 * steps + 2, "2T + 2 features");
            NS_TEST_ASSERT_MSG_EQ(tokens.targets.size(2), 2, "(re, im) out");
            NS_TEST_EXPECT_MSG_EQ(MaxAbs(tokens.nextReference, time.nextReference),
                                  0.0,
                                  "same reference of snapshot T");
            NS_TEST_EXPECT_MSG_EQ(MaxAbs(tokens.scale, time.scale), 0.0, "same scaling");

            // The next noisy snapshot as the time-step layout sees it: (N, 2K).
            const torch::Tensor next = time.targets.select(1, steps - 1) + time.nextReference;
            auto in = tokens.inputs.accessor<float, 3>();
            auto out = tokens.targets.accessor<float, 3>();
            auto history = time.inputs.accessor<float, 3>();
            auto nextAccess = next.accessor<float, 2>();
            auto referenceAccess = time.nextReference.accessor<float, 2>();
            float historyWorst = 0;
            float targetWorst = 0;
            for (int64_t n = 0; n < sequences; ++n)
            {
                for (int64_t sc = 0; sc < k; ++sc)
                {
                    for (int64_t t = 0; t < steps; ++t)
                    {
                        historyWorst =
                            std::max({historyWorst,
                                      std::abs(in[n][sc][t] - history[n][t][sc]),
                                      std::abs(in[n][sc][steps + t] - history[n][t][k + sc])});
                    }
                    historyWorst =
                        std::max({historyWorst,
                                  std::abs(in[n][sc][2 * steps] - referenceAccess[n][sc]),
                                  std::abs(in[n][sc][2 * steps + 1] - referenceAccess[n][k + sc])});
                    targetWorst = std::max(
                        {targetWorst,
                         std::abs(out[n][sc][0] + referenceAccess[n][sc] - nextAccess[n][sc]),
                         std::abs(out[n][sc][1] + referenceAccess[n][k + sc] -
                                  nextAccess[n][k + sc])});
                }
            }
            NS_TEST_EXPECT_MSG_EQ(historyWorst, 0.0F, "history and reference, transposed");
            NS_TEST_EXPECT_MSG_LT(targetWorst, 1e-5, "reference + target = next snapshot");

            // Output (re, im) at token k lands on subcarrier k's real and imaginary part.
            const torch::Tensor output = torch::randn({sequences, k, 2});
            const torch::Tensor predicted = PredictNextSnapshot(tokens, output);
            auto o = output.accessor<float, 3>();
            auto p = predicted.accessor<float, 2>();
            float placement = 0;
            for (int64_t n = 0; n < sequences; ++n)
            {
                for (int64_t sc = 0; sc < k; ++sc)
                {
                    placement = std::max(
                        {placement,
                         std::abs(p[n][sc] - referenceAccess[n][sc] - o[n][sc][0]),
                         std::abs(p[n][k + sc] - referenceAccess[n][k + sc] - o[n][sc][1])});
                }
            }
            NS_TEST_EXPECT_MSG_LT(placement, 1e-6, "output at token k corrects subcarrier k");
        }
    }
};

class CsiPredictionTaskTestSuite : public TestSuite
{
  public:
    CsiPredictionTaskTestSuite()
        : TestSuite("training-csi-prediction-task", TestSuite::UNIT)
    {
        AddTestCase(new CsiPredictionReferenceTestCase, TestCase::QUICK);
        AddTestCase(new CsiPredictionSubcarrierLayoutTestCase, TestCase::QUICK);
    }
};

CsiPredictionTaskTestSuite g_csiPredictionTaskTestSuite;

} // namespace
