#include "ofdma-grid.h"

#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace ns3
{

namespace
{

/// N_RB of TS 38.101-1 Table 5.3.2-1 (FR1) and TS 38.101-2 Table 5.3.2-1 (FR2),
/// keyed by (subcarrier spacing in kHz, channel bandwidth in MHz).
const std::map<std::pair<int, int>, uint32_t>&
MaxTransmissionBandwidthTable()
{
    static const std::map<std::pair<int, int>, uint32_t> table = {
        // FR1, 15 kHz
        {{15, 5}, 25},
        {{15, 10}, 52},
        {{15, 15}, 79},
        {{15, 20}, 106},
        {{15, 25}, 133},
        {{15, 30}, 160},
        {{15, 40}, 216},
        {{15, 50}, 270},
        // FR1, 30 kHz
        {{30, 5}, 11},
        {{30, 10}, 24},
        {{30, 15}, 38},
        {{30, 20}, 51},
        {{30, 25}, 65},
        {{30, 30}, 78},
        {{30, 40}, 106},
        {{30, 50}, 133},
        {{30, 60}, 162},
        {{30, 70}, 189},
        {{30, 80}, 217},
        {{30, 90}, 245},
        {{30, 100}, 273},
        // FR1 (10-100 MHz) and FR2 (50-200 MHz), 60 kHz
        {{60, 10}, 11},
        {{60, 15}, 18},
        {{60, 20}, 24},
        {{60, 25}, 31},
        {{60, 30}, 38},
        {{60, 40}, 51},
        {{60, 50}, 65},
        {{60, 60}, 79},
        {{60, 70}, 93},
        {{60, 80}, 107},
        {{60, 90}, 121},
        {{60, 100}, 135},
        {{60, 200}, 264},
        // FR2, 120 kHz
        {{120, 50}, 32},
        {{120, 100}, 66},
        {{120, 200}, 132},
        {{120, 400}, 264},
    };
    return table;
}

constexpr double kFallbackSpectrumUtilisation = 0.95;

} // namespace

OfdmaGrid::OfdmaGrid(uint8_t numerology, double bandwidthHz)
    : m_numerology(numerology),
      m_bandwidthHz(bandwidthHz),
      m_numPrbs(0),
      m_prbCountFromTable(false)
{
    if (numerology > kMaxNumerology)
    {
        std::ostringstream msg;
        msg << "numerology " << unsigned(numerology) << " is out of range [0, "
            << unsigned(kMaxNumerology) << "] (TS 38.211 sec. 4.2)";
        throw std::invalid_argument(msg.str());
    }
    if (!(bandwidthHz > 0) || !std::isfinite(bandwidthHz))
    {
        std::ostringstream msg;
        msg << "bandwidth " << bandwidthHz << " Hz must be positive";
        throw std::invalid_argument(msg.str());
    }
    const int scsKhz = 15 << numerology;
    const double bandwidthMhz = bandwidthHz / 1e6;
    const auto& table = MaxTransmissionBandwidthTable();
    auto it = table.find({scsKhz, static_cast<int>(std::lround(bandwidthMhz))});
    if (it != table.end() && std::abs(bandwidthMhz - std::round(bandwidthMhz)) < 1e-9)
    {
        m_numPrbs = it->second;
        m_prbCountFromTable = true;
    }
    else
    {
        m_numPrbs = static_cast<uint32_t>(
            std::floor(kFallbackSpectrumUtilisation * bandwidthHz / GetPrbBandwidthHz()));
    }
    if (m_numPrbs == 0)
    {
        std::ostringstream msg;
        msg << "bandwidth " << bandwidthHz << " Hz holds no PRB at numerology "
            << unsigned(numerology) << " (one PRB is " << GetPrbBandwidthHz() << " Hz)";
        throw std::invalid_argument(msg.str());
    }
}

uint8_t
OfdmaGrid::GetNumerology() const
{
    return m_numerology;
}

double
OfdmaGrid::GetBandwidthHz() const
{
    return m_bandwidthHz;
}

double
OfdmaGrid::GetSubcarrierSpacingHz() const
{
    return 15e3 * (1 << m_numerology);
}

double
OfdmaGrid::GetPrbBandwidthHz() const
{
    return kSubcarriersPerPrb * GetSubcarrierSpacingHz();
}

uint32_t
OfdmaGrid::GetNumPrbs() const
{
    return m_numPrbs;
}

uint32_t
OfdmaGrid::GetSlotsPerSecond() const
{
    return 1000u << m_numerology;
}

Time
OfdmaGrid::GetSlotDuration() const
{
    return NanoSeconds(1000000 >> m_numerology); // exact for mu <= 4
}

bool
OfdmaGrid::IsPrbCountFromTable() const
{
    return m_prbCountFromTable;
}

} // namespace ns3
