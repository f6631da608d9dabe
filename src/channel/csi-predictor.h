#ifndef EDGE_LAM_CSI_PREDICTOR_H
#define EDGE_LAM_CSI_PREDICTOR_H

#include "channel/npy-reader.h"

#include "ns3/object.h"

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

namespace ns3
{

/**
 * \ingroup channel
 * \brief Base of the classical CSI predictors: extrapolates the next snapshots of a set of
 * channel time series from their history.
 *
 * A sample is a matrix whose rows are the past snapshots (oldest first, uniform sampling)
 * and whose columns are the series, e.g. all (subcarrier, antenna pair) entries of
 * H[t, k, r, s] flattened, so a predictor can share a model across the series of one
 * sample (they see the same Doppler shifts). Predict() checks the input and calls
 * DoPredict(); implementations only fill that hook.
 */
class CsiPredictor : public Object
{
  public:
    /// (time, series) complex matrix: rows are snapshots, columns are series.
    using Matrix = Eigen::MatrixXcd;

    static TypeId GetTypeId();

    /**
     * \param history (past, S) snapshots, oldest first; every entry finite
     * \param numFuture snapshots to predict, >= 1
     * \return (numFuture, S): row f is the prediction f + 1 sample periods after the
     *         last history row
     * \throws std::invalid_argument naming the problem: empty history, numFuture 0, a
     *         non-finite entry (with its row and column), or a history too short for the
     *         predictor's order
     */
    Matrix Predict(const Matrix& history, std::size_t numFuture) const;

  protected:
    /// \throws std::invalid_argument for an empty history or a non-finite entry
    static void CheckHistory(const Matrix& history);
    /// Called with a checked, non-empty, finite history and numFuture >= 1.
    virtual Matrix DoPredict(const Matrix& history, std::size_t numFuture) const = 0;
};

/**
 * \ingroup channel
 * \brief The "no prediction" baseline: every future snapshot equals the last history
 * snapshot (outdated CSI).
 */
class HoldCsiPredictor : public CsiPredictor
{
  public:
    static TypeId GetTypeId();

  private:
    Matrix DoPredict(const Matrix& history, std::size_t numFuture) const override;
};

/**
 * \ingroup channel
 * \brief Normalised mean squared error sum|predicted - truth|^2 / sum|truth|^2.
 * \throws std::invalid_argument if the shapes differ, are empty, or truth is all zero
 */
double Nmse(const CsiPredictor::Matrix& predicted, const CsiPredictor::Matrix& truth);

/**
 * \ingroup channel
 * \brief NMSE of a predictor over a dataset, per future step.
 */
struct CsiPredictionScore
{
    std::size_t numSamples{0};
    /// Per future step f (index 0 = one period ahead): mean over samples of the sample's
    /// NMSE of that step (linear).
    std::vector<double> meanNmse;
    /// 10 log10(meanNmse): the mean is taken in linear units first, then converted to dB.
    std::vector<double> meanNmseDb;
    /// Mean over samples of the NMSE of all future steps together, in dB.
    double meanNmseAllStepsDb{0};
};

/**
 * \ingroup channel
 * \brief Runs a predictor on every selected sample of a dataset written by csi-dataset.
 *
 * Each sample's history (past, K, R, S) is flattened to (past, K R S) series and
 * predicted `future` steps ahead; the NMSE of each step is computed per sample and
 * averaged over the samples in linear units.
 * \param history complex64 array (N, past, K, R, S), e.g. test_history_ul.npy
 * \param future complex64 array (N, future, K, R, S), e.g. test_future_ul.npy
 * \param samples indices of the samples to use; empty: all N
 * \throws std::invalid_argument naming the array if a dtype or shape does not fit, or a
 *         sample index is out of range; whatever Predict() throws for a bad sample
 */
CsiPredictionScore EvaluateCsiPredictor(const CsiPredictor& predictor,
                                        const NpyArray& history,
                                        const NpyArray& future,
                                        const std::vector<std::size_t>& samples = {});

} // namespace ns3

#endif // EDGE_LAM_CSI_PREDICTOR_H
