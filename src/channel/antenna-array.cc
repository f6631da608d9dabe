#include "antenna-array.h"

#include "channel/invalid-argument.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AntennaArray");

namespace
{

// TR 38.901 Table 7.3-1.
constexpr double kElementMaxGainDbi = 8.0;
constexpr double kMaxAttenuationDb = 30.0; // A_max
constexpr double kSideLobeLevelDb = 30.0;  // SLA_V
constexpr double kBeamwidth3dBDeg = 65.0;  // theta_3dB = phi_3dB
constexpr double kRadToDeg = 180.0 / M_PI;

void
CheckFinite(const std::string& what, double value)
{
    if (!std::isfinite(value))
    {
        ThrowInvalidArgument(what, value, "rad must be finite");
    }
}

/// theta-hat of the direction (sec. 7.1).
Eigen::Vector3d
ThetaUnitVector(const Direction& d)
{
    return {d.cosTheta * d.cosPhi, d.cosTheta * d.sinPhi, -d.sinTheta};
}

/// phi-hat of the direction (sec. 7.1).
Eigen::Vector3d
PhiUnitVector(const Direction& d)
{
    return {-d.sinPhi, d.cosPhi, 0.0};
}

} // namespace

Direction::Direction(double thetaRad, double phiRad)
    : thetaRad(thetaRad),
      phiRad(phiRad),
      cosTheta(std::cos(thetaRad)),
      sinTheta(std::sin(thetaRad)),
      cosPhi(std::cos(phiRad)),
      sinPhi(std::sin(phiRad))
{
}

Eigen::Vector3d
Direction::Unit() const
{
    return {sinTheta * cosPhi, sinTheta * sinPhi, cosTheta};
}

Eigen::Vector3d
SphericalUnitVector(double thetaRad, double phiRad)
{
    return Direction(thetaRad, phiRad).Unit();
}

AntennaArray::AntennaArray(const Config& config)
    : m_config(config)
{
    if (config.numRows == 0)
    {
        ThrowInvalidArgument("antenna array rows", config.numRows, "must be at least 1");
    }
    if (config.numColumns == 0)
    {
        ThrowInvalidArgument("antenna array columns", config.numColumns, "must be at least 1");
    }
    for (double spacing : {config.rowSpacingWavelengths, config.columnSpacingWavelengths})
    {
        if (!(spacing >= 0) || !std::isfinite(spacing))
        {
            ThrowInvalidArgument("element spacing", spacing, "wavelengths must be finite and >= 0");
        }
    }
    const std::size_t numPols = config.polarisationSlantsRad.size();
    if (numPols != 1 && numPols != 2)
    {
        ThrowInvalidArgument("number of polarisations", numPols, "must be 1 or 2");
    }
    for (double slant : config.polarisationSlantsRad)
    {
        CheckFinite("polarisation slant", slant);
        m_slantCos.push_back(std::cos(slant));
        m_slantSin.push_back(std::sin(slant));
    }
    CheckFinite("array bearing", config.bearingRad);
    CheckFinite("array downtilt", config.downtiltRad);

    m_rotation = (Eigen::AngleAxisd(config.bearingRad, Eigen::Vector3d::UnitZ()) *
                  Eigen::AngleAxisd(config.downtiltRad, Eigen::Vector3d::UnitY()))
                     .toRotationMatrix();
    m_unrotated = config.bearingRad == 0 && config.downtiltRad == 0;
    for (uint32_t m = 0; m < config.numRows; ++m)
    {
        for (uint32_t n = 0; n < config.numColumns; ++n)
        {
            const Eigen::Vector3d lcs(0.0,
                                      n * config.columnSpacingWavelengths,
                                      m * config.rowSpacingWavelengths);
            m_elementPositions.push_back(m_rotation * lcs);
        }
    }
    NS_LOG_DEBUG("array " << config.numRows << "x" << config.numColumns << ", " << numPols
                          << " polarisation(s), " << GetNumPorts() << " ports");
}

AntennaArray
AntennaArray::ThreeGppBs4x4DualPol(double bearingRad, double downtiltRad)
{
    Config config;
    config.numRows = 4;
    config.numColumns = 4;
    config.polarisationSlantsRad = {M_PI / 4, -M_PI / 4};
    config.pattern = ElementPattern::THREE_GPP;
    config.bearingRad = bearingRad;
    config.downtiltRad = downtiltRad;
    return AntennaArray(config);
}

AntennaArray
AntennaArray::IsotropicUe()
{
    return AntennaArray(Config{});
}

