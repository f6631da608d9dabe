#ifndef EDGE_LAM_TDL_CHANNEL_H
#define EDGE_LAM_TDL_CHANNEL_H

#include "channel/csi-tensor.h"
#include "channel/tdl-tables.h"

#include "ns3/object.h"
#include "ns3/random-variable-stream.h"

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup channel
 * Link-level tapped-delay-line channel of 3GPP TR 38.901 sec. 7.7.2 (TDL-A ... TDL-E)
 * with time variation by sum of sinusoids.
 *
 * Tap l has delay tau_l = tau_norm,l * DelaySpreadS (sec. 7.7.3) and the table power,
 * normalised so that the powers of all taps (LOS path included) sum to 1. Its
 * Rayleigh part is, for every (rx, tx) antenna pair independently,
 *   h_l(t) = sqrt(P_l / M) sum_m exp(j (2 pi f_D cos(alpha_m) t + phi_m)),
 * with M = NumRaysPerTap rays, arrival angles alpha_m and phases phi_m i.i.d. uniform
 * in [0, 2 pi): isotropic (Clarke) scattering, autocorrelation J0(2 pi f_D tau). For
 * TDL-D/E, tap 1 adds the LOS path sqrt(P_LOS) exp(j (2 pi f_D cos(theta_LOS) t + phi_0))
 * (phi_0 uniform per antenna pair), so tap 1 is Rician with the table's K-factor.
 *
 * Not modelled yet: K-factor scaling (sec. 7.7.6), spatial correlation between antennas
 * (pairs are i.i.d.), the CDL and ray-level 38.901 models.
 *
 * A realisation (ray angles and phases) is drawn at first use and kept until Redraw()
 * or until an attribute changes, so successive calls describe one continuous channel.
 */
class TdlChannel : public Object
{
  public:
    /// One tap after delay scaling and power normalisation.
    struct Tap
    {
        double delayS;       //!< tau_norm * DelaySpreadS
        double diffusePower; //!< normalised power of the Rayleigh part (linear)
        double losPower;     //!< normalised power of the LOS path (linear); 0 for NLOS taps
    };

    static TypeId GetTypeId();
    TdlChannel();
    ~TdlChannel() override;

    /// Model name, "TDL-A" ... "TDL-E".
    std::string GetModelName() const;
    double GetDelaySpreadS() const;
    double GetMaxDopplerHz() const;
    uint32_t GetNumRaysPerTap() const;
    uint32_t GetNumRxAntennas() const;
    uint32_t GetNumTxAntennas() const;

    /// The taps of the current model and delay spread (LOS path merged into tap 1).
    const std::vector<Tap>& GetTaps();

    /// Draws a new, independent realisation (ray angles and phases).
    void Redraw();

    /**
     * Tap coefficients of the current realisation at time timeS.
     * \return matrix of shape (numTaps, numRx * numTx); column r * numTx + s is pair (r, s)
     */
    Eigen::MatrixXcd GetTapCoefficients(double timeS);

    /**
     * OFDM frequency response H_k(t) = sum_l h_l(t) exp(-j 2 pi f_k tau_l).
     * \param timesS sample times (s)
     * \param subcarrierOffsetsHz subcarrier frequencies relative to the carrier (Hz)
     * \return tensor of shape (timesS.size(), subcarrierOffsetsHz.size(), numRx, numTx)
     * \throws std::invalid_argument naming a non-finite time or frequency
     */
    CsiTensor GetFrequencyResponse(const std::vector<double>& timesS,
                                   const std::vector<double>& subcarrierOffsetsHz);

    /**
     * Assigns a fixed random stream number to the random variables used by this model.
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    void SetModelName(const std::string& name);
    void SetDelaySpreadS(double delaySpreadS);
    void SetMaxDopplerHz(double maxDopplerHz);
    void SetNumRaysPerTap(uint32_t numRays);
    void SetNumRxAntennas(uint32_t numRx);
    void SetNumTxAntennas(uint32_t numTx);
    /// Marks taps and realisation for rebuilding after an attribute change.
    void Invalidate();
    /// Builds the taps and draws a realisation if an attribute changed since the last one.
    void EnsureRealisation();
    /// Draws ray angles and phases for the current taps.
    void DrawRays();

    TdlModel m_model{TdlModel::A};
    double m_delaySpreadS{0};
    double m_maxDopplerHz{0};
    double m_losAngleRad{0};
    uint32_t m_numRays{0};
    uint32_t m_numRx{0};
    uint32_t m_numTx{0};

    Ptr<UniformRandomVariable> m_uniform;
    bool m_valid{false};
    std::vector<Tap> m_taps;
    /// Per (pair, tap, ray), index (pair * numTaps + tap) * numRays + ray.
    std::vector<double> m_rayDopplerHz;
    std::vector<double> m_rayPhaseRad;
    std::vector<double> m_losPhaseRad; //!< per antenna pair
};

} // namespace ns3

#endif // EDGE_LAM_TDL_CHANNEL_H
