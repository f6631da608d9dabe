#ifndef EDGE_LAM_COMPUTE_DEVICE_H
#define EDGE_LAM_COMPUTE_DEVICE_H

#include "compute/device-profile.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <cstdint>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>

namespace ns3
{

/**
 * \ingroup compute
 * \brief Thrown when an allocation does not fit in a device's memory. The message names the
 * device (node id and profile), what was being allocated, and the shortfall.
 */
class DeviceOutOfMemoryError : public std::runtime_error
{
  public:
    DeviceOutOfMemoryError(const std::string& message, uint64_t shortfallBytes);

    /// \brief Bytes missing for the allocation to fit.
    uint64_t GetShortfallBytes() const;

  private:
    uint64_t m_shortfallBytes;
};

/**
 * \ingroup compute
 * \brief The compute and memory of one edge device or server, aggregated to its ns3::Node.
 *
 * Tasks are FIFO on a single queue: a task of F FLOPs starts when the previous one ends and
 * lasts F / EffectiveFlopsPerSecond seconds of simulated time (rounded to the ns-3 Time
 * resolution). Memory is a capacity that allocations may not exceed; exceeding it throws
 * DeviceOutOfMemoryError. Energy is accounted from the device's creation: active power while
 * a task runs, idle power otherwise, plus radio energy reported by the radio.
 *
 * Not modelled: DVFS, thermal throttling, a memory-bandwidth roofline, concurrent kernels
 * (see docs/compute-model.md for how to add them).
 */
class ComputeDevice : public Object
{
  public:
    /**
     * \brief TracedCallback signature of a task leaving the queue and starting to run.
     * \param label the label given to Submit()
     * \param flops the task's floating-point operations
     * \param queueingDelay time from Submit() to start
     */
    typedef void (*TaskStartedTracedCallback)(const std::string& label,
                                              double flops,
                                              Time queueingDelay);

    /**
     * \brief TracedCallback signature of a finished task.
     * \param label the label given to Submit()
     * \param flops the task's floating-point operations
     * \param queueingDelay time from Submit() to start
     * \param duration time from start to finish (flops / effective rate)
     */
    typedef void (*TaskFinishedTracedCallback)(const std::string& label,
                                               double flops,
                                               Time queueingDelay,
                                               Time duration);

    /**
     * \brief TracedCallback signature of a change of memory in use.
     * \param what the label of the allocation or release
     * \param deltaBytes bytes allocated (> 0) or released (< 0)
     * \param usedBytes bytes in use after the change
     */
    typedef void (*MemoryUsageTracedCallback)(const std::string& what,
                                              int64_t deltaBytes,
                                              uint64_t usedBytes);

    /**
     * \brief TracedCallback signature of radio energy added with AddRadioEnergy().
     * \param txPowerW transmit power, W
     * \param airtime time on air
     * \param energyJ txPowerW * airtime, J
     */
    typedef void (*RadioEnergyTracedCallback)(double txPowerW, Time airtime, double energyJ);

    static TypeId GetTypeId();

    /// Starts with the "phone" profile, idle, no memory in use, energy counted from now.
    ComputeDevice();
    ~ComputeDevice() override;

    /**
     * \brief Replaces every profile field. A running task keeps the duration it started with;
     * energy up to now is accounted with the old powers.
     * \throws std::invalid_argument if a field is invalid or the memory capacity is below the
     *         bytes in use
     */
    void SetProfile(const DeviceProfile& profile);
    DeviceProfile GetProfile() const;

    /// \brief "node <id> (profile '<name>')", or "unattached device" when not aggregated.
    std::string Describe() const;

    /**
     * \brief Queues a task; done() is called when it finishes.
     * \param flops floating-point operations, finite and >= 0
     * \param label names the task in traces and logs
     * \param done called at the finish time (may be null)
     * \throws std::invalid_argument for negative, NaN or infinite flops, or a duration that
     *         does not fit in ns3::Time
     */
    void Submit(double flops, const std::string& label, Callback<void> done);

    /// \brief How long a task of `flops` FLOPs runs on this device once started.
    /// \throws std::invalid_argument as Submit()
    Time GetComputeDuration(double flops) const;

    /// \brief Whether a task is running now.
    bool IsBusy() const;
    /// \brief Tasks waiting behind the running one.
    uint32_t GetQueueLength() const;

    /**
     * \brief Reserves memory; allocations under the same label add up.
     * \throws DeviceOutOfMemoryError when it does not fit; the usage is then unchanged
     */
    void AllocateMemory(uint64_t bytes, const std::string& what);
    /**
     * \brief Returns memory reserved under label `what`.
     * \throws std::invalid_argument when more is released than `what` holds
     */
    void ReleaseMemory(uint64_t bytes, const std::string& what);
    uint64_t GetMemoryUsedBytes() const;
    uint64_t GetMemoryFreeBytes() const;
    /// \brief Highest memory in use since creation.
    uint64_t GetPeakMemoryUsedBytes() const;

    /**
     * \brief Adds the energy of one transmission: txPowerW * airtime.
     * \throws std::invalid_argument for a negative or non-finite power or negative airtime
     */
    void AddRadioEnergy(double txPowerW, Time airtime);

    /// \brief Active power x busy time + idle power x idle time, from creation to now, J.
    double GetComputeEnergyJ() const;
    /// \brief Sum of AddRadioEnergy() contributions, J.
    double GetRadioEnergyJ() const;
    /// \brief Compute plus radio energy, J.
    double GetTotalEnergyJ() const;
    /// \brief Time spent running tasks, from creation to now.
    Time GetBusyTime() const;
    /// \brief Time spent without a task, from creation to now.
    Time GetIdleTime() const;

  protected:
    void DoDispose() override;

  private:
    struct Task
    {
        double flops;
        std::string label;
        Callback<void> done;
        Time submitTime;
    };

    /// Attribute setter for one profile field: validates through SetProfile().
    template <typename T, T DeviceProfile::*Field>
    void SetProfileField(T value);
    template <typename T, T DeviceProfile::*Field>
    T GetProfileField() const;

    /// Moves the energy and busy-time accounting up to now.
    void AccrueEnergy();
    void StartNextTask();
    void FinishTask();

    DeviceProfile m_profile;

    std::deque<Task> m_queue; //!< front() is the running task while m_finishEvent is pending
    EventId m_finishEvent;
    Time m_runningStartTime;

    uint64_t m_memoryUsedBytes;
    uint64_t m_peakMemoryUsedBytes;
    std::map<std::string, uint64_t> m_allocations; //!< bytes held per label

    Time m_creationTime;
    Time m_lastAccrualTime;
    Time m_busyTime;         //!< up to m_lastAccrualTime
    double m_computeEnergyJ; //!< up to m_lastAccrualTime
    double m_radioEnergyJ;

    TracedCallback<const std::string&, double, Time> m_taskStartedTrace;
    TracedCallback<const std::string&, double, Time, Time> m_taskFinishedTrace;
    TracedCallback<const std::string&, int64_t, uint64_t> m_memoryUsageTrace;
    TracedCallback<double, Time, double> m_radioEnergyTrace;
    TracedValue<uint32_t> m_queueLength; //!< waiting tasks, not counting the running one
};

} // namespace ns3

#endif // EDGE_LAM_COMPUTE_DEVICE_H
