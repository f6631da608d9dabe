#ifndef EDGE_LAM_NPY_READER_H
#define EDGE_LAM_NPY_READER_H

#include "channel/csi-tensor.h"

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

// .npy files store these dtypes little-endian; reading and writing them as raw bytes
// is only correct on a little-endian host.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the .npy I/O assumes a little-endian host");

namespace ns3
{

/**
 * \ingroup channel
 * \brief Element types of the .npy files the project reads and writes (all little-endian).
 */
enum class NpyDtype
{
    COMPLEX64,  //!< '<c8': std::complex<float>, the CsiTensor element
    COMPLEX128, //!< '<c16': std::complex<double>
    FLOAT32,    //!< '<f4': float
    FLOAT64,    //!< '<f8': double
    INT64,      //!< '<i8': std::int64_t
};

/// \return the NumPy descr string, e.g. "<c8"
std::string NpyDtypeDescr(NpyDtype dtype);

/// \return the size of one element in bytes
std::size_t NpyDtypeSize(NpyDtype dtype);

/**
 * \brief Maps a C++ element type to its NpyDtype; only the five supported types compile.
 */
template <typename T>
struct NpyDtypeOf;

template <>
struct NpyDtypeOf<std::complex<float>>
{
    static constexpr NpyDtype value = NpyDtype::COMPLEX64;
};

template <>
struct NpyDtypeOf<std::complex<double>>
{
    static constexpr NpyDtype value = NpyDtype::COMPLEX128;
};

template <>
struct NpyDtypeOf<float>
{
    static constexpr NpyDtype value = NpyDtype::FLOAT32;
};

template <>
struct NpyDtypeOf<double>
{
    static constexpr NpyDtype value = NpyDtype::FLOAT64;
};

template <>
struct NpyDtypeOf<std::int64_t>
{
    static constexpr NpyDtype value = NpyDtype::INT64;
};

/**
 * \ingroup channel
 * \brief An n-dimensional array as stored in an .npy file: dtype, shape and the raw
 * little-endian bytes in row-major (C) order.
 */
class NpyArray
{
  public:
    /**
     * \param dtype element type
     * \param shape dimensions, slowest first (empty for a scalar)
     * \param bytes raw data, row-major
     * \param source where the array came from (a file name), used in error messages
     * \throws std::invalid_argument if bytes.size() differs from prod(shape) * element size
     */
    NpyArray(NpyDtype dtype,
             std::vector<std::size_t> shape,
             std::vector<char> bytes,
             std::string source = "<memory>");

    /**
     * \brief Copies typed values into a new array.
     * \throws std::invalid_argument if values.size() != prod(shape)
     */
    template <typename T>
    static NpyArray FromValues(std::vector<std::size_t> shape, const std::vector<T>& values)
    {
        std::vector<char> bytes(values.size() * sizeof(T));
        std::memcpy(bytes.data(), values.data(), bytes.size());
        return NpyArray(NpyDtypeOf<T>::value, std::move(shape), std::move(bytes));
    }

    NpyDtype GetDtype() const;
    const std::vector<std::size_t>& GetShape() const;
    /// \return prod(shape)
    std::size_t GetNumElements() const;
    /// \return the raw row-major bytes
    const std::vector<char>& GetBytes() const;
    /// \return the file (or "<memory>") the array came from
    const std::string& GetSource() const;

    /**
     * \brief Copies the elements out as T.
     * \throws std::invalid_argument naming both dtypes if T does not match GetDtype()
     */
    template <typename T>
    std::vector<T> GetValues() const
    {
        CheckDtype(NpyDtypeOf<T>::value);
        std::vector<T> values(GetNumElements());
        std::memcpy(values.data(), m_bytes.data(), m_bytes.size());
        return values;
    }

    /**
     * \brief Element at a row-major flat index, as T.
     * \throws std::invalid_argument on a dtype mismatch, std::out_of_range on a bad index
     */
    template <typename T>
    T At(std::size_t flatIndex) const
    {
        CheckDtype(NpyDtypeOf<T>::value);
        if (flatIndex >= GetNumElements())
        {
            throw std::out_of_range("index " + std::to_string(flatIndex) + " out of range for " +
                                    std::to_string(GetNumElements()) + " elements of " + m_source);
        }
        T value;
        std::memcpy(&value, m_bytes.data() + flatIndex * sizeof(T), sizeof(T));
        return value;
    }

  private:
    void CheckDtype(NpyDtype requested) const;

    NpyDtype m_dtype;
    std::vector<std::size_t> m_shape;
    std::vector<char> m_bytes;
    std::string m_source;
};

/// \return the shape as NumPy prints it, e.g. "(2, 3)" or "(5,)"
std::string FormatNpyShape(const std::vector<std::size_t>& shape);

/**
 * \brief Reads an .npy file (format versions 1.0, 2.0 and 3.0).
 *
 * Fortran-ordered files (what np.save writes for a transposed or np.asfortranarray
 * array) are reordered to row-major, so the result is always C order.
 * \param path the file
 * \throws std::runtime_error naming the file and the problem: cannot open, bad magic,
 *         unsupported version, header parse error, unsupported or big-endian dtype,
 *         truncated data (expected vs found bytes) or trailing bytes after the data
 */
NpyArray ReadNpy(const std::string& path);

/**
 * \brief Checks that an array is a usable CSI tensor.
 *
 * The dtype must be floating or complex, the shape must match the pattern (-1 matches any
 * size; the default accepts any rank-4 array H[t, k, r, s]) and every element (real and
 * imaginary part) must be finite.
 * \throws std::invalid_argument naming the source, the expected and actual shape, or the
 *         first non-finite element by its multi-index
 */
void ValidateCsi(const NpyArray& array,
                 const std::vector<std::int64_t>& shapePattern = {-1, -1, -1, -1});

/**
 * \brief Converts a rank-4 complex64 or complex128 array to a CsiTensor (complex128 is
 * rounded to complex64). Does not check finiteness: call ValidateCsi for that.
 * \throws std::invalid_argument naming the source if the dtype or rank is wrong
 */
CsiTensor ToCsiTensor(const NpyArray& array);

} // namespace ns3

#endif // EDGE_LAM_NPY_READER_H
