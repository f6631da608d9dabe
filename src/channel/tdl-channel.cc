#include "tdl-channel.h"

#include "channel/invalid-argument.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <complex>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TdlChannel");
NS_OBJECT_ENSURE_REGISTERED(TdlChannel);

namespace
{

constexpr double kTwoPi = 2 * M_PI;

double
DbToLinear(double db)
{
    return std::pow(10.0, db / 10.0);
}

} // namespace

TypeId
TdlChannel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::TdlChannel")
            .SetParent<Object>()
            .AddConstructor<TdlChannel>()
            .AddAttribute("Model",
                          "TDL model of TR 38.901 sec. 7.7.2: TDL-A, TDL-B, TDL-C (NLOS), "
                          "TDL-D, TDL-E (LOS).",
                          StringValue("TDL-A"),
                          MakeStringAccessor(&TdlChannel::SetModelName, &TdlChannel::GetModelName),
                          MakeStringChecker())
            .AddAttribute(
                "DelaySpreadS",
                "Desired rms delay spread DS (s); tap delays are the normalised "
                "delays times DS (TR 38.901 sec. 7.7.3).",
                DoubleValue(100e-9),
                MakeDoubleAccessor(&TdlChannel::SetDelaySpreadS, &TdlChannel::GetDelaySpreadS),
                MakeDoubleChecker<double>())
            .AddAttribute(
                "MaxDopplerHz",
                "Maximum Doppler shift f_D = v f_c / c (Hz) of the UE speed v at "
                "carrier f_c.",
                DoubleValue(0.0),
                MakeDoubleAccessor(&TdlChannel::SetMaxDopplerHz, &TdlChannel::GetMaxDopplerHz),
                MakeDoubleChecker<double>())
            .AddAttribute("LosAngleRad",
                          "Angle theta_LOS between the UE velocity and the LOS path (rad); "
                          "the LOS path of TDL-D/E has Doppler f_D cos(theta_LOS).",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&TdlChannel::m_losAngleRad),
                          MakeDoubleChecker<double>())
            .AddAttribute(
                "NumRaysPerTap",
                "Number of sinusoids (rays) summed per Rayleigh tap and antenna pair.",
                UintegerValue(20),
                MakeUintegerAccessor(&TdlChannel::SetNumRaysPerTap, &TdlChannel::GetNumRaysPerTap),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "NumRxAntennas",
                "Number of receive antennas (i.i.d. fading across antennas).",
                UintegerValue(1),
                MakeUintegerAccessor(&TdlChannel::SetNumRxAntennas, &TdlChannel::GetNumRxAntennas),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute(
                "NumTxAntennas",
                "Number of transmit antennas (i.i.d. fading across antennas).",
                UintegerValue(1),
                MakeUintegerAccessor(&TdlChannel::SetNumTxAntennas, &TdlChannel::GetNumTxAntennas),
                MakeUintegerChecker<uint32_t>());
    return tid;
}

TdlChannel::TdlChannel()
    : m_uniform(CreateObject<UniformRandomVariable>())
{
    m_uniform->SetAttribute("Min", DoubleValue(0.0));
    m_uniform->SetAttribute("Max", DoubleValue(kTwoPi));
}

TdlChannel::~TdlChannel() = default;

void
TdlChannel::SetModelName(const std::string& name)
{
    m_model = TdlModelFromName(name);
    Invalidate();
}

std::string
TdlChannel::GetModelName() const
{
    return GetTdlTable(m_model).name;
}

double
TdlChannel::GetDelaySpreadS() const
{
    return m_delaySpreadS;
}

double
TdlChannel::GetMaxDopplerHz() const
{
    return m_maxDopplerHz;
}

uint32_t
TdlChannel::GetNumRaysPerTap() const
{
    return m_numRays;
}

uint32_t
TdlChannel::GetNumRxAntennas() const
{
    return m_numRx;
}

uint32_t
TdlChannel::GetNumTxAntennas() const
{
    return m_numTx;
}

void
TdlChannel::SetDelaySpreadS(double delaySpreadS)
{
    if (!(delaySpreadS >= 0) || !std::isfinite(delaySpreadS))
    {
        ThrowInvalidArgument("delay spread", delaySpreadS, "s must be finite and non-negative");
    }
    m_delaySpreadS = delaySpreadS;
    Invalidate();
}

void
TdlChannel::SetMaxDopplerHz(double maxDopplerHz)
{
    if (!(maxDopplerHz >= 0) || !std::isfinite(maxDopplerHz))
    {
        ThrowInvalidArgument("maximum Doppler", maxDopplerHz, "Hz must be finite and non-negative");
    }
    m_maxDopplerHz = maxDopplerHz;
    Invalidate();
}

void
TdlChannel::SetNumRaysPerTap(uint32_t numRays)
{
    if (numRays == 0)
    {
        ThrowInvalidArgument("number of rays per tap", numRays, "must be at least 1");
    }
    m_numRays = numRays;
    Invalidate();
}

void
TdlChannel::SetNumRxAntennas(uint32_t numRx)
{
    if (numRx == 0)
    {
        ThrowInvalidArgument("number of receive antennas", numRx, "must be at least 1");
    }
    m_numRx = numRx;
    Invalidate();
}

void
TdlChannel::SetNumTxAntennas(uint32_t numTx)
{
    if (numTx == 0)
    {
        ThrowInvalidArgument("number of transmit antennas", numTx, "must be at least 1");
    }
    m_numTx = numTx;
    Invalidate();
}

