#include "training/split-fed-server-app.h"

#include "lam/fused-adam.h"
#include "training/federated-averaging.h"

#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SplitFedServerApp");
NS_OBJECT_ENSURE_REGISTERED(SplitFedServerApp);

TypeId
SplitFedServerApp::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SplitFedServerApp")
            .SetParent<Application>()
            .SetGroupName("Training")
            .AddConstructor<SplitFedServerApp>()
            .AddAttribute("Rounds",
                          "Federated rounds to run.",
                          UintegerValue(10),
                          MakeUintegerAccessor(&SplitFedServerApp::m_rounds),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("RoundDeadline",
                          "Time after its start at which a round is aggregated with the devices "
                          "done by then (stragglers are dropped); 0 waits for every device.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&SplitFedServerApp::m_deadline),
                          MakeTimeChecker(Seconds(0)));
    return tid;
}

void
SplitFedServerApp::Setup(Ptr<SplitFedTransport> transport,
                         std::vector<Ptr<SplitFedDeviceApp>> devices,
                         Ptr<ComputeDevice> serverCompute,
                         Ptr<DeviceSelectionPolicy> policy,
                         GptModel globalModel,
                         CsiPredictionData validation)
{
    m_transport = transport;
    m_devices = std::move(devices);
    m_serverCompute = serverCompute;
    m_policy = policy;
    m_globalModel.emplace(globalModel);
    m_validation = std::move(validation);
    NamedTensors trainable;
    for (const auto& item : globalModel->named_parameters())
    {
        if (item.value().requires_grad())
        {
            trainable.emplace_back(item.key(), item.value());
        }
    }
    m_global = CloneTensors(trainable);
    const SplitFedTrainingConfig& config = m_devices.front()->GetConfig();
    if (config.scheme == TrainingScheme::CENTRAL)
    {
        // The server trains the model on the devices' pooled data.
        const LamConfig& lam = globalModel->GetConfig();
        const ShardSpan whole{true, 0, lam.numLayers, true, false};
        m_centralCost = ComputeShardCost(lam,
                                         config.lora,
                                         whole,
                                         config.batchSize,
                                         m_validation.inputs.size(1));
        serverCompute->AllocateMemory(m_centralCost.TrainingMemoryBytes(), "central model");
        return;
    }
    if (config.scheme != TrainingScheme::SPLIT)
    {
        // Without split the server only keeps the global model.
        serverCompute->AllocateMemory(4 * static_cast<uint64_t>(CountParameters(*globalModel)),
                                      "global model");
        return;
    }
    uint64_t serverBytes = 0;
    for (const Ptr<SplitFedDeviceApp>& device : m_devices)
    {
        const SplitFedTrainingConfig& config = device->GetConfig();
        SplitModel& split = device->GetSplitModel();
        m_bodyCost.push_back(ComputeShardCost(split.GetModel()->GetConfig(),
                                              config.lora,
                                              split.BodySpan(),
                                              config.batchSize,
                                              m_validation.inputs.size(1)));
        // One server-side replica of the trainable tensors (and their Adam state) per
        // device, the frozen body once.
        serverBytes +=
            m_bodyCost.back().TrainingMemoryBytes() -
            4 * static_cast<uint64_t>(m_bodyCost.back().parameters - m_bodyCost.back().trainable);
    }
    serverBytes +=
        4 * static_cast<uint64_t>(m_bodyCost.front().parameters - m_bodyCost.front().trainable);
    serverCompute->AllocateMemory(serverBytes, "server shards");
}

void
SplitFedServerApp::SetRoundCallback(RoundCallback callback)
{
    m_roundCallback = std::move(callback);
}

void
SplitFedServerApp::SetDifferentialPrivacy(Ptr<DpFederatedAveraging> dp, uint64_t seed)
{
    m_dp = dp;
    m_dpSeed = seed;
}

void
SplitFedServerApp::SetReplayRounds(uint64_t rounds, ReplayedKpis learningKpis)
{
    m_replayRounds = rounds;
    m_replayedKpis = std::move(learningKpis);
}

double
SplitFedServerApp::Validate()
{
    torch::NoGradGuard noGrad;
    auto nmseDb = [this](GptModel model) {
        torch::Tensor output = model->forward(m_validation.inputs); // (N, tokens, features)
        return NextStepNmseDb(PredictNextSnapshot(m_validation, output), m_validation);
    };
    if (m_devices.front()->GetConfig().scheme != TrainingScheme::LOCAL)
    {
        return nmseDb(*m_globalModel);
    }
    // Local training: each device's own model, mean NMSE in linear units.
    double sum = 0;
    for (const Ptr<SplitFedDeviceApp>& device : m_devices)
    {
        sum += std::pow(10.0, nmseDb(device->GetSplitModel().GetModel()) / 10.0);
    }
    return 10.0 * std::log10(sum / m_devices.size());
}

