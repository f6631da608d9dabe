#ifndef EDGE_LAM_RADIO_CHANNEL_H
#define EDGE_LAM_RADIO_CHANNEL_H

#include "radio/ofdma-grid.h"

#include "ns3/matrix-based-channel-model.h"
#include "ns3/mobility-model.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/phased-array-model.h"

#include <complex>
#include <memory>
#include <optional>
#include <vector>

namespace ns3
{

class ThreeGppPropagationLossModel;

/**
 * \ingroup radio
 * Per-PRB link gains between every cell (gNB antenna array) and every UE, built on
 * ns-3's 3GPP TR 38.901 models:
 *  - pathloss + shadowing from a ThreeGppPropagationLossModel (Table 7.4.1-1),
 *  - fast fading and beamforming gain on the channel matrices of a ThreeGppChannelModel
 *    (sec. 7.5), evaluated at each PRB centre as ThreeGppSpectrumPropagationLossModel
 *    does (see FadingGain()).
 *
 * Serving links use beams steered at the line-of-sight direction of the peer at both
 * ends (ideal direct-path beamforming). Interference links see the gNB through one
 * array element: averaged over the directions a neighbour cell steers to, an
 * N-element beam normalised to unit power delivers the per-element gain, so this is
 * the mean interference power (its fast variation is only kept when
 * InterferenceFading is true). Gains are recomputed every FadingUpdatePeriod (by
 * default a tenth of each link's coherence time) and held in between; all gains are
 * reciprocal, so uplink and downlink share them.
 */
class RadioChannel : public Object
{
  public:
    static TypeId GetTypeId();
    RadioChannel();
    ~RadioChannel() override;

    /**
     * \param pathloss the scenario's pathloss and shadowing model
     * \param fading the matrix-based fast-fading model (may be null when FastFading is false)
     * \param grid the carrier's PRB grid
     * \param centreFrequencyHz carrier frequency
     */
    void Setup(Ptr<ThreeGppPropagationLossModel> pathloss,
               Ptr<MatrixBasedChannelModel> fading,
               const OfdmaGrid& grid,
               double centreFrequencyHz);

    /// Registers a cell (gNB node with a MobilityModel and its antenna array); returns its index.
    uint32_t AddCell(Ptr<Node> gnb, Ptr<PhasedArrayModel> array);
    /// Registers a UE (node with a MobilityModel and its antenna array); returns its index.
    uint32_t AddUe(Ptr<Node> ue, Ptr<PhasedArrayModel> array);
    /// Sets which cell serves a UE: its serving link uses steered beams at both ends.
    void SetServingCell(uint32_t ue, uint32_t cell);

    uint32_t GetNumCells() const;
    uint32_t GetNumUes() const;

    /**
     * Mean gain of a link without fast fading and without array gain: pathloss,
     * shadowing and the element patterns at both ends (dB). Used for cell association.
     */
    double GetAverageGainDb(uint32_t cell, uint32_t ue);

    /// Per-PRB linear power gain of a UE's serving link, steered beams at both ends.
    const std::vector<double>& GetServingGain(uint32_t ue);

    /// Per-PRB linear power gain from a cell to a UE it does not serve (interference path).
    const std::vector<double>& GetInterferenceGain(uint32_t cell, uint32_t ue);

    /**
     * Unit-norm weights that add the elements in phase for a plane wave from/to
     * `direction`: ns-3's PhasedArrayModel::GetSteeringVector(direction) / sqrt(N),
     * bit for bit, with the direction's sines and cosines taken once instead of five
     * times per element.
     */
    static PhasedArrayModel::ComplexVector MatchedBeam(Ptr<const PhasedArrayModel> array,
                                                       Angles direction);

  protected:
    void DoDispose() override;

  private:
    struct Terminal
    {
        Ptr<Node> node;
        Ptr<MobilityModel> mobility; //!< looked up once: GetObject is a dynamic_cast
        Ptr<PhasedArrayModel> array;
    };

