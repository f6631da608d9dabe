#include "rdp-accountant.h"

#include "channel/invalid-argument.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RdpAccountant");

namespace
{

// Long double throughout: A_a - 1 can be ~1e-10 for small q and large sigma, and it is
// recovered from terms of order 1.
using Real = long double;

constexpr Real kInf = std::numeric_limits<Real>::infinity();

/// The fractional-order series stops once a term is below exp(-36) ~ 2e-16 of the sum.
constexpr Real kSeriesRelativeCutoffLog = -36;

/// Smallest orders (a ~ 1.1) converge slowest: terms decay like i^-(a+2).
constexpr uint64_t kMaxSeriesTerms = 2000000;

void
CheckSamplingRate(double q)
{
    if (!(q >= 0 && q <= 1))
    {
        ThrowInvalidArgument("sampling rate q", q, "must be in [0, 1]");
    }
}

void
CheckNoiseMultiplier(double sigma)
{
    if (!(sigma > 0) || std::isinf(sigma))
    {
        ThrowInvalidArgument("noise multiplier sigma", sigma, "must be finite and > 0");
    }
}

void
CheckOrder(double order)
{
    if (!(order > 1) || std::isinf(order))
    {
        ThrowInvalidArgument("Renyi order", order, "must be finite and > 1");
    }
}

void
CheckDelta(double delta)
{
    if (!(delta > 0 && delta < 1))
    {
        ThrowInvalidArgument("delta", delta, "must be in (0, 1)");
    }
}

/// log |C(a, i)| for real a >= 0 and integer i >= 0 (lgamma returns log |Gamma|).
Real
LogAbsBinomial(Real a, Real i)
{
    return std::lgamma(a + 1) - std::lgamma(i + 1) - std::lgamma(a - i + 1);
}

/// log erfc(x), also where erfc(x) underflows.
Real
LogErfc(Real x)
{
    if (x < 50)
    {
        return std::log(std::erfc(x));
    }
    // Asymptotic expansion erfc(x) = exp(-x^2) / (x sqrt(pi)) * sum_n (-1)^n (2n-1)!! /
    // (2x^2)^n; five terms are exact to ~1e-16 relative for x >= 50.
    const Real y = 1 / (2 * x * x);
    const Real series = 1 - y * (1 - 3 * y * (1 - 5 * y * (1 - 7 * y)));
    return -x * x - std::log(x) - 0.5L * std::log(Real(M_PI)) + std::log(series);
}

/// log(sum_k sign_k exp(logTerm_k)), the sum being positive.
Real
LogSignedSum(const std::vector<Real>& logTerms, const std::vector<int>& signs)
{
    const Real maxLog = *std::max_element(logTerms.begin(), logTerms.end());
    Real sum = 0;
    for (size_t k = 0; k < logTerms.size(); ++k)
    {
        sum += signs[k] * std::exp(logTerms[k] - maxLog);
    }
    if (!(sum > 0))
    {
        throw std::runtime_error("RdpAccountant: cancellation in the A_alpha series");
    }
    return maxLog + std::log(sum);
}

/// log A_a for integer a >= 2 and 0 < q <= 1: sum_k C(a,k) (1-q)^(a-k) q^k e^((k^2-k)/(2s^2)).
Real
LogAIntegerOrder(Real q, Real sigma, uint64_t order)
{
    const Real a = order;
    const Real logQ = std::log(q);
    const Real log1mQ = std::log1p(-q); // -inf at q = 1: only the k = a term survives
    std::vector<Real> logTerms;
    for (uint64_t k = 0; k <= order; ++k)
    {
        const Real kr = k;
        Real logTerm = LogAbsBinomial(a, kr) + (kr * kr - kr) / (2 * sigma * sigma);
        logTerm += k == 0 ? 0 : kr * logQ;
        logTerm += k == order ? 0 : (a - kr) * log1mQ;
        logTerms.push_back(logTerm);
    }
    return LogSignedSum(logTerms, std::vector<int>(logTerms.size(), 1));
}

/**
 * log A_a for fractional a > 1 and 0 < q < 1. Splitting the expectation at
 * z0 = s^2 log(1/q - 1) + 1/2, where q e^((2z-1)/(2s^2)) = 1 - q, lets (mu/mu0)^a be
 * expanded as a convergent binomial series on each side; term i integrates to a
 * Gaussian tail:
 *   A = sum_i C(a,i) [ q^i (1-q)^(a-i) e^((i^2-i)/(2s^2)) erfc((i - z0)/(sqrt2 s)) / 2
 *                    + q^(a-i) (1-q)^i e^((j^2-j)/(2s^2)) erfc((z0 - j)/(sqrt2 s)) / 2 ],
 * j = a - i. C(a, i) changes sign for i > floor(a) + 1 and the tail alternates, so the
 * truncation error is below the first omitted term.
 */
Real
LogAFractionalOrder(Real q, Real sigma, Real a)
{
    const Real logQ = std::log(q);
    const Real log1mQ = std::log1p(-q);
    const Real z0 = sigma * sigma * (log1mQ - logQ) + 0.5L;
    const Real scale = std::sqrt(Real(2)) * sigma;
    const Real floorA = std::floor(a);

    std::vector<Real> logTerms;
    std::vector<int> signs;
    Real logMagnitudeSum = -kInf;
    Real previousS0 = kInf;
    Real previousS1 = kInf;
    for (uint64_t n = 0; n < kMaxSeriesTerms; ++n)
    {
        const Real i = n;
        const Real j = a - i;
        const int sign = (i > floorA + 1 && std::fmod(i - floorA - 1, Real(2)) == 1) ? -1 : 1;
        const Real logC = LogAbsBinomial(a, i);
        const Real logS0 = logC + i * logQ + j * log1mQ + (i * i - i) / (2 * sigma * sigma) +
                           std::log(0.5L) + LogErfc((i - z0) / scale);
        const Real logS1 = logC + j * logQ + i * log1mQ + (j * j - j) / (2 * sigma * sigma) +
                           std::log(0.5L) + LogErfc((z0 - j) / scale);
        logTerms.push_back(logS0);
        logTerms.push_back(logS1);
        signs.push_back(sign);
        signs.push_back(sign);

        const Real largest = std::max(logS0, logS1);
        logMagnitudeSum = std::max(logMagnitudeSum, largest) +
                          std::log1p(std::exp(-std::abs(logMagnitudeSum - largest)));
        const bool alternatingAndShrinking =
            i > floorA + 1 && logS0 < previousS0 && logS1 < previousS1;
        if (alternatingAndShrinking && largest < logMagnitudeSum + kSeriesRelativeCutoffLog)
        {
            NS_LOG_LOGIC("order " << double(a) << ": " << n + 1 << " series terms");
            return LogSignedSum(logTerms, signs);
        }
        previousS0 = logS0;
        previousS1 = logS1;
    }
    throw std::runtime_error(
        "RdpAccountant: A_alpha series did not converge for q=" + std::to_string(double(q)) +
        " sigma=" + std::to_string(double(sigma)) + " order=" + std::to_string(double(a)));
}

/// RDP of one step at every order.
std::vector<double>
StepRdp(double q, double sigma, const std::vector<double>& orders)
{
    std::vector<double> rdp;
    rdp.reserve(orders.size());
    for (double order : orders)
    {
        rdp.push_back(ComputeSampledGaussianRdp(q, sigma, order));
    }
    return rdp;
}

} // namespace

