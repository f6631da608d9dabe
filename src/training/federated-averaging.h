#ifndef EDGE_LAM_FEDERATED_AVERAGING_H
#define EDGE_LAM_FEDERATED_AVERAGING_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include "lam/split-model.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup training
 * FedAvg (McMahan et al. 2017): the average of the devices' tensors, name by name,
 * weighted by their data sizes: sum_k w_k x_k / sum_k w_k.
 * \throws std::invalid_argument when the lists differ in names or shapes, a weight is
 *         negative or not finite, or the weights sum to 0
 */
NamedTensors FederatedAverage(const std::vector<NamedTensors>& models,
                              const std::vector<double>& weights);

/// Detached copies of the tensors (a snapshot that later training does not change).
NamedTensors CloneTensors(const NamedTensors& tensors);

/**
 * Copies `values` into the parameters of the same names, without recording gradients.
 * \throws std::invalid_argument naming a parameter that has no value or another shape
 */
void AssignTensors(const NamedTensors& parameters, const NamedTensors& values);

/// Scalars in the tensors (for the bytes of sending them).
int64_t CountElements(const NamedTensors& tensors);

} // namespace ns3

#endif // EDGE_LAM_FEDERATED_AVERAGING_H
