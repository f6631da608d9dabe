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
        const Eigen::ArrayXd phase = kTwoPi * values[j] * rates.array();
        phasors.col(j).real() = phase.cos().matrix();
        phasors.col(j).imag() = phase.sin().matrix();
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
    std::vector<double> pathDelays;
    for (const Cluster& cluster : rays.clusters)
    {
        m_pathFirstRay.push_back(m_rays.size());
        pathDelays.push_back(cluster.delayS);
        const double amplitude = nlosWeight * std::sqrt(cluster.power / cluster.rays.size());
        for (const Ray& ray : cluster.rays)
        {
            m_rays.push_back({ray.zoaRad,
                              ray.aoaRad,
                              ray.zodRad,
                              ray.aodRad,
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
        m_rays.push_back({los.zoaRad, los.aoaRad, los.zodRad, los.aodRad, x, losWeight});
    }
    m_pathFirstRay.push_back(m_rays.size());
    m_pathDelayS = Eigen::Map<const Eigen::VectorXd>(pathDelays.data(), pathDelays.size());

    // Eq. 7.5-25: nu = r_rx . v / lambda, r_rx the UE-side direction of the ray.
    const double wavelengthM = kSpeedOfLightMps / m_carrierFrequencyHz;
    const Eigen::Vector3d velocity(ueVelocityMps.x, ueVelocityMps.y, ueVelocityMps.z);
    m_rayDopplerHz.resize(m_rays.size());
    for (std::size_t j = 0; j < m_rays.size(); ++j)
    {
        m_rayDopplerHz[j] =
            SphericalUnitVector(m_rays[j].ueThetaRad, m_rays[j].uePhiRad).dot(velocity) /
            wavelengthM;
    }
    m_downlink = BuildDownlink(bsArray, ueArray);
    m_uplink = Reverse(m_downlink);
    NS_LOG_DEBUG(rays.clusters.size()
                 << " clusters, " << m_rays.size() << " rays, " << bsArray.GetNumPorts()
                 << " BS ports, " << ueArray.GetNumPorts() << " UE ports");
}

RayChannel::Link
RayChannel::BuildDownlink(const AntennaArray& bs, const AntennaArray& ue) const
{
    Link link;
    link.numRx = ue.GetNumPorts();
    link.numTx = bs.GetNumPorts();
    link.amplitudes.resize(link.numRx * link.numTx, m_rays.size());
    // Per-port factors of one ray: (2, numPorts) columns F_p e^{j 2 pi r.d_p}.
    Eigen::MatrixXcd ueFactors(2, link.numRx);
    Eigen::MatrixXcd bsFactors(2, link.numTx);
    Eigen::MatrixXcd weightedUe(2, link.numRx);
    std::vector<std::complex<double>> elementPhase;
    // The ports of both polarisations share an element position (port p sits at element
    // p mod numElements), and the elements form the grid m * rowStep + n * columnStep, so
    // the array phase of element (m, n) is rowPhasor^m * columnPhasor^n: two sin/cos per
    // ray instead of one per port.
    const auto portFactors = [&elementPhase](const AntennaArray& array,
                                             double thetaRad,
                                             double phiRad,
                                             Eigen::MatrixXcd& factors) {
        const Eigen::Vector3d direction = SphericalUnitVector(thetaRad, phiRad);
        FieldPattern patterns[2];
        array.GetPolarisationFieldPatterns(thetaRad, phiRad, patterns);
        const std::size_t rows = array.GetConfig().numRows;
        const std::size_t columns = array.GetConfig().numColumns;
        const Eigen::Vector3d rowStep =
            rows > 1 ? array.GetPortPosition(columns) : Eigen::Vector3d::Zero();
        const Eigen::Vector3d columnStep =
            columns > 1 ? array.GetPortPosition(1) : Eigen::Vector3d::Zero();
        const std::complex<double> rowPhasor = std::polar(1.0, kTwoPi * direction.dot(rowStep));
        const std::complex<double> columnPhasor =
            std::polar(1.0, kTwoPi * direction.dot(columnStep));
        elementPhase.resize(rows * columns);
        std::complex<double> rowPhase = 1.0;
        for (std::size_t m = 0; m < rows; ++m, rowPhase *= rowPhasor)
        {
            std::complex<double> phase = rowPhase;
            for (std::size_t n = 0; n < columns; ++n, phase *= columnPhasor)
            {
                elementPhase[m * columns + n] = phase;
            }
        }
        for (std::size_t p = 0; p < array.GetNumPorts(); ++p)
        {
            const FieldPattern& f = patterns[array.GetPortPolarisation(p)];
            const std::complex<double>& phase = elementPhase[p % elementPhase.size()];
            factors(0, p) = f.theta * phase;
            factors(1, p) = f.phi * phase;
        }
    };
    for (std::size_t j = 0; j < m_rays.size(); ++j)
    {
        const RayTerm& ray = m_rays[j];
        portFactors(ue, ray.ueThetaRad, ray.uePhiRad, ueFactors);
        portFactors(bs, ray.bsThetaRad, ray.bsPhiRad, bsFactors);
        // X^T F_r scaled: pair (r, s) is (X^T F_r) . F_s = F_r^T X F_s.
        weightedUe.noalias() = ray.amplitude * ray.polarisation.transpose() * ueFactors;
        // Pair index r * numTx + s; written out because Eigen's product dispatch costs
        // more than the 2-term sums of these tiny dynamic-size matrices.
        std::complex<float>* column = link.amplitudes.col(j).data();
        for (std::size_t r = 0; r < link.numRx; ++r)
        {
            for (std::size_t s = 0; s < link.numTx; ++s)
            {
                column[r * link.numTx + s] = std::complex<float>(
                    bsFactors(0, s) * weightedUe(0, r) + bsFactors(1, s) * weightedUe(1, r));
            }
        }
    }
    return link;
}

RayChannel::Link
RayChannel::Reverse(const Link& link)
{
    Link reverse;
    reverse.numRx = link.numTx;
    reverse.numTx = link.numRx;
    reverse.amplitudes.resize(link.amplitudes.rows(), link.amplitudes.cols());
    for (std::size_t r = 0; r < link.numRx; ++r)
    {
        for (std::size_t s = 0; s < link.numTx; ++s)
        {
            reverse.amplitudes.row(s * link.numRx + r) = link.amplitudes.row(r * link.numTx + s);
        }
    }
    return reverse;
}

std::size_t
RayChannel::GetNumBsPorts() const
{
    return m_downlink.numTx;
}

std::size_t
RayChannel::GetNumUePorts() const
{
    return m_downlink.numRx;
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
    return Evaluate(m_downlink, timesS, subcarrierOffsetsHz);
}

CsiTensor
RayChannel::GetUplinkResponse(const std::vector<double>& timesS,
                              const std::vector<double>& subcarrierOffsetsHz) const
{
    return Evaluate(m_uplink, timesS, subcarrierOffsetsHz);
}

CsiTensor
RayChannel::Evaluate(const Link& link,
                     const std::vector<double>& timesS,
                     const std::vector<double>& subcarrierOffsetsHz) const
{
    const std::size_t numTimes = timesS.size();
    const std::size_t numSubcarriers = subcarrierOffsetsHz.size();
    const std::size_t numPairs = link.numRx * link.numTx;
    const std::size_t numPaths = m_pathDelayS.size();
    // (numRays, T) Doppler phasors and (numPaths, K) delay phasors.
    const Eigen::MatrixXcf doppler = Phasors(m_rayDopplerHz, timesS, "sample time", "s");
    const Eigen::MatrixXcf delay =
        Phasors(-m_pathDelayS, subcarrierOffsetsHz, "subcarrier offset", "Hz");
    CsiTensor csi(numTimes, numSubcarriers, link.numRx, link.numTx);
    // Per sample time (small buffers that stay in cache): (P, numPaths) path coefficients
    // sum_m a_m e^{j 2 pi nu_m t}, then (P, numPaths) x (numPaths, K) -> (P, K), which is
    // H[t] in the tensor's layout (pair index fastest).
    Eigen::MatrixXcf pathCoefficients(numPairs, numPaths);
    for (std::size_t t = 0; t < numTimes; ++t)
    {
        for (std::size_t n = 0; n < numPaths; ++n)
        {
            const std::size_t first = m_pathFirstRay[n];
            const std::size_t count = m_pathFirstRay[n + 1] - first;
            pathCoefficients.col(n).noalias() =
                link.amplitudes.middleCols(first, count) * doppler.col(t).segment(first, count);
        }
        Eigen::Map<Eigen::MatrixXcf>(csi.GetData().data() + csi.Offset(t, 0, 0, 0),
                                     numPairs,
                                     numSubcarriers)
            .noalias() = pathCoefficients * delay;
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
