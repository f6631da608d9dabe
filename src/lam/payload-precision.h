#ifndef EDGE_LAM_PAYLOAD_PRECISION_H
#define EDGE_LAM_PAYLOAD_PRECISION_H

#include <torch/torch.h>
// LibTorch first: ns-3 headers may define macros (I) that break its parsing.

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup lam
 * Number format of tensors sent over the air (activations, representations,
 * gradients, model updates). Computation stays in fp32.
 */
enum class PayloadPrecision
{
    FP32, ///< IEEE single, 4 bytes
    FP16, ///< IEEE half, 2 bytes (5-bit exponent: saturates above 65504)
    BF16  ///< bfloat16, 2 bytes (fp32's exponent, 8-bit significand)
};

/// \return "fp32", "fp16" or "bf16"
std::string ToString(PayloadPrecision precision);

/// \throws std::invalid_argument naming the value and the valid spellings
PayloadPrecision ParsePayloadPrecision(const std::string& name);

/// Bytes per element on the air.
uint64_t BytesPerElement(PayloadPrecision precision);

/// Bytes of a tensor sent in the given format (numel x bytes per element; shapes are
/// known to both ends, so no header is counted).
uint64_t PayloadBytes(const torch::Tensor& tensor, PayloadPrecision precision);

/**
 * What the receiver gets: the tensor rounded to the payload format (round to nearest
 * even) and converted back to the sender's dtype, detached from the sender's graph.
 */
torch::Tensor SendAsPayload(const torch::Tensor& tensor, PayloadPrecision precision);

} // namespace ns3

#endif // EDGE_LAM_PAYLOAD_PRECISION_H
