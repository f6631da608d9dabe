// split-fedft: split federated LoRA fine-tuning of a channel predictor over a simulated
// 6G cell. N edge devices (UEs of a TR 38.901 deployment) each hold CSI of their own
// link from the ray-level CSI engine, noisy as a receiver estimates it; a GPT-style
// model pretrained on clean generic CSI is cut between the devices (embedding, first
// blocks, head) and the edge server (the other blocks) and fine-tuned with LoRA: every
// activation, representation, gradient and model exchange crosses the simulated radio,
// every shard's FLOPs run on the ComputeDevice of its node, and LibTorch does the real
// forward and backward passes. Per round it writes simulated time, loss, validation
// NMSE against the classical predictors, bytes and energy.

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "channel/csi-ar-predictor.h"
#include "channel/csi-prony-predictor.h"
#include "compute/compute-helper.h"
#include "edge-lam-version.h"
#include "helper/kpi-csv-writer.h"
#include "helper/radio-energy-accounting.h"
#include "helper/radio-helper.h"
#include "helper/run-metadata.h"
#include "helper/scenario-arguments.h"
#include "lam/checkpoint.h"
#include "lam/fused-adam.h"
#include "lam/gpt-model.h"
#include "training/csi-prediction-task.h"
#include "training/device-selection-baselines.h"
#include "training/device-selection-policy.h"
#include "training/federated-averaging.h"
#include "training/split-fed-device-app.h"
#include "training/split-fed-server-app.h"
#include "training/split-fed-transport.h"

#include "ns3/core-module.h"
#include "ns3/mobility-model.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Every argument of the scenario, with its default.
struct SplitFedConfig
{
    uint32_t devices{4};
    uint32_t rounds{12};
    std::string model; ///< empty: the small preset for the reference
    std::string reference{"ar"};
    std::string layout{"subcarriers"};
    std::string scheme{"split"};
    std::string training{"lora"};
    uint32_t loraRank{4};
    double loraAlpha{8};
    uint32_t splitPoint{1};
    std::string policy{"all"};
    std::string radioScheduler{"share"};
    std::string radio{"slot"};
    uint32_t flowStepSlots{0};
    uint32_t selectDevices{2};
    uint32_t localSteps{8};
    uint32_t batchSize{32};
    double learningRate{5e-4};
    double maxGradNorm{1e3};
    std::string precision{"fp32"};
    uint32_t trainDrops{12};
    uint32_t pretrainDrops{1000};
    uint32_t validationDrops{4};
    double snrDb{20};
    double ueSpeedKmh{30};
    uint32_t pretrainSteps{1000};
    double pretrainSnrDb{20};
    std::string baseModel;
    double roundDeadlineS{0};
    std::string deviceProfile{"phone"};
    double frequencyHz{3.5e9};
    double bandwidthHz{20e6};
    bool dp{false};
    double dpClip{1.0};
    double dpNoise{1.0};
    double dpDelta{1e-5};
    uint32_t checkpointEvery{1};
    bool resume{false};
    std::string outDir{"out/split-fedft"};
};

/// Central pretraining of the base model (before LoRA) on generic CSI: full training,
/// a fixed number of Adam steps. Returns the last loss.
double
Pretrain(GptModel& model, const CsiPredictionData& data, uint32_t steps, uint32_t batchSize)
{
    FusedAdam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    const int64_t available = data.inputs.size(0);
    double loss = 0;
    for (uint32_t step = 0; step < steps; ++step)
    {
        torch::Tensor rows = torch::randint(available, {int64_t(batchSize)}, torch::kLong);
        optimizer.zero_grad();
        torch::Tensor value = torch::mse_loss(model->forward(data.inputs.index_select(0, rows)),
                                              data.targets.index_select(0, rows));
        value.backward();
        optimizer.step();
        loss = value.item<double>();
    }
    return loss;
}

/// Concatenates several devices' data along the sequences (a validation set).
CsiPredictionData
Concatenate(const std::vector<CsiPredictionData>& parts)
{
    CsiPredictionData all;
    all.ports = parts.front().ports;
    all.layout = parts.front().layout;
    std::vector<torch::Tensor> inputs, targets, reference, next, scale;
    for (const CsiPredictionData& part : parts)
    {
        all.drops += part.drops;
        inputs.push_back(part.inputs);
        targets.push_back(part.targets);
        reference.push_back(part.nextReference);
        next.push_back(part.nextClean);
        scale.push_back(part.scale);
        all.history.insert(all.history.end(), part.history.begin(), part.history.end());
        all.nextTruth.insert(all.nextTruth.end(), part.nextTruth.begin(), part.nextTruth.end());
    }
    all.inputs = torch::cat(inputs);
    all.targets = torch::cat(targets);
    all.nextReference = torch::cat(reference);
    all.nextClean = torch::cat(next);
    all.scale = torch::cat(scale);
    return all;
}

/// The outputs of a run that cannot happen on these devices: summary.csv with the
/// reason, and run.json.
void
WriteSkipped(const std::string& outDir, const ScenarioArguments& args, const std::string& reason)
{
    using Column = KpiCsvWriter::Column;
    KpiCsvWriter summary(outDir + "/summary.csv", {Column::Text("status"), Column::Text("reason")});
    summary.WriteRow("skipped", reason);
    summary.Commit();
    RunMetadata metadata("split-fedft");
    args.Record(metadata);
    metadata.AddOutputFile("summary.csv");
    metadata.WriteJson(outDir + "/run.json");
    std::cout << "split-fedft: skipped: " << reason << "\n";
}

