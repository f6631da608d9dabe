#include "channel/csi-predictor.h"

#include "channel/invalid-argument.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <sstream>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CsiPredictor");

NS_OBJECT_ENSURE_REGISTERED(CsiPredictor);
NS_OBJECT_ENSURE_REGISTERED(HoldCsiPredictor);

TypeId
CsiPredictor::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CsiPredictor").SetParent<Object>().SetGroupName("Channel");
    return tid;
}

void
CsiPredictor::CheckHistory(const Matrix& history)
{
    if (history.rows() == 0 || history.cols() == 0)
    {
        ThrowInvalidArgument("CSI history of shape",
                             std::to_string(history.rows()) + " x " +
                                 std::to_string(history.cols()),
                             "is empty: need at least one snapshot of one series");
    }
    for (Eigen::Index s = 0; s < history.cols(); ++s)
    {
        for (Eigen::Index t = 0; t < history.rows(); ++t)
        {
            if (!std::isfinite(history(t, s).real()) || !std::isfinite(history(t, s).imag()))
            {
                std::ostringstream where;
                where << "[" << t << ", " << s << "] = " << history(t, s);
                ThrowInvalidArgument("CSI history element", where.str(), "is not finite");
            }
        }
    }
}

CsiPredictor::Matrix
CsiPredictor::Predict(const Matrix& history, std::size_t numFuture) const
{
    CheckHistory(history);
    if (numFuture == 0)
    {
        ThrowInvalidArgument("numFuture", numFuture, "must be >= 1");
    }
    NS_LOG_FUNCTION(this << history.rows() << history.cols() << numFuture);
    return DoPredict(history, numFuture);
}

TypeId
HoldCsiPredictor::GetTypeId()
{
    static TypeId tid = TypeId("ns3::HoldCsiPredictor")
                            .SetParent<CsiPredictor>()
                            .SetGroupName("Channel")
                            .AddConstructor<HoldCsiPredictor>();
    return tid;
}

CsiPredictor::Matrix
HoldCsiPredictor::DoPredict(const Matrix& history, std::size_t numFuture) const
{
    return history.bottomRows(1).replicate(numFuture, 1);
}

double
Nmse(const CsiPredictor::Matrix& predicted, const CsiPredictor::Matrix& truth)
{
    if (predicted.rows() != truth.rows() || predicted.cols() != truth.cols() || truth.size() == 0)
    {
        ThrowInvalidArgument(
            "NMSE of a prediction of shape",
            std::to_string(predicted.rows()) + " x " + std::to_string(predicted.cols()),
            "needs a non-empty truth of the same shape, not " + std::to_string(truth.rows()) +
                " x " + std::to_string(truth.cols()));
    }
    const double truthPower = truth.squaredNorm();
    if (!(truthPower > 0))
    {
        ThrowInvalidArgument("NMSE reference power", truthPower, "must be > 0");
    }
    return (predicted - truth).squaredNorm() / truthPower;
}

namespace
{

/// Checks a dataset array (N, T, K, R, S) of complex64 and returns T * K * R * S.
std::size_t
CheckDatasetArray(const NpyArray& array, const std::string& role)
{
    if (array.GetDtype() != NpyDtype::COMPLEX64 || array.GetShape().size() != 5)
    {
        ThrowInvalidArgument(role + " array " + array.GetSource() + " of dtype",
                             NpyDtypeDescr(array.GetDtype()) + " and shape " +
                                 FormatNpyShape(array.GetShape()),
                             "must be complex64 (<c8) of rank 5 (N, time, K, R, S)");
    }
    return array.GetNumElements() / std::max<std::size_t>(1, array.GetShape()[0]);
}

/// Sample n of a dataset array as a (time, K R S) matrix.
CsiPredictor::Matrix
SampleMatrix(const NpyArray& array, std::size_t n)
{
    const auto& shape = array.GetShape();
    const std::size_t times = shape[1];
    const std::size_t series = shape[2] * shape[3] * shape[4];
    using RowMajorFloat =
        Eigen::Matrix<std::complex<float>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto* data = reinterpret_cast<const std::complex<float>*>(array.GetBytes().data());
    Eigen::Map<const RowMajorFloat> sample(data + n * times * series, times, series);
    return sample.cast<std::complex<double>>();
}

} // namespace

CsiPredictionScore
EvaluateCsiPredictor(const CsiPredictor& predictor,
                     const NpyArray& history,
                     const NpyArray& future,
                     const std::vector<std::size_t>& samples)
{
    CheckDatasetArray(history, "history");
    CheckDatasetArray(future, "future");
    const auto& hShape = history.GetShape();
    const auto& fShape = future.GetShape();
    if (hShape[0] != fShape[0] || hShape[2] != fShape[2] || hShape[3] != fShape[3] ||
        hShape[4] != fShape[4] || fShape[1] == 0)
    {
        ThrowInvalidArgument("future array " + future.GetSource() + " of shape",
                             FormatNpyShape(fShape),
                             "does not match history " + FormatNpyShape(hShape) +
                                 " (same N, K, R, S and at least one future step needed)");
    }
    std::vector<std::size_t> indices = samples;
    if (indices.empty())
    {
        for (std::size_t n = 0; n < hShape[0]; ++n)
        {
            indices.push_back(n);
        }
    }
    if (indices.empty())
    {
        ThrowInvalidArgument("dataset", history.GetSource(), "has no samples");
    }
    const std::size_t numFuture = fShape[1];
    CsiPredictionScore score;
    score.meanNmse.assign(numFuture, 0.0);
    double allSteps = 0;
    for (std::size_t n : indices)
    {
        if (n >= hShape[0])
        {
            ThrowInvalidArgument("sample index", n, "is out of range for " + history.GetSource());
        }
        const CsiPredictor::Matrix predicted =
            predictor.Predict(SampleMatrix(history, n), numFuture);
        const CsiPredictor::Matrix truth = SampleMatrix(future, n);
        for (std::size_t f = 0; f < numFuture; ++f)
        {
            score.meanNmse[f] += Nmse(predicted.row(f), truth.row(f));
        }
        allSteps += Nmse(predicted, truth);
    }
    score.numSamples = indices.size();
    score.meanNmseDb.resize(numFuture);
    for (std::size_t f = 0; f < numFuture; ++f)
    {
        score.meanNmse[f] /= score.numSamples;
        score.meanNmseDb[f] = 10 * std::log10(score.meanNmse[f]);
    }
    score.meanNmseAllStepsDb = 10 * std::log10(allSteps / score.numSamples);
    return score;
}

} // namespace ns3