void
SplitFedServerApp::StartApplication()
{
    StartRound();
}

void
SplitFedServerApp::StopApplication()
{
    m_roundOpen = false;
    Simulator::Cancel(m_deadlineEvent);
}

void
SplitFedServerApp::StartRound()
{
    m_kpi = SplitFedRoundKpi();
    m_kpi.round = m_round;
    const bool replay = m_round < m_replayRounds;
    for (const Ptr<SplitFedDeviceApp>& device : m_devices)
    {
        device->SetReplay(replay);
    }
    const SplitFedTrainingConfig& config = m_devices.front()->GetConfig();
    if (config.scheme == TrainingScheme::CENTRAL && !replay)
    {
        std::vector<torch::Tensor> trainable;
        for (const torch::Tensor& parameter : (*m_globalModel)->parameters())
        {
            if (parameter.requires_grad())
            {
                trainable.push_back(parameter);
            }
        }
        m_centralOptimizer =
            std::make_unique<FusedAdam>(trainable, torch::optim::AdamOptions(config.learningRate));
    }
    m_kpi.start = Simulator::Now();
    m_active.clear();
    m_uploads.clear();
    m_uploadWeights.clear();
    m_uploadLosses.clear();
    m_energyAtStart.clear();

    std::vector<DeviceRoundEstimate> estimates;
    for (uint32_t k = 0; k < m_devices.size(); ++k)
    {
        const Ptr<SplitFedDeviceApp>& device = m_devices[k];
        const int64_t steps = device->GetConfig().localSteps;
        const double modelBits = 8.0 * device->GetDeviceModelBytes();
        const double deviceTimeS = steps * device->GetStepComputeTime().GetSeconds();
        const double serverTimeS =
            m_bodyCost.empty() ? 0.0
                               : steps * m_serverCompute
                                             ->GetComputeDuration(m_bodyCost[k].forwardFlops +
                                                                  m_bodyCost[k].backwardFlops)
                                             .GetSeconds();
        DeviceRoundEstimate estimate;
        estimate.device = k;
        estimate.uplinkRateBps = m_transport->GetEstimatedRateBps(k, true);
        estimate.downlinkRateBps = m_transport->GetEstimatedRateBps(k, false);
        estimate.uplinkBits = modelBits + 8.0 * steps * device->GetStepBytes(true);
        estimate.downlinkBits = modelBits + 8.0 * steps * device->GetStepBytes(false);
        estimate.computeTimeS = deviceTimeS + serverTimeS;
        estimate.computeEnergyJ = deviceTimeS * device->GetCompute()->GetProfile().activePowerW;
        estimate.txPowerW = m_transport->GetTxPowerW(k);
        estimate.dataWeight = device->GetDataWeight();
        estimates.push_back(estimate);
        m_energyAtStart.push_back(device->GetCompute()->GetTotalEnergyJ());
        SplitFedDeviceKpi deviceKpi;
        deviceKpi.device = k;
        deviceKpi.uplinkRateBps = estimate.uplinkRateBps;
        m_kpi.devices.push_back(deviceKpi);
    }
    RoundPlan plan = m_policy->Plan(estimates);
    m_kpi.predictedLatencyS = plan.predictedLatencyS;
    m_kpi.selected = plan.devices.size();
    m_roundOpen = true;
    if (m_deadline > Seconds(0))
    {
        m_deadlineEvent = Simulator::Schedule(m_deadline, &SplitFedServerApp::EndRound, this);
    }
    NS_LOG_INFO("round " << m_round << ": " << plan.devices.size() << " devices selected");
    for (std::size_t i = 0; i < plan.devices.size(); ++i)
    {
        const uint32_t k = plan.devices[i];
        m_active.insert(k);
        m_kpi.devices[k].selected = true;
        m_kpi.devices[k].bandwidthShare = plan.bandwidthShares.at(i);
    }
    std::map<uint32_t, double> shares;
    for (std::size_t i = 0; i < plan.devices.size(); ++i)
    {
        shares[plan.devices[i]] = plan.bandwidthShares[i];
    }
    m_transport->SetBandwidthShares(shares);
    if (m_active.empty())
    {
        Simulator::ScheduleNow(&SplitFedServerApp::EndRound, this);
        return;
    }
    for (uint32_t device : std::set<uint32_t>(m_active)) // a copy: Send may end a device
    {
        Ptr<SplitFedDeviceApp> app = m_devices[device];
        auto begin = [this, device]() {
            m_devices[device]->BeginRound(m_global);
            RunStep(device);
        };
        if (app->GetConfig().scheme == TrainingScheme::CENTRAL)
        {
            // Centralised training: the device's data goes up once, in the first round.
            Send(device, true, m_round == 0 ? app->GetDataBytes() : 0, begin);
            continue;
        }
        // The device downloads the global tensors of its shards.
        Send(device, false, app->GetDeviceModelBytes(), begin);
    }
}