/// A double as text that reads back to the same double.
std::string
ExactDecimal(double value)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.17g", value);
    return text;
}

/// The run's arguments (and versions, seed, run) without those that may differ between
/// an interrupted run and its resumption: resume and checkpointEvery, and outDir (the
/// checkpoint is read from it, so it is the same directory however it is spelt).
std::string
ArgumentsFingerprint(const ScenarioArguments& args)
{
    RunMetadata metadata("split-fedft");
    args.Record(metadata);
    std::istringstream json(metadata.ToJson());
    std::string fingerprint;
    for (std::string line; std::getline(json, line);)
    {
        const bool free = line.find("\"resume\"") != std::string::npos ||
                          line.find("\"checkpointEvery\"") != std::string::npos ||
                          line.find("\"outDir\"") != std::string::npos;
        if (!free)
        {
            fingerprint += line + "\n";
        }
    }
    return fingerprint;
}

/// Throws, naming the first argument that differs, unless the checkpoint was written by
/// a run with the same arguments.
void
RefuseOtherArguments(const CheckpointInfo& checkpoint, const std::string& fingerprint)
{
    auto stored = checkpoint.metadata.find("arguments");
    if (stored == checkpoint.metadata.end() || !std::holds_alternative<std::string>(stored->second))
    {
        throw std::invalid_argument("the checkpoint was not written by split-fedft");
    }
    std::istringstream before(std::get<std::string>(stored->second));
    std::istringstream now(fingerprint);
    std::string a;
    std::string b;
    while (std::getline(before, a) && std::getline(now, b))
    {
        if (a != b)
        {
            // JSON lines as `"name": value,` -> `"name": value`
            auto entry = [](const std::string& line) {
                const std::size_t first = line.find_first_not_of(' ');
                const std::size_t last = line.find_last_not_of(", ");
                return first == std::string::npos ? line : line.substr(first, last - first + 1);
            };
            throw std::invalid_argument("the checkpoint was written with " + entry(a) +
                                        ", this run has " + entry(b) +
                                        ": resume with the same arguments");
        }
    }
}

/// What the pretrained base depends on; a --baseModel file must have been written with
/// the same values.
CheckpointMetadata
BaseModelMetadata(const SplitFedConfig& c, const LamConfig& lam)
{
    std::ostringstream model;
    model << lam.name << ": " << lam.numLayers << " blocks, width " << lam.width << ", "
          << lam.numHeads << " heads, MLP " << lam.mlpWidth << ", " << lam.inputFeatures
          << " features, context " << lam.contextLength;
    return {{"model", model.str()},
            {"reference", c.reference},
            {"layout", c.layout},
            {"pretrain_steps", int64_t(c.pretrainSteps)},
            {"pretrain_snr_db", ExactDecimal(c.pretrainSnrDb)},
            {"pretrain_drops", int64_t(c.pretrainDrops)},
            {"ue_speed_kmh", ExactDecimal(c.ueSpeedKmh)},
            {"rng_seed", int64_t(RngSeedManager::GetSeed())},
            {"rng_run", int64_t(RngSeedManager::GetRun())},
            {"version", std::string(EDGE_LAM_VERSION " / LibTorch " EDGE_LAM_TORCH_VERSION)}};
}

/// Pretrains the base model, or loads it from c.baseModel when that file exists (and
/// saves it there after pretraining when it does not). Returns the last pretraining loss.
double
PretrainOrLoadBase(GptModel& model,
                   const CsiPredictionData& corpus,
                   const SplitFedConfig& c,
                   const LamConfig& lam)
{
    const TrainingState state{{{"base", model.ptr()}}, {}};
    CheckpointMetadata metadata = BaseModelMetadata(c, lam);
    if (!c.baseModel.empty() && std::ifstream(c.baseModel).good())
    {
        try
        {
            CheckpointInfo info = LoadCheckpoint(c.baseModel, state, metadata);
            spdlog::info("split-fedft: base model {} loaded from {}", lam.name, c.baseModel);
            return std::stod(std::get<std::string>(info.metadata.at("pretrain_loss")));
        }
        catch (const std::exception& e)
        {
            ThrowBadArgument("baseModel", c.baseModel, e.what());
        }
    }
    spdlog::info("split-fedft: pretraining {} ({} parameters) for {} steps on generic CSI",
                 lam.name,
                 CountParameters(*model),
                 c.pretrainSteps);
    const double loss = Pretrain(model, corpus, c.pretrainSteps, 64);
    if (!c.baseModel.empty())
    {
        metadata["pretrain_loss"] = ExactDecimal(loss);
        SaveCheckpoint(c.baseModel, state, 0, metadata);
    }
    return loss;
}

Vector
PositionOf(Ptr<Node> node)
{
    return node->GetObject<MobilityModel>()->GetPosition();
}

