#ifndef EDGE_LAM_LINK_ADAPTATION_H
#define EDGE_LAM_LINK_ADAPTATION_H

#include "radio/bler-model.h"
#include "radio/mcs-table.h"

#include "ns3/object.h"
#include "ns3/ptr.h"

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * What link adaptation chose for one transport block.
 */
struct LinkDecision
{
    /// MCS value of a decision taken in Shannon-gap mode (which has no MCS).
    static constexpr uint8_t kNoMcs = 255;

    uint8_t mcs;               //!< MCS index, or kNoMcs in Shannon-gap mode
    uint32_t tbsBits;          //!< transport block size (bits)
    double spectralEfficiency; //!< bit/s/Hz per layer: the MCS table value, or log2(1 + SINR/gap)
};

/**
 * \ingroup radio
 * NR link adaptation of one link direction: CQI from SINR, MCS from CQI or SINR, TBS
 * of TS 38.214 sec. 5.1.3.2, and the transport-block error probability from a
 * BlerModel. In ShannonGap mode it replaces all of this by the error-free rate
 * N_RE * log2(1 + SINR / gap).
 *
 * SINRs are per layer; every layer is assumed to see the same effective SINR.
 */
class LinkAdaptation : public Object
{
  public:
    /// FixedMcs value that selects adaptive MCS choice.
    static constexpr uint8_t kAdaptiveMcs = 255;

    /// How the rate follows from the SINR.
    enum Mode
    {
        MCS_TABLE = 0,   //!< NR MCS table, TBS and BLER model
        SHANNON_GAP = 1, //!< floor(N_RE * log2(1 + SINR / gap)) bits, no block errors
    };

    static TypeId GetTypeId();
    LinkAdaptation();

    /**
     * Capacity-based effective SINR of a set of resource elements (or PRBs):
     * 2^(mean_k log2(1 + s_k)) - 1, the SINR of a flat channel with the same Shannon
     * capacity. It is mutual-information effective SINR mapping (MIESM) with the
     * Gaussian-input mutual information in place of the per-modulation curves.
     * \param sinrLinear per-RE or per-PRB SINRs (linear), non-empty, each >= 0
     * \return effective SINR in dB (-inf if every SINR is 0)
     * \throws std::invalid_argument for an empty vector or a negative, NaN or infinite SINR
     */
    static double EffectiveSinrDb(const std::vector<double>& sinrLinear);

    /**
     * Highest CQI whose modulation and code rate, on the CSI reference resource of
     * CqiReferencePrbs PRBs, has BLER <= TargetBler at this SINR (TS 38.214 sec. 5.2.2.1).
     * \return CQI in [0, 15]; 0 ("out of range") if even CQI 1 misses the target
     */
    uint8_t SelectCqi(double effectiveSinrDb) const;

    /**
     * Highest MCS whose spectral efficiency does not exceed that of the CQI
     * (MCS 0 if none does, e.g. for CQI 0 or 1).
     * \throws std::invalid_argument for cqi > 15
     */
    uint8_t McsFromCqi(uint8_t cqi) const;

    /**
     * Chooses the transport block for numPrbs PRBs at this SINR: in McsTable mode the
     * highest MCS whose BLER on exactly this allocation is <= TargetBler (MCS 0 if none),
     * in ShannonGap mode floor(N_RE * layers * log2(1 + SINR / gap)) bits.
     * \throws std::invalid_argument for a NaN or +inf SINR or numPrbs outside [1, 275]
     */
    LinkDecision Decide(double effectiveSinrDb, uint32_t numPrbs) const;

    /**
     * Transport-block error probability of a decision's block received at this SINR
     * (e.g. after HARQ combining); 0 in ShannonGap mode.
     * \throws std::invalid_argument for an MCS outside the table or a NaN or +inf SINR
     */
    double GetBler(const LinkDecision& decision, double effectiveSinrDb) const;

    /**
     * TBS (bits) of a fixed MCS on numPrbs PRBs with the configured slot layout.
     * \throws std::invalid_argument for an MCS outside the table or invalid numPrbs
     */
    uint32_t GetTbsBits(uint8_t mcs, uint32_t numPrbs) const;

