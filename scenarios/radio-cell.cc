// radio-cell: drops UEs in a TR 38.901 deployment, runs full-buffer or finite-transfer
// traffic over the 6G radio layer, and writes per-slot, per-transfer and per-UE KPI
// traces plus a one-row summary and a JSON sidecar to --outDir.

#include "compute/compute-helper.h"
#include "helper/progress-reporter.h"
#include "helper/radio-energy-accounting.h"
#include "helper/radio-helper.h"
#include "helper/radio-kpi-sink.h"
#include "helper/run-metadata.h"
#include "helper/scenario-arguments.h"

#include "ns3/boolean.h"
#include "ns3/core-module.h"

#include <iostream>
#include <map>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

/// Every argument of the scenario, with its default.
struct RadioCellConfig
{
    std::string scenario{"UMa"};
    double frequencyHz{3.5e9};
    double bandwidthHz{20e6};
    uint32_t numerology{1};
    uint32_t sites{1};
    uint32_t sectors{3};
    uint32_t ues{10};
    double ueSpeedMps{0.83};
    std::string los{"probabilistic"};
    bool shadowing{true};
    bool fading{true};
    std::string scheduler{"pf"};
    std::string radio{"slot"};
    uint32_t flowStepSlots{0};
    std::string linkAdaptation{"mcs"};
    bool harq{true};
    std::string traffic{"full-buffer"};
    std::string direction{"both"};
    uint64_t transferBytes{100000};
    double transferIntervalS{0.05};
    double durationS{1.0};
    std::string ueProfile{"phone"};
    bool slotTrace{true};
    std::string outDir{"out/radio-cell"};
};

/// Poisson arrivals of fixed-size transfers between each UE and its serving gNB.
class TransferTraffic
{
  public:
    TransferTraffic(const RadioDeployment& deployment,
                    uint64_t bytes,
                    double meanIntervalS,
                    bool downlink,
                    bool uplink,
                    int64_t stream)
        : m_deployment(deployment),
          m_bytes(bytes)
    {
        m_interval = CreateObject<ExponentialRandomVariable>();
        m_interval->SetAttribute("Mean", DoubleValue(meanIntervalS));
        m_interval->SetStream(stream);
        for (uint32_t ue = 0; ue < deployment.ueNodes.GetN(); ++ue)
        {
            if (downlink)
            {
                ScheduleNext(ue, true);
            }
            if (uplink)
            {
                ScheduleNext(ue, false);
            }
        }
    }

  private:
    void ScheduleNext(uint32_t ue, bool downlink)
    {
        Simulator::Schedule(Seconds(m_interval->GetValue()), [this, ue, downlink]() {
            Ptr<Node> ueNode = m_deployment.ueNodes.Get(ue);
            Ptr<Node> gnbNode = m_deployment.gnbNodes.Get(m_deployment.network->GetServingCell(ue));
            m_deployment.transfers->Send(downlink ? gnbNode : ueNode,
                                         downlink ? ueNode : gnbNode,
                                         m_bytes,
                                         TransferService::DeliveredCallback());
            ScheduleNext(ue, downlink);
        });
    }

    RadioDeployment m_deployment;
    uint64_t m_bytes;
    Ptr<ExponentialRandomVariable> m_interval;
};

