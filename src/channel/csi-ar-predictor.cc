#include "channel/csi-ar-predictor.h"

#include "channel/invalid-argument.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ArCsiPredictor");

NS_OBJECT_ENSURE_REGISTERED(ArCsiPredictor);

TypeId
ArCsiPredictor::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ArCsiPredictor")
            .SetParent<CsiPredictor>()
            .SetGroupName("Channel")
            .AddConstructor<ArCsiPredictor>()
            .AddAttribute("Order",
                          "AR order p (number of past snapshots each prediction combines); "
                          "the history must be longer than p.",
                          UintegerValue(8),
                          MakeUintegerAccessor(&ArCsiPredictor::m_order),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Regularization",
                          "Diagonal loading of the least-squares fit relative to the mean "
                          "regressor power (dimensionless, >= 0; 0: plain least squares).",
                          DoubleValue(1e-3),
                          MakeDoubleAccessor(&ArCsiPredictor::SetRegularization,
                                             &ArCsiPredictor::GetRegularization),
                          MakeDoubleChecker<double>())
            .AddAttribute("SharedCoefficients",
                          "Fit one coefficient vector jointly over all series of a sample "
                          "(true) or one per series (false).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&ArCsiPredictor::m_shared),
                          MakeBooleanChecker());
    return tid;
}

ArCsiPredictor::ArCsiPredictor()
    : m_order(8),
      m_regularization(1e-3),
      m_shared(true)
{
}

void
ArCsiPredictor::SetRegularization(double regularization)
{
    if (!(regularization >= 0) || !std::isfinite(regularization))
    {
        ThrowInvalidArgument("AR Regularization", regularization, "must be finite and >= 0");
    }
    m_regularization = regularization;
}

double
ArCsiPredictor::GetRegularization() const
{
    return m_regularization;
}

namespace
{

/// Ridge least squares min ||A a - b||^2 + mu ||a||^2 with mu relative to A's power,
/// solved as an augmented least-squares problem (minimum norm if rank-deficient).
Eigen::VectorXcd
SolveLoaded(const Eigen::MatrixXcd& a, const Eigen::VectorXcd& b, double regularization)
{
    const Eigen::Index p = a.cols();
    const double loading = regularization * a.squaredNorm() / p;
    Eigen::MatrixXcd augmented(a.rows() + p, p);
    augmented << a, std::sqrt(loading) * Eigen::MatrixXcd::Identity(p, p);
    Eigen::VectorXcd rhs = Eigen::VectorXcd::Zero(a.rows() + p);
    rhs.head(a.rows()) = b;
    return augmented.completeOrthogonalDecomposition().solve(rhs);
}

} // namespace

CsiPredictor::Matrix
ArCsiPredictor::FitCoefficients(const Matrix& history) const
{
    if (history.rows() <= m_order)
    {
        ThrowInvalidArgument("AR Order",
                             m_order,
                             "must be smaller than the history length " +
                                 std::to_string(history.rows()));
    }
    return Fit(history, m_order);
}

CsiPredictor::Matrix
ArCsiPredictor::Fit(const Matrix& history, Eigen::Index p) const
{
    const Eigen::Index past = history.rows();
    const Eigen::Index windows = past - p;
    const Eigen::Index series = history.cols();
    // Row block of series s: equations x_s[n] = sum_i a_i x_s[n-i], n = p..past-1.
    auto regressors =
        [&](Eigen::Index s, Eigen::MatrixXcd& a, Eigen::VectorXcd& b, Eigen::Index row) {
            for (Eigen::Index n = p; n < past; ++n, ++row)
            {
                b(row) = history(n, s);
                for (Eigen::Index i = 1; i <= p; ++i)
                {
                    a(row, i - 1) = history(n - i, s);
                }
            }
        };
    Matrix coefficients(p, series);
    if (m_shared)
    {
        Eigen::MatrixXcd a(windows * series, p);
        Eigen::VectorXcd b(windows * series);
        for (Eigen::Index s = 0; s < series; ++s)
        {
            regressors(s, a, b, s * windows);
        }
        coefficients.colwise() = SolveLoaded(a, b, m_regularization);
    }
    else
    {
        Eigen::MatrixXcd a(windows, p);
        Eigen::VectorXcd b(windows);
        for (Eigen::Index s = 0; s < series; ++s)
        {
            regressors(s, a, b, 0);
            coefficients.col(s) = SolveLoaded(a, b, m_regularization);
        }
    }
    return coefficients;
}

CsiPredictor::Matrix
ArCsiPredictor::DoPredict(const Matrix& history, std::size_t numFuture) const
{
    return Extrapolate(history, FitCoefficients(history), numFuture);
}

CsiPredictor::Matrix
ArCsiPredictor::PredictEachStep(const Matrix& history) const
{
    CheckHistory(history);
    Matrix predictions(history.rows(), history.cols());
    predictions.row(0) = history.row(0);
    for (Eigen::Index t = 1; t < history.rows(); ++t)
    {
        const Eigen::Index p = std::min<Eigen::Index>(m_order, t);
        const Matrix seen = history.topRows(t + 1);
        predictions.row(t) = Extrapolate(seen, Fit(seen, p), 1);
    }
    return predictions;
}

CsiPredictor::Matrix
ArCsiPredictor::Extrapolate(const Matrix& history,
                            const Matrix& coefficients,
                            std::size_t numFuture)
{
    const Eigen::Index past = history.rows();
    const Eigen::Index p = coefficients.rows();
    Matrix extended(past + numFuture, history.cols());
    extended.topRows(past) = history;
    for (Eigen::Index n = past; n < extended.rows(); ++n)
    {
        extended.row(n).setZero();
        for (Eigen::Index i = 1; i <= p; ++i)
        {
            extended.row(n) += coefficients.row(i - 1).cwiseProduct(extended.row(n - i));
        }
    }
    return extended.bottomRows(numFuture);
}

} // namespace ns3
