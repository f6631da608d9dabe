// csi-dataset: generates channel-prediction datasets from the TR 38.901 ray-level CSI
// engine and writes them as NumPy arrays a PyTorch or NumPy user loads directly.
//
// Each sample is one UE moving at a random speed: `past` uplink CSI snapshots (with
// estimation noise, and clean) and the `future` snapshots that follow, uplink and
// downlink, sampled every `samplePeriod`. The defaults are the LLM4CP setup: UMa NLOS
// at 2.4 GHz, 32-port base station (4 x 4 dual-polarised), single-antenna UE, 48
// uplink + 48 downlink subcarriers over 17.28 MHz, 0.5 ms sampling, 16 past + 4 future
// snapshots, 10-100 km/h.

#include "channel/antenna-array.h"
#include "channel/cdl-ray-set.h"
#include "channel/csi-estimation-noise.h"
#include "channel/npy-writer.h"
#include "channel/ray-channel.h"
#include "channel/three-gpp-ray-generator.h"
#include "helper/atomic-file.h"
#include "helper/run-metadata.h"
#include "helper/scenario-arguments.h"

#include "ns3/boolean.h"
#include "ns3/core-module.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Every argument of the scenario, with its default (the LLM4CP setup).
struct CsiDatasetConfig
{
    std::string model{"3gpp"};
    double delaySpreadS{100e-9};
    std::string scenario{"UMa"};
    bool los{false};
    double frequencyHz{2.4e9};
    uint32_t subcarriers{48};
    double subcarrierSpacingHz{180e3};
    double duplexGapHz{0};
    double samplePeriodS{0.5e-3};
    uint32_t past{16};
    uint32_t future{4};
    double minSpeedKmh{10};
    double maxSpeedKmh{100};
    double minDistanceM{35};
    double maxDistanceM{300};
    double snrDb{20};
    uint32_t trainSamples{800};
    uint32_t valSamples{100};
    uint32_t testSamples{100};
    std::string outDir{"out/csi-dataset"};
};

/// The streamed arrays of one split.
struct SplitWriters
{
    std::unique_ptr<NpyWriter> historyUl;
    std::unique_ptr<NpyWriter> historyUlClean;
    std::unique_ptr<NpyWriter> futureUl;
    std::unique_ptr<NpyWriter> futureDl;
    std::unique_ptr<NpyWriter> speedKmh;

    void Commit()
    {
        for (auto* writer : {&historyUl, &historyUlClean, &futureUl, &futureDl, &speedKmh})
        {
            (*writer)->Commit();
        }
    }
};

/// Draws UE drops, motion and channels; produces one sample at a time.
class SampleGenerator
{
  public:
    explicit SampleGenerator(const CsiDatasetConfig& c)
        : m_config(c),
          m_bsArray(AntennaArray::ThreeGppBs4x4DualPol()),
          m_ueArray(AntennaArray::IsotropicUe())
    {
        int64_t stream = 0;
        if (c.model == "3gpp")
        {
            m_rays = CreateObject<ThreeGppRayGenerator>();
            m_rays->SetAttribute("Scenario", StringValue(c.scenario));
            m_rays->SetAttribute("Los", BooleanValue(c.los));
            m_rays->SetAttribute("CarrierFrequencyHz", DoubleValue(c.frequencyHz));
            stream += m_rays->AssignStreams(stream);
        }
        else
        {
            m_cdl = CreateObject<CdlRaySetFactory>();
            m_cdl->SetAttribute("Model", StringValue(c.model));
            m_cdl->SetAttribute("DelaySpreadS", DoubleValue(c.delaySpreadS));
            m_cdl->SetAttribute("CarrierFrequencyHz", DoubleValue(c.frequencyHz));
            stream += m_cdl->AssignStreams(stream);
        }
        m_uniform = CreateObject<UniformRandomVariable>();
        m_noise = CreateObject<CsiEstimationNoise>();
        m_noise->SetAttribute("SnrDb", DoubleValue(c.snrDb));
        m_uniform->SetStream(stream++);
        m_noise->AssignStreams(stream++);

        // Uplink: the lower `subcarriers` of the band, downlink the upper ones, with an
        // optional duplex gap between them; the band is centred on frequencyHz.
        const double span = 2.0 * c.subcarriers * c.subcarrierSpacingHz + c.duplexGapHz;
        for (uint32_t k = 0; k < c.subcarriers; ++k)
        {
            m_ulOffsetsHz.push_back(-span / 2 + (k + 0.5) * c.subcarrierSpacingHz);
            m_dlOffsetsHz.push_back(m_ulOffsetsHz.back() + span / 2 + c.duplexGapHz / 2);
        }
        for (uint32_t t = 0; t < c.past + c.future; ++t)
        {
            (t < c.past ? m_pastTimesS : m_futureTimesS).push_back(t * c.samplePeriodS);
        }
    }

