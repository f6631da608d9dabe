#ifndef EDGE_LAM_RDP_ACCOUNTANT_H
#define EDGE_LAM_RDP_ACCOUNTANT_H

#include <cstdint>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * How an RDP curve is turned into an (epsilon, delta) guarantee; both take the minimum
 * over the order grid.
 */
enum class RdpConversion
{
    /// eps = rdp(a) - log(delta) / (a - 1) (Mironov 2017, Prop. 3); older TF-Privacy/Opacus.
    CLASSIC,
    /// eps = rdp(a) + log((a - 1) / a) - (log(delta) + log(a)) / (a - 1) (Balle et al. 2020,
    /// Thm. 21; Canonne, Kamath, Steinke 2020, Prop. 12); current Opacus and dp_accounting.
    TIGHT,
};

/// Opacus' default order grid: 1.1, 1.2, ..., 10.9 and 12, 13, ..., 63 (150 orders).
std::vector<double> DefaultRdpOrders();

/**
 * \brief Renyi DP at order \p order of one step of the Poisson-subsampled Gaussian
 * mechanism (Mironov, Talwar, Zhang 2019, "Renyi Differential Privacy of the Sampled
 * Gaussian Mechanism", sec. 3.3): log(A_a) / (a - 1) with
 * A_a = E_{z ~ N(0, s^2)} [((1 - q) + q exp((2z - 1) / (2 s^2)))^a].
 * Integer orders use the exact binomial sum, fractional orders the two-sided erfc series of
 * the same paper with the signs of the binomial coefficients kept (an exact value, not an
 * upper bound); both in log space. q = 0 gives 0, q = 1 the Gaussian value a / (2 s^2).
 * \param q sampling rate in [0, 1]
 * \param sigma noise multiplier (noise standard deviation / L2 sensitivity), > 0
 * \param order Renyi order a > 1
 * \throws std::invalid_argument naming the bad value
 */
double ComputeSampledGaussianRdp(double q, double sigma, double order);

/**
 * \brief The smallest epsilon over the orders such that the RDP curve implies
 * (epsilon, delta)-DP, and the order achieving it.
 * \param orders Renyi orders, each > 1
 * \param rdp RDP at each order (same length)
 * \param delta target delta in (0, 1)
 * \return (epsilon >= 0, optimal order)
 * \throws std::invalid_argument naming the bad value
 */
std::pair<double, double> ConvertRdpToDp(const std::vector<double>& orders,
                                         const std::vector<double>& rdp,
                                         double delta,
                                         RdpConversion conversion = RdpConversion::TIGHT);

/**
 * \ingroup training
 * \brief Renyi-DP accountant for DP-SGD / DP-FedAvg rounds: each Step() adds the RDP of
 * `steps` compositions of the Poisson-subsampled Gaussian mechanism with sampling rate q
 * and noise multiplier sigma, so rounds with different q or sigma compose exactly
 * (RDP adds up under composition). GetEpsilon() converts the total to (epsilon, delta).
 *
 * Assumes Poisson sampling (each example joins a batch independently with probability q)
 * and add-or-remove-one adjacency; shuffled or fixed-size batches are not covered.
 */
class RdpAccountant
{
  public:
    /// Accountant over DefaultRdpOrders().
    RdpAccountant();

    /**
     * \param orders Renyi orders, each finite and > 1
     * \throws std::invalid_argument on an empty grid or a bad order
     */
    explicit RdpAccountant(std::vector<double> orders);

    /**
     * Composes `steps` steps of the subsampled Gaussian mechanism.
     * \param q sampling rate in [0, 1]
     * \param sigma noise multiplier, > 0
     * \param steps number of steps (0 is a no-op)
     * \throws std::invalid_argument naming the bad value
     */
    void Step(double q, double sigma, uint64_t steps = 1);

    /**
     * \param delta target delta in (0, 1)
     * \return (epsilon, optimal order)
     * \throws std::invalid_argument naming the bad delta
     */
    std::pair<double, double> GetEpsilon(double delta,
                                         RdpConversion conversion = RdpConversion::TIGHT) const;

    /// The order at which GetEpsilon(delta, conversion) is attained.
    double GetOptimalOrder(double delta, RdpConversion conversion = RdpConversion::TIGHT) const;

    const std::vector<double>& GetOrders() const;
    /// Accumulated RDP at each order (nats).
    const std::vector<double>& GetRdp() const;
    /// Total number of composed steps.
    uint64_t GetSteps() const;

  private:
    std::vector<double> m_orders;
    std::vector<double> m_rdp;
    uint64_t m_steps{0};
    // Per-step RDP of the last (q, sigma): consecutive rounds usually repeat the same
    // setting and the fractional-order series costs up to ~1e4 terms per order.
    double m_cachedQ{-1.0};
    double m_cachedSigma{-1.0};
    std::vector<double> m_cachedStepRdp;
};

} // namespace ns3

#endif // EDGE_LAM_RDP_ACCOUNTANT_H