std::vector<double>
DefaultRdpOrders()
{
    std::vector<double> orders;
    for (int x = 1; x < 100; ++x)
    {
        orders.push_back(1.0 + x / 10.0);
    }
    for (int order = 12; order < 64; ++order)
    {
        orders.push_back(order);
    }
    return orders;
}

double
ComputeSampledGaussianRdp(double q, double sigma, double order)
{
    CheckSamplingRate(q);
    CheckNoiseMultiplier(sigma);
    CheckOrder(order);
    if (q == 0)
    {
        return 0;
    }
    const bool integerOrder = std::floor(order) == order;
    if (integerOrder)
    {
        return LogAIntegerOrder(q, sigma, static_cast<uint64_t>(order)) / (order - 1);
    }
    if (q == 1)
    {
        // No subsampling: the Gaussian mechanism (the series needs 0 < q < 1).
        return order / (2 * sigma * sigma);
    }
    return LogAFractionalOrder(q, sigma, order) / (order - 1);
}

std::pair<double, double>
ConvertRdpToDp(const std::vector<double>& orders,
               const std::vector<double>& rdp,
               double delta,
               RdpConversion conversion)
{
    CheckDelta(delta);
    if (orders.empty() || orders.size() != rdp.size())
    {
        ThrowInvalidArgument("RDP curve with orders/values of size",
                             std::to_string(orders.size()) + "/" + std::to_string(rdp.size()),
                             "needs two equal, non-zero sizes");
    }
    double bestEpsilon = std::numeric_limits<double>::infinity();
    double bestOrder = orders.front();
    for (size_t k = 0; k < orders.size(); ++k)
    {
        const double a = orders[k];
        CheckOrder(a);
        const double epsilon =
            conversion == RdpConversion::TIGHT
                ? rdp[k] + std::log1p(-1 / a) - (std::log(delta) + std::log(a)) / (a - 1)
                : rdp[k] - std::log(delta) / (a - 1);
        if (epsilon < bestEpsilon)
        {
            bestEpsilon = epsilon;
            bestOrder = a;
        }
    }
    // The tight bound can dip below 0 for tiny RDP; (0, delta)-DP is what it then proves.
    return {std::max(bestEpsilon, 0.0), bestOrder};
}

RdpAccountant::RdpAccountant()
    : RdpAccountant(DefaultRdpOrders())
{
}

RdpAccountant::RdpAccountant(std::vector<double> orders)
    : m_orders(std::move(orders)),
      m_rdp(m_orders.size(), 0.0)
{
    if (m_orders.empty())
    {
        throw std::invalid_argument("RdpAccountant: the order grid is empty");
    }
    std::for_each(m_orders.begin(), m_orders.end(), CheckOrder);
}

void
RdpAccountant::Step(double q, double sigma, uint64_t steps)
{
    CheckSamplingRate(q);
    CheckNoiseMultiplier(sigma);
    if (q != m_cachedQ || sigma != m_cachedSigma)
    {
        m_cachedStepRdp = StepRdp(q, sigma, m_orders);
        m_cachedQ = q;
        m_cachedSigma = sigma;
    }
    for (size_t k = 0; k < m_orders.size(); ++k)
    {
        m_rdp[k] += static_cast<double>(steps) * m_cachedStepRdp[k];
    }
    m_steps += steps;
}

std::pair<double, double>
RdpAccountant::GetEpsilon(double delta, RdpConversion conversion) const
{
    return ConvertRdpToDp(m_orders, m_rdp, delta, conversion);
}

double
RdpAccountant::GetOptimalOrder(double delta, RdpConversion conversion) const
{
    return GetEpsilon(delta, conversion).second;
}

const std::vector<double>&
RdpAccountant::GetOrders() const
{
    return m_orders;
}

const std::vector<double>&
RdpAccountant::GetRdp() const
{
    return m_rdp;
}

uint64_t
RdpAccountant::GetSteps() const
{
    return m_steps;
}

} // namespace ns3