    /// Generates one sample and appends it to the writers of its split.
    void Next(SplitWriters& out)
    {
        const CsiDatasetConfig& c = m_config;
        // UE uniform over the sector's annulus (area-uniform radius), 120 degrees wide.
        const double r2 =
            m_uniform->GetValue(c.minDistanceM * c.minDistanceM, c.maxDistanceM * c.maxDistanceM);
        const double azimuth = m_uniform->GetValue(-M_PI / 3, M_PI / 3);
        const Vector bsPos(0, 0, 25);
        const Vector uePos(std::sqrt(r2) * std::cos(azimuth),
                           std::sqrt(r2) * std::sin(azimuth),
                           1.5);
        const float speedKmh = m_uniform->GetValue(c.minSpeedKmh, c.maxSpeedKmh);
        const double heading = m_uniform->GetValue(0, 2 * M_PI);
        const Vector velocity(speedKmh / 3.6 * std::cos(heading),
                              speedKmh / 3.6 * std::sin(heading),
                              0);

        // CDL ray sets are fixed by their table (the drop only sets the motion).
        RaySet rays = m_rays ? m_rays->Generate(bsPos, uePos) : m_cdl->CreateRaySet();
        RayChannel channel(rays, m_bsArray, m_ueArray, velocity);
        CsiTensor historyClean = channel.GetUplinkResponse(m_pastTimesS, m_ulOffsetsHz);
        CsiTensor historyNoisy = historyClean;
        m_noise->Apply(historyNoisy);
        CsiTensor futureUl = channel.GetUplinkResponse(m_futureTimesS, m_ulOffsetsHz);
        CsiTensor futureDl;
        if (c.duplexGapHz > 0)
        {
            // Bands further apart share angles and delays but not small-scale phases.
            RedrawPhases(rays, m_uniform);
            futureDl = RayChannel(rays, m_bsArray, m_ueArray, velocity)
                           .GetDownlinkResponse(m_futureTimesS, m_dlOffsetsHz);
        }
        else
        {
            futureDl = channel.GetDownlinkResponse(m_futureTimesS, m_dlOffsetsHz);
        }
        auto append = [](NpyWriter& writer, const CsiTensor& csi) {
            writer.Append(csi.GetData().data(), csi.GetSize());
        };
        append(*out.historyUl, historyNoisy);
        append(*out.historyUlClean, historyClean);
        append(*out.futureUl, futureUl);
        append(*out.futureDl, futureDl);
        out.speedKmh->Append(&speedKmh, 1);
    }

    std::size_t GetBsPorts() const
    {
        return m_bsArray.GetNumPorts();
    }

    std::size_t GetUePorts() const
    {
        return m_ueArray.GetNumPorts();
    }

  private:
    CsiDatasetConfig m_config;
    AntennaArray m_bsArray;
    AntennaArray m_ueArray;
    Ptr<ThreeGppRayGenerator> m_rays; //!< --model=3gpp
    Ptr<CdlRaySetFactory> m_cdl;      //!< --model=CDL-x
    Ptr<UniformRandomVariable> m_uniform;
    Ptr<CsiEstimationNoise> m_noise;
    std::vector<double> m_ulOffsetsHz;
    std::vector<double> m_dlOffsetsHz;
    std::vector<double> m_pastTimesS;
    std::vector<double> m_futureTimesS;
};

