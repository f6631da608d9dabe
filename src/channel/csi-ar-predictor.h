#ifndef EDGE_LAM_CSI_AR_PREDICTOR_H
#define EDGE_LAM_CSI_AR_PREDICTOR_H

#include "channel/csi-predictor.h"

namespace ns3
{

/**
 * \ingroup channel
 * \brief Autoregressive (linear-prediction) CSI predictor fitted on the history itself.
 *
 * Model of order p: x[n] = sum_{i=1..p} a_i x[n-i]. The coefficients are the
 * least-squares solution over every window of the history that lies fully inside it
 * (covariance method, no zero padding), with diagonal loading:
 *   minimise sum |x[n] - sum_i a_i x[n-i]|^2 + mu ||a||^2,  mu = Regularization * ||A||_F^2 / p,
 * i.e. the loading is relative to the mean diagonal of A^H A (the regressors' power), so
 * it does not depend on the channel's scale. With SharedCoefficients (default) one vector
 * a is fitted jointly over all series of the sample (S (past - p) equations for p
 * unknowns: robust on a short noisy history, and right when the series share their
 * Doppler spectrum); otherwise each series gets its own a (past - p equations each).
 * Predictions beyond one step feed earlier predictions back (recursion). A noiseless sum
 * of M complex exponentials is predicted exactly by any order p >= M when the history
 * holds at least p + M samples (the minimum-norm solution is used when p > M makes the
 * fit rank-deficient).
 */
class ArCsiPredictor : public CsiPredictor
{
  public:
    static TypeId GetTypeId();
    ArCsiPredictor();

    /**
     * \param history (past, S)
     * \return (p, S) coefficients a_1..a_p (row i-1 multiplies x[n-i]); all columns are
     *         equal with SharedCoefficients
     * \throws std::invalid_argument if the history has no more rows than the order
     */
    Matrix FitCoefficients(const Matrix& history) const;

    /**
     * One-step predictions at every step of a sequence, each from the history so far:
     * row t predicts row t + 1 from rows 0..t, with the order lowered to min(p, t) where
     * the history is shorter (row 0 repeats row 0, as holding would). The last row equals
     * Predict(history, 1). What a learned predictor that corrects AR sees at each step.
     * \param history (past, S), past >= 1 \return (past, S)
     */
    Matrix PredictEachStep(const Matrix& history) const;

  private:
    Matrix DoPredict(const Matrix& history, std::size_t numFuture) const override;
    /// FitCoefficients() for order p (history longer than p).
    Matrix Fit(const Matrix& history, Eigen::Index p) const;
    /// Extends the history by numFuture AR predictions with these coefficients.
    static Matrix Extrapolate(const Matrix& history,
                              const Matrix& coefficients,
                              std::size_t numFuture);
    void SetRegularization(double regularization);
    double GetRegularization() const;

    uint32_t m_order;
    double m_regularization;
    bool m_shared;
};

} // namespace ns3

#endif // EDGE_LAM_CSI_AR_PREDICTOR_H
