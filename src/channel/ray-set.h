#ifndef EDGE_LAM_RAY_SET_H
#define EDGE_LAM_RAY_SET_H

#include <vector>

namespace ns3
{

/**
 * \ingroup channel
 * One ray (sub-path) m of a cluster n, TR 38.901 sec. 7.5 steps 7-10. Angles in the
 * global coordinate system, radians: azimuths counter-clockwise from +x, zeniths from
 * +z. "Arrival" is at the UE, "departure" at the base station (the downlink view; the
 * uplink uses the same rays in reverse).
 */
struct Ray
{
    double aoaRad; //!< azimuth of arrival phi_n,m,AOA
    double aodRad; //!< azimuth of departure phi_n,m,AOD
    double zoaRad; //!< zenith of arrival theta_n,m,ZOA
    double zodRad; //!< zenith of departure theta_n,m,ZOD
    double xpr;    //!< cross-polarisation power ratio kappa_n,m (linear, eq. 7.5-28)
    /// Initial phases Phi^{theta theta}, Phi^{theta phi}, Phi^{phi theta}, Phi^{phi phi}
    /// (rad, step 10), for the carrier the set was drawn for.
    double phaseThetaTheta;
    double phaseThetaPhi;
    double phasePhiTheta;
    double phasePhiPhi;
};

/**
 * \ingroup channel
 * One cluster n: delay, power and its rays (20 in the stochastic models and CDL).
 */
struct Cluster
{
    double delayS; //!< tau_n (s), relative to the first arrival
    double power;  //!< P_n, linear; cluster powers of the NLOS part sum to 1
    std::vector<Ray> rays;
};

/**
 * \ingroup channel
 * The deterministic line-of-sight path (eq. 7.5-29), if any.
 */
struct LosPath
{
    bool present{false};
    double kFactor{0}; //!< Ricean K (linear): the LOS path holds K/(K+1) of the power
    double aoaRad{0};
    double aodRad{0};
    double zoaRad{0};
    double zodRad{0};
    double delayS{0}; //!< delay of the LOS path (0: the clusters are relative to it)
};

/**
 * \ingroup channel
 * Everything the channel-coefficient generation of TR 38.901 sec. 7.5 step 11 needs
 * besides the antennas and the motion: produced by a CDL model (sec. 7.7.1) or by the
 * stochastic UMa/UMi/InH/RMa model (steps 1-10), consumed by the ray-level engine.
 */
struct RaySet
{
    std::vector<Cluster> clusters;
    LosPath los;
    double carrierFrequencyHz{0};
};

} // namespace ns3

#endif // EDGE_LAM_RAY_SET_H
