#ifndef EDGE_LAM_BLER_MODEL_H
#define EDGE_LAM_BLER_MODEL_H

#include "ns3/object.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup radio
 * Transport-block error probability of one transmission at a given effective SINR.
 */
class BlerModel : public Object
{
  public:
    static TypeId GetTypeId();

    /**
     * \param effectiveSinrDb effective SINR per layer (dB); -inf means no signal
     * \param qm modulation order (bits per symbol)
     * \param codeRate target code rate R in (0, 1)
     * \param tbsBits transport block size (bits), > 0
     * \return transport-block error probability in [0, 1]
     * \throws std::invalid_argument for a NaN or +inf SINR or invalid modulation and coding
     */
    virtual double GetBler(double effectiveSinrDb,
                           uint8_t qm,
                           double codeRate,
                           uint32_t tbsBits) const = 0;

    /// \throws std::invalid_argument for a NaN or +inf SINR (-inf, no signal, is valid)
    static void CheckEffectiveSinrDb(double effectiveSinrDb);
};

/**
 * \ingroup radio
 * AWGN BLER curves built from two closed forms instead of link-level tables:
 *
 * - Position: the SINR at which a transport block of spectral efficiency
 *   SE = Qm * R fails with probability 10% is the attenuated Shannon bound
 *   SE = alpha * log2(1 + SINR) of TR 36.942 Annex A.1, i.e.
 *   SINR_10% = 2^(SE / alpha) - 1.
 * - Shape: each of the C code blocks (TS 38.212 segmentation) fails with
 *   probability Q((SINR_dB - SINR_10%,dB) / sigma_dB + z_C), where
 *   sigma_dB = (10 / ln 10) * sqrt(1 + 2 / SINR_10%) / sqrt(n) is the width that the
 *   finite-blocklength normal approximation (Polyanskiy, Poor, Verdu 2010) gives to a
 *   code of n = K' / (R * Qm) channel uses, and z_C is chosen so that the block fails
 *   with 1 - 0.9^(1/C), making the transport block (which fails if any code block fails)
 *   fail with exactly 10% at SINR_10%.
 *
 * Longer code blocks give steeper curves; BLER decreases with SINR and increases
 * with the spectral efficiency. See docs/radio-link-adaptation.md.
 */
class AttenuatedShannonBlerModel : public BlerModel
{
  public:
    /// Transport-block BLER at the SINR given by the attenuated Shannon bound.
    static constexpr double kThresholdBler = 0.1;

    static TypeId GetTypeId();

    double GetBler(double effectiveSinrDb,
                   uint8_t qm,
                   double codeRate,
                   uint32_t tbsBits) const override;

    /// SINR (dB) at which a block of this spectral efficiency (bit/s/Hz) fails with 10%.
    double GetThresholdSinrDb(double spectralEfficiency) const;

  private:
    /// z_C of the class description for C code blocks (cached: it depends on C only).
    double GetCodeBlockOffset(uint32_t numCodeBlocks) const;

    double m_alpha;                                 //!< attenuation of the Shannon bound
    mutable std::vector<double> m_codeBlockOffsets; //!< z_C by C - 1
};

} // namespace ns3

#endif // EDGE_LAM_BLER_MODEL_H