double
AntennaArray::ThreeGppElementGainDbi(double thetaLcsRad, double phiLcsRad)
{
    const double thetaDeg = thetaLcsRad * kRadToDeg;
    // Inside (-180, 180] already for the usual azimuths: skip the costly remainder().
    const double phiDeg =
        (std::abs(phiLcsRad) < M_PI ? phiLcsRad : std::remainder(phiLcsRad, 2 * M_PI)) * kRadToDeg;
    const double verticalRatio = (thetaDeg - 90) / kBeamwidth3dBDeg;
    const double horizontalRatio = phiDeg / kBeamwidth3dBDeg;
    const double verticalDb = -std::min(12 * verticalRatio * verticalRatio, kSideLobeLevelDb);
    const double horizontalDb =
        -std::min(12 * horizontalRatio * horizontalRatio, kMaxAttenuationDb);
    return kElementMaxGainDbi - std::min(-(verticalDb + horizontalDb), kMaxAttenuationDb);
}

const AntennaArray::Config&
AntennaArray::GetConfig() const
{
    return m_config;
}

std::size_t
AntennaArray::GetNumElements() const
{
    return m_elementPositions.size();
}

std::size_t
AntennaArray::GetNumPolarisations() const
{
    return m_config.polarisationSlantsRad.size();
}

std::size_t
AntennaArray::GetNumPorts() const
{
    return GetNumElements() * GetNumPolarisations();
}

std::size_t
AntennaArray::GetPortPolarisation(std::size_t port) const
{
    return port / GetNumElements();
}

const Eigen::Vector3d&
AntennaArray::GetPortPosition(std::size_t port) const
{
    return m_elementPositions[port % GetNumElements()];
}

FieldPattern
AntennaArray::GetFieldPattern(std::size_t port, double thetaRad, double phiRad) const
{
    return GetPolarisationFieldPattern(GetPortPolarisation(port), thetaRad, phiRad);
}

FieldPattern
AntennaArray::GetPolarisationFieldPattern(std::size_t pol, double thetaRad, double phiRad) const
{
    FieldPattern patterns[2];
    GetPolarisationFieldPatterns(Direction(thetaRad, phiRad), patterns);
    return patterns[pol];
}

void
AntennaArray::GetPolarisationFieldPatterns(const Direction& direction, FieldPattern* patterns) const
{
    const auto amplitudeAt = [this](double thetaLcs, double phiLcs) {
        // 10^(G / 20) as an exp(): cheaper than pow().
        return m_config.pattern == ElementPattern::ISOTROPIC
                   ? 1.0
                   : std::exp(ThreeGppElementGainDbi(thetaLcs, phiLcs) * (M_LN10 / 20));
    };
    if (m_unrotated && direction.thetaRad > 0 && direction.thetaRad < M_PI)
    {
        // LCS = GCS: off the poles (and for zeniths within [0, pi]) the LCS angles and unit
        // vectors are the GCS ones, so eq. 7.3-4/7.3-5 apply directly, without the
        // rotation and projection below.
        const double amplitude = amplitudeAt(direction.thetaRad, direction.phiRad);
        for (std::size_t pol = 0; pol < m_slantCos.size(); ++pol)
        {
            patterns[pol] = {amplitude * m_slantCos[pol], amplitude * m_slantSin[pol]};
        }
        return;
    }
    // Direction in the LCS: r' = R^T r (sec. 7.1.1).
    const Eigen::Vector3d local = m_rotation.transpose() * direction.Unit();
    const Direction lcs(std::acos(std::clamp(local.z(), -1.0, 1.0)),
                        std::atan2(local.y(), local.x()));
    const double amplitude = amplitudeAt(lcs.thetaRad, lcs.phiRad);
    // The LCS unit vectors rotated into the GCS and projected on theta-hat / phi-hat: the
    // same as eq. 7.1-11 with psi of eq. 7.1-15, without its special cases at the poles.
    const Eigen::Vector3d gcsTheta = ThetaUnitVector(direction);
    const Eigen::Vector3d gcsPhi = PhiUnitVector(direction);
    const Eigen::Vector3d lcsTheta = m_rotation * ThetaUnitVector(lcs);
    const Eigen::Vector3d lcsPhi = m_rotation * PhiUnitVector(lcs);
    for (std::size_t pol = 0; pol < m_slantCos.size(); ++pol)
    {
        // Polarisation model 2 (eq. 7.3-4/7.3-5): the field is the slant of the two.
        const Eigen::Vector3d field =
            amplitude * (m_slantCos[pol] * lcsTheta + m_slantSin[pol] * lcsPhi);
        patterns[pol] = {field.dot(gcsTheta), field.dot(gcsPhi)};
    }
}

} // namespace ns3
