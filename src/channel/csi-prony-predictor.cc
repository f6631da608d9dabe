#include "channel/csi-prony-predictor.h"

#include "channel/invalid-argument.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PronyCsiPredictor");

NS_OBJECT_ENSURE_REGISTERED(PronyCsiPredictor);

TypeId
PronyCsiPredictor::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::PronyCsiPredictor")
            .SetParent<CsiPredictor>()
            .SetGroupName("Channel")
            .AddConstructor<PronyCsiPredictor>()
            .AddAttribute("Order",
                          "Number M of exponentials (poles); 0 chooses M by the MDL criterion "
                          "(Wax and Kailath 1985). Must not exceed the pencil length.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&PronyCsiPredictor::m_order),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "PencilLength",
                "Pencil parameter L (Hankel matrices have L + 1 columns and "
                "past - L rows per series); 0: max(M, 3 past / 4) (12 for 16 past samples).",
                UintegerValue(0),
                MakeUintegerAccessor(&PronyCsiPredictor::m_pencilLength),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute("ForwardBackward",
                          "Also use the conjugated time-reversed series for the pole "
                          "estimate (exact for undamped poles |z| = 1; biases damped ones).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&PronyCsiPredictor::m_forwardBackward),
                          MakeBooleanChecker());
    return tid;
}

PronyCsiPredictor::PronyCsiPredictor()
    : m_order(0),
      m_pencilLength(0),
      m_forwardBackward(true)
{
}

namespace
{

/// Singular values below this fraction of the largest are treated as one flat floor: CSI
/// stored as complex64 carries about 1e-7 relative rounding, and double arithmetic on the
/// stack adds its own, so smaller values are not information.
constexpr double kSingularValueFloor = 1e-6;

/// MDL (Wax & Kailath 1985) number of signals from the singular values of a data matrix
/// with `snapshots` rows: minimises -N (p - k) log(geometric / arithmetic mean of the p - k
/// smallest eigenvalues) + k (2p - k) log(N) / 2 over k, with p columns; in [1, maxOrder].
Eigen::Index
MdlOrder(const Eigen::VectorXd& sigma, double snapshots, Eigen::Index maxOrder)
{
    const Eigen::Index p = sigma.size();
    const double floor = std::pow(kSingularValueFloor * sigma(0), 2);
    Eigen::Index best = 1;
    double bestMdl = std::numeric_limits<double>::infinity();
    for (Eigen::Index k = 1; k <= maxOrder; ++k)
    {
        double logGeo = 0;
        double arith = 0;
        for (Eigen::Index i = k; i < p; ++i)
        {
            const double lambda = std::max(sigma(i) * sigma(i), std::max(floor, 1e-300));
            logGeo += std::log(lambda);
            arith += lambda;
        }
        logGeo /= (p - k);
        arith /= (p - k);
        const double mdl = -snapshots * (p - k) * (logGeo - std::log(arith)) +
                           0.5 * k * (2 * p - k) * std::log(snapshots);
        if (mdl < bestMdl)
        {
            bestMdl = mdl;
            best = k;
        }
    }
    return best;
}

} // namespace

Eigen::VectorXcd
PronyCsiPredictor::EstimatePoles(const Matrix& history) const
{
    const Eigen::Index past = history.rows();
    const Eigen::Index series = history.cols();
    if (m_order >= past)
    {
        ThrowInvalidArgument("Prony Order",
                             m_order,
                             "must be smaller than the history length " + std::to_string(past));
    }
    const Eigen::Index pencil =
        m_pencilLength ? m_pencilLength : std::max<Eigen::Index>(m_order, 3 * past / 4);
    if (pencil < 1 || pencil >= past || pencil < m_order)
    {
        ThrowInvalidArgument("Prony PencilLength",
                             pencil,
                             "must be in [max(1, Order " + std::to_string(m_order) +
                                 "), history length " + std::to_string(past) + ")");
    }
    // Stacked Hankel matrices (past - L) x (L + 1) of every series (and of the conjugated
    // time-reversed series): all share the column space of the Vandermonde z_m^l.
    const Eigen::Index rowsPerSeries = past - pencil;
    const Eigen::Index copies = m_forwardBackward ? 2 : 1;
    Eigen::MatrixXcd hankel(copies * series * rowsPerSeries, pencil + 1);
    for (Eigen::Index s = 0; s < series; ++s)
    {
        for (Eigen::Index n = 0; n < rowsPerSeries; ++n)
        {
            for (Eigen::Index l = 0; l <= pencil; ++l)
            {
                hankel(s * rowsPerSeries + n, l) = history(n + l, s);
                if (m_forwardBackward)
                {
                    hankel((series + s) * rowsPerSeries + n, l) =
                        std::conj(history(past - 1 - n - l, s));
                }
            }
        }
    }
    // The R factor has the right singular vectors of the tall stack at a fraction of the
    // cost; zero rows pad it to (L + 1) x (L + 1) when the stack has fewer rows.
    const Eigen::Index qrRows = std::min(hankel.rows(), pencil + 1);
    Eigen::MatrixXcd r = Eigen::MatrixXcd::Zero(pencil + 1, pencil + 1);
    r.topRows(qrRows) = hankel.householderQr().matrixQR().topRows(qrRows);
    r = r.triangularView<Eigen::Upper>().toDenseMatrix();
    Eigen::JacobiSVD<Eigen::MatrixXcd> svd(r, Eigen::ComputeFullV);
    const Eigen::VectorXd& sigma = svd.singularValues();
    Eigen::Index order = m_order;
    if (order == 0)
    {
        order = MdlOrder(sigma, double(hankel.rows()), pencil);
    }
    // Y = U S V^H, so the columns of conj(V_M) span the Vandermonde z_m^l, l = 0..L.
    const Eigen::MatrixXcd basis = svd.matrixV().leftCols(order).conjugate();
    const Eigen::MatrixXcd rotation =
        basis.topRows(pencil).completeOrthogonalDecomposition().solve(basis.bottomRows(pencil));
    Eigen::VectorXcd poles =
        Eigen::ComplexEigenSolver<Eigen::MatrixXcd>(rotation, false).eigenvalues();
    for (Eigen::Index m = 0; m < order; ++m)
    {
        if (std::abs(poles(m)) > 1)
        {
            poles(m) /= std::abs(poles(m));
        }
    }
    NS_LOG_LOGIC("order " << order << " pencil " << pencil << " poles " << poles.transpose());
    return poles;
}

CsiPredictor::Matrix
PronyCsiPredictor::DoPredict(const Matrix& history, std::size_t numFuture) const
{
    const Eigen::VectorXcd poles = EstimatePoles(history);
    const Eigen::Index past = history.rows();
    const Eigen::Index order = poles.size();
    // Vandermonde z_m^n over the history and the future.
    Eigen::MatrixXcd vandermonde(past + numFuture, order);
    vandermonde.row(0).setOnes();
    for (Eigen::Index n = 1; n < vandermonde.rows(); ++n)
    {
        vandermonde.row(n) = vandermonde.row(n - 1).cwiseProduct(poles.transpose());
    }
    const Eigen::MatrixXcd amplitudes =
        vandermonde.topRows(past).completeOrthogonalDecomposition().solve(history); // (M, S)
    return vandermonde.bottomRows(numFuture) * amplitudes;
}

} // namespace ns3
