#include "compute/compute-device.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ComputeDevice");
NS_OBJECT_ENSURE_REGISTERED(ComputeDevice);

namespace
{

constexpr double kBytesPerMiB = 1024.0 * 1024.0;
const char* const kDefaultProfile = "phone";

} // namespace

DeviceOutOfMemoryError::DeviceOutOfMemoryError(const std::string& message, uint64_t shortfallBytes)
    : std::runtime_error(message),
      m_shortfallBytes(shortfallBytes)
{
}

uint64_t
DeviceOutOfMemoryError::GetShortfallBytes() const
{
    return m_shortfallBytes;
}

TypeId
ComputeDevice::GetTypeId()
{
    static const DeviceProfile defaults = DeviceProfile::Get(kDefaultProfile);
    static TypeId tid =
        TypeId("ns3::ComputeDevice")
            .SetParent<Object>()
            .SetGroupName("EdgeLam")
            .AddConstructor<ComputeDevice>()
            .AddAttribute("ProfileName",
                          "Name of the device class, used in messages and traces. Setting it "
                          "does not load a profile (use ComputeHelper::Install or SetProfile).",
                          StringValue(defaults.name),
                          MakeStringAccessor(
                              &ComputeDevice::SetProfileField<std::string, &DeviceProfile::name>,
                              &ComputeDevice::GetProfileField<std::string, &DeviceProfile::name>),
                          MakeStringChecker())
            .AddAttribute(
                "EffectiveFlopsPerSecond",
                "Sustained (not peak) compute rate, FLOP/s; a task of F FLOPs runs F / rate s.",
                DoubleValue(defaults.effectiveFlopsPerS),
                MakeDoubleAccessor(
                    &ComputeDevice::SetProfileField<double, &DeviceProfile::effectiveFlopsPerS>,
                    &ComputeDevice::GetProfileField<double, &DeviceProfile::effectiveFlopsPerS>),
                MakeDoubleChecker<double>(std::numeric_limits<double>::min()))
            .AddAttribute(
                "MemoryBytes",
                "Memory available to model shards (weights, activations, optimizer state), "
                "bytes; an allocation beyond it is an error.",
                UintegerValue(defaults.memoryBytes),
                MakeUintegerAccessor(
                    &ComputeDevice::SetProfileField<uint64_t, &DeviceProfile::memoryBytes>,
                    &ComputeDevice::GetProfileField<uint64_t, &DeviceProfile::memoryBytes>),
                MakeUintegerChecker<uint64_t>())
            .AddAttribute(
                "ActivePowerW",
                "Power drawn by the compute part while a task runs, W.",
                DoubleValue(defaults.activePowerW),
                MakeDoubleAccessor(
                    &ComputeDevice::SetProfileField<double, &DeviceProfile::activePowerW>,
                    &ComputeDevice::GetProfileField<double, &DeviceProfile::activePowerW>),
                MakeDoubleChecker<double>(0.0))
            .AddAttribute("IdlePowerW",
                          "Power drawn by the compute part while no task runs, W.",
                          DoubleValue(defaults.idlePowerW),
                          MakeDoubleAccessor(
                              &ComputeDevice::SetProfileField<double, &DeviceProfile::idlePowerW>,
                              &ComputeDevice::GetProfileField<double, &DeviceProfile::idlePowerW>),
                          MakeDoubleChecker<double>(0.0))
            .AddAttribute(
                "TxPowerDbm",
                "Radio transmit power the radio uses for this node (uplink for a UE), dBm; "
                "23 dBm is UE power class 3 (TS 38.101-1 sec. 6.2.1).",
                DoubleValue(defaults.txPowerDbm),
                MakeDoubleAccessor(
                    &ComputeDevice::SetProfileField<double, &DeviceProfile::txPowerDbm>,
                    &ComputeDevice::GetProfileField<double, &DeviceProfile::txPowerDbm>),
                MakeDoubleChecker<double>())
            .AddTraceSource("TaskStarted",
                            "A task left the queue and started running.",
                            MakeTraceSourceAccessor(&ComputeDevice::m_taskStartedTrace),
                            "ns3::ComputeDevice::TaskStartedTracedCallback")
            .AddTraceSource("TaskFinished",
                            "A task finished running.",
                            MakeTraceSourceAccessor(&ComputeDevice::m_taskFinishedTrace),
                            "ns3::ComputeDevice::TaskFinishedTracedCallback")
            .AddTraceSource("MemoryUsage",
                            "Memory in use changed (allocation or release), bytes.",
                            MakeTraceSourceAccessor(&ComputeDevice::m_memoryUsageTrace),
                            "ns3::ComputeDevice::MemoryUsageTracedCallback")
            .AddTraceSource("RadioEnergy",
                            "Radio energy was added for one transmission, J.",
                            MakeTraceSourceAccessor(&ComputeDevice::m_radioEnergyTrace),
                            "ns3::ComputeDevice::RadioEnergyTracedCallback")
            .AddTraceSource("QueueLength",
                            "Number of tasks waiting behind the running one.",
                            MakeTraceSourceAccessor(&ComputeDevice::m_queueLength),
                            "ns3::TracedValueCallback::Uint32");
    return tid;
}

