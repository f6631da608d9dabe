#include "radio-kpi-sink.h"

#include "ns3/mobility-model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ns3
{

namespace
{

using Column = KpiCsvWriter::Column;

/// Empirical quantile with linear interpolation between order statistics.
double
Quantile(std::vector<double> values, double q)
{
    if (values.empty())
    {
        return std::nan("");
    }
    std::sort(values.begin(), values.end());
    double position = q * (values.size() - 1);
    std::size_t below = static_cast<std::size_t>(std::floor(position));
    std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (position - below) * (values[above] - values[below]);
}

} // namespace

RadioKpiSink::RadioKpiSink(const std::string& outDir, bool slotTrace)
    : m_outDir(outDir),
      m_transfers(outDir + "/transfers.csv",
                  {Column::Integer("id"),
                   Column::Integer("source_node"),
                   Column::Integer("destination_node"),
                   Column::Integer("bytes"),
                   Column::Fixed("start_s", 9),
                   Column::Fixed("end_s", 9),
                   Column::Fixed("latency_s", 9),
                   Column::Text("route")})
{
    if (slotTrace)
    {
        m_slots =
            std::make_unique<KpiCsvWriter>(outDir + "/slots.csv",
                                           std::vector<Column>{Column::Fixed("time_s", 9),
                                                               Column::Integer("cell"),
                                                               Column::Integer("ue"),
                                                               Column::Text("direction"),
                                                               Column::Fixed("sinr_db", 4),
                                                               Column::Integer("mcs"),
                                                               Column::Integer("prbs"),
                                                               Column::Integer("tbs_bytes"),
                                                               Column::Integer("payload_bytes"),
                                                               Column::Integer("delivered_bytes"),
                                                               Column::Fixed("bler", 6),
                                                               Column::Integer("transmission"),
                                                               Column::Integer("slots")});
    }
}

void
RadioKpiSink::Connect(const RadioDeployment& deployment)
{
    m_ueTotals.assign(deployment.network->GetNumUes(), UeTotals{});
    deployment.network->TraceConnectWithoutContext("SlotKpi",
                                                   MakeCallback(&RadioKpiSink::OnSlotKpi, this));
    deployment.transfers->TraceConnectWithoutContext("Transfer",
                                                     MakeCallback(&RadioKpiSink::OnTransfer, this));
}

void
RadioKpiSink::OnSlotKpi(const SlotKpi& kpi)
{
    UeTotals& ue = m_ueTotals.at(kpi.ue);
    if (kpi.transmission == 0)
    {
        // A flow-level step: one grant held for kpi.slots slots at its expected BLER.
        ue.blocks += kpi.slots;
        ue.sinrDbSum += kpi.slots * kpi.sinrDb;
        ue.failed += kpi.slots * kpi.bler;
    }
    else if (kpi.transmission == 1)
    {
        ++ue.blocks;
        ue.sinrDbSum += kpi.sinrDb;
        ue.failed += kpi.deliveredBytes == 0 ? 1 : 0;
    }
    if (m_slots)
    {
        m_slots->WriteRow(kpi.time.GetSeconds(),
                          kpi.cell,
                          kpi.ue,
                          ToString(kpi.direction),
                          kpi.sinrDb,
                          kpi.mcs,
                          kpi.prbs,
                          kpi.tbsBytes,
                          kpi.payloadBytes,
                          kpi.deliveredBytes,
                          kpi.bler,
                          kpi.transmission,
                          kpi.slots);
    }
}

void
RadioKpiSink::OnTransfer(const TransferRecord& record)
{
    double latencyS = (record.end - record.start).GetSeconds();
    m_transferLatencyS.push_back(latencyS);
    m_transfers.WriteRow(record.id,
                         record.sourceNodeId,
                         record.destinationNodeId,
                         record.bytes,
                         record.start.GetSeconds(),
                         record.end.GetSeconds(),
                         latencyS,
                         record.route);
}

std::vector<std::string>
RadioKpiSink::GetFileNames() const
{
    std::vector<std::string> names{"transfers.csv", "ues.csv"};
    if (m_slots)
    {
        names.insert(names.begin(), "slots.csv");
    }
    return names;
}

RadioKpiSink::Totals
RadioKpiSink::Commit(const RadioDeployment& deployment,
                     Time duration,
                     const std::vector<Ptr<ComputeDevice>>& ueDevices)
{
    KpiCsvWriter ues(m_outDir + "/ues.csv",
                     {Column::Integer("ue"),
                      Column::Integer("cell"),
                      Column::Fixed("distance_m", 2),
                      Column::Fixed("mean_sinr_db", 4),
                      Column::Fixed("dl_throughput_bps", 1),
                      Column::Fixed("ul_throughput_bps", 1),
                      Column::Integer("blocks"),
                      Column::Integer("failed_blocks"),
                      Column::Fixed("radio_energy_j", 6)});
    Totals totals;
    totals.durationS = duration.GetSeconds();
    const auto& network = deployment.network;
    std::vector<double> dlThroughputs;
    double sinrSum = 0;
    for (uint32_t ue = 0; ue < network->GetNumUes(); ++ue)
    {
        uint32_t cell = network->GetServingCell(ue);
        Vector uePos = deployment.ueNodes.Get(ue)->GetObject<MobilityModel>()->GetPosition();
        Vector gnbPos = deployment.gnbNodes.Get(cell)->GetObject<MobilityModel>()->GetPosition();
        uint64_t dl = network->GetDeliveredBytes(ue, LinkDirection::Downlink);
        uint64_t ul = network->GetDeliveredBytes(ue, LinkDirection::Uplink);
        const UeTotals& t = m_ueTotals[ue];
        double dlBps = 8.0 * dl / totals.durationS;
        dlThroughputs.push_back(dlBps);
        ues.WriteRow(ue,
                     cell,
                     CalculateDistance(uePos, gnbPos),
                     t.blocks ? t.sinrDbSum / t.blocks : std::nan(""),
                     dlBps,
                     8.0 * ul / totals.durationS,
                     t.blocks,
                     std::llround(t.failed),
                     ueDevices.at(ue)->GetRadioEnergyJ());
        totals.meanUeRadioEnergyJ += ueDevices[ue]->GetRadioEnergyJ() / network->GetNumUes();
        totals.dlBytes += dl;
        totals.ulBytes += ul;
        totals.blocks += t.blocks;
        totals.failedBlocks += std::llround(t.failed);
        sinrSum += t.sinrDbSum;
    }
    totals.meanSinrDb = totals.blocks ? sinrSum / totals.blocks : std::nan("");
    totals.transfers = m_transferLatencyS.size();
    totals.meanTransferLatencyS =
        m_transferLatencyS.empty()
            ? std::nan("")
            : std::accumulate(m_transferLatencyS.begin(), m_transferLatencyS.end(), 0.0) /
                  m_transferLatencyS.size();
    totals.p95TransferLatencyS = Quantile(m_transferLatencyS, 0.95);
    totals.p5UeDlThroughputBps = Quantile(dlThroughputs, 0.05);
    if (m_slots)
    {
        m_slots->Commit();
    }
    m_transfers.Commit();
    ues.Commit();
    return totals;
}

} // namespace ns3
