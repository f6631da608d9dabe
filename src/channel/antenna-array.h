#ifndef EDGE_LAM_ANTENNA_ARRAY_H
#define EDGE_LAM_ANTENNA_ARRAY_H

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup channel
 * Field pattern of one antenna port in the global coordinate system (GCS): the
 * components F_theta and F_phi along the unit vectors theta-hat and phi-hat of the
 * direction (TR 38.901 sec. 7.1, eq. 7.1-11). |F_theta|^2 + |F_phi|^2 is the linear
 * power gain of the element in that direction.
 */
struct FieldPattern
{
    double theta{0};
    double phi{0};
};

/**
 * \ingroup channel
 * A GCS direction (theta, phi) (rad) with its sines and cosines: computed once per ray
 * and shared by its field patterns, array phases and Doppler.
 */
struct Direction
{
    Direction(double thetaRad, double phiRad);
    /// Unit vector of the direction in spherical coordinates (eq. 7.5-23).
    Eigen::Vector3d Unit() const;

    double thetaRad;
    double phiRad;
    double cosTheta;
    double sinTheta;
    double cosPhi;
    double sinPhi;
};

/**
 * \ingroup channel
 * Uniform planar antenna array of TR 38.901 sec. 7.3: M rows x N columns of elements in
 * the y'-z' plane of the array's local coordinate system (LCS), boresight along +x',
 * with one or two polarised ports per element.
 *
 * A value type (copyable, immutable after construction, no randomness or attributes): a
 * geometry description the ray-level engine reads, cheap to keep one per link.
 *
 * Ports are numbered polarisation-major: port = pol * (M N) + m N + n, with m the row
 * (vertical, z') and n the column (horizontal, y'). Element (m, n) sits at
 * (0, n dH, m dV) wavelengths in the LCS, so element (0, 0) is the phase reference.
 * Positions are in wavelengths of the carrier the array is used at.
 *
 * Orientation: bearing alpha (rotation about z) and downtilt beta (rotation about the
 * rotated y; beta > 0 points the boresight below the horizon), R = Rz(alpha) Ry(beta)
 * (sec. 7.1.1, slant gamma = 0). Each port's field pattern is the element pattern of
 * sec. 7.3 with polarisation slant zeta (polarisation model 2, eq. 7.3-4/7.3-5:
 * F'_theta' = sqrt(A') cos zeta, F'_phi' = sqrt(A') sin zeta), rotated into the GCS.
 */
class AntennaArray
{
  public:
    /// Radiation pattern of one element.
    enum class ElementPattern
    {
        ISOTROPIC, //!< 0 dBi in every direction
        THREE_GPP, //!< TR 38.901 Table 7.3-1: 8 dBi, 65 deg beamwidths, 30 dB floor
    };

    /// Everything that defines an array; the defaults give one isotropic vertical port.
    struct Config
    {
        uint32_t numRows{1};                  //!< M, elements per column (vertical)
        uint32_t numColumns{1};               //!< N, elements per row (horizontal)
        double rowSpacingWavelengths{0.5};    //!< d_V
        double columnSpacingWavelengths{0.5}; //!< d_H
        /// Slant zeta of each polarisation (rad): {0} single vertical polarisation,
        /// {+pi/4, -pi/4} cross-polarised, {0, pi/2} vertical/horizontal.
        std::vector<double> polarisationSlantsRad{0.0};
        ElementPattern pattern{ElementPattern::ISOTROPIC};
        double bearingRad{0};  //!< alpha, sec. 7.1.1
        double downtiltRad{0}; //!< beta, sec. 7.1.1
    };

    /// \throws std::invalid_argument naming a zero size, a non-finite or negative
    ///         spacing, a non-finite angle or a polarisation count other than 1 or 2
    explicit AntennaArray(const Config& config);

    /// Base-station preset: 4 x 4 elements of Table 7.3-1, +-45 deg slants, 32 ports.
    static AntennaArray ThreeGppBs4x4DualPol(double bearingRad = 0, double downtiltRad = 0);
    /// UE preset: one isotropic element, vertical polarisation, 1 port.
    static AntennaArray IsotropicUe();

    /**
     * Element power gain of TR 38.901 Table 7.3-1 in the LCS (dBi):
     *   G_max - min(-(A_V + A_H), A_max), A_V = -min(12 ((theta' - 90 deg) / 65 deg)^2, 30),
     *   A_H = -min(12 (phi' / 65 deg)^2, 30), G_max = 8 dBi, A_max = 30 dB.
     */
    static double ThreeGppElementGainDbi(double thetaLcsRad, double phiLcsRad);

    const Config& GetConfig() const;
    std::size_t GetNumPorts() const;
    std::size_t GetNumElements() const;
    std::size_t GetNumPolarisations() const;
    /// Polarisation index of a port (0 for the first slant).
    std::size_t GetPortPolarisation(std::size_t port) const;
    /// Position of a port's element in the GCS (wavelengths), relative to element (0, 0).
    const Eigen::Vector3d& GetPortPosition(std::size_t port) const;
    /// GCS field pattern of a port towards the GCS direction (theta, phi) (rad).
    FieldPattern GetFieldPattern(std::size_t port, double thetaRad, double phiRad) const;
    /// GCS field pattern of every port of polarisation pol (they share it).
    FieldPattern GetPolarisationFieldPattern(std::size_t pol, double thetaRad, double phiRad) const;

    /**
     * The field patterns of every polarisation for one direction (GCS), in one pass: the
     * LCS angle and element gain are computed once. patterns[pol] for pol <
     * GetNumPolarisations().
     */
    void GetPolarisationFieldPatterns(const Direction& direction, FieldPattern* patterns) const;

  private:
    Config m_config;
    Eigen::Matrix3d m_rotation;                      //!< LCS -> GCS, R = Rz(alpha) Ry(beta)
    bool m_unrotated;                                //!< R is the identity (alpha = beta = 0)
    std::vector<double> m_slantCos;                  //!< cos zeta per polarisation
    std::vector<double> m_slantSin;                  //!< sin zeta per polarisation
    std::vector<Eigen::Vector3d> m_elementPositions; //!< GCS, wavelengths, index m N + n
};

/// Unit vector of the direction (theta, phi) (rad) in spherical coordinates (eq. 7.5-23).
Eigen::Vector3d SphericalUnitVector(double thetaRad, double phiRad);

} // namespace ns3

#endif // EDGE_LAM_ANTENNA_ARRAY_H