int
Run(int argc, char** argv)
{
    RadioCellConfig c;
    ScenarioArguments args(
        "radio-cell",
        "Drops UEs in a 3GPP TR 38.901 deployment and runs full-buffer or finite-transfer "
        "traffic over the 6G radio layer (OFDMA, per-PRB SINR with inter-cell interference, "
        "38.214 link adaptation, HARQ). Writes slots.csv, transfers.csv, ues.csv, summary.csv "
        "and run.json to --outDir. Replications: --RngRun=N.");
    args.Add("scenario",
             "TR 38.901 scenario: UMa, UMi-StreetCanyon, InH-OfficeMixed, "
             "InH-OfficeOpen, RMa",
             c.scenario);
    args.Add("frequencyHz", "carrier frequency (Hz), FR1 to FR2 (0.5-100 GHz)", c.frequencyHz);
    args.Add("bandwidthHz", "channel bandwidth (Hz)", c.bandwidthHz);
    args.Add("numerology",
             "NR numerology mu, 0..4 (subcarrier spacing 15 kHz * 2^mu)",
             c.numerology);
    args.Add("sites", "macro sites: 1, 7 or 19 (ignored by InH: 12 BSs)", c.sites);
    args.Add("sectors", "cells per macro site: 1 or 3", c.sectors);
    args.Add("ues", "number of UEs (edge devices) dropped uniformly over the cells", c.ues);
    args.Add("ueSpeed", "UE speed (m/s); 0 = static, else a random walk", c.ueSpeedMps);
    args.Add("los", "LOS state: probabilistic (TR 38.901 Table 7.4.2-1), los, nlos", c.los);
    args.Add("shadowing", "log-normal shadow fading", c.shadowing);
    args.Add("fading", "fast fading (TR 38.901 sec. 7.5) on serving links", c.fading);
    args.Add("scheduler", "PRB scheduler: rr, pf, mr", c.scheduler);
    args.Add("linkAdaptation",
             "mcs (TS 38.214 MCS/CQI tables + BLER) or shannon (gap)",
             c.linkAdaptation);
    args.Add("harq", "HARQ retransmissions with chase combining", c.harq);
    args.Add("radio",
             "radio engine: slot (every slot: per-block errors, HARQ, fading per slot) or flow "
             "(one step per CSI period at the expected goodput; see docs/radio-model.md)",
             c.radio);
    args.Add("flowStepSlots",
             "flow engine: longest step in slots (0: the CSI period); longer steps hold the "
             "channel and the allocation longer and cost less",
             c.flowStepSlots);
    args.Add("traffic", "full-buffer or transfers (Poisson arrivals of transferBytes)", c.traffic);
    args.Add("direction", "traffic direction: dl, ul or both", c.direction);
    args.Add("transferBytes", "bytes per transfer (traffic=transfers)", c.transferBytes);
    args.Add("transferInterval",
             "mean time between transfers per UE and direction (s)",
             c.transferIntervalS);
    args.Add("duration", "simulated time (s)", c.durationS);
    args.Add("ueProfile",
             "device profile of the UEs (phone, embedded-gpu, laptop): transmit power and "
             "energy accounting",
             c.ueProfile);
    args.Add("slotTrace", "write slots.csv (one row per transport block)", c.slotTrace);
    args.Add("outDir", "output directory (created if missing)", c.outDir);
    args.Parse(argc, argv);

    // Validate everything before any output exists.
    if (!(c.bandwidthHz > 0))
    {
        ThrowBadArgument("bandwidthHz", std::to_string(c.bandwidthHz), "must be positive");
    }
    if (c.numerology > OfdmaGrid::kMaxNumerology)
    {
        ThrowBadArgument("numerology",
                         std::to_string(c.numerology),
                         "out of range [0, 4] (TS 38.211 sec. 4.2)");
    }
    if (c.ues == 0)
    {
        ThrowBadArgument("ues", "0", "at least one UE is needed");
    }
    if (!(c.durationS > 0))
    {
        ThrowBadArgument("duration", std::to_string(c.durationS), "must be positive");
    }
    if (!(c.ueSpeedMps >= 0))
    {
        ThrowBadArgument("ueSpeed", std::to_string(c.ueSpeedMps), "must be >= 0");
    }
    if (c.traffic == "transfers" && (c.transferBytes == 0 || !(c.transferIntervalS > 0)))
    {
        ThrowBadArgument("transferBytes/transferInterval",
                         std::to_string(c.transferBytes) + "/" +
                             std::to_string(c.transferIntervalS),
                         "need at least one byte and a positive interval");
    }
    try
    {
        DeviceProfile::Get(c.ueProfile);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("ueProfile", c.ueProfile, e.what());
    }
    try
    {
        ParseThreeGppScenario(c.scenario);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("scenario", c.scenario, e.what());
    }
    const std::string schedulerType =
        ChooseArgument<std::string>("scheduler",
                                    c.scheduler,
                                    {{"rr", "ns3::RoundRobinScheduler"},
                                     {"pf", "ns3::ProportionalFairScheduler"},
                                     {"mr", "ns3::MaxRateScheduler"}});
    const std::string laMode =
        ChooseArgument<std::string>("linkAdaptation",
                                    c.linkAdaptation,
                                    {{"mcs", "McsTable"}, {"shannon", "ShannonGap"}});
    const LosMode losMode = ChooseArgument<LosMode>("los",
                                                    c.los,
                                                    {{"probabilistic", LosMode::Probabilistic},
                                                     {"los", LosMode::AlwaysLos},
                                                     {"nlos", LosMode::NeverLos}});
    const bool fullBuffer =
        ChooseArgument<bool>("traffic", c.traffic, {{"full-buffer", true}, {"transfers", false}});
    const auto [downlink, uplink] = ChooseArgument<std::pair<bool, bool>>(
        "direction",
        c.direction,
        {{"dl", {true, false}}, {"ul", {false, true}}, {"both", {true, true}}});

    RadioHelper radio;
    try
    {
        radio.SetCarrier(c.frequencyHz, c.bandwidthHz, c.numerology);
        CheckThreeGppFrequency(ParseThreeGppScenario(c.scenario), c.frequencyHz);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("frequencyHz/bandwidthHz/numerology",
                         std::to_string(c.frequencyHz) + "/" + std::to_string(c.bandwidthHz) + "/" +
                             std::to_string(c.numerology),
                         e.what());
    }
    radio.SetPropagation(losMode, c.shadowing);
    radio.SetLayoutAttribute("Scenario", StringValue(c.scenario));
    radio.SetLayoutAttribute("NumSites", UintegerValue(c.sites));
    radio.SetLayoutAttribute("SectorsPerSite", UintegerValue(c.sectors));
    radio.SetChannelAttribute("FastFading", BooleanValue(c.fading));
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
    radio.SetNetworkAttribute("Scheduler", StringValue(schedulerType));
    radio.SetNetworkAttribute("Harq", BooleanValue(c.harq));
    radio.SetLinkAdaptationAttribute("Mode", StringValue(laMode));

    try
    {
        EnsureWritableDirectory(c.outDir);
    }
    catch (const std::exception& e)
    {
        ThrowBadArgument("outDir", c.outDir, e.what());
    }

    RadioDeployment deployment = radio.Install(c.ues, c.ueSpeedMps, 0);
    ComputeHelper compute;
    std::vector<Ptr<ComputeDevice>> ueDevices = compute.Install(deployment.ueNodes, c.ueProfile);
    compute.Install(deployment.gnbNodes, "edge-server");
    RadioEnergyAccounting energy(deployment, ueDevices);
    RadioKpiSink sink(c.outDir, c.slotTrace);
    sink.Connect(deployment);
    for (uint32_t ue = 0; ue < c.ues; ++ue)
    {
        if (fullBuffer)
        {
            deployment.network->SetFullBuffer(ue, LinkDirection::Downlink, downlink);
            deployment.network->SetFullBuffer(ue, LinkDirection::Uplink, uplink);
        }
    }
    std::unique_ptr<TransferTraffic> traffic;
    if (!fullBuffer)
    {
        const int64_t trafficStream = 10000; // far above the radio's streams
        traffic = std::make_unique<TransferTraffic>(deployment,
                                                    c.transferBytes,
                                                    c.transferIntervalS,
                                                    downlink,
                                                    uplink,
                                                    trafficStream);
    }
    const OfdmaGrid& grid = radio.GetGrid();
    const uint32_t numCells = deployment.network->GetNumCells();
    spdlog::info("radio-cell: {} with {} cells, {} UEs, {:.2f} GHz, {} PRBs of {:.0f} kHz, "
                 "{} scheduler, {} s",
                 c.scenario,
                 numCells,
                 c.ues,
                 c.frequencyHz / 1e9,
                 grid.GetNumPrbs(),
                 grid.GetPrbBandwidthHz() / 1e3,
                 c.scheduler,
                 c.durationS);

    const Time stop = Seconds(c.durationS);
    deployment.network->Start();
    ProgressReporter progress(stop, MilliSeconds(10));
    progress.Start();
    auto wallStart = std::chrono::steady_clock::now();
    Simulator::Stop(stop);
    Simulator::Run();
    double wallS =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();

    RadioKpiSink::Totals totals = sink.Commit(deployment, stop, ueDevices);
    const double dlCellMbps = 8e-6 * totals.dlBytes / c.durationS / numCells;
    const double ulCellMbps = 8e-6 * totals.ulBytes / c.durationS / numCells;
    const double bler = totals.blocks ? double(totals.failedBlocks) / totals.blocks : 0.0;

    using Column = KpiCsvWriter::Column;
    KpiCsvWriter summary(c.outDir + "/summary.csv",
                         {Column::Integer("cells"),
                          Column::Integer("ues"),
                          Column::Integer("prbs"),
                          Column::Integer("slots"),
                          Column::Fixed("dl_cell_throughput_mbps", 4),
                          Column::Fixed("ul_cell_throughput_mbps", 4),
                          Column::Fixed("p5_ue_dl_throughput_mbps", 4),
                          Column::Fixed("mean_sinr_db", 4),
                          Column::Fixed("first_tx_bler", 6),
                          Column::Integer("transfers"),
                          Column::Fixed("mean_transfer_latency_s", 6),
                          Column::Fixed("p95_transfer_latency_s", 6),
                          Column::Fixed("mean_ue_radio_energy_j", 6)});
    summary.WriteRow(numCells,
                     c.ues,
                     grid.GetNumPrbs(),
                     deployment.network->GetSlotCount(),
                     dlCellMbps,
                     ulCellMbps,
                     totals.p5UeDlThroughputBps / 1e6,
                     totals.meanSinrDb,
                     bler,
                     totals.transfers,
                     totals.meanTransferLatencyS,
                     totals.p95TransferLatencyS,
                     totals.meanUeRadioEnergyJ);
    summary.Commit();

    RunMetadata metadata("radio-cell");
    args.Record(metadata);
    metadata.SetParameter("numPrbs", grid.GetNumPrbs());
    metadata.SetParameter("numCells", numCells);
    for (const auto& file : sink.GetFileNames())
    {
        metadata.AddOutputFile(file);
    }
    metadata.AddOutputFile("summary.csv");
    metadata.WriteJson(c.outDir + "/run.json"); // last: marks the run complete

    std::cout << "radio-cell summary (" << c.outDir << ")\n"
              << "  cells x UEs            " << numCells << " x " << c.ues << "\n"
              << "  DL / UL cell throughput " << dlCellMbps << " / " << ulCellMbps << " Mbit/s\n"
              << "  5%-ile UE DL throughput " << totals.p5UeDlThroughputBps / 1e6 << " Mbit/s\n"
              << "  mean SINR               " << totals.meanSinrDb << " dB\n"
              << "  first-transmission BLER " << bler << "\n"
              << "  transfers completed     " << totals.transfers << " (mean latency "
              << totals.meanTransferLatencyS * 1e3 << " ms)\n"
              << "  mean UE uplink energy   " << totals.meanUeRadioEnergyJ << " J\n"
              << "  wall time               " << wallS << " s (" << c.durationS / wallS
              << " simulated s per wall s)\n";
    Simulator::Destroy();
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("radio-cell", Run, argc, argv);
}