ComputeDevice::ComputeDevice()
    : m_profile(DeviceProfile::Get(kDefaultProfile)),
      m_memoryUsedBytes(0),
      m_peakMemoryUsedBytes(0),
      m_creationTime(Simulator::Now()),
      m_lastAccrualTime(Simulator::Now()),
      m_computeEnergyJ(0),
      m_radioEnergyJ(0),
      m_queueLength(0)
{
    NS_LOG_FUNCTION(this);
}

ComputeDevice::~ComputeDevice()
{
    NS_LOG_FUNCTION(this);
}

void
ComputeDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    Simulator::Cancel(m_finishEvent);
    m_queue.clear(); // drops the done callbacks, which may hold Ptrs to other objects
    Object::DoDispose();
}

template <typename T, T DeviceProfile::*Field>
void
ComputeDevice::SetProfileField(T value)
{
    DeviceProfile profile = m_profile;
    profile.*Field = value;
    SetProfile(profile);
}

template <typename T, T DeviceProfile::*Field>
T
ComputeDevice::GetProfileField() const
{
    return m_profile.*Field;
}

void
ComputeDevice::SetProfile(const DeviceProfile& profile)
{
    NS_LOG_FUNCTION(this << profile.name);
    profile.Validate();
    if (profile.memoryBytes < m_memoryUsedBytes)
    {
        std::ostringstream msg;
        msg << Describe() << ": memory capacity " << profile.memoryBytes << " bytes of profile '"
            << profile.name << "' is below the " << m_memoryUsedBytes << " bytes in use";
        throw std::invalid_argument(msg.str());
    }
    AccrueEnergy(); // energy so far is at the old powers
    m_profile = profile;
}

DeviceProfile
ComputeDevice::GetProfile() const
{
    return m_profile;
}

std::string
ComputeDevice::Describe() const
{
    std::ostringstream out;
    Ptr<Node> node = GetObject<Node>();
    if (node)
    {
        out << "node " << node->GetId();
    }
    else
    {
        out << "unattached device";
    }
    out << " (profile '" << m_profile.name << "')";
    return out.str();
}

Time
ComputeDevice::GetComputeDuration(double flops) const
{
    if (!(flops >= 0) || !std::isfinite(flops))
    {
        std::ostringstream msg;
        msg << Describe() << ": task of " << flops << " FLOPs; the FLOP count must be finite and "
            << ">= 0";
        throw std::invalid_argument(msg.str());
    }
    const double durationS = flops / m_profile.effectiveFlopsPerS;
    if (durationS > Time::Max().GetSeconds())
    {
        std::ostringstream msg;
        msg << Describe() << ": task of " << flops << " FLOPs would run " << durationS
            << " s, beyond the longest ns-3 Time (" << Time::Max().GetSeconds() << " s)";
        throw std::invalid_argument(msg.str());
    }
    return Seconds(durationS);
}

void
ComputeDevice::Submit(double flops, const std::string& label, Callback<void> done)
{
    NS_LOG_FUNCTION(this << flops << label);
    GetComputeDuration(flops); // validates before anything changes
    AccrueEnergy();
    m_queue.push_back(Task{flops, label, done, Simulator::Now()});
    if (m_queue.size() == 1)
    {
        StartNextTask();
    }
    else
    {
        m_queueLength = m_queue.size() - 1;
    }
}

void
ComputeDevice::StartNextTask()
{
    const Task& task = m_queue.front();
    // The duration is fixed at start: a profile change mid-task affects the next task only.
    const Time duration = GetComputeDuration(task.flops);
    m_runningStartTime = Simulator::Now();
    m_queueLength = m_queue.size() - 1;
    NS_LOG_DEBUG(Describe() << " starts '" << task.label << "' for " << duration.As(Time::MS));
    m_finishEvent = Simulator::Schedule(duration, &ComputeDevice::FinishTask, this);
    m_taskStartedTrace(task.label, task.flops, m_runningStartTime - task.submitTime);
}

void
ComputeDevice::FinishTask()
{
    AccrueEnergy();
    Task task = std::move(m_queue.front());
    m_queue.pop_front();
    const Time duration = Simulator::Now() - m_runningStartTime;
    NS_LOG_DEBUG(Describe() << " finished '" << task.label << "'");
    m_taskFinishedTrace(task.label, task.flops, m_runningStartTime - task.submitTime, duration);
    // Settle the queue before done(): a Submit() from done() onto an empty queue starts its
    // task itself, which must not be started a second time here.
    if (!m_queue.empty())
    {
        StartNextTask();
    }
    else
    {
        m_queueLength = 0;
    }
    if (!task.done.IsNull())
    {
        task.done();
    }
}

