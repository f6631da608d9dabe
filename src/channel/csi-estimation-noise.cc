#include "csi-estimation-noise.h"

#include "ns3/double.h"

#include <cmath>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(CsiEstimationNoise);

TypeId
CsiEstimationNoise::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CsiEstimationNoise")
                            .SetParent<Object>()
                            .AddConstructor<CsiEstimationNoise>()
                            .AddAttribute("SnrDb",
                                          "Estimation SNR (dB): mean channel power per "
                                          "element over the variance of the error",
                                          DoubleValue(20.0),
                                          MakeDoubleAccessor(&CsiEstimationNoise::m_snrDb),
                                          MakeDoubleChecker<double>(-50.0, 100.0));
    return tid;
}

CsiEstimationNoise::CsiEstimationNoise()
    : m_normal(CreateObject<NormalRandomVariable>())
{
}

int64_t
CsiEstimationNoise::AssignStreams(int64_t stream)
{
    m_normal->SetStream(stream);
    return 1;
}

void
CsiEstimationNoise::Apply(CsiTensor& csi) const
{
    const auto& shape = csi.GetShape();
    const std::size_t perSnapshot = shape[1] * shape[2] * shape[3];
    auto& data = csi.GetData();
    for (std::size_t t = 0; t < shape[0]; ++t)
    {
        CsiTensor::Value* snapshot = data.data() + t * perSnapshot;
        double power = 0;
        for (std::size_t i = 0; i < perSnapshot; ++i)
        {
            power += std::norm(snapshot[i]);
        }
        // Variance per complex element, half on each of the real and imaginary parts.
        const double variance = power / perSnapshot / std::pow(10.0, m_snrDb / 10);
        const double sigma = std::sqrt(variance / 2);
        for (std::size_t i = 0; i < perSnapshot; ++i)
        {
            snapshot[i] +=
                CsiTensor::Value(sigma * m_normal->GetValue(), sigma * m_normal->GetValue());
        }
    }
}

} // namespace ns3