void
TdlChannel::Invalidate()
{
    m_valid = false;
}

const std::vector<TdlChannel::Tap>&
TdlChannel::GetTaps()
{
    EnsureRealisation();
    return m_taps;
}

void
TdlChannel::EnsureRealisation()
{
    if (m_valid)
    {
        return;
    }
    const TdlTable& table = GetTdlTable(m_model);
    double totalPower = table.hasLos ? DbToLinear(table.losPowerDb) : 0.0;
    for (std::size_t l = 0; l < table.numTaps; ++l)
    {
        totalPower += DbToLinear(table.taps[l].powerDb);
    }
    m_taps.clear();
    for (std::size_t l = 0; l < table.numTaps; ++l)
    {
        m_taps.push_back({table.taps[l].normalisedDelay * m_delaySpreadS,
                          DbToLinear(table.taps[l].powerDb) / totalPower,
                          0.0});
    }
    if (table.hasLos)
    {
        // The spec lists the LOS path at tap 1's delay: it is tap 1's specular part.
        m_taps.front().losPower = DbToLinear(table.losPowerDb) / totalPower;
    }
    m_valid = true;
    DrawRays();
}

void
TdlChannel::Redraw()
{
    if (m_valid)
    {
        DrawRays();
    }
    else
    {
        EnsureRealisation(); // builds the taps for the new attributes, then draws
    }
}

void
TdlChannel::DrawRays()
{
    const std::size_t numPairs = std::size_t(m_numRx) * m_numTx;
    const std::size_t numRays = numPairs * m_taps.size() * m_numRays;
    m_rayDopplerHz.resize(numRays);
    m_rayPhaseRad.resize(numRays);
    for (std::size_t i = 0; i < numRays; ++i)
    {
        m_rayDopplerHz[i] = m_maxDopplerHz * std::cos(m_uniform->GetValue());
        m_rayPhaseRad[i] = m_uniform->GetValue();
    }
    m_losPhaseRad.resize(numPairs);
    for (double& phase : m_losPhaseRad)
    {
        phase = m_uniform->GetValue();
    }
    NS_LOG_DEBUG("drew " << numRays << " rays for " << GetModelName());
}

Eigen::MatrixXcd
TdlChannel::GetTapCoefficients(double timeS)
{
    if (!std::isfinite(timeS))
    {
        ThrowInvalidArgument("sample time", timeS, "s must be finite");
    }
    EnsureRealisation();
    const std::size_t numTaps = m_taps.size();
    const std::size_t numPairs = std::size_t(m_numRx) * m_numTx;
    const double losDopplerHz = m_maxDopplerHz * std::cos(m_losAngleRad);
    Eigen::MatrixXcd coefficients(numTaps, numPairs);
    for (std::size_t p = 0; p < numPairs; ++p)
    {
        for (std::size_t l = 0; l < numTaps; ++l)
        {
            const std::size_t first = (p * numTaps + l) * m_numRays;
            std::complex<double> sum = 0;
            for (std::size_t m = first; m < first + m_numRays; ++m)
            {
                sum += std::polar(1.0, kTwoPi * m_rayDopplerHz[m] * timeS + m_rayPhaseRad[m]);
            }
            std::complex<double> h = std::sqrt(m_taps[l].diffusePower / m_numRays) * sum;
            if (m_taps[l].losPower > 0)
            {
                h += std::polar(std::sqrt(m_taps[l].losPower),
                                kTwoPi * losDopplerHz * timeS + m_losPhaseRad[p]);
            }
            coefficients(l, p) = h;
        }
    }
    return coefficients;
}

CsiTensor
TdlChannel::GetFrequencyResponse(const std::vector<double>& timesS,
                                 const std::vector<double>& subcarrierOffsetsHz)
{
    EnsureRealisation();
    const std::size_t numTaps = m_taps.size();
    const std::size_t numPairs = std::size_t(m_numRx) * m_numTx;
    const std::size_t numSubcarriers = subcarrierOffsetsHz.size();
    // (K, L) delay phasors exp(-j 2 pi f_k tau_l), shared by all sample times.
    Eigen::MatrixXcd phasors(numSubcarriers, numTaps);
    for (std::size_t k = 0; k < numSubcarriers; ++k)
    {
        if (!std::isfinite(subcarrierOffsetsHz[k]))
        {
            ThrowInvalidArgument("subcarrier offset", subcarrierOffsetsHz[k], "Hz must be finite");
        }
        for (std::size_t l = 0; l < numTaps; ++l)
        {
            phasors(k, l) = std::polar(1.0, -kTwoPi * subcarrierOffsetsHz[k] * m_taps[l].delayS);
        }
    }
    CsiTensor csi(timesS.size(), numSubcarriers, m_numRx, m_numTx);
    for (std::size_t t = 0; t < timesS.size(); ++t)
    {
        // (K, L) x (L, P) -> (K, P); pair index p = r * numTx + s matches the tensor's (r, s).
        const Eigen::MatrixXcd response = phasors * GetTapCoefficients(timesS[t]);
        for (std::size_t k = 0; k < numSubcarriers; ++k)
        {
            for (std::size_t p = 0; p < numPairs; ++p)
            {
                csi(t, k, p / m_numTx, p % m_numTx) = CsiTensor::Value(response(k, p));
            }
        }
    }
    return csi;
}

int64_t
TdlChannel::AssignStreams(int64_t stream)
{
    m_uniform->SetStream(stream);
    return 1;
}

} // namespace ns3