    /// What does not change between fading updates of a link: per cluster, the delay
    /// phases and the Doppler geometry (fixed by the channel matrix), and the beamformed
    /// long-term term (fixed by the matrix and the beams).
    struct ClusterTerm
    {
        std::complex<double> delayAtFirstPrb; //!< exp(-j 2 pi f_first tau)
        std::complex<double> prbStep;         //!< exp(-j 2 pi B_prb tau)
        Vector rxDirection;              //!< unit vector of the cluster's arrival at the u-node
        Vector txDirection;              //!< unit vector of the cluster's departure at the s-node
        double scattererTerm;            //!< 2 alpha D of TR 37.885 (moving scatterers), m/s
        std::complex<double> atFirstPrb; //!< beamformed term times delayAtFirstPrb
    };

    /// Cluster terms of one link: the geometry is valid for one channel matrix, the
    /// beamformed terms for that matrix and one pair of beams (beams are re-steered far
    /// more often than ns-3 redraws a matrix, and the geometry costs the trigonometry).
    struct FadingCache
    {
        Ptr<const MatrixBasedChannelModel::ChannelMatrix> channel;
        PhasedArrayModel::ComplexVector gnbWeights;
        PhasedArrayModel::ComplexVector ueWeights;
        std::vector<ClusterTerm> clusters;
        /// Sum over u of uW[u] H[u][s][c] at [s * clusters + c], for the u-node's weights
        std::vector<double> uCombinedRe;
        std::vector<double> uCombinedIm; //!< imaginary parts of uCombinedRe's sums
    };

    struct CachedGain
    {
        std::vector<double> gain;
        std::optional<Time> computedAt;
        Time validFor; //!< update period used for this link
        FadingCache fading;
        std::optional<Time> steeredAt; //!< serving links: when the beams were last steered
    };

    bool IsStale(const CachedGain& cached) const;
    /// The update period of a link: FadingUpdatePeriod, or when that is 0 a tenth of
    /// the coherence time 0.423 / f_D at the current relative speed, at most kMaxAutoPeriod.
    Time UpdatePeriod(uint32_t cell, uint32_t ue) const;
    /// Stores a freshly computed gain with its time stamp and validity.
    void Refresh(CachedGain& cached, std::vector<double> gain, uint32_t cell, uint32_t ue);
    /// Pathloss + shadowing as a linear gain, from ns-3's propagation loss model.
    double PathGainLinear(uint32_t cell, uint32_t ue) const;
    /// Element power gains (linear) of the gNB and UE arrays toward each other.
    double ElementGainLinear(uint32_t cell, uint32_t ue) const;
    /**
     * Fast fading x beamforming gain per PRB with the given weights: the computation of
     * ns-3's ThreeGppSpectrumPropagationLossModel (cluster long-term terms w_u^T H_n w_s,
     * per-cluster Doppler, delay phase at each PRB centre) on the same channel matrix.
     * What is fixed for a channel matrix and pair of beams is cached in `cache`, and the
     * per-PRB delay phasors advance by one complex multiplication per PRB instead of a
     * sin/cos each (PRB centres are evenly spaced): an update costs one sin/cos per cluster.
     */
    std::vector<double> FadingGain(uint32_t cell,
                                   uint32_t ue,
                                   const PhasedArrayModel::ComplexVector& gnbWeights,
                                   const PhasedArrayModel::ComplexVector& ueWeights,
                                   FadingCache& cache) const;
    /// Weights that use the first element only.
    static PhasedArrayModel::ComplexVector SingleElement(Ptr<const PhasedArrayModel> array);

    Time m_fadingUpdatePeriod;
    Time m_beamUpdatePeriod;
    bool m_fastFading;
    bool m_interferenceFading;

    Ptr<ThreeGppPropagationLossModel> m_pathloss;
    Ptr<MatrixBasedChannelModel> m_fading;
    uint32_t m_numPrbs{0};
    double m_firstPrbCentreHz{0};
    double m_prbBandwidthHz{0};
    double m_centreFrequencyHz{0};

    std::vector<Terminal> m_cells;
    std::vector<Terminal> m_ues;
    std::vector<uint32_t> m_servingCell;
    std::vector<CachedGain> m_servingGain;      //!< index: ue
    std::vector<CachedGain> m_interferenceGain; //!< index: cell * numUes + ue
};

} // namespace ns3

#endif // EDGE_LAM_RADIO_CHANNEL_H
