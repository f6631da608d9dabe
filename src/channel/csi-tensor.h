#ifndef EDGE_LAM_CSI_TENSOR_H
#define EDGE_LAM_CSI_TENSOR_H

#include <array>
#include <complex>
#include <cstddef>
#include <unsupported/Eigen/CXX11/Tensor>
#include <vector>

namespace ns3
{

/**
 * \ingroup channel
 * A 4-D complex channel tensor H[t, k, r, s]: sample time t, subcarrier k, receive
 * antenna r, transmit antenna s. Stored contiguously in row-major (C) order, t slowest
 * and s fastest, as complex<float> (numpy complex64), so GetData() can be written
 * as an .npy array of shape GetShape() without reordering. AsEigen() views the same
 * memory as an Eigen tensor for Eigen's tensor algebra (no copy).
 */
class CsiTensor
{
  public:
    using Value = std::complex<float>;

    CsiTensor() = default;
    /// Zero-filled tensor of shape (numTimes, numSubcarriers, numRx, numTx).
    CsiTensor(std::size_t numTimes,
              std::size_t numSubcarriers,
              std::size_t numRx,
              std::size_t numTx);

    /// Element access (unchecked).
    Value& operator()(std::size_t t, std::size_t k, std::size_t r, std::size_t s)
    {
        return m_data[Offset(t, k, r, s)];
    }

    const Value& operator()(std::size_t t, std::size_t k, std::size_t r, std::size_t s) const
    {
        return m_data[Offset(t, k, r, s)];
    }

    /// Row-major offset of element (t, k, r, s) in GetData().
    std::size_t Offset(std::size_t t, std::size_t k, std::size_t r, std::size_t s) const
    {
        return ((t * m_shape[1] + k) * m_shape[2] + r) * m_shape[3] + s;
    }

    using EigenView = Eigen::TensorMap<Eigen::Tensor<Value, 4, Eigen::RowMajor>>;
    using ConstEigenView = Eigen::TensorMap<const Eigen::Tensor<Value, 4, Eigen::RowMajor>>;

    /// The tensor as an Eigen row-major rank-4 tensor over the same memory.
    EigenView AsEigen()
    {
        return EigenView(m_data.data(), m_shape[0], m_shape[1], m_shape[2], m_shape[3]);
    }

    ConstEigenView AsEigen() const
    {
        return ConstEigenView(m_data.data(), m_shape[0], m_shape[1], m_shape[2], m_shape[3]);
    }

    /// (numTimes, numSubcarriers, numRx, numTx)
    const std::array<std::size_t, 4>& GetShape() const;
    std::size_t GetSize() const;
    /// Row-major data, t slowest.
    const std::vector<Value>& GetData() const;
    std::vector<Value>& GetData();

  private:
    std::array<std::size_t, 4> m_shape{0, 0, 0, 0};
    std::vector<Value> m_data;
};

} // namespace ns3

#endif // EDGE_LAM_CSI_TENSOR_H
