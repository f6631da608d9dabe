#ifndef EDGE_LAM_MAX_RATE_SCHEDULER_H
#define EDGE_LAM_MAX_RATE_SCHEDULER_H

#include "radio/metric-scheduler.h"

namespace ns3
{

/**
 * \ingroup radio
 * \brief Max-rate (max C/I): each RBG goes to the candidate that would carry the most
 * bytes on it, ties to the lowest ueId. Maximises the slot's throughput estimate and
 * starves UEs with weak channels.
 */
class MaxRateScheduler : public MetricScheduler
{
  public:
    static TypeId GetTypeId();

  private:
    double ComputeMetric(const SchedulingCandidate& candidate,
                         double rbgBytes,
                         const Grant& grant) const override;
};

} // namespace ns3

#endif // EDGE_LAM_MAX_RATE_SCHEDULER_H
