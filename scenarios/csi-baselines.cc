// csi-baselines: NMSE of the classical CSI predictors (hold, autoregressive, Prony) on a
// dataset written by csi-dataset, per future step, for the noisy and the clean history
// and for low / high UE speeds. These are the baselines a learned predictor must beat.

#include "channel/csi-ar-predictor.h"
#include "channel/csi-predictor.h"
#include "channel/csi-prony-predictor.h"
#include "channel/npy-reader.h"
#include "helper/kpi-csv-writer.h"
#include "helper/run-metadata.h"
#include "helper/scenario-arguments.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/uinteger.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// One predictor of the comparison with its name in the table.
struct NamedPredictor
{
    std::string name;
    Ptr<CsiPredictor> predictor;
};

/// "hold", "ar<p>" (shared AR), "arps<p>" (per-series AR), "prony" (auto order) or
/// "prony<M>" -> the configured predictor.
NamedPredictor
MakePredictor(const std::string& name, double arRegularization, uint32_t pronyPencilLength)
{
    auto order = [&](const std::string& prefix) -> uint32_t {
        const std::string digits = name.substr(prefix.size());
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        {
            ThrowBadArgument("predictors", name, "expected " + prefix + "<order>");
        }
        return std::stoul(digits);
    };
    if (name == "hold")
    {
        return {name, CreateObject<HoldCsiPredictor>()};
    }
    if (name.rfind("prony", 0) == 0)
    {
        auto prony = CreateObject<PronyCsiPredictor>();
        prony->SetAttribute("Order", UintegerValue(name == "prony" ? 0 : order("prony")));
        prony->SetAttribute("PencilLength", UintegerValue(pronyPencilLength));
        return {name, prony};
    }
    const bool perSeries = name.rfind("arps", 0) == 0;
    if (perSeries || name.rfind("ar", 0) == 0)
    {
        auto ar = CreateObject<ArCsiPredictor>();
        ar->SetAttribute("Order", UintegerValue(order(perSeries ? "arps" : "ar")));
        ar->SetAttribute("Regularization", DoubleValue(arRegularization));
        ar->SetAttribute("SharedCoefficients", BooleanValue(!perSeries));
        return {name, ar};
    }
    ThrowBadArgument("predictors",
                     name,
                     "unknown predictor (hold, ar<p>, arps<p>, prony, prony<M>)");
}

std::vector<std::string>
SplitList(const std::string& text)
{
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
    {
        if (!item.empty())
        {
            items.push_back(item);
        }
    }
    return items;
}