void
SplitFedServerApp::Send(uint32_t device, bool up, uint64_t bytes, std::function<void()> next)
{
    if (bytes == 0)
    {
        next();
        return;
    }
    SplitFedDeviceKpi& kpi = m_kpi.devices[device];
    (up ? kpi.bytesUp : kpi.bytesDown) += bytes;
    const uint64_t round = m_round;
    m_transport->Send(device, up, bytes, [this, round, device, next]() {
        if (IsCurrent(round, device))
        {
            next();
        }
    });
}

void
SplitFedServerApp::Compute(uint32_t device,
                           double flops,
                           const std::string& label,
                           std::function<void()> next)
{
    const uint64_t round = m_round;
    m_serverCompute->Submit(flops, label, Callback<void>([this, round, device, next]() {
                                if (IsCurrent(round, device))
                                {
                                    next();
                                }
                            }));
}

bool
SplitFedServerApp::IsCurrent(uint64_t round, uint32_t device) const
{
    return m_roundOpen && m_round == round && m_active.count(device) > 0;
}

void
SplitFedServerApp::RunStep(uint32_t device)
{
    const uint64_t round = m_round;
    if (m_devices[device]->GetConfig().scheme == TrainingScheme::CENTRAL)
    {
        CentralStep(device);
        return;
    }
    if (m_devices[device]->GetConfig().scheme != TrainingScheme::SPLIT)
    {
        m_devices[device]->LocalStep([this, round, device](uint64_t) {
            if (IsCurrent(round, device))
            {
                NextStepOrUpload(device);
            }
        });
        return;
    }
    m_devices[device]->ForwardFront([this, round, device](uint64_t activationBytes) {
        if (IsCurrent(round, device))
        {
            Send(device, true, activationBytes, [this, device]() { ServerForward(device); });
        }
    });
}

void
SplitFedServerApp::CentralStep(uint32_t device)
{
    Ptr<SplitFedDeviceApp> app = m_devices[device];
    auto [inputs, targets] = app->TakeCentralBatch();
    if (m_round >= m_replayRounds)
    {
        GptModel& model = *m_globalModel;
        m_centralOptimizer->zero_grad();
        torch::Tensor loss = torch::mse_loss(model->forward(inputs), targets);
        app->RecordLoss(loss.item<double>());
        loss.backward();
        app->CheckGradients(m_centralOptimizer->param_groups().front().params());
        m_centralOptimizer->step();
    }
    Compute(device,
            m_centralCost.forwardFlops + m_centralCost.backwardFlops,
            "central step",
            [this, device]() { NextStepOrUpload(device); });
}

void
SplitFedServerApp::ServerForward(uint32_t device)
{
    Ptr<SplitFedDeviceApp> app = m_devices[device];
    const uint64_t bytes =
        m_round < m_replayRounds ? app->GetExchangeBytes() : app->GetStep().ServerForward();
    Compute(device, m_bodyCost[device].forwardFlops, "body forward", [this, device, bytes]() {
        Send(device, false, bytes, [this, device]() { DeviceTail(device); });
    });
}

void
SplitFedServerApp::DeviceTail(uint32_t device)
{
    const uint64_t round = m_round;
    m_devices[device]->ForwardTailBackward([this, round, device](uint64_t gradientBytes) {
        if (IsCurrent(round, device))
        {
            Send(device, true, gradientBytes, [this, device]() { ServerBackward(device); });
        }
    });
}

void
SplitFedServerApp::ServerBackward(uint32_t device)
{
    Ptr<SplitFedDeviceApp> app = m_devices[device];
    const bool frontTrains = app->GetSplitModel().FrontTrains();
    const uint64_t bytes = m_round < m_replayRounds ? (frontTrains ? app->GetExchangeBytes() : 0)
                                                    : app->GetStep().ServerBackward();
    Compute(device, m_bodyCost[device].backwardFlops, "body backward", [this, device, bytes]() {
        Send(device, false, bytes, [this, device]() { DeviceFinish(device); });
    });
}

void
SplitFedServerApp::DeviceFinish(uint32_t device)
{
    const uint64_t round = m_round;
    Ptr<SplitFedDeviceApp> app = m_devices[device];
    app->BackwardFrontAndStep([this, round, device](uint64_t) {
        if (!IsCurrent(round, device))
        {
            return;
        }
        NextStepOrUpload(device);
    });
}

