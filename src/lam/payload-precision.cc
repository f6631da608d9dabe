#include "lam/payload-precision.h"

#include <stdexcept>

namespace ns3
{

std::string
ToString(PayloadPrecision precision)
{
    switch (precision)
    {
    case PayloadPrecision::FP32:
        return "fp32";
    case PayloadPrecision::FP16:
        return "fp16";
    case PayloadPrecision::BF16:
        return "bf16";
    }
    throw std::invalid_argument("unknown payload precision");
}

PayloadPrecision
ParsePayloadPrecision(const std::string& name)
{
    for (PayloadPrecision p :
         {PayloadPrecision::FP32, PayloadPrecision::FP16, PayloadPrecision::BF16})
    {
        if (name == ToString(p))
        {
            return p;
        }
    }
    throw std::invalid_argument("payload precision \"" + name + "\" must be fp32, fp16 or bf16");
}

uint64_t
BytesPerElement(PayloadPrecision precision)
{
    return precision == PayloadPrecision::FP32 ? 4 : 2;
}

uint64_t
PayloadBytes(const torch::Tensor& tensor, PayloadPrecision precision)
{
    return static_cast<uint64_t>(tensor.numel()) * BytesPerElement(precision);
}

torch::Tensor
SendAsPayload(const torch::Tensor& tensor, PayloadPrecision precision)
{
    torch::Tensor sent = tensor.detach();
    switch (precision)
    {
    case PayloadPrecision::FP32:
        return sent.to(torch::kFloat).to(tensor.scalar_type()).clone();
    case PayloadPrecision::FP16:
        return sent.to(torch::kHalf).to(tensor.scalar_type());
    case PayloadPrecision::BF16:
        return sent.to(torch::kBFloat16).to(tensor.scalar_type());
    }
    throw std::invalid_argument("unknown payload precision");
}

} // namespace ns3