int
Run(int argc, char** argv)
{
    std::string dataDir;
    std::string split{"test"};
    std::string predictorList{"hold,ar1,ar2,ar4,ar8,arps2,prony,prony2,prony4"};
    double arRegularization{1e-3};
    uint32_t pronyPencilLength{0};
    double speedSplitKmh{40};
    uint32_t maxSamples{0};
    std::string outFile;
    ScenarioArguments args("csi-baselines",
                           "NMSE (dB) of classical CSI predictors on a csi-dataset directory, per "
                           "future step, for the noisy and the clean uplink history, all speeds "
                           "and below / above --speedSplitKmh. NMSE is averaged over samples in "
                           "linear units, then converted to dB.");
    args.Add("dataDir", "directory written by csi-dataset (required)", dataDir);
    args.Add("split", "which split to evaluate: train, val or test", split);
    args.Add("predictors",
             "comma-separated: hold, ar<p> (AR of order p, shared coefficients), arps<p> "
             "(AR, per-series coefficients), prony (order by MDL), "
             "prony<M>",
             predictorList);
    args.Add("arRegularization",
             "AR diagonal loading relative to regressor power",
             arRegularization);
    args.Add("pronyPencilLength",
             "Prony pencil parameter L (0: max(M, 3 past / 4))",
             pronyPencilLength);
    args.Add("speedSplitKmh", "low/high speed boundary (km/h); 0: no speed groups", speedSplitKmh);
    args.Add("maxSamples", "use at most this many samples (0: all)", maxSamples);
    args.Add("outFile",
             "write the table as CSV here (+ .json sidecar), atomically (optional)",
             outFile);
    args.Parse(argc, argv);
    if (dataDir.empty())
    {
        throw std::invalid_argument("--dataDir is required");
    }
    if (split != "train" && split != "val" && split != "test")
    {
        ThrowBadArgument("split", split, "must be train, val or test");
    }
    if (!(speedSplitKmh >= 0))
    {
        ThrowBadArgument("speedSplitKmh", std::to_string(speedSplitKmh), "must be >= 0");
    }
    std::vector<NamedPredictor> predictors;
    for (const auto& name : SplitList(predictorList))
    {
        predictors.push_back(MakePredictor(name, arRegularization, pronyPencilLength));
    }
    if (predictors.empty())
    {
        ThrowBadArgument("predictors", predictorList, "no predictor named");
    }

    const std::string prefix = dataDir + "/" + split + "_";
    const NpyArray future = ReadNpy(prefix + "future_ul.npy");
    const NpyArray speeds = ReadNpy(prefix + "speed_kmh.npy");
    const std::size_t available = future.GetShape().empty() ? 0 : future.GetShape()[0];
    const std::size_t numSamples =
        maxSamples ? std::min<std::size_t>(maxSamples, available) : available;
    if (speeds.GetShape() != std::vector<std::size_t>{available})
    {
        throw std::invalid_argument(speeds.GetSource() + " has shape " +
                                    FormatNpyShape(speeds.GetShape()) + ", expected (" +
                                    std::to_string(available) + ",)");
    }
    const std::vector<float> speedKmh = speeds.GetValues<float>();

    struct Group
    {
        std::string name;
        std::vector<std::size_t> samples;
    };

    std::vector<Group> groups{{"all", {}}};
    if (speedSplitKmh > 0)
    {
        groups.push_back({"<" + std::to_string(int(speedSplitKmh)) + "kmh", {}});
        groups.push_back({">=" + std::to_string(int(speedSplitKmh)) + "kmh", {}});
    }
    for (std::size_t n = 0; n < numSamples; ++n)
    {
        groups[0].samples.push_back(n);
        if (speedSplitKmh > 0)
        {
            groups[speedKmh[n] < speedSplitKmh ? 1 : 2].samples.push_back(n);
        }
    }

    const std::size_t numFuture = future.GetShape().size() == 5 ? future.GetShape()[1] : 0;
    std::vector<KpiCsvWriter::Column> columns{KpiCsvWriter::Column::Text("history"),
                                              KpiCsvWriter::Column::Text("speeds"),
                                              KpiCsvWriter::Column::Text("predictor"),
                                              KpiCsvWriter::Column::Integer("samples")};
    for (std::size_t f = 1; f <= numFuture; ++f)
    {
        columns.push_back(KpiCsvWriter::Column::Fixed("nmse_db_step" + std::to_string(f), 2));
    }
    columns.push_back(KpiCsvWriter::Column::Fixed("nmse_db_all", 2));
    std::unique_ptr<KpiCsvWriter> csv;
    if (!outFile.empty())
    {
        csv = std::make_unique<KpiCsvWriter>(outFile, columns);
    }

    std::printf("%-7s %-8s %-8s %7s", "history", "speeds", "pred", "samples");
    for (std::size_t f = 1; f <= numFuture; ++f)
    {
        std::printf("   step%zu", f);
    }
    std::printf("     all  (NMSE dB)\n");
    for (const std::string history : {"noisy", "clean"})
    {
        const NpyArray past =
            ReadNpy(prefix + (history == "noisy" ? "history_ul.npy" : "history_ul_clean.npy"));
        for (const auto& group : groups)
        {
            if (group.samples.empty())
            {
                continue;
            }
            for (const auto& p : predictors)
            {
                const CsiPredictionScore score =
                    EvaluateCsiPredictor(*p.predictor, past, future, group.samples);
                std::printf("%-7s %-8s %-8s %7zu",
                            history.c_str(),
                            group.name.c_str(),
                            p.name.c_str(),
                            score.numSamples);
                for (double db : score.meanNmseDb)
                {
                    std::printf(" %7.2f", db);
                }
                std::printf(" %7.2f\n", score.meanNmseAllStepsDb);
                std::fflush(stdout);
                if (csv)
                {
                    auto row = csv->Row();
                    row.Add(history).Add(group.name).Add(p.name).Add(score.numSamples);
                    for (double db : score.meanNmseDb)
                    {
                        row.Add(db);
                    }
                    row.Add(score.meanNmseAllStepsDb).End();
                }
            }
        }
    }
    if (csv)
    {
        csv->Commit();
        RunMetadata metadata("csi-baselines");
        args.Record(metadata);
        metadata.AddOutputFile(outFile);
        metadata.WriteJson(outFile + ".json");
    }
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    return RunScenarioMain("csi-baselines", Run, argc, argv);
}