int
Run(int argc, char** argv)
{
    SplitFedConfig c;
    ScenarioArguments args(
        "split-fedft",
        "Split federated LoRA fine-tuning of a GPT-style channel predictor over a simulated "
        "6G cell: devices learn next-snapshot CSI prediction on their own noisy channel "
        "estimates, the model is cut between devices and edge server, and every tensor "
        "exchange crosses the radio. Writes rounds.csv, devices.csv, summary.csv and run.json "
        "to --outDir. Replications: --RngRun=N.");
    args.Add("devices", "edge devices (UEs) in the cell", c.devices);
    args.Add("rounds", "federated rounds", c.rounds);
    args.Add("model",
             "model preset in models/ (name) or path to a model JSON (default: "
             "csi-subcarrier-small; with --layout=steps csi-ar-residual-small, and "
             "csi-predictor-small with --reference=hold)",
             c.model);
    args.Add("reference",
             "what the model corrects: hold (it predicts the change from the last noisy "
             "snapshot) or ar (the error of least-squares AR on each port's history so far, "
             "whose predictions it also reads)",
             c.reference);
    args.Add("layout",
             "what a token of a port's sequence holds: steps (one snapshot of its 48 "
             "subcarriers) or subcarriers (one subcarrier's 16 noisy snapshots and the "
             "reference's next one; the model corrects the reference at every subcarrier)",
             c.layout);
    args.Add("scheme",
             "split (split federated learning), federated (the whole model trains on each "
             "device: FedAvg of the model with --training=full, federated LoRA with lora) or "
             "local (each device alone, nothing sent; NMSE averaged over the devices' models) "
             "or central (devices upload their data once, the server trains on it)",
             c.scheme);
    args.Add("training", "lora (frozen base, adapters + task layers) or full", c.training);
    args.Add("loraRank", "LoRA rank r", c.loraRank);
    args.Add("loraAlpha", "LoRA alpha (adapter output scaled by alpha / r)", c.loraAlpha);
    args.Add("splitPoint",
             "transformer blocks on the device (the rest on the server)",
             c.splitPoint);
    args.Add("policy", "device selection: all, random, greedy, lyapunov", c.policy);
    args.Add("radioScheduler",
             "PRB scheduler: share (the server's bandwidth plan), pf, rr",
             c.radioScheduler);
    args.Add("radio",
             "radio engine: slot (every slot: per-block errors, HARQ, fading per slot) or flow "
             "(one step per CSI period at the expected goodput; see docs/radio-model.md)",
             c.radio);
    args.Add("flowStepSlots",
             "flow engine: longest step in slots (0: the CSI period); longer steps hold the "
             "channel and the allocation longer and cost less",
             c.flowStepSlots);
    args.Add("selectDevices", "devices per round for random and greedy", c.selectDevices);
    args.Add("localSteps", "split-learning steps per device per round", c.localSteps);
    args.Add("batchSize", "sequences per local step", c.batchSize);
    args.Add("learningRate", "Adam learning rate of local training", c.learningRate);
    args.Add("maxGradNorm",
             "a step whose gradient norm exceeds this (or is not finite) stops the run "
             "(exploding gradients); the last checkpoint stays",
             c.maxGradNorm);
    args.Add("precision", "payload format on the air: fp32, fp16, bf16", c.precision);
    args.Add("trainDrops",
             "channel drops per device for training (32 sequences each)",
             c.trainDrops);
    args.Add("validationDrops", "held-out drops per device for validation", c.validationDrops);
    args.Add("snrDb", "channel-estimation SNR of the devices' CSI (dB)", c.snrDb);
    args.Add("ueSpeedKmh",
             "UE speed (km/h): the radio's mobility and the CSI Doppler",
             c.ueSpeedKmh);
    args.Add("pretrainSteps", "central full-training steps of the base model", c.pretrainSteps);
    args.Add("pretrainSnrDb",
             "estimation SNR of the generic pretraining CSI (dB)",
             c.pretrainSnrDb);
    args.Add("pretrainDrops",
             "drops of the generic pretraining corpus (32 sequences each; the lever on the "
             "base model's NMSE)",
             c.pretrainDrops);
    args.Add("baseModel",
             "file of the pretrained base model: loaded if it exists (written by a run with "
             "the same model, pretraining arguments, seed and run), else pretrained and saved "
             "there; sweeps then pretrain once",
             c.baseModel);
    args.Add("roundDeadline",
             "round deadline (s); 0: wait for every selected device",
             c.roundDeadlineS);
    args.Add("deviceProfile",
             "compute profile of the devices: phone, embedded-gpu, laptop",
             c.deviceProfile);
    args.Add("frequencyHz", "radio carrier frequency (Hz)", c.frequencyHz);
    args.Add("bandwidthHz", "radio channel bandwidth (Hz)", c.bandwidthHz);
    args.Add("dp", "user-level differential privacy: DP-FedAvg of the devices' updates", c.dp);
    args.Add("dpClip", "DP: L2 clipping norm of a device's update", c.dpClip);
    args.Add("dpNoise",
             "DP: noise multiplier sigma (noise std sigma * clip / participants)",
             c.dpNoise);
    args.Add("dpDelta", "DP: delta of the reported (epsilon, delta)", c.dpDelta);
    args.Add("checkpointEvery",
             "write <outDir>/checkpoint.ckpt after every N rounds (0: never)",
             c.checkpointEvery);
    args.Add("resume",
             "continue from <outDir>/checkpoint.ckpt of a run with the same arguments",
             c.resume);
    args.Add("outDir", "output directory (created if missing)", c.outDir);
    args.Parse(argc, argv);

    // Validate everything before any output exists.
    if (c.devices == 0)
    {
        ThrowBadArgument("devices", "0", "at least one device is needed");
    }
    if (c.rounds == 0 || c.localSteps == 0 || c.batchSize == 0 || c.trainDrops == 0 ||
        c.validationDrops == 0 || c.pretrainDrops == 0)
    {
        ThrowBadArgument("rounds/localSteps/batchSize/trainDrops/validationDrops/pretrainDrops",
                         "0",
                         "must all be positive");
    }
    if (!(c.maxGradNorm > 0))
    {
        ThrowBadArgument("maxGradNorm", std::to_string(c.maxGradNorm), "must be > 0");
    }
    if (!(c.learningRate > 0) || !(c.ueSpeedKmh >= 0) || !(c.roundDeadlineS >= 0))
    {
        ThrowBadArgument("learningRate/ueSpeedKmh/roundDeadline",
                         std::to_string(c.learningRate) + "/" + std::to_string(c.ueSpeedKmh) + "/" +
                             std::to_string(c.roundDeadlineS),
                         "learning rate must be > 0, speed and deadline >= 0");
    }
    const std::string radioScheduler = c.radioScheduler;
    const std::string radioSchedulerType =
        ChooseArgument<std::string>("radioScheduler",
                                    c.radioScheduler,
                                    {{"share", "ns3::WeightedShareScheduler"},
                                     {"pf", "ns3::ProportionalFairScheduler"},
                                     {"rr", "ns3::RoundRobinScheduler"}});
    const bool lora =
        ChooseArgument<bool>("training", c.training, {{"lora", true}, {"full", false}});
    const TrainingScheme scheme =
        ChooseArgument<TrainingScheme>("scheme",
                                       c.scheme,
                                       {{"split", TrainingScheme::SPLIT},
                                        {"federated", TrainingScheme::FEDERATED},
                                        {"local", TrainingScheme::LOCAL},
                                        {"central", TrainingScheme::CENTRAL}});
    const bool split = scheme == TrainingScheme::SPLIT;
    if ((scheme == TrainingScheme::LOCAL || scheme == TrainingScheme::CENTRAL) && c.dp)
    {
        ThrowBadArgument("dp",
                         "true",
                         "DP-FedAvg protects aggregated updates; --scheme=" + c.scheme +
                             " aggregates none");
    }
    if (scheme == TrainingScheme::CENTRAL && c.policy != "all")
    {
        ThrowBadArgument("policy",
                         c.policy,
                         "centralised training uses every device's data (--policy=all)");
    }
    PayloadPrecision precision;
    TypeId policyType;
    LamConfig lam;
    try
    {
        precision = ParsePayloadPrecision(c.precision);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("precision", c.precision, e.what());
    }
    try
    {
        policyType = LookupDeviceSelectionPolicy(c.policy);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("policy", c.policy, e.what());
    }
    CsiPredictionTaskConfig taskConfig;
    taskConfig.snrDb = c.snrDb;
    taskConfig.reference = ChooseArgument<CsiPredictionReference>(
        "reference",
        c.reference,
        {{"hold", CsiPredictionReference::HOLD}, {"ar", CsiPredictionReference::AR}});
    taskConfig.layout =
        ChooseArgument<CsiPredictionLayout>("layout",
                                            c.layout,
                                            {{"steps", CsiPredictionLayout::TIME_STEPS},
                                             {"subcarriers", CsiPredictionLayout::SUBCARRIERS}});
    const bool arReference = taskConfig.reference == CsiPredictionReference::AR;
    const bool subcarrierTokens = taskConfig.layout == CsiPredictionLayout::SUBCARRIERS;
    const std::string presets = subcarrierTokens ? "csi-subcarrier"
                                : arReference    ? "csi-ar-residual"
                                                 : "csi-predictor";
    if (c.model.empty())
    {
        c.model = presets + "-small";
    }
    try
    {
        const bool isPath = c.model.find('/') != std::string::npos;
        lam = LoadLamConfig(isPath ? c.model
                                   : std::string(EDGE_LAM_MODELS_DIR) + "/" + c.model + ".json");
    }
    catch (const std::exception& e)
    {
        ThrowBadArgument("model", c.model, e.what());
    }
    const CsiPredictionTask shape(taskConfig);
    if (lam.inputKind != LamInputKind::FEATURES || lam.inputFeatures != shape.GetInputFeatures() ||
        lam.outputSize != shape.GetOutputFeatures() || lam.contextLength < shape.GetTokens())
    {
        ThrowBadArgument(
            "model",
            c.model,
            "the CSI prediction task with --reference=" + c.reference + " --layout=" + c.layout +
                " needs feature input of " + std::to_string(shape.GetInputFeatures()) +
                " and output of " + std::to_string(shape.GetOutputFeatures()) +
                " per token and a context of at least " + std::to_string(shape.GetTokens()) +
                " tokens (the " + presets + "-* presets)");
    }
    if (split && c.splitPoint >= lam.numLayers)
    {
        ThrowBadArgument("splitPoint",
                         std::to_string(c.splitPoint),
                         "must be below the model's " + std::to_string(lam.numLayers) +
                             " blocks (the server keeps at least one)");
    }
    RadioHelper radio;
    try
    {
        radio.SetEngine(c.radio);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("radio", c.radio, e.what());
    }
    try
    {
        radio.SetEngine(c.radio, c.flowStepSlots);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("flowStepSlots", std::to_string(c.flowStepSlots), e.what());
    }
    try
    {
        DeviceProfile::Get(c.deviceProfile);
        EnsureWritableDirectory(c.outDir);
    }
    catch (const std::exception& e)
    {
        ThrowBadArgument("deviceProfile/outDir", c.deviceProfile + "/" + c.outDir, e.what());
    }

    // Radio and compute.
    radio.SetCarrier(c.frequencyHz, c.bandwidthHz, 1);
    radio.SetLayoutAttribute("Scenario", StringValue("UMa"));
    radio.SetLayoutAttribute("NumSites", UintegerValue(1));
    radio.SetLayoutAttribute("SectorsPerSite", UintegerValue(1));
    // The server's bandwidth plan reaches the MAC through the share table of a
    // WeightedShareScheduler (work-conserving: PRBs a device leaves idle between its
    // exchanges go to the others); with pf the plan's shares are predictions only.
    Ptr<BandwidthShareTable> shareTable;
    if (radioScheduler == "share")
    {
        shareTable = CreateObject<BandwidthShareTable>();
        Config::SetDefault("ns3::WeightedShareScheduler::ShareTable", PointerValue(shareTable));
        Config::SetDefault("ns3::WeightedShareScheduler::WorkConserving", BooleanValue(true));
    }
    radio.SetNetworkAttribute("Scheduler", StringValue(radioSchedulerType));
    RadioDeployment deployment = radio.Install(c.devices, c.ueSpeedKmh / 3.6, 0);
    ComputeHelper compute;
    std::vector<Ptr<ComputeDevice>> deviceCompute =
        compute.Install(deployment.ueNodes, c.deviceProfile);
    Ptr<ComputeDevice> serverCompute = compute.Install(deployment.gnbNodes, "edge-server")[0];
    RadioEnergyAccounting radioEnergy(deployment, deviceCompute);

    // Data: each device's own link; the pretraining corpus is clean generic CSI.
    const uint64_t seed = RngSeedManager::GetSeed() * 1000003ULL + RngSeedManager::GetRun();
    torch::manual_seed(seed);
    int64_t stream = 20000; // above the radio's streams
    CsiPredictionTaskConfig pretrainConfig = taskConfig;
    pretrainConfig.snrDb = c.pretrainSnrDb;
    CsiPredictionTask pretrainTask(pretrainConfig);
    stream += pretrainTask.AssignStreams(stream);
    CsiPredictionTask task(taskConfig);
    stream += task.AssignStreams(stream);
    const Vector bsPosition = PositionOf(deployment.gnbNodes.Get(0));
    std::vector<CsiPredictionData> trainData;
    std::vector<CsiPredictionData> validationParts;
    for (uint32_t k = 0; k < c.devices; ++k)
    {
        Ptr<Node> ue = deployment.ueNodes.Get(k);
        const Vector velocity = ue->GetObject<MobilityModel>()->GetVelocity();
        Vector dataVelocity = velocity;
        if (c.ueSpeedKmh > 0 && CalculateDistance(velocity, Vector()) == 0)
        {
            dataVelocity = Vector(c.ueSpeedKmh / 3.6, 0, 0); // heading of a parked walk
        }
        trainData.push_back(task.Generate(bsPosition, PositionOf(ue), dataVelocity, c.trainDrops));
        validationParts.push_back(
            task.Generate(bsPosition, PositionOf(ue), dataVelocity, c.validationDrops));
    }
    CsiPredictionData validation = Concatenate(validationParts);
    const Vector genericUe(100, 0, 1.5);
    CsiPredictionData corpus =
        pretrainTask.Generate(bsPosition + Vector(0, 0, 0),
                              bsPosition + genericUe - Vector(0, 0, bsPosition.z),
                              Vector(c.ueSpeedKmh / 3.6, 0, 0),
                              c.pretrainDrops);

    // The base model, pretrained centrally, then frozen with adapters.
    GptModel global(lam);
    const std::string checkpointPath = c.outDir + "/checkpoint.ckpt";
    double pretrainLoss = 0;
    if (!c.resume)
    {
        pretrainLoss = PretrainOrLoadBase(global, corpus, c, lam);
    }
    corpus = CsiPredictionData{}; // ~0.8 GB at 1,000 drops, not needed after pretraining
    // The federated phase's LibTorch randomness (adapter initialisation) does not depend
    // on whether the base was pretrained now or loaded from --baseModel.
    torch::manual_seed(seed + 1);
    std::optional<LoraOptions> loraOptions;
    if (lora)
    {
        LoraOptions options;
        options.rank = c.loraRank;
        options.alpha = c.loraAlpha;
        options.trainTaskLayers = true;
        try
        {
            FreezeBaseEnableLora(global, options);
        }
        catch (const std::invalid_argument& e)
        {
            ThrowBadArgument("loraRank/loraAlpha",
                             std::to_string(c.loraRank) + "/" + std::to_string(c.loraAlpha),
                             e.what());
        }
        loraOptions = options;
    }

    SplitFedTrainingConfig training;
    training.localSteps = c.localSteps;
    training.batchSize = c.batchSize;
    training.learningRate = c.learningRate;
    training.maxGradNorm = c.maxGradNorm;
    training.precision = precision;
    training.lora = loraOptions;
    training.scheme = scheme;
    std::vector<Ptr<SplitFedDeviceApp>> apps;
    for (uint32_t k = 0; k < c.devices; ++k)
    {
        // Replicas share the frozen tensors of the global model and start from copies of
        // its trainable ones (local training keeps them from then on).
        GptModel replica(lam);
        if (loraOptions)
        {
            FreezeBaseEnableLora(replica, *loraOptions);
        }
        auto source = global->named_parameters();
        torch::NoGradGuard noGrad;
        for (auto& item : replica->named_parameters())
        {
            if (item.value().requires_grad())
            {
                item.value().copy_(source[item.key()]);
            }
            else
            {
                item.value().set_data(source[item.key()]);
            }
        }
        Ptr<SplitFedDeviceApp> app = CreateObject<SplitFedDeviceApp>();
        try
        {
            app->Setup(k,
                       replica,
                       c.splitPoint,
                       trainData[k],
                       training,
                       deviceCompute[k],
                       stream++);
        }
        catch (const DeviceOutOfMemoryError& e)
        {
            const std::string reason = "device " + std::to_string(k) + " cannot hold " +
                                       (split ? "its shards" : "the model") + ": " + e.what();
            if (split)
            {
                throw std::runtime_error(reason);
            }
            // A baseline that cannot run on these devices is a result, not an error.
            WriteSkipped(c.outDir, args, reason);
            Simulator::Destroy();
            return 0;
        }
        deployment.ueNodes.Get(k)->AddApplication(app);
        apps.push_back(app);
    }
    auto checkpointState = [&]() {
        TrainingState state{{{"global", global.ptr()}}, {}, true};
        if (scheme == TrainingScheme::LOCAL)
        {
            for (const Ptr<SplitFedDeviceApp>& app : apps)
            {
                state.modules.emplace_back("device" + std::to_string(app->GetDeviceIndex()),
                                           app->GetSplitModel().GetModel().ptr());
            }
        }
        return state;
    };
    // A resumed run loads the global model (base and adapters; with local training every
    // device's model too) and LibTorch's generator of its last checkpoint and replays the
    // finished rounds' timeline without LibTorch work; ns-3's streams, whose state cannot
    // be read, reach the same point by the replay. Replicas share the global model's
    // frozen tensors, so loading the base into it loads theirs. (Optimizers restart every
    // round, so a round boundary holds no optimizer state.)
    const std::string fingerprint = ArgumentsFingerprint(args);
    CheckpointMetadata learningKpis;
    uint64_t resumeRound = 0;
    if (c.resume)
    {
        TrainingState state = checkpointState();
        try
        {
            RefuseOtherArguments(ReadCheckpointInfo(checkpointPath), fingerprint);
            CheckpointInfo info =
                LoadCheckpoint(checkpointPath, state, {{"arguments", fingerprint}});
            resumeRound = info.round;
            learningKpis = info.metadata;
        }
        catch (const std::exception& e)
        {
            ThrowBadArgument("resume", "true", e.what());
        }
        spdlog::info("split-fedft: resuming after round {} from {}",
                     resumeRound - 1,
                     checkpointPath);
    }

    ObjectFactory policyFactory;
    policyFactory.SetTypeId(policyType);
    if (c.policy == "random" || c.policy == "greedy")
    {
        policyFactory.Set("NumDevices", UintegerValue(c.selectDevices));
    }
    Ptr<DeviceSelectionPolicy> policy = policyFactory.Create<DeviceSelectionPolicy>();
    if (Ptr<RandomDeviceSelectionPolicy> random = DynamicCast<RandomDeviceSelectionPolicy>(policy))
    {
        stream += random->AssignStreams(stream);
    }

    Ptr<SplitFedServerApp> server = CreateObject<SplitFedServerApp>();
    server->SetAttribute("Rounds", UintegerValue(c.rounds));
    server->SetAttribute("RoundDeadline", TimeValue(Seconds(c.roundDeadlineS)));
    std::vector<Ptr<Node>> deviceNodes(deployment.ueNodes.Begin(), deployment.ueNodes.End());
    server->Setup(Create<RadioSplitFedTransport>(deployment.transfers,
                                                 deployment.network,
                                                 deployment.gnbNodes.Get(0),
                                                 deviceNodes,
                                                 shareTable),
                  apps,
                  serverCompute,
                  policy,
                  global,
                  validation);
    deployment.gnbNodes.Get(0)->AddApplication(server);
    if (c.dp)
    {
        // Sampling amplification only for a uniformly random device sample (k of N); the
        // other policies' choices are not secret random draws (docs/differential-privacy.md).
        const bool sampled = c.policy == "random";
        const bool fixedK = sampled || c.policy == "greedy";
        Ptr<DpFederatedAveraging> dp = CreateObject<DpFederatedAveraging>();
        try
        {
            dp->SetClipNorm(c.dpClip);
            dp->SetNoiseMultiplier(c.dpNoise);
            dp->SetDelta(c.dpDelta);
            dp->SetSamplingRate(sampled ? std::min(1.0, double(c.selectDevices) / c.devices) : 1.0);
            dp->SetExpectedParticipants(fixedK ? std::min(c.selectDevices, c.devices) : c.devices);
        }
        catch (const std::invalid_argument& e)
        {
            ThrowBadArgument("dpClip/dpNoise/dpDelta",
                             std::to_string(c.dpClip) + "/" + std::to_string(c.dpNoise) + "/" +
                                 std::to_string(c.dpDelta),
                             e.what());
        }
        server->SetDifferentialPrivacy(dp, seed * 7919 + 17);
    }
    server->SetReplayRounds(resumeRound, [&learningKpis](SplitFedRoundKpi& kpi) {
        const std::string prefix = "round_" + std::to_string(kpi.round) + "_";
        auto stored = [&](const std::string& key) {
            return std::stod(std::get<std::string>(learningKpis.at(prefix + key)));
        };
        kpi.trainLoss = stored("loss");
        kpi.validationNmseDb = stored("nmse");
        kpi.clippedFraction = stored("clipped");
        for (SplitFedDeviceKpi& device : kpi.devices)
        {
            device.loss = stored("device_" + std::to_string(device.device) + "_loss");
        }
    });

    // Reference points on the same validation drops.
    // (A resumed run's global model is no longer the pretrained one: its checkpoint
    // carries the value.)
    const double pretrainedNmseDb =
        c.resume ? std::stod(std::get<std::string>(learningKpis.at("pretrained_nmse")))
                 : server->Validate();
    learningKpis["pretrained_nmse"] = ExactDecimal(pretrainedNmseDb);
    Ptr<HoldCsiPredictor> hold = CreateObject<HoldCsiPredictor>();
    Ptr<ArCsiPredictor> ar = CreateObject<ArCsiPredictor>();
    ar->SetAttribute("Order", UintegerValue(8));
    Ptr<PronyCsiPredictor> prony = CreateObject<PronyCsiPredictor>();
    const double holdNmseDb = NextStepNmseDb(*hold, validation);
    const double arNmseDb = NextStepNmseDb(*ar, validation);
    const double pronyNmseDb = NextStepNmseDb(*prony, validation);
    // The reference alone (the model's output at zero): hold, or AR(8) per port.
    const double referenceNmseDb = NextStepNmseDb(validation.nextReference, validation);
    spdlog::info("split-fedft: {} devices, {} ({} trainable of {} parameters), {}, policy {}, "
                 "{} rounds",
                 c.devices,
                 lam.name,
                 CountTrainableParameters(*global),
                 CountParameters(*global),
                 split ? "split after block " + std::to_string(c.splitPoint)
                       : "scheme " + c.scheme + " (the whole model on the devices)",
                 c.policy,
                 c.rounds);
    spdlog::info("validation NMSE: pretrained model {:.2f} dB; reference ({}) {:.2f}, hold {:.2f}, "
                 "AR(8) {:.2f}, Prony {:.2f} dB (pretraining loss {:.4f})",
                 pretrainedNmseDb,
                 c.reference,
                 referenceNmseDb,
                 holdNmseDb,
                 arNmseDb,
                 pronyNmseDb,
                 pretrainLoss);

    using Column = KpiCsvWriter::Column;
    KpiCsvWriter rounds(c.outDir + "/rounds.csv",
                        {Column::Integer("round"),
                         Column::Fixed("start_s", 6),
                         Column::Fixed("end_s", 6),
                         Column::Fixed("latency_s", 6),
                         Column::Fixed("predicted_latency_s", 6),
                         Column::Integer("selected"),
                         Column::Integer("completed"),
                         Column::Fixed("train_loss", 6),
                         Column::Fixed("val_nmse_db", 4),
                         Column::Integer("bytes_up"),
                         Column::Integer("bytes_down"),
                         Column::Fixed("device_energy_j", 4),
                         Column::Fixed("epsilon", 4),
                         Column::Fixed("clipped_fraction", 4)});
    KpiCsvWriter devices(c.outDir + "/devices.csv",
                         {Column::Integer("round"),
                          Column::Integer("device"),
                          Column::Integer("selected"),
                          Column::Integer("completed"),
                          Column::Fixed("share", 4),
                          Column::Fixed("ul_rate_mbps", 3),
                          Column::Integer("bytes_up"),
                          Column::Integer("bytes_down"),
                          Column::Fixed("energy_j", 4),
                          Column::Fixed("loss", 6)});
    double lastNmseDb = pretrainedNmseDb;
    uint64_t roundsFinished = 0;
    uint64_t checkpointRounds = resumeRound; // rounds the checkpoint on disk holds
    server->SetRoundCallback([&](const SplitFedRoundKpi& kpi) {
        roundsFinished = kpi.round + 1;
        uint64_t up = 0, down = 0;
        double energy = 0;
        for (const SplitFedDeviceKpi& d : kpi.devices)
        {
            devices.WriteRow(kpi.round,
                             d.device,
                             d.selected,
                             d.completed,
                             d.bandwidthShare,
                             d.uplinkRateBps / 1e6,
                             d.bytesUp,
                             d.bytesDown,
                             d.energyJ,
                             d.loss);
            up += d.bytesUp;
            down += d.bytesDown;
            energy += d.energyJ;
        }
        rounds.WriteRow(kpi.round,
                        kpi.start.GetSeconds(),
                        kpi.end.GetSeconds(),
                        (kpi.end - kpi.start).GetSeconds(),
                        kpi.predictedLatencyS,
                        kpi.selected,
                        kpi.completed,
                        kpi.trainLoss,
                        kpi.validationNmseDb,
                        up,
                        down,
                        energy,
                        kpi.epsilon,
                        kpi.clippedFraction);
        lastNmseDb = kpi.validationNmseDb;
        // Learning KPIs go into the checkpoint exactly (17 digits), so that a resumed run
        // writes the replayed rounds' rows byte for byte.
        const std::string prefix = "round_" + std::to_string(kpi.round) + "_";
        learningKpis[prefix + "loss"] = ExactDecimal(kpi.trainLoss);
        learningKpis[prefix + "nmse"] = ExactDecimal(kpi.validationNmseDb);
        learningKpis[prefix + "clipped"] = ExactDecimal(kpi.clippedFraction);
        for (const SplitFedDeviceKpi& d : kpi.devices)
        {
            learningKpis[prefix + "device_" + std::to_string(d.device) + "_loss"] =
                ExactDecimal(d.loss);
        }
        if (c.checkpointEvery > 0 && kpi.round >= resumeRound &&
            ((kpi.round + 1) % c.checkpointEvery == 0 || kpi.round + 1 == c.rounds))
        {
            CheckpointMetadata metadata = learningKpis;
            metadata["arguments"] = fingerprint;
            CheckpointOptions options;
            options.includeFrozen = true; // a resume needs no pretraining
            SaveCheckpoint(checkpointPath, checkpointState(), kpi.round + 1, metadata, options);
            checkpointRounds = kpi.round + 1;
        }
        spdlog::info("round {:3d}  t = {:8.3f} s  loss {:.4f}  val NMSE {:7.2f} dB  {}/{} devices",
                     kpi.round,
                     kpi.end.GetSeconds(),
                     kpi.trainLoss,
                     kpi.validationNmseDb,
                     kpi.completed,
                     kpi.selected);
    });

    // CSI reports exist after the first slots; the server plans its first round then.
    deployment.network->Start();
    server->SetStartTime(MilliSeconds(10));
    auto wallStart = std::chrono::steady_clock::now();
    try
    {
        Simulator::Run();
    }
    catch (const TrainingDivergedError& e)
    {
        throw std::runtime_error(
            "round " + std::to_string(roundsFinished) + ", " + e.what() + "; " +
            (checkpointRounds > 0 ? checkpointPath + " (after round " +
                                        std::to_string(checkpointRounds - 1) + ") is kept"
                                  : std::string("no checkpoint was written")));
    }
    const double wallS =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    const double simulatedS = Simulator::Now().GetSeconds();
    rounds.Commit();
    devices.Commit();

    KpiCsvWriter summary(c.outDir + "/summary.csv",
                         {Column::Integer("rounds"),
                          Column::Fixed("simulated_s", 6),
                          Column::Fixed("pretrained_nmse_db", 4),
                          Column::Fixed("final_nmse_db", 4),
                          Column::Fixed("hold_nmse_db", 4),
                          Column::Fixed("ar8_nmse_db", 4),
                          Column::Fixed("prony_nmse_db", 4),
                          Column::Fixed("reference_nmse_db", 4),
                          Column::Integer("trainable_parameters"),
                          Column::Integer("parameters")});
    summary.WriteRow(c.rounds,
                     simulatedS,
                     pretrainedNmseDb,
                     lastNmseDb,
                     holdNmseDb,
                     arNmseDb,
                     pronyNmseDb,
                     referenceNmseDb,
                     CountTrainableParameters(*global),
                     CountParameters(*global));
    summary.Commit();

    RunMetadata metadata("split-fedft");
    args.Record(metadata);
    metadata.AddOutputFile("rounds.csv");
    metadata.AddOutputFile("devices.csv");
    metadata.AddOutputFile("summary.csv");
    if (c.checkpointEvery > 0)
    {
        metadata.AddOutputFile("checkpoint.ckpt");
    }
    metadata.WriteJson(c.outDir + "/run.json"); // last: marks the run complete

    std::cout << "split-fedft summary (" << c.outDir << ")\n"
              << "  validation NMSE, next snapshot: pretrained " << pretrainedNmseDb
              << " dB -> fine-tuned " << lastNmseDb << " dB\n"
              << "  classical predictors on the same noisy history: hold " << holdNmseDb
              << " dB, AR(8) " << arNmseDb << " dB, Prony " << pronyNmseDb << " dB\n"
              << "  the reference the model corrects (" << c.reference
              << ") alone: " << referenceNmseDb << " dB\n"
              << "  simulated time " << simulatedS << " s, wall time " << wallS << " s\n";
    Simulator::Destroy();
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("split-fedft", Run, argc, argv);
}
