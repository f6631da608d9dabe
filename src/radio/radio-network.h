#ifndef EDGE_LAM_RADIO_NETWORK_H
#define EDGE_LAM_RADIO_NETWORK_H

#include "radio/link-adaptation.h"
#include "radio/ofdma-grid.h"
#include "radio/radio-scheduler.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace ns3
{

class RadioChannel;

/// Direction of a radio transmission.
enum class LinkDirection : uint8_t
{
    Downlink = 0,
    Uplink = 1,
};

/// "DL" or "UL".
const char* ToString(LinkDirection direction);

/**
 * \ingroup radio
 * The outcome of one transport block in one slot (of one grant over a FlowRadioNetwork
 * step): the radio KPI record.
 */
struct SlotKpi
{
    Time time;               //!< start of the slot
    uint32_t cell;           //!< serving cell index
    uint32_t ue;             //!< UE index
    LinkDirection direction; //!< downlink or uplink
    double sinrDb;           //!< effective SINR of this transmission (after HARQ combining)
    uint8_t mcs;             //!< MCS index (255 in Shannon-gap mode)
    uint32_t prbs;           //!< PRBs used
    uint32_t tbsBytes;       //!< transport block size
    uint32_t payloadBytes;   //!< bytes of user data carried (<= tbsBytes)
    uint32_t deliveredBytes; //!< payload bytes correctly received (0 on a failed block)
    double bler;             //!< block error probability the block was drawn with
    /// 1 for a new block, 2.. for HARQ retransmissions; 0 for a FlowRadioNetwork step,
    /// whose bytes are the expected goodput with HARQ folded in
    uint8_t transmission;
    /// Slots the record covers: 1 for a transport block; a FlowRadioNetwork step's length,
    /// with the bytes summed over its slots and tbsBytes per slot.
    uint32_t slots;
};

/**
 * \ingroup radio
 * The slot-level engine of the radio layer: every slot, each cell's scheduler shares
 * the PRBs of the downlink and of the uplink carrier (paired spectrum, same grid)
 * among its UEs with data; per-PRB SINR follows from the link gains of RadioChannel,
 * with interference from exactly the PRBs that the other cells (downlink) or their
 * UEs (uplink) use in the same slot; link adaptation picks the MCS from the last
 * measured channel (CQI), the block error is drawn from the BLER model at the SINR
 * actually experienced (CSI is reported every CsiPeriodSlots), and failed blocks are retransmitted
 * by synchronous HARQ with chase combining (or re-queued when HARQ is off).
 *
 * Traffic is byte queues per UE and direction: full buffer, or finite transfers
 * whose callback fires when their last byte is decoded (end of that slot).
 */
class RadioNetwork : public Object
{
  public:
    /// Called once per transport block.
    typedef void (*SlotKpiTracedCallback)(const SlotKpi& kpi);

    static TypeId GetTypeId();
    RadioNetwork();
    ~RadioNetwork() override;

    /**
     * \param grid the carrier grid (the same for downlink and uplink)
     * \param channel link gains with every cell and UE registered
     * \param linkAdaptation MCS, TBS and BLER
     * Associates each UE with the cell of highest average gain.
     */
    void Setup(const OfdmaGrid& grid,
               Ptr<RadioChannel> channel,
               Ptr<LinkAdaptation> linkAdaptation);

    /// Starts the slot clock at the current simulation time.
    void Start();

    /// Gives a UE an infinite backlog (or removes it) in one direction.
    void SetFullBuffer(uint32_t ue, LinkDirection direction, bool fullBuffer);

    /**
     * Queues bytes for transmission; the callback fires when the last byte is decoded.
     * \throws std::invalid_argument for zero bytes or an unknown UE
     */
    void Enqueue(uint32_t ue, LinkDirection direction, uint64_t bytes, Callback<void> delivered);

    uint32_t GetServingCell(uint32_t ue) const;
    uint32_t GetNumUes() const;
    uint32_t GetNumCells() const;
    const OfdmaGrid& GetGrid() const;
    /// Total payload bytes delivered so far to or from a UE in one direction.
    uint64_t GetDeliveredBytes(uint32_t ue, LinkDirection direction) const;
    /// Number of slots simulated so far.
    uint64_t GetSlotCount() const;
    /**
     * The rate (bit/s) a UE would get in one direction with every PRB of its cell (uplink:
     * its power spread over all PRBs), from its CSI reports averaged exponentially over
     * RateAveragingTime (the last report when that is 0); 0 before the first report. What
     * a base station knows when it plans a round of work.
     */
    double GetEstimatedFullBandRateBps(uint32_t ue, LinkDirection direction) const;
    /// Sets one UE's uplink transmit power (dBm), e.g. from its device profile; by
    /// default every UE uses the UeTxPowerDbm attribute. Call after Setup().
    void SetUeTxPowerDbm(uint32_t ue, double txPowerDbm);
    /// One UE's uplink transmit power (W), split evenly over its PRBs.
    double GetUeTxPowerW(uint32_t ue) const;

    /**
     * Assigns the streams used for block-error draws.
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

    struct Transfer
    {
        uint64_t unsentBytes;
        uint64_t unackedBytes;
        Callback<void> delivered;
    };

    /// A transport block waiting for a HARQ retransmission.
    struct HarqBlock
    {
        std::vector<uint32_t> prbs;
        std::vector<std::pair<uint64_t, uint32_t>> payload; //!< (transfer id, bytes)
        LinkDecision decision;
        double combinedSinr; //!< linear, sum over transmissions (chase combining)
        uint8_t transmissions;
        uint64_t dueSlot;
    };

    /// Queue, HARQ and channel-quality state of one UE in one direction.
    struct UeLink
    {
        bool fullBuffer{false};
        std::map<uint64_t, Transfer> transfers; //!< by transfer id, in arrival order
        uint64_t unsentBytes{0};
        std::deque<HarqBlock> harq;
        std::vector<double> cqiSinr;    //!< per-PRB SINR (linear) of the last CSI report
        std::vector<double> prbBytes;   //!< per-PRB bytes estimated from the last CSI report
        double fullBandBytesPerSlot{0}; //!< whole-carrier estimate, averaged over reports
        std::optional<Time> reportedAt; //!< time of the last CSI report
        uint64_t deliveredBytes{0};
    };

    /// Runs one slot and schedules the next; FlowRadioNetwork advances a step instead.
    virtual void Slot();
    /// Called after Enqueue() added bytes; the slot engine picks them up at the next slot.
    virtual void NotifyBacklogAdded();
    void ScheduleDirection(LinkDirection direction);
    /// Fills m_uplinkInterferenceW from this slot's uplink allocations.
    void ComputeUplinkInterference();
    /// Adds free PRBs to a UE's grant until its transport block holds its whole backlog.
    void TopUpToBacklog(LinkDirection direction, uint32_t ue, std::vector<uint32_t>& owner);
    void TransmitDirection(LinkDirection direction);
    void MeasureChannelQuality(LinkDirection direction);
    /// SINR (linear) of a UE on each of the given PRBs with this slot's interference.
    std::vector<double> PrbSinr(LinkDirection direction,
                                uint32_t ue,
                                const std::vector<uint32_t>& prbs,
                                double txPowerW);
    std::vector<std::pair<uint64_t, uint32_t>> TakePayload(UeLink& link, uint32_t maxBytes);
    /// Counts bytes as received; a transfer's callback fires `decodingDelay` from now.
    void Acknowledge(UeLink& link,
                     const std::vector<std::pair<uint64_t, uint32_t>>& payload,
                     Time decodingDelay);
    void Requeue(UeLink& link, const std::vector<std::pair<uint64_t, uint32_t>>& payload);
    UeLink& Link(uint32_t ue, LinkDirection direction);
    double UePowerPerPrbW(uint32_t ue, uint32_t numPrbs) const;
    /// Effective SINR (dB) that the last CSI report predicts for a grant of these PRBs.
    double ReportedSinrDb(LinkDirection direction,
                          uint32_t ue,
                          const std::vector<uint32_t>& prbs) const;
    /// Bytes per slot the last CSI report promises a UE with every PRB of its cell.
    double FullBandBytesPerSlot(uint32_t ue, LinkDirection direction) const;
    /// PRBs over which uplink CQI assumes the UE spreads its power.
    uint32_t UplinkCqiReferencePrbs(uint32_t ue) const;

    void SetSchedulerType(std::string typeName);
    std::string GetSchedulerType() const;

    // Attributes
    double m_gnbTxPowerDbm;
    double m_ueTxPowerDbm;
    double m_gnbNoiseFigureDb;
    double m_ueNoiseFigureDb;
    ObjectFactory m_schedulerFactory;
    bool m_harq;
    uint8_t m_harqMaxTransmissions;
    uint32_t m_harqRttSlots;
    uint32_t m_csiPeriodSlots;
    Time m_rateAveragingTime;

    // Derived from the attributes in Setup().
    double m_gnbPowerPerPrbW{0};
    std::vector<double> m_ueTxPowerW; //!< per UE
    double m_noisePerPrbW[2]{0, 0};   //!< [direction]: at the UE (DL) or the gNB (UL)

    std::optional<OfdmaGrid> m_grid;
    std::vector<uint32_t> m_allPrbs; //!< 0 .. numPrbs - 1
    Ptr<RadioChannel> m_channel;
    Ptr<LinkAdaptation> m_linkAdaptation;
    Ptr<UniformRandomVariable> m_errorDraw;
    std::vector<uint32_t> m_servingCell;
    std::vector<std::vector<uint32_t>> m_cellUes;
    std::vector<Ptr<RadioScheduler>> m_schedulers[2]; //!< [direction][cell]
    std::vector<UeLink> m_links[2];                   //!< [direction][ue]
    /// PRB owner (UE index or RadioScheduler::kUnallocated) of this slot: [direction][cell][prb]
    std::vector<std::vector<uint32_t>> m_prbOwner[2];
    std::vector<uint32_t> m_allocatedPrbs[2]; //!< PRBs per UE this slot: [direction][ue]
    std::vector<uint32_t> m_activePrbs[2];    //!< PRBs used per cell this slot: [direction][cell]
    /// Uplink interference power (W) at each gNB on each PRB this slot: [cell][prb]
    std::vector<std::vector<double>> m_uplinkInterferenceW;
    uint64_t m_slot{0};
    uint64_t m_nextTransferId{0};
    EventId m_slotEvent;

    TracedCallback<const SlotKpi&> m_slotKpiTrace;
};

} // namespace ns3

#endif // EDGE_LAM_RADIO_NETWORK_H
