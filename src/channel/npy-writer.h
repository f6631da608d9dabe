#ifndef EDGE_LAM_NPY_WRITER_H
#define EDGE_LAM_NPY_WRITER_H

#include "channel/csi-tensor.h"
#include "channel/npy-reader.h"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

class AtomicFile;

/**
 * \ingroup channel
 * \brief Streams an array into an .npy file that numpy.load reads directly.
 *
 * The shape is fixed up front (the header comes first in the file), then the data is
 * appended in row-major chunks of any size, so a dataset larger than memory is written
 * incrementally. The file appears at its path only when Commit() finds exactly
 * prod(shape) elements written (an AtomicFile: temporary file, fsync, rename); a writer
 * destroyed without a successful Commit() leaves nothing behind.
 *
 * The header follows NumPy's format 1.0 (2.0 only if the header exceeds 65535 bytes),
 * with the same spare space NumPy leaves for growing the first axis in place, so the
 * bytes equal those of np.save for the same array.
 */
class NpyWriter
{
  public:
    /**
     * \param path final path of the file (conventionally ending in .npy)
     * \param dtype element type
     * \param shape dimensions, slowest first (empty for a scalar)
     * \throws std::runtime_error if the temporary file cannot be created
     */
    NpyWriter(const std::string& path, NpyDtype dtype, std::vector<std::size_t> shape);
    ~NpyWriter();

    NpyWriter(const NpyWriter&) = delete;
    NpyWriter& operator=(const NpyWriter&) = delete;

    /**
     * \brief Appends the next count elements in row-major order.
     * \throws std::invalid_argument if T is not the writer's dtype or the elements would
     *         exceed prod(shape) (nothing is written then); std::runtime_error after
     *         Commit() or a failed Commit(), or on a write error
     */
    template <typename T>
    void Append(const T* data, std::size_t count)
    {
        AppendBytes(reinterpret_cast<const char*>(data), count, NpyDtypeOf<T>::value);
    }

    /**
     * \brief Checks the element count, then flushes, fsyncs and renames onto the path.
     * \throws std::runtime_error with the expected and written counts if they differ (the
     *         temporary file is removed at once) or if any file step fails
     */
    void Commit();

    /// \return prod(shape)
    std::size_t GetNumElements() const;
    /// \return how many elements were appended so far
    std::size_t GetNumWritten() const;

  private:
    void AppendBytes(const char* data, std::size_t count, NpyDtype dtype);

    std::unique_ptr<AtomicFile> m_file; //!< null after a failed Commit()
    std::string m_path;
    NpyDtype m_dtype;
    std::vector<std::size_t> m_shape;
    std::size_t m_numElements;
    std::size_t m_numWritten = 0;
};

/**
 * \brief Returns the complete .npy header: magic, version, length and the padded dict.
 *
 * Its size is a multiple of 64 bytes and it ends with '\n'; the version is 1.0 unless
 * the dict needs more than 65535 bytes, then 2.0.
 */
std::string MakeNpyHeader(NpyDtype dtype, const std::vector<std::size_t>& shape);

/**
 * \brief Writes one array as an .npy file (atomically).
 * \throws std::runtime_error if the file cannot be written
 */
void WriteNpy(const std::string& path, const NpyArray& array);

/**
 * \brief Writes a CSI tensor H[t, k, r, s] as a complex64 .npy file of its shape.
 * \throws std::runtime_error if the file cannot be written
 */
void WriteNpy(const std::string& path, const CsiTensor& tensor);

/**
 * \brief Writes several arrays as an uncompressed .npz file (what np.savez writes).
 *
 * An .npz is a ZIP archive of `<name>.npy` members; np.load(path)[name] returns each.
 * Members are stored (not deflated) with ZIP64 size fields, as np.savez does, so
 * members and archives larger than 4 GiB work. Timestamps are fixed (1980-01-01), so
 * the same arrays give the same bytes.
 * \param path final path of the file (conventionally ending in .npz)
 * \param arrays member name (without ".npy") to array; names must be non-empty
 * \throws std::invalid_argument on an empty name; std::runtime_error if the file cannot
 *         be written
 */
void WriteNpz(const std::string& path, const std::map<std::string, NpyArray>& arrays);

} // namespace ns3

#endif // EDGE_LAM_NPY_WRITER_H