bool
ComputeDevice::IsBusy() const
{
    return !m_queue.empty();
}

uint32_t
ComputeDevice::GetQueueLength() const
{
    return m_queueLength;
}

void
ComputeDevice::AllocateMemory(uint64_t bytes, const std::string& what)
{
    NS_LOG_FUNCTION(this << bytes << what);
    const uint64_t freeBytes = GetMemoryFreeBytes();
    if (bytes > freeBytes)
    {
        const uint64_t shortfallBytes = bytes - freeBytes;
        std::ostringstream msg;
        msg << std::fixed << std::setprecision(1) << Describe() << ": out of memory allocating "
            << bytes << " bytes (" << bytes / kBytesPerMiB << " MiB) for '" << what
            << "': " << m_memoryUsedBytes << " of " << m_profile.memoryBytes
            << " bytes in use, short by " << shortfallBytes << " bytes ("
            << shortfallBytes / kBytesPerMiB << " MiB)";
        throw DeviceOutOfMemoryError(msg.str(), shortfallBytes);
    }
    m_allocations[what] += bytes;
    m_memoryUsedBytes += bytes;
    m_peakMemoryUsedBytes = std::max(m_peakMemoryUsedBytes, m_memoryUsedBytes);
    m_memoryUsageTrace(what, static_cast<int64_t>(bytes), m_memoryUsedBytes);
}

void
ComputeDevice::ReleaseMemory(uint64_t bytes, const std::string& what)
{
    NS_LOG_FUNCTION(this << bytes << what);
    auto it = m_allocations.find(what);
    const uint64_t heldBytes = it == m_allocations.end() ? 0 : it->second;
    if (bytes > heldBytes)
    {
        std::ostringstream msg;
        msg << Describe() << ": cannot release " << bytes << " bytes of '" << what << "', which "
            << "holds " << heldBytes << " bytes";
        throw std::invalid_argument(msg.str());
    }
    if (bytes == heldBytes)
    {
        if (it != m_allocations.end())
        {
            m_allocations.erase(it);
        }
    }
    else
    {
        it->second -= bytes;
    }
    m_memoryUsedBytes -= bytes;
    m_memoryUsageTrace(what, -static_cast<int64_t>(bytes), m_memoryUsedBytes);
}

uint64_t
ComputeDevice::GetMemoryUsedBytes() const
{
    return m_memoryUsedBytes;
}

uint64_t
ComputeDevice::GetMemoryFreeBytes() const
{
    return m_profile.memoryBytes - m_memoryUsedBytes;
}

uint64_t
ComputeDevice::GetPeakMemoryUsedBytes() const
{
    return m_peakMemoryUsedBytes;
}

void
ComputeDevice::AddRadioEnergy(double txPowerW, Time airtime)
{
    NS_LOG_FUNCTION(this << txPowerW << airtime);
    if (!(txPowerW >= 0) || !std::isfinite(txPowerW) || airtime.IsStrictlyNegative())
    {
        std::ostringstream msg;
        msg << Describe() << ": radio energy of " << txPowerW << " W over " << airtime.As(Time::S)
            << "; power must be finite and >= 0, airtime >= 0";
        throw std::invalid_argument(msg.str());
    }
    const double energyJ = txPowerW * airtime.GetSeconds();
    m_radioEnergyJ += energyJ;
    m_radioEnergyTrace(txPowerW, airtime, energyJ);
}

void
ComputeDevice::AccrueEnergy()
{
    const Time now = Simulator::Now();
    const Time elapsed = now - m_lastAccrualTime;
    if (IsBusy())
    {
        m_busyTime += elapsed;
        m_computeEnergyJ += m_profile.activePowerW * elapsed.GetSeconds();
    }
    else
    {
        m_computeEnergyJ += m_profile.idlePowerW * elapsed.GetSeconds();
    }
    m_lastAccrualTime = now;
}

double
ComputeDevice::GetComputeEnergyJ() const
{
    const double powerW = IsBusy() ? m_profile.activePowerW : m_profile.idlePowerW;
    return m_computeEnergyJ + powerW * (Simulator::Now() - m_lastAccrualTime).GetSeconds();
}

double
ComputeDevice::GetRadioEnergyJ() const
{
    return m_radioEnergyJ;
}

double
ComputeDevice::GetTotalEnergyJ() const
{
    return GetComputeEnergyJ() + GetRadioEnergyJ();
}

Time
ComputeDevice::GetBusyTime() const
{
    return IsBusy() ? m_busyTime + (Simulator::Now() - m_lastAccrualTime) : m_busyTime;
}

Time
ComputeDevice::GetIdleTime() const
{
    return Simulator::Now() - m_creationTime - GetBusyTime();
}

} // namespace ns3
