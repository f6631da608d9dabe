#ifndef EDGE_LAM_THREE_GPP_RAY_GENERATOR_H
#define EDGE_LAM_THREE_GPP_RAY_GENERATOR_H

#include "channel/ray-set.h"
#include "channel/three-gpp-lsp-tables.h"

#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/vector.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup channel
 * Large-scale parameters drawn for one link (TR 38.901 sec. 7.5 step 4). The lg values are
 * the correlated normal draws before clipping; the spreads are 10^lg with the angular
 * spreads clipped as the spec requires (ASA, ASD <= 104 deg, ZSA, ZSD <= 52 deg).
 */
struct ThreeGppLsps
{
    double lgDs;           //!< lg(DS / 1 s)
    double lgAsd;          //!< lg(ASD / 1 deg)
    double lgAsa;          //!< lg(ASA / 1 deg)
    double lgZsa;          //!< lg(ZSA / 1 deg)
    double lgZsd;          //!< lg(ZSD / 1 deg)
    double delaySpreadS;   //!< DS (s)
    double asdDeg;         //!< ASD (deg)
    double asaDeg;         //!< ASA (deg)
    double zsaDeg;         //!< ZSA (deg)
    double zsdDeg;         //!< ZSD (deg)
    double shadowFadingDb; //!< SF (dB); drawn for consistency, not applied to the rays
    double kFactorDb;      //!< K (dB); 0 in NLOS (no LOS path)
};

/**
 * \ingroup channel
 * Steps 1-10 of the fast-fading model of TR 38.901 sec. 7.5 for one BS-UE link in UMa,
 * UMi-Street Canyon, InH-Office (mixed / open) or RMa, LOS or NLOS, producing a RaySet.
 *
 * Generate() draws, independently on every call (no spatial consistency of sec. 7.6.3):
 * correlated large-scale parameters (step 4, Cholesky factor of the Table 7.5-6
 * correlation matrix), cluster delays with the LOS scaling C_tau (step 5), cluster powers
 * with per-cluster shadowing, dropping clusters 25 dB below the strongest (step 6), cluster
 * and ray angles with the C_phi, C_theta scaling and LOS angle offsets (step 7), random
 * coupling of rays (step 8), XPRs (step 9) and initial phases (step 10). The two strongest
 * clusters are split into three sub-clusters each (step 11, Table 7.5-5), emitted as
 * separate Clusters with their ray subsets; the output clusters are sorted by delay.
 * The per-ray draws of steps 8-10 come from a std::mt19937_64 seeded from the uniform
 * stream on every call (cheaper per draw than ns-3's streams), so the streams still fix
 * the output.
 *
 * Cluster powers are those of the NLOS part (eq. 7.5-6) and sum to 1 (renormalised after
 * the -25 dB drop); the LOS path, if any, carries K/(K+1) of the power through
 * RaySet::los with its angles from the geometry. The LOS condition is an explicit input
 * (attribute Los); outdoor-to-indoor links are not modelled.
 */
class ThreeGppRayGenerator : public Object
{
  public:
    static TypeId GetTypeId();
    ThreeGppRayGenerator();
    ~ThreeGppRayGenerator() override;

    /// Scenario name, see ToString().
    std::string GetScenarioName() const;
    ThreeGppScenario GetScenario() const;
    bool GetLos() const;
    double GetCarrierFrequencyHz() const;

    /**
     * Draws the rays of one link.
     * \param bsPos BS antenna position (m); its z is h_BS
     * \param uePos UE antenna position (m); its z is h_UT
     * \throws std::invalid_argument naming a non-finite coordinate or coincident positions
     */
    RaySet Generate(const Vector& bsPos, const Vector& uePos);

    /// Large-scale parameters of the last Generate() call.
    const ThreeGppLsps& GetLastLsps() const;

    /// Table parameters used by the last Generate() call (depend on the geometry).
    const ThreeGppLspParameters& GetLastParameters() const;

    /// Clusters dropped by the -25 dB rule of step 6 in the last Generate() call.
    uint32_t GetLastNumDroppedClusters() const;

    /**
     * Assigns fixed random stream numbers to the random variables of this model.
     * \return the number of streams used (2)
     */
    int64_t AssignStreams(int64_t stream);

  private:
    void SetScenarioName(const std::string& name);
    void SetCarrierFrequencyHz(double frequencyHz);

    /// Step 4: correlated LSPs.
    void DrawLsps(const ThreeGppLspParameters& params);

    ThreeGppScenario m_scenario{ThreeGppScenario::UMa};
    bool m_los{false};
    double m_carrierFrequencyHz{0};

    Ptr<NormalRandomVariable> m_normal;   //!< N(0, 1)
    Ptr<UniformRandomVariable> m_uniform; //!< U[0, 1)

    ThreeGppLsps m_lsps{};
    ThreeGppLspParameters m_params{};
    uint32_t m_numDropped{0};
};

} // namespace ns3

#endif // EDGE_LAM_THREE_GPP_RAY_GENERATOR_H
