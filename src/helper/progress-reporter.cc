#include "progress-reporter.h"

#include "ns3/simulator.h"

#include <spdlog/spdlog.h>

namespace ns3
{

ProgressReporter::ProgressReporter(Time stopTime, Time checkInterval, double printPeriodS)
    : m_stopTime(stopTime),
      m_checkInterval(checkInterval),
      m_printPeriodS(printPeriodS)
{
}

ProgressReporter::~ProgressReporter()
{
    m_event.Cancel();
}

void
ProgressReporter::Start()
{
    m_wallStart = std::chrono::steady_clock::now();
    m_lastPrint = m_wallStart;
    m_event = Simulator::Schedule(m_checkInterval, &ProgressReporter::Check, this);
}

void
ProgressReporter::Check()
{
    auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - m_lastPrint).count() >= m_printPeriodS)
    {
        m_lastPrint = now;
        double wallS = std::chrono::duration<double>(now - m_wallStart).count();
        double simS = Simulator::Now().GetSeconds();
        double rate = simS / wallS;
        double etaS = (m_stopTime.GetSeconds() - simS) / rate;
        spdlog::info("simulated {:.3f} / {:.3f} s ({:.0f}%), {:.3g} simulated s per wall s, "
                     "ETA {:.0f} s",
                     simS,
                     m_stopTime.GetSeconds(),
                     100.0 * simS / m_stopTime.GetSeconds(),
                     rate,
                     etaS);
    }
    if (Simulator::Now() + m_checkInterval < m_stopTime)
    {
        m_event = Simulator::Schedule(m_checkInterval, &ProgressReporter::Check, this);
    }
}

} // namespace ns3