    /**
     * An upper bound of the TBS (bits) of any Decide() on numPrbs PRBs: that of the fixed
     * MCS, else of the table's highest MCS; none (UINT32_MAX) in ShannonGap mode.
     */
    uint32_t GetMaxTbsBits(uint32_t numPrbs) const;

    /**
     * Bytes one PRB of one slot is expected to carry for a UE whose reported channel
     * quality on that PRB is prbSinrDb: the spectral efficiency of McsFromCqi(SelectCqi())
     * times the data REs of one PRB (0 for CQI 0); in ShannonGap mode log2(1 + SINR/gap)
     * instead. Meant for the scheduler's per-PRB estimates (SchedulingCandidate::prbBytes);
     * it ignores TBS quantisation.
     */
    double EstimateBytesPerPrb(double prbSinrDb) const;

    /// EstimateBytesPerPrb() for a linear SINR; saves the per-PRB log10 in the slot loop.
    double EstimateBytesPerPrbLinear(double prbSinrLinear) const;

    /// EstimateBytesPerPrbLinear() of every PRB of a CSI report, in one pass.
    std::vector<double> EstimateBytesPerPrbLinear(const std::vector<double>& prbSinrLinear) const;

    /**
     * N_RE: data REs per layer of numPrbs PRBs in one slot (TS 38.214 sec. 5.1.3.2 step 1).
     * \throws std::invalid_argument for numPrbs outside [1, 275] or a slot layout without data
     */
    uint32_t GetNumDataRe(uint32_t numPrbs) const;

    /// The configured MCS table.
    McsTable::Type GetMcsTableType() const;

    Ptr<BlerModel> GetBlerModel() const;
    /// \throws std::invalid_argument for a null model
    void SetBlerModel(Ptr<BlerModel> model);

  protected:
    void DoDispose() override;

  private:
    /// TBS (bits) of a table row on numPrbs PRBs with the configured slot layout.
    uint32_t ComputeTbsBits(const ModCodEntry& entry, uint32_t numPrbs) const;
    /// Error-free spectral efficiency log2(1 + SINR / gap) of ShannonGap mode.
    double ShannonGapSpectralEfficiency(double sinrDb) const;

    /// What the SINR thresholds depend on; they are recomputed when it changes.
    using ThresholdKey = std::
        tuple<McsTable::Type, double, uint32_t, uint32_t, uint32_t, uint8_t, uint32_t, BlerModel*>;

    /**
     * SINR thresholds (dB) from which a block meets TargetBler, found once by bisection
     * (BLER falls monotonically with SINR) instead of evaluating the BLER model for every
     * PRB, block and slot. Valid while the ThresholdKey is unchanged.
     */
    struct Thresholds
    {
        std::vector<double> cqiDb;       //!< index = CQI (entry 0 unused)
        std::vector<double> cqiLinear;   //!< the same thresholds as linear SINR
        std::vector<double> cqiPrbBytes; //!< bytes per PRB of McsFromCqi(cqi), index = CQI
        std::map<uint32_t, std::vector<double>> mcsDbByPrbs; //!< numPrbs -> index = MCS
    };

    /// The thresholds for the current attributes (recomputed if they changed).
    Thresholds& GetThresholds() const;
    /// Lowest SINR (dB) at which a block of this modulation, rate and size meets TargetBler.
    double FindThresholdDb(const ModCodEntry& entry, uint32_t tbsBits) const;

    McsTable::Type m_mcsTable;
    uint8_t m_fixedMcs;
    double m_targetBler;
    Mode m_mode;
    double m_shannonGapDb;
    uint32_t m_dmrsRePerPrb;
    uint32_t m_overheadRePerPrb;
    uint32_t m_dataSymbolsPerSlot;
    uint8_t m_numLayers;
    uint32_t m_cqiReferencePrbs;
    Ptr<BlerModel> m_blerModel;
    mutable Thresholds m_thresholds;
    mutable std::optional<ThresholdKey> m_thresholdKey;
};

} // namespace ns3

#endif // EDGE_LAM_LINK_ADAPTATION_H
