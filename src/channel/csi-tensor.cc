#include "csi-tensor.h"

namespace ns3
{

CsiTensor::CsiTensor(std::size_t numTimes,
                     std::size_t numSubcarriers,
                     std::size_t numRx,
                     std::size_t numTx)
    : m_shape{numTimes, numSubcarriers, numRx, numTx},
      m_data(numTimes * numSubcarriers * numRx * numTx)
{
}

const std::array<std::size_t, 4>&
CsiTensor::GetShape() const
{
    return m_shape;
}

std::size_t
CsiTensor::GetSize() const
{
    return m_data.size();
}

const std::vector<CsiTensor::Value>&
CsiTensor::GetData() const
{
    return m_data;
}

std::vector<CsiTensor::Value>&
CsiTensor::GetData()
{
    return m_data;
}

} // namespace ns3
