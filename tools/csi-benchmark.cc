// Measures CSI snapshots per second of the project's ray-level engine next to ns-3's
// ThreeGppChannelModel producing the same antenna configuration, in one process.
// A snapshot is H[k, r, s] for every subcarrier k and port pair (r, s) at one instant.
//
// Usage: edge-lam-csi-benchmark [llm4cp|mmwave] [seconds per measurement]

#include "channel/antenna-array.h"
#include "channel/ray-channel.h"
#include "channel/three-gpp-ray-generator.h"

#include "ns3/boolean.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/core-module.h"
#include "ns3/isotropic-antenna-model.h"
#include "ns3/node-container.h"
#include "ns3/pointer.h"
#include "ns3/three-gpp-antenna-model.h"
#include "ns3/three-gpp-channel-model.h"
#include "ns3/uniform-planar-array.h"

#include <chrono>
#include <complex>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

struct Setup
{
    std::string name;
    double frequencyHz;
    uint32_t subcarriers;
    double spacingHz;
    AntennaArray::Config bs; // ours
    AntennaArray::Config ue;
    uint32_t ns3BsRows; // ns-3 3.37 arrays are single-polarised: same port count
    uint32_t ns3BsColumns;
    uint32_t ns3UeRows;
    uint32_t ns3UeColumns;
};

/// Runs `work` (which produces `perCall` snapshots) for about `seconds`; snapshots/s.
double
Rate(double seconds, uint32_t perCall, const std::function<void()>& work)
{
    auto start = std::chrono::steady_clock::now();
    uint64_t calls = 0;
    double elapsed = 0;
    while (elapsed < seconds)
    {
        work();
        ++calls;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return calls * perCall / elapsed;
}

std::vector<double>
Offsets(const Setup& s)
{
    std::vector<double> offsets;
    for (uint32_t k = 0; k < s.subcarriers; ++k)
    {
        offsets.push_back((k + 0.5 - s.subcarriers / 2.0) * s.spacingHz);
    }
    return offsets;
}

double
OursIndependent(const Setup& s, double seconds)
{
    auto generator = CreateObject<ThreeGppRayGenerator>();
    generator->SetAttribute("Scenario", StringValue("UMa"));
    generator->SetAttribute("Los", BooleanValue(false));
    generator->SetAttribute("CarrierFrequencyHz", DoubleValue(s.frequencyHz));
    generator->AssignStreams(1);
    AntennaArray bs(s.bs);
    AntennaArray ue(s.ue);
    const std::vector<double> offsets = Offsets(s);
    return Rate(seconds, 1, [&]() {
        RaySet rays = generator->Generate(Vector(0, 0, 25), Vector(150, 40, 1.5));
        RayChannel channel(rays, bs, ue, Vector(8.3, 0, 0));
        channel.GetDownlinkResponse({0.0}, offsets);
    });
}

double
OursTrack(const Setup& s, double seconds, uint32_t snapshotsPerCall)
{
    auto generator = CreateObject<ThreeGppRayGenerator>();
    generator->SetAttribute("Scenario", StringValue("UMa"));
    generator->SetAttribute("Los", BooleanValue(false));
    generator->SetAttribute("CarrierFrequencyHz", DoubleValue(s.frequencyHz));
    generator->AssignStreams(1);
    RaySet rays = generator->Generate(Vector(0, 0, 25), Vector(150, 40, 1.5));
    RayChannel channel(rays, AntennaArray(s.bs), AntennaArray(s.ue), Vector(8.3, 0, 0));
    std::vector<double> times;
    for (uint32_t t = 0; t < snapshotsPerCall; ++t)
    {
        times.push_back(0.5e-3 * t);
    }
    const std::vector<double> offsets = Offsets(s);
    return Rate(seconds, snapshotsPerCall, [&]() { channel.GetDownlinkResponse(times, offsets); });
}

/// ns-3: a new ThreeGppChannelModel realisation per snapshot (UpdatePeriod 1 ns, the
/// clock advanced between calls), then, if withResponse, the OFDM response summed over
/// its clusters with precomputed delay phasors.
double
Ns3Independent(const Setup& s, double seconds, bool withResponse)
{
    NodeContainer nodes(2);
    for (uint32_t i = 0; i < 2; ++i)
    {
        auto mobility = CreateObject<ConstantPositionMobilityModel>();
        mobility->SetPosition(i == 0 ? Vector(0, 0, 25) : Vector(150, 40, 1.5));
        nodes.Get(i)->AggregateObject(mobility);
    }
    auto bs = CreateObject<UniformPlanarArray>();
    bs->SetAttribute("NumRows", UintegerValue(s.ns3BsRows));
    bs->SetAttribute("NumColumns", UintegerValue(s.ns3BsColumns));
    bs->SetAttribute("AntennaElement", PointerValue(CreateObject<ThreeGppAntennaModel>()));
    auto ue = CreateObject<UniformPlanarArray>();
    ue->SetAttribute("NumRows", UintegerValue(s.ns3UeRows));
    ue->SetAttribute("NumColumns", UintegerValue(s.ns3UeColumns));
    ue->SetAttribute("AntennaElement", PointerValue(CreateObject<IsotropicAntennaModel>()));
    auto model = CreateObject<ThreeGppChannelModel>();
    model->SetAttribute("Scenario", StringValue("UMa"));
    model->SetAttribute("Frequency", DoubleValue(s.frequencyHz));
    model->SetAttribute("UpdatePeriod", TimeValue(NanoSeconds(1)));
    model->SetAttribute("ChannelConditionModel",
                        PointerValue(CreateObject<NeverLosChannelConditionModel>()));
    model->AssignStreams(1);
    auto a = nodes.Get(0)->GetObject<MobilityModel>();
    auto b = nodes.Get(1)->GetObject<MobilityModel>();
    const std::vector<double> offsets = Offsets(s);
    std::vector<std::complex<double>> response(offsets.size() * s.ns3BsRows * s.ns3BsColumns *
                                               s.ns3UeRows * s.ns3UeColumns);
    std::vector<std::complex<double>> phasors;
    double rate = 0;
    Simulator::ScheduleNow([&]() {
        rate = Rate(seconds, 1, [&]() {
            // Advance the clock past the update period: the next call draws a new channel.
            Simulator::Stop(NanoSeconds(2));
            Simulator::Run();
            auto channel = model->GetChannel(a, b, bs, ue);
            if (!withResponse)
            {
                return;
            }
            auto params = model->GetParams(a, b);
            // Delay phasors once per subcarrier and cluster, then one complex
            // multiply-add per subcarrier, port pair and cluster.
            const std::size_t numClusters = params->m_delay.size();
            phasors.resize(offsets.size() * numClusters);
            for (std::size_t k = 0; k < offsets.size(); ++k)
            {
                for (std::size_t n = 0; n < numClusters; ++n)
                {
                    phasors[k * numClusters + n] =
                        std::polar(1.0,
                                   -2 * M_PI * (s.frequencyHz + offsets[k]) * params->m_delay[n]);
                }
            }
            std::size_t i = 0;
            for (std::size_t k = 0; k < offsets.size(); ++k)
            {
                for (const auto& row : channel->m_channel)
                {
                    for (const auto& clusters : row)
                    {
                        std::complex<double> sum = 0;
                        for (std::size_t n = 0; n < clusters.size(); ++n)
                        {
                            sum += clusters[n] * phasors[k * numClusters + n];
                        }
                        response[i++] = sum;
                    }
                }
            }
        });
    });
    Simulator::Run();
    Simulator::Destroy();
    return rate;
}

} // namespace

