#ifndef EDGE_LAM_PROGRESS_REPORTER_H
#define EDGE_LAM_PROGRESS_REPORTER_H

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <chrono>

namespace ns3
{

/**
 * \ingroup helper
 * Prints the progress of a long run (simulated time reached, simulated seconds per
 * wall-clock second, ETA) through spdlog at most every few wall-clock seconds.
 * It checks the wall clock from a simulation event every CheckInterval of
 * simulated time, so it adds no work between checks.
 */
class ProgressReporter
{
  public:
    /**
     * \param stopTime simulated time at which the run ends
     * \param checkInterval simulated time between wall-clock checks
     * \param printPeriodS minimum wall-clock seconds between two lines
     */
    ProgressReporter(Time stopTime, Time checkInterval, double printPeriodS = 2.0);
    ~ProgressReporter();

    /// Schedules the first check; call before Simulator::Run().
    void Start();

  private:
    void Check();

    Time m_stopTime;
    Time m_checkInterval;
    double m_printPeriodS;
    std::chrono::steady_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_lastPrint;
    EventId m_event;
};

} // namespace ns3

#endif // EDGE_LAM_PROGRESS_REPORTER_H