void
SplitFedServerApp::NextStepOrUpload(uint32_t device)
{
    Ptr<SplitFedDeviceApp> app = m_devices[device];
    if (app->HasNextStep())
    {
        RunStep(device);
        return;
    }
    // The device uploads the trainable tensors it holds, for aggregation.
    Send(device, true, app->GetDeviceModelBytes(), [this, device]() { DeviceDone(device); });
}

void
SplitFedServerApp::DeviceDone(uint32_t device)
{
    Ptr<SplitFedDeviceApp> app = m_devices[device];
    m_kpi.devices[device].completed = true;
    m_kpi.devices[device].loss = app->GetRoundLoss();
    const TrainingScheme scheme = app->GetConfig().scheme;
    const bool keep = m_round >= m_replayRounds && scheme != TrainingScheme::LOCAL &&
                      scheme != TrainingScheme::CENTRAL;
    m_uploads.push_back(keep ? app->GetTrainable() : NamedTensors());
    m_uploadWeights.push_back(app->GetDataWeight());
    m_uploadLosses.push_back(app->GetRoundLoss());
    m_active.erase(device);
    if (m_active.empty())
    {
        EndRound();
    }
}

void
SplitFedServerApp::EndRound()
{
    if (!m_roundOpen)
    {
        return;
    }
    m_roundOpen = false;
    Simulator::Cancel(m_deadlineEvent);
    m_active.clear();
    m_kpi.end = Simulator::Now();
    m_kpi.completed = m_uploads.size();
    if (m_dp)
    {
        m_kpi.epsilon = m_dp->GetEpsilon(m_round + 1);
    }
    if (m_round < m_replayRounds)
    {
        m_replayedKpis(m_kpi);
    }
    else
    {
        Aggregate();
        m_kpi.validationNmseDb = Validate();
    }
    std::map<uint32_t, double> energy;
    for (uint32_t k = 0; k < m_devices.size(); ++k)
    {
        m_kpi.devices[k].energyJ =
            m_devices[k]->GetCompute()->GetTotalEnergyJ() - m_energyAtStart[k];
        if (m_kpi.devices[k].selected)
        {
            energy[k] = m_kpi.devices[k].energyJ;
        }
    }
    m_policy->NotifyRoundResult(energy);
    if (m_roundCallback)
    {
        m_roundCallback(m_kpi);
    }
    ++m_round;
    if (m_round < m_rounds)
    {
        // Transfers and compute of dropped stragglers may still be in flight; they finish
        // in the background and are ignored (their callbacks check the round).
        Simulator::ScheduleNow(&SplitFedServerApp::StartRound, this);
    }
    else
    {
        Simulator::Stop();
    }
}

void
SplitFedServerApp::Aggregate()
{
    const TrainingScheme scheme = m_devices.front()->GetConfig().scheme;
    if (scheme == TrainingScheme::CENTRAL)
    {
        // The server trained the global model itself.
        NamedTensors trainable;
        for (const auto& item : (*m_globalModel)->named_parameters())
        {
            if (item.value().requires_grad())
            {
                trainable.emplace_back(item.key(), item.value());
            }
        }
        m_global = CloneTensors(trainable);
    }
    // Local training: every device keeps its own model; nothing is aggregated.
    const bool local = scheme == TrainingScheme::LOCAL || scheme == TrainingScheme::CENTRAL;
    if (m_dp && !local)
    {
        // Even a round without uploads gets its noise: skipping the update would reveal
        // that nobody took part.
        m_dp->SetSeed(m_dpSeed + m_round);
        DpAggregateResult result = m_dp->Aggregate(m_global, m_uploads);
        m_global = result.global;
        m_kpi.clippedFraction =
            m_uploads.empty() ? 0.0 : double(result.numClipped) / m_uploads.size();
    }
    else if (!local && !m_uploads.empty())
    {
        m_global = FederatedAverage(m_uploads, m_uploadWeights);
    }
    if (!local)
    {
        NamedTensors trainable;
        for (const auto& item : (*m_globalModel)->named_parameters())
        {
            if (item.value().requires_grad())
            {
                trainable.emplace_back(item.key(), item.value());
            }
        }
        AssignTensors(trainable, m_global);
    }
    double weightSum = 0;
    for (std::size_t i = 0; i < m_uploadLosses.size(); ++i)
    {
        m_kpi.trainLoss += m_uploadWeights[i] * m_uploadLosses[i];
        weightSum += m_uploadWeights[i];
    }
    m_kpi.trainLoss = weightSum > 0 ? m_kpi.trainLoss / weightSum : 0.0;
}

void
SplitFedServerApp::DoDispose()
{
    m_transport = nullptr;
    m_devices.clear();
    m_serverCompute = nullptr;
    m_policy = nullptr;
    m_dp = nullptr;
    m_centralOptimizer.reset();
    m_globalModel.reset();
    Application::DoDispose();
}

} // namespace ns3