int
main(int argc, char** argv)
{
    const std::string which = argc > 1 ? argv[1] : "llm4cp";
    const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
    Setup setup;
    if (which == "llm4cp")
    {
        setup = {"LLM4CP: UMa NLOS 2.4 GHz, 32x1 ports, 96 subcarriers",
                 2.4e9,
                 96,
                 180e3,
                 AntennaArray::ThreeGppBs4x4DualPol().GetConfig(),
                 AntennaArray::IsotropicUe().GetConfig(),
                 4,
                 8,
                 1,
                 1};
    }
    else if (which == "mmwave")
    {
        AntennaArray::Config bs = AntennaArray::ThreeGppBs4x4DualPol().GetConfig();
        bs.numColumns = 8; // 4 x 8 x 2 polarisations = 64 ports
        AntennaArray::Config ue = AntennaArray::ThreeGppBs4x4DualPol().GetConfig();
        ue.numRows = 1;
        ue.numColumns = 2; // 1 x 2 x 2 = 4 ports
        setup = {"mmWave: UMa NLOS 28 GHz, 64x4 ports, 96 subcarriers",
                 28e9,
                 96,
                 1.44e6,
                 bs,
                 ue,
                 8,
                 8,
                 2,
                 2};
    }
    else
    {
        std::cerr << "csi-benchmark: error: unknown setup '" << which << "' (llm4cp, mmwave)\n";
        return 1;
    }
    std::cout << setup.name << "\n";
    std::cout << "  ours, a new drop per snapshot:        " << OursIndependent(setup, seconds)
              << " snapshots/s\n";
    std::cout << "  ours, 20-snapshot tracks (0.5 ms):    " << OursTrack(setup, seconds, 20)
              << " snapshots/s\n";
    std::cout << "  ns-3 ThreeGppChannelModel, new drop:  " << Ns3Independent(setup, seconds, true)
              << " snapshots/s\n";
    std::cout << "  ns-3, channel matrix only (no OFDM):  " << Ns3Independent(setup, seconds, false)
              << " realisations/s\n";
    return 0;
}