SplitWriters
OpenSplit(const std::string& dir,
          const std::string& split,
          const CsiDatasetConfig& c,
          uint32_t samples,
          std::size_t bsPorts,
          std::size_t uePorts)
{
    auto open = [&](const std::string& name, NpyDtype dtype, std::vector<std::size_t> shape) {
        return std::make_unique<NpyWriter>(dir + "/" + split + "_" + name + ".npy", dtype, shape);
    };
    const std::size_t n = samples;
    SplitWriters w;
    // Uplink tensors are (sample, time, subcarrier, BS port, UE port); downlink ones
    // (sample, time, subcarrier, UE port, BS port): receive antenna before transmit.
    w.historyUl =
        open("history_ul", NpyDtype::COMPLEX64, {n, c.past, c.subcarriers, bsPorts, uePorts});
    w.historyUlClean =
        open("history_ul_clean", NpyDtype::COMPLEX64, {n, c.past, c.subcarriers, bsPorts, uePorts});
    w.futureUl =
        open("future_ul", NpyDtype::COMPLEX64, {n, c.future, c.subcarriers, bsPorts, uePorts});
    w.futureDl =
        open("future_dl", NpyDtype::COMPLEX64, {n, c.future, c.subcarriers, uePorts, bsPorts});
    w.speedKmh = open("speed_kmh", NpyDtype::FLOAT32, {n});
    return w;
}

