#include "ray-channel.h"

#include "channel/invalid-argument.h"

#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RayChannel");

namespace
{

constexpr double kTwoPi = 2 * M_PI;
constexpr double kSpeedOfLightMps = 299792458.0;
/// Recurrence steps between two direct evaluations, bounding the rounding drift.
constexpr std::size_t kRecurrenceReseed = 64;

void
CheckFinite(const std::string& what, double value, const std::string& unit)
{
    if (!std::isfinite(value))
    {
        ThrowInvalidArgument(what, value, unit + " must be finite");
    }
}

void
CheckNonNegative(const std::string& what, double value, const std::string& unit)
{
    if (!(value >= 0) || !std::isfinite(value))
    {
        ThrowInvalidArgument(what, value, unit + " must be finite and non-negative");
    }
}

/// Checks the four angles of a ray or LOS path; where names it in messages.
void
CheckAngles(const std::string& where, double aoa, double aod, double zoa, double zod)
{
    CheckFinite(where + " AOA", aoa, "rad");
    CheckFinite(where + " AOD", aod, "rad");
    CheckFinite(where + " ZOA", zoa, "rad");
    CheckFinite(where + " ZOD", zod, "rad");
}

void
ValidateRaySet(const RaySet& rays)
{
    if (!(rays.carrierFrequencyHz > 0) || !std::isfinite(rays.carrierFrequencyHz))
    {
        ThrowInvalidArgument("carrier frequency", rays.carrierFrequencyHz, "Hz must be positive");
    }
    if (rays.clusters.empty() && !rays.los.present)
    {
        ThrowInvalidArgument("RaySet with cluster count", 0, "and no LOS path is empty");
    }
    for (std::size_t n = 0; n < rays.clusters.size(); ++n)
    {
        const Cluster& cluster = rays.clusters[n];
        const std::string name = "cluster " + std::to_string(n);
        CheckNonNegative(name + " delay", cluster.delayS, "s");
        CheckNonNegative(name + " power", cluster.power, "(linear)");
        if (cluster.rays.empty())
        {
            ThrowInvalidArgument(name + " ray count", 0, "must be at least 1");
        }
        for (std::size_t m = 0; m < cluster.rays.size(); ++m)
        {
            const Ray& ray = cluster.rays[m];
            // Fast path: the named checks below build strings, so only run them to name
            // the problem once one is known to exist.
            const bool valid = std::isfinite(ray.aoaRad + ray.aodRad + ray.zoaRad + ray.zodRad +
                                             ray.phaseThetaTheta + ray.phaseThetaPhi +
                                             ray.phasePhiTheta + ray.phasePhiPhi) &&
                               ray.xpr > 0;
            if (valid)
            {
                continue;
            }
            const std::string rayName = name + " ray " + std::to_string(m);
            CheckAngles(rayName, ray.aoaRad, ray.aodRad, ray.zoaRad, ray.zodRad);
            if (!(ray.xpr > 0))
            {
                ThrowInvalidArgument(rayName + " XPR", ray.xpr, "must be positive");
            }
            CheckFinite(rayName + " phase theta-theta", ray.phaseThetaTheta, "rad");
            CheckFinite(rayName + " phase theta-phi", ray.phaseThetaPhi, "rad");
            CheckFinite(rayName + " phase phi-theta", ray.phasePhiTheta, "rad");
            CheckFinite(rayName + " phase phi-phi", ray.phasePhiPhi, "rad");
        }
    }
    if (rays.los.present)
    {
        CheckAngles("LOS", rays.los.aoaRad, rays.los.aodRad, rays.los.zoaRad, rays.los.zodRad);
        CheckNonNegative("LOS delay", rays.los.delayS, "s");
        if (!(rays.los.kFactor >= 0))
        {
            ThrowInvalidArgument("LOS K-factor", rays.los.kFactor, "must be non-negative");
        }
    }
}

/**
 * Phasor matrix exp(j 2 pi rate_i x_j), shape (rates.size(), values.size()). Evenly
 * spaced values use column_j = column_{j-1} .* exp(j 2 pi rate step), re-seeded by a
 * direct evaluation every kRecurrenceReseed columns. Computed in double, returned in float.
 */
Eigen::MatrixXcf
Phasors(const Eigen::VectorXd& rates,
        const std::vector<double>& values,
        const std::string& what,
        const std::string& unit)
{
    const std::size_t numValues = values.size();
    for (double x : values)
    {
        CheckFinite(what, x, unit);
    }
    Eigen::MatrixXcd phasors(rates.size(), numValues);
    const auto direct = [&](std::size_t j) {
        // std::polar: one sincos per entry, where Eigen's cos() and sin() take two calls.
        for (Eigen::Index i = 0; i < rates.size(); ++i)
        {
            phasors(i, j) = std::polar(1.0, kTwoPi * values[j] * rates[i]);
        }
    };
    bool evenlySpaced = numValues >= 3;
    const double step = evenlySpaced ? (values.back() - values.front()) / (numValues - 1) : 0.0;
    for (std::size_t j = 1; evenlySpaced && j < numValues; ++j)
    {
        const double expected = values.front() + j * step;
        evenlySpaced = std::abs(values[j] - expected) <=
                       1e-9 * std::max(std::abs(step), std::numeric_limits<double>::min());
    }
    if (!evenlySpaced)
    {
        for (std::size_t j = 0; j < numValues; ++j)
        {
            direct(j);
        }
        return phasors.cast<std::complex<float>>();
    }
    const Eigen::ArrayXd stepPhase = kTwoPi * step * rates.array();
    Eigen::ArrayXcd stepPhasor(rates.size());
    stepPhasor.real() = stepPhase.cos();
    stepPhasor.imag() = stepPhase.sin();
    for (std::size_t j = 0; j < numValues; ++j)
    {
        if (j % kRecurrenceReseed == 0)
        {
            direct(j);
        }
        else
        {
            phasors.col(j) = (phasors.col(j - 1).array() * stepPhasor).matrix();
        }
    }
    return phasors.cast<std::complex<float>>();
}

/// 38.901 eq. 7.5-28 polarisation matrix of a ray (downlink).
Eigen::Matrix2cd
PolarisationMatrix(const Ray& ray)
{
    const double cross = 1 / std::sqrt(ray.xpr); // 0 for an infinite XPR
    Eigen::Matrix2cd x;
    x << std::polar(1.0, ray.phaseThetaTheta), std::polar(cross, ray.phaseThetaPhi),
        std::polar(cross, ray.phasePhiTheta), std::polar(1.0, ray.phasePhiPhi);
    return x;
}

/// a * b without the C99 Annex G infinity recovery of std::complex's operator* (the
/// operands here are finite), which keeps the per-port loop free of library calls.
std::complex<float>
Multiply(std::complex<float> a, std::complex<float> b)
{
    return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

/**
 * Response of one array to one ray, factored: port p = pol * E + e responds with
 * patterns[pol] * elementPhase[e]. The ports of both polarisations share an element
 * position, and the elements form the grid m * rowStep + n * columnStep, so the array
 * phase of element (m, n) is rowPhasor^m * columnPhasor^n: two sin/cos per ray instead of
 * one per port.
 */
class ArrayResponse
{
  public:
    explicit ArrayResponse(const AntennaArray& array)
        : elementPhase(array.GetNumElements()),
          m_array(array),
          m_rows(array.GetConfig().numRows),
          m_columns(array.GetConfig().numColumns),
          m_rowStep(m_rows > 1 ? array.GetPortPosition(m_columns) : Eigen::Vector3d::Zero()),
          m_columnStep(m_columns > 1 ? array.GetPortPosition(1) : Eigen::Vector3d::Zero())
    {
    }

    void Evaluate(const Direction& direction)
    {
        m_array.GetPolarisationFieldPatterns(direction, patterns);
        const Eigen::Vector3d unit = direction.Unit();
        const auto stepPhasor = [&unit](std::size_t count, const Eigen::Vector3d& step) {
            return count > 1 ? std::polar(1.0, kTwoPi * unit.dot(step)) : std::complex<double>(1.0);
        };
        const std::complex<double> rowPhasor = stepPhasor(m_rows, m_rowStep);
        const std::complex<double> columnPhasor = stepPhasor(m_columns, m_columnStep);
        std::complex<double> rowPhase = 1.0;
        for (std::size_t m = 0; m < m_rows; ++m, rowPhase *= rowPhasor)
        {
            std::complex<double> phase = rowPhase;
            for (std::size_t n = 0; n < m_columns; ++n, phase *= columnPhasor)
            {
                elementPhase[m * m_columns + n] = std::complex<float>(phase);
            }
        }
    }

    FieldPattern patterns[2];                      //!< per polarisation
    std::vector<std::complex<float>> elementPhase; //!< (E) e^{j 2 pi r.d_e}

  private:
    const AntennaArray& m_array;
    std::size_t m_rows;
    std::size_t m_columns;
    Eigen::Vector3d m_rowStep;
    Eigen::Vector3d m_columnStep;
};

} // namespace

RayChannel::RayChannel(const RaySet& rays,
                       const AntennaArray& bsArray,
                       const AntennaArray& ueArray,
                       const Vector& ueVelocityMps)
{
    ValidateRaySet(rays);
    CheckFinite("UE velocity x", ueVelocityMps.x, "m/s");
    CheckFinite("UE velocity y", ueVelocityMps.y, "m/s");
    CheckFinite("UE velocity z", ueVelocityMps.z, "m/s");
    m_carrierFrequencyHz = rays.carrierFrequencyHz;

    // Eq. 7.5-30 weights; K = +inf leaves the LOS path alone.
    double nlosWeight = 1;
    double losWeight = 0;
    if (rays.los.present)
    {
        const double k = rays.los.kFactor;
        nlosWeight = std::isinf(k) ? 0.0 : std::sqrt(1 / (k + 1));
        losWeight = std::isinf(k) ? 1.0 : std::sqrt(k / (k + 1));
    }
    std::size_t numRays = rays.los.present ? 1 : 0;
    for (const Cluster& cluster : rays.clusters)
    {
        numRays += cluster.rays.size();
    }
    m_rays.reserve(numRays);
    std::vector<double> pathDelays;
    for (const Cluster& cluster : rays.clusters)
    {
        m_pathFirstRay.push_back(m_rays.size());
        pathDelays.push_back(cluster.delayS);
        const double amplitude = nlosWeight * std::sqrt(cluster.power / cluster.rays.size());
        for (const Ray& ray : cluster.rays)
        {
            m_rays.push_back({Direction(ray.zoaRad, ray.aoaRad),
                              Direction(ray.zodRad, ray.aodRad),
                              PolarisationMatrix(ray),
                              amplitude});
        }
    }
    if (rays.los.present)
    {
        m_pathFirstRay.push_back(m_rays.size());
        pathDelays.push_back(rays.los.delayS);
        Eigen::Matrix2cd x = Eigen::Matrix2cd::Zero(); // eq. 7.5-29
        x(0, 0) = 1;
        x(1, 1) = -1;
        const LosPath& los = rays.los;
        m_rays.push_back(
            {Direction(los.zoaRad, los.aoaRad), Direction(los.zodRad, los.aodRad), x, losWeight});
    }
    m_pathFirstRay.push_back(m_rays.size());
    m_pathDelayS = Eigen::Map<const Eigen::VectorXd>(pathDelays.data(), pathDelays.size());

    // Eq. 7.5-25: nu = r_rx . v / lambda, r_rx the UE-side direction of the ray.
    const double wavelengthM = kSpeedOfLightMps / m_carrierFrequencyHz;
    const Eigen::Vector3d velocity(ueVelocityMps.x, ueVelocityMps.y, ueVelocityMps.z);
    m_rayDopplerHz.resize(m_rays.size());
    for (std::size_t j = 0; j < m_rays.size(); ++j)
    {
        m_rayDopplerHz[j] = m_rays[j].ue.Unit().dot(velocity) / wavelengthM;
    }
    BuildDownlink(bsArray, ueArray);
    NS_LOG_DEBUG(rays.clusters.size()
                 << " clusters, " << m_rays.size() << " rays, " << bsArray.GetNumPorts()
                 << " BS ports, " << ueArray.GetNumPorts() << " UE ports");
}

void
RayChannel::BuildDownlink(const AntennaArray& bs, const AntennaArray& ue)
{
    m_numUePorts = ue.GetNumPorts();
    m_numBsPorts = bs.GetNumPorts();
    m_amplitudes.resize(m_numUePorts * m_numBsPorts, m_rays.size());
    const std::size_t numUeElements = ue.GetNumElements();
    const std::size_t numBsElements = bs.GetNumElements();
    const std::size_t numUePols = ue.GetNumPolarisations();
    const std::size_t numBsPols = bs.GetNumPolarisations();
    ArrayResponse ueResponse(ue);
    ArrayResponse bsResponse(bs);
    for (std::size_t j = 0; j < m_rays.size(); ++j)
    {
        const RayTerm& ray = m_rays[j];
        ueResponse.Evaluate(ray.ue);
        bsResponse.Evaluate(ray.bs);
        // Per polarisation pair: amplitude F_ue^T X F_bs, without the array phases.
        std::complex<double> polarised[2][2];
        for (std::size_t pu = 0; pu < numUePols; ++pu)
        {
            const FieldPattern& fu = ueResponse.patterns[pu];
            for (std::size_t pb = 0; pb < numBsPols; ++pb)
            {
                const FieldPattern& fb = bsResponse.patterns[pb];
                const Eigen::Matrix2cd& x = ray.polarisation;
                polarised[pu][pb] =
                    ray.amplitude * (fu.theta * (x(0, 0) * fb.theta + x(0, 1) * fb.phi) +
                                     fu.phi * (x(1, 0) * fb.theta + x(1, 1) * fb.phi));
            }
        }
        // Pair (r, s) at row r * numBsPorts + s: polarised times both array phases.
        std::complex<float>* column = m_amplitudes.col(j).data();
        for (std::size_t r = 0; r < m_numUePorts; ++r)
        {
            const std::complex<double> uePhase = ueResponse.elementPhase[r % numUeElements];
            for (std::size_t pb = 0; pb < numBsPols; ++pb)
            {
                const std::complex<float> rowFactor(polarised[r / numUeElements][pb] * uePhase);
                std::complex<float>* out = column + r * m_numBsPorts + pb * numBsElements;
                for (std::size_t e = 0; e < numBsElements; ++e)
                {
                    out[e] = Multiply(rowFactor, bsResponse.elementPhase[e]);
                }
            }
        }
    }
}

std::size_t
RayChannel::GetNumBsPorts() const
{
    return m_numBsPorts;
}

std::size_t
RayChannel::GetNumUePorts() const
{
    return m_numUePorts;
}

double
RayChannel::GetCarrierFrequencyHz() const
{
    return m_carrierFrequencyHz;
}

const Eigen::VectorXd&
RayChannel::GetRayDopplerHz() const
{
    return m_rayDopplerHz;
}

CsiTensor
RayChannel::GetDownlinkResponse(const std::vector<double>& timesS,
                                const std::vector<double>& subcarrierOffsetsHz) const
{
    return Evaluate(false, timesS, subcarrierOffsetsHz);
}

CsiTensor
RayChannel::GetUplinkResponse(const std::vector<double>& timesS,
                              const std::vector<double>& subcarrierOffsetsHz) const
{
    return Evaluate(true, timesS, subcarrierOffsetsHz);
}

CsiTensor
RayChannel::Evaluate(bool uplink,
                     const std::vector<double>& timesS,
                     const std::vector<double>& subcarrierOffsetsHz) const
{
    const std::size_t numTimes = timesS.size();
    const std::size_t numSubcarriers = subcarrierOffsetsHz.size();
    const std::size_t numPairs = m_numUePorts * m_numBsPorts;
    const std::size_t numPaths = m_pathDelayS.size();
    // (numRays, T) Doppler phasors and (numPaths, K) delay phasors.
    const Eigen::MatrixXcf doppler = Phasors(m_rayDopplerHz, timesS, "sample time", "s");
    const Eigen::MatrixXcf delay =
        Phasors(-m_pathDelayS, subcarrierOffsetsHz, "subcarrier offset", "Hz");
    CsiTensor csi = uplink ? CsiTensor(numTimes, numSubcarriers, m_numBsPorts, m_numUePorts)
                           : CsiTensor(numTimes, numSubcarriers, m_numUePorts, m_numBsPorts);
    // Per sample time (small buffers that stay in cache): (P, numPaths) path coefficients
    // sum_m a_m e^{j 2 pi nu_m t}, then (P, numPaths) x (numPaths, K) -> (P, K), which is
    // H[t] in the tensor's layout (pair index fastest).
    Eigen::MatrixXcf pathCoefficients(numPairs, numPaths);
    // Uplink: each path's pairs, a row-major (numUePorts, numBsPorts) matrix, transposed.
    Eigen::MatrixXcf uplinkCoefficients(uplink ? numPairs : 0, numPaths);
    using RowMajorPairs =
        Eigen::Matrix<std::complex<float>, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    for (std::size_t t = 0; t < numTimes; ++t)
    {
        for (std::size_t n = 0; n < numPaths; ++n)
        {
            const std::size_t first = m_pathFirstRay[n];
            const std::size_t count = m_pathFirstRay[n + 1] - first;
            pathCoefficients.col(n).noalias() =
                m_amplitudes.middleCols(first, count) * doppler.col(t).segment(first, count);
            if (uplink)
            {
                Eigen::Map<RowMajorPairs>(uplinkCoefficients.col(n).data(),
                                          m_numBsPorts,
                                          m_numUePorts) =
                    Eigen::Map<const RowMajorPairs>(pathCoefficients.col(n).data(),
                                                    m_numUePorts,
                                                    m_numBsPorts)
                        .transpose();
            }
        }
        Eigen::Map<Eigen::MatrixXcf>(csi.GetData().data() + csi.Offset(t, 0, 0, 0),
                                     numPairs,
                                     numSubcarriers)
            .noalias() = (uplink ? uplinkCoefficients : pathCoefficients) * delay;
    }
    return csi;
}

void
RedrawPhases(RaySet& rays, Ptr<UniformRandomVariable> uniform)
{
    for (Cluster& cluster : rays.clusters)
    {
        for (Ray& ray : cluster.rays)
        {
            ray.phaseThetaTheta = uniform->GetValue(-M_PI, M_PI);
            ray.phaseThetaPhi = uniform->GetValue(-M_PI, M_PI);
            ray.phasePhiTheta = uniform->GetValue(-M_PI, M_PI);
            ray.phasePhiPhi = uniform->GetValue(-M_PI, M_PI);
        }
    }
}

} // namespace ns3
