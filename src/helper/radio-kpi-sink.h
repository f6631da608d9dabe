#ifndef EDGE_LAM_RADIO_KPI_SINK_H
#define EDGE_LAM_RADIO_KPI_SINK_H

#include "compute/compute-device.h"
#include "helper/kpi-csv-writer.h"
#include "helper/radio-helper.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup helper
 * Listens to the radio trace sources of a deployment and writes, in an output directory:
 *  - slots.csv: one row per transport block (optional: it is large),
 *  - transfers.csv: one row per completed transfer,
 *  - ues.csv: per-UE totals at the end of the run.
 * Every file appears atomically at Commit(); nothing is left behind if the run fails.
 */
class RadioKpiSink
{
  public:
    /// Radio KPIs of the whole run, for summaries.
    struct Totals
    {
        double durationS{0};
        uint64_t dlBytes{0};
        uint64_t ulBytes{0};
        uint64_t blocks{0};
        uint64_t failedBlocks{0}; //!< blocks whose first transmission failed
        double meanSinrDb{0};     //!< over first transmissions of all blocks
        uint64_t transfers{0};
        double meanTransferLatencyS{0};
        double p95TransferLatencyS{0};
        double p5UeDlThroughputBps{0}; //!< 5th percentile over UEs ("cell edge")
        double meanUeRadioEnergyJ{0};  //!< uplink transmit energy per UE
    };

    /**
     * Opens the trace files (temporary until Commit()).
     * \param outDir existing, writable directory
     * \param slotTrace whether slots.csv is written
     */
    RadioKpiSink(const std::string& outDir, bool slotTrace);

    /// Connects to the trace sources of the deployment.
    void Connect(const RadioDeployment& deployment);

    /**
     * Writes ues.csv, commits every file, and returns the run totals.
     * \param ueDevices the UEs' compute devices, in UE order, for their radio energy
     */
    Totals Commit(const RadioDeployment& deployment,
                  Time duration,
                  const std::vector<Ptr<ComputeDevice>>& ueDevices);

    /// File names written (relative to outDir).
    std::vector<std::string> GetFileNames() const;

  private:
    void OnSlotKpi(const SlotKpi& kpi);
    void OnTransfer(const TransferRecord& record);

    struct UeTotals
    {
        uint64_t blocks{0}; //!< first transmissions; granted slots of a flow-level radio
        double sinrDbSum{0};
        double failed{0}; //!< failed first transmissions; expected ones of a flow-level radio
    };

    std::string m_outDir;
    std::unique_ptr<KpiCsvWriter> m_slots;
    KpiCsvWriter m_transfers;
    std::vector<UeTotals> m_ueTotals;
    std::vector<double> m_transferLatencyS;
};

} // namespace ns3

#endif // EDGE_LAM_RADIO_KPI_SINK_H