int
Run(int argc, char** argv)
{
    CsiDatasetConfig c;
    ScenarioArguments args(
        "csi-dataset",
        "Generates channel-prediction datasets (train/val/test) from the TR 38.901 ray-level "
        "CSI engine as NumPy .npy files plus a JSON sidecar. Defaults: the LLM4CP setup (UMa "
        "NLOS, 2.4 GHz, 32-port BS, 48 UL + 48 DL subcarriers over 17.28 MHz, 0.5 ms, 16 "
        "past + 4 future, 10-100 km/h). Replications: --RngRun=N.");
    args.Add("model",
             "channel model: 3gpp (stochastic TR 38.901 sec. 7.5, with --scenario and --los) "
             "or CDL-A ... CDL-E (sec. 7.7.1, with --delaySpreadS)",
             c.model);
    args.Add("delaySpreadS", "rms delay spread of the CDL models (s), sec. 7.7.3", c.delaySpreadS);
    args.Add("scenario",
             "TR 38.901 scenario: UMa, UMi-StreetCanyon, InH-OfficeMixed, "
             "InH-OfficeOpen, RMa",
             c.scenario);
    args.Add("los", "line-of-sight link (false: NLOS)", c.los);
    args.Add("frequencyHz", "centre of the band (Hz)", c.frequencyHz);
    args.Add("subcarriers", "subcarriers per direction (uplink and downlink)", c.subcarriers);
    args.Add("subcarrierSpacingHz", "subcarrier spacing of the CSI (Hz)", c.subcarrierSpacingHz);
    args.Add("duplexGapHz",
             "gap between the uplink and downlink bands (Hz); > 0 draws independent "
             "small-scale phases for the downlink (FDD), 0 = one contiguous band",
             c.duplexGapHz);
    args.Add("samplePeriod", "time between CSI snapshots (s)", c.samplePeriodS);
    args.Add("past", "history snapshots per sample", c.past);
    args.Add("future", "snapshots to predict per sample", c.future);
    args.Add("minSpeedKmh", "lowest UE speed (km/h)", c.minSpeedKmh);
    args.Add("maxSpeedKmh", "highest UE speed (km/h)", c.maxSpeedKmh);
    args.Add("minDistance", "smallest BS-UE 2D distance (m)", c.minDistanceM);
    args.Add("maxDistance", "largest BS-UE 2D distance (m)", c.maxDistanceM);
    args.Add("snrDb", "channel-estimation SNR of the noisy history (dB)", c.snrDb);
    args.Add("trainSamples", "samples in the training split", c.trainSamples);
    args.Add("valSamples", "samples in the validation split", c.valSamples);
    args.Add("testSamples", "samples in the test split", c.testSamples);
    args.Add("outDir", "output directory (created if missing)", c.outDir);
    args.Parse(argc, argv);

    try
    {
        ParseThreeGppScenario(c.scenario);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("scenario", c.scenario, e.what());
    }
    if (c.model != "3gpp")
    {
        try
        {
            CdlModelFromName(c.model);
        }
        catch (const std::invalid_argument& e)
        {
            ThrowBadArgument("model", c.model, std::string(e.what()) + "; or 3gpp");
        }
    }
    if (c.subcarriers == 0 || !(c.subcarrierSpacingHz > 0))
    {
        ThrowBadArgument("subcarriers/subcarrierSpacingHz",
                         std::to_string(c.subcarriers) + "/" +
                             std::to_string(c.subcarrierSpacingHz),
                         "need at least one subcarrier and a positive spacing");
    }
    if (!(c.samplePeriodS > 0) || c.past == 0 || c.future == 0)
    {
        ThrowBadArgument("samplePeriod/past/future",
                         std::to_string(c.samplePeriodS) + "/" + std::to_string(c.past) + "/" +
                             std::to_string(c.future),
                         "need a positive period and at least one past and one future snapshot");
    }
    if (!(c.minSpeedKmh >= 0) || !(c.maxSpeedKmh >= c.minSpeedKmh))
    {
        ThrowBadArgument("minSpeedKmh/maxSpeedKmh",
                         std::to_string(c.minSpeedKmh) + "/" + std::to_string(c.maxSpeedKmh),
                         "need 0 <= min <= max");
    }
    if (!(c.minDistanceM > 0) || !(c.maxDistanceM >= c.minDistanceM))
    {
        ThrowBadArgument("minDistance/maxDistance",
                         std::to_string(c.minDistanceM) + "/" + std::to_string(c.maxDistanceM),
                         "need 0 < min <= max");
    }
    if (c.trainSamples + c.valSamples + c.testSamples == 0)
    {
        ThrowBadArgument("trainSamples/valSamples/testSamples", "0/0/0", "no samples requested");
    }
    if (!(c.duplexGapHz >= 0))
    {
        ThrowBadArgument("duplexGapHz", std::to_string(c.duplexGapHz), "must be >= 0");
    }
    try
    {
        EnsureWritableDirectory(c.outDir);
    }
    catch (const std::exception& e)
    {
        ThrowBadArgument("outDir", c.outDir, e.what());
    }

    std::unique_ptr<SampleGenerator> generatorPtr;
    try
    {
        generatorPtr = std::make_unique<SampleGenerator>(c);
    }
    catch (const std::invalid_argument& e)
    {
        ThrowBadArgument("frequencyHz/delaySpreadS/snrDb",
                         std::to_string(c.frequencyHz) + "/" + std::to_string(c.delaySpreadS) +
                             "/" + std::to_string(c.snrDb),
                         e.what());
    }
    SampleGenerator& generator = *generatorPtr;
    RunMetadata metadata("csi-dataset");
    const std::pair<std::string, uint32_t> splits[] = {{"train", c.trainSamples},
                                                       {"val", c.valSamples},
                                                       {"test", c.testSamples}};
    const uint32_t total = c.trainSamples + c.valSamples + c.testSamples;
    uint32_t done = 0;
    const auto start = std::chrono::steady_clock::now();
    auto lastPrint = start;
    for (const auto& [split, samples] : splits)
    {
        SplitWriters writers =
            OpenSplit(c.outDir, split, c, samples, generator.GetBsPorts(), generator.GetUePorts());
        for (uint32_t i = 0; i < samples; ++i, ++done)
        {
            generator.Next(writers);
            const auto now = std::chrono::steady_clock::now();
            if (std::chrono::duration<double>(now - lastPrint).count() >= 2.0)
            {
                lastPrint = now;
                const double elapsedS = std::chrono::duration<double>(now - start).count();
                spdlog::info("{} / {} samples ({:.0f}%), {:.0f} samples/s, ETA {:.0f} s",
                             done,
                             total,
                             100.0 * done / total,
                             done / elapsedS,
                             (total - done) * elapsedS / done);
            }
        }
        writers.Commit();
        for (const char* name :
             {"history_ul", "history_ul_clean", "future_ul", "future_dl", "speed_kmh"})
        {
            metadata.AddOutputFile(split + "_" + name + ".npy");
        }
    }
    args.Record(metadata);
    metadata.SetParameter("bsPorts", generator.GetBsPorts());
    metadata.SetParameter("uePorts", generator.GetUePorts());
    metadata.SetParameter("bsArray",
                          std::string("4x4 dual-polarised +/-45 deg, TR 38.901 element"));
    metadata.SetParameter("ueArray", std::string("1 isotropic element, vertical polarisation"));
    metadata.WriteJson(c.outDir + "/dataset.json"); // last: marks the dataset complete
    const double wallS =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "csi-dataset: " << total << " samples in " << c.outDir << " (" << wallS << " s, "
              << total / wallS << " samples/s)\n";
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("csi-dataset", Run, argc, argv);
}
