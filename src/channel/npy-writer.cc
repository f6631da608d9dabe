#include "npy-writer.h"

#include "helper/atomic-file.h"

#include "ns3/log.h"

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("NpyWriter");

namespace
{

/// NumPy pads the header so the first axis can grow to this many digits in place.
constexpr std::size_t kGrowthAxisMaxDigits = 21;
/// The data starts at a multiple of this many bytes (NumPy format spec, "ARRAY_ALIGN").
constexpr std::size_t kHeaderAlignment = 64;
constexpr std::size_t kMaxVersion1HeaderLength = 65535;

/// Appends little-endian integers to a byte string (ZIP and .npy length fields).
class LittleEndianBytes
{
  public:
    LittleEndianBytes& U16(std::uint16_t v)
    {
        return Put(v, 2);
    }

    LittleEndianBytes& U32(std::uint32_t v)
    {
        return Put(v, 4);
    }

    LittleEndianBytes& U64(std::uint64_t v)
    {
        return Put(v, 8);
    }

    LittleEndianBytes& Text(std::string_view text)
    {
        m_bytes += text;
        return *this;
    }

    const std::string& Get() const
    {
        return m_bytes;
    }

  private:
    LittleEndianBytes& Put(std::uint64_t v, int numBytes)
    {
        for (int i = 0; i < numBytes; ++i)
        {
            m_bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
        }
        return *this;
    }

    std::string m_bytes;
};

/// CRC-32 of ISO 3309 / ZIP (reflected polynomial 0xEDB88320), continued from `crc`.
std::uint32_t
Crc32(std::string_view bytes, std::uint32_t crc)
{
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n)
        {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k)
            {
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            t[n] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (char byte : bytes)
    {
        crc = table[(crc ^ static_cast<unsigned char>(byte)) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

// ZIP record constants (PKWARE APPNOTE 6.3.x, sec. 4.3 and 4.5.3). Every member uses
// ZIP64 sizes: the 32-bit fields hold 0xFFFFFFFF and the ZIP64 extra field the values.
constexpr std::uint16_t kZipVersion = 45; // 4.5: ZIP64
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;
constexpr std::uint32_t kZip64Marker = 0xFFFFFFFF;

/// Offset, size and CRC of one member, for its central directory entry.
struct ZipMember
{
    std::string name;
    std::uint64_t offset;
    std::uint64_t size;
    std::uint32_t crc;
};

LittleEndianBytes
ZipFixedFields(std::uint32_t crc)
{
    LittleEndianBytes bytes;
    // version needed, flags, method (0 = stored), time, date, CRC, compressed and
    // uncompressed size (in the ZIP64 extra field)
    bytes.U16(kZipVersion).U16(0).U16(0).U16(0).U16(kDosDate1980).U32(crc);
    bytes.U32(kZip64Marker).U32(kZip64Marker);
    return bytes;
}

std::string
ZipLocalHeader(const ZipMember& member)
{
    LittleEndianBytes bytes;
    bytes.U32(0x04034b50).Text(ZipFixedFields(member.crc).Get());
    bytes.U16(member.name.size()).U16(20).Text(member.name);
    bytes.U16(0x0001).U16(16).U64(member.size).U64(member.size);
    return bytes.Get();
}

std::string
ZipCentralEntry(const ZipMember& member)
{
    LittleEndianBytes bytes;
    bytes.U32(0x02014b50).U16(kZipVersion).Text(ZipFixedFields(member.crc).Get());
    // name length, extra length, comment length, disk, internal and external attributes,
    // local header offset (in the ZIP64 extra field)
    bytes.U16(member.name.size()).U16(28).U16(0).U16(0).U16(0).U32(0).U32(kZip64Marker);
    bytes.Text(member.name);
    bytes.U16(0x0001).U16(24).U64(member.size).U64(member.size).U64(member.offset);
    return bytes.Get();
}

/// ZIP64 end of central directory record and locator, then the classic end record.
std::string
ZipEnd(std::uint64_t numMembers, std::uint64_t directoryOffset, std::uint64_t directorySize)
{
    const std::uint64_t zip64EndOffset = directoryOffset + directorySize;
    LittleEndianBytes bytes;
    bytes.U32(0x06064b50).U64(44).U16(kZipVersion).U16(kZipVersion).U32(0).U32(0);
    bytes.U64(numMembers).U64(numMembers).U64(directorySize).U64(directoryOffset);
    bytes.U32(0x07064b50).U32(0).U64(zip64EndOffset).U32(1);
    bytes.U32(0x06054b50).U16(0).U16(0).U16(0xFFFF).U16(0xFFFF);
    bytes.U32(kZip64Marker).U32(kZip64Marker).U16(0);
    return bytes.Get();
}

std::string_view
View(const std::vector<char>& bytes)
{
    return std::string_view(bytes.data(), bytes.size());
}

} // namespace

std::string
MakeNpyHeader(NpyDtype dtype, const std::vector<std::size_t>& shape)
{
    std::string dict = "{'descr': '" + NpyDtypeDescr(dtype) +
                       "', 'fortran_order': False, 'shape': " + FormatNpyShape(shape) + ", }";
    if (!shape.empty())
    {
        const std::size_t digits = std::to_string(shape[0]).size();
        dict.append(kGrowthAxisMaxDigits > digits ? kGrowthAxisMaxDigits - digits : 0, ' ');
    }
    // magic (6) + version (2) + length (2 or 4) + dict + padding + '\n' = k * 64
    auto padding = [&dict](std::size_t prefixSize) {
        return (kHeaderAlignment - (prefixSize + dict.size() + 1) % kHeaderAlignment) %
               kHeaderAlignment;
    };
    const bool version1 = dict.size() + padding(10) + 1 <= kMaxVersion1HeaderLength;
    dict.append(padding(version1 ? 10 : 12), ' ');
    dict += '\n';
    LittleEndianBytes header;
    header.Text("\x93NUMPY");
    if (version1)
    {
        header.Text(std::string_view("\x01\x00", 2)).U16(dict.size());
    }
    else
    {
        header.Text(std::string_view("\x02\x00", 2)).U32(dict.size());
    }
    return header.Text(dict).Get();
}

NpyWriter::NpyWriter(const std::string& path, NpyDtype dtype, std::vector<std::size_t> shape)
    : m_path(path),
      m_dtype(dtype),
      m_shape(std::move(shape)),
      m_numElements(1)
{
    for (std::size_t dim : m_shape)
    {
        if (dim != 0 && m_numElements > SIZE_MAX / NpyDtypeSize(m_dtype) / dim)
        {
            throw std::invalid_argument("'" + path + "': shape " + FormatNpyShape(m_shape) +
                                        " is too large to address");
        }
        m_numElements *= dim;
    }
    m_file = std::make_unique<AtomicFile>(path);
    m_file->Write(MakeNpyHeader(m_dtype, m_shape));
}

NpyWriter::~NpyWriter() = default;

void
NpyWriter::AppendBytes(const char* data, std::size_t count, NpyDtype dtype)
{
    if (dtype != m_dtype)
    {
        throw std::invalid_argument("'" + m_path + "': cannot append '" + NpyDtypeDescr(dtype) +
                                    "' elements to a '" + NpyDtypeDescr(m_dtype) + "' array");
    }
    if (count > m_numElements - m_numWritten)
    {
        throw std::invalid_argument("'" + m_path + "': appending " + std::to_string(count) +
                                    " elements after " + std::to_string(m_numWritten) +
                                    " exceeds shape " + FormatNpyShape(m_shape) + " (" +
                                    std::to_string(m_numElements) + " elements)");
    }
    if (!m_file)
    {
        throw std::runtime_error("'" + m_path + "': cannot append after a failed Commit()");
    }
    m_file->Write(std::string_view(data, count * NpyDtypeSize(m_dtype)));
    m_numWritten += count;
}

void
NpyWriter::Commit()
{
    if (!m_file)
    {
        throw std::runtime_error("'" + m_path + "': Commit() already failed");
    }
    if (m_numWritten != m_numElements)
    {
        m_file.reset(); // removes the temporary file now, not at destruction
        throw std::runtime_error("'" + m_path + "': " + std::to_string(m_numWritten) +
                                 " elements written but shape " + FormatNpyShape(m_shape) +
                                 " needs " + std::to_string(m_numElements) +
                                 "; the file was not created");
    }
    m_file->Commit();
    NS_LOG_DEBUG("wrote " << m_path << ": " << NpyDtypeDescr(m_dtype) << " "
                          << FormatNpyShape(m_shape));
}

std::size_t
NpyWriter::GetNumElements() const
{
    return m_numElements;
}

std::size_t
NpyWriter::GetNumWritten() const
{
    return m_numWritten;
}

void
WriteNpy(const std::string& path, const NpyArray& array)
{
    AtomicFile file(path);
    file.Write(MakeNpyHeader(array.GetDtype(), array.GetShape()));
    file.Write(View(array.GetBytes()));
    file.Commit();
}

void
WriteNpy(const std::string& path, const CsiTensor& tensor)
{
    const std::array<std::size_t, 4>& shape = tensor.GetShape();
    NpyWriter writer(path, NpyDtype::COMPLEX64, {shape.begin(), shape.end()});
    writer.Append(tensor.GetData().data(), tensor.GetSize());
    writer.Commit();
}

void
WriteNpz(const std::string& path, const std::map<std::string, NpyArray>& arrays)
{
    for (const auto& [name, array] : arrays)
    {
        if (name.empty())
        {
            throw std::invalid_argument("'" + path + "': an .npz member name is empty");
        }
    }
    AtomicFile file(path);
    std::vector<ZipMember> members;
    std::uint64_t offset = 0;
    for (const auto& [name, array] : arrays)
    {
        const std::string header = MakeNpyHeader(array.GetDtype(), array.GetShape());
        ZipMember member{name + ".npy",
                         offset,
                         header.size() + array.GetBytes().size(),
                         Crc32(View(array.GetBytes()), Crc32(header, 0))};
        const std::string local = ZipLocalHeader(member);
        file.Write(local);
        file.Write(header);
        file.Write(View(array.GetBytes()));
        offset += local.size() + member.size;
        members.push_back(std::move(member));
    }
    std::string directory;
    for (const ZipMember& member : members)
    {
        directory += ZipCentralEntry(member);
    }
    file.Write(directory);
    file.Write(ZipEnd(members.size(), offset, directory.size()));
    file.Commit();
    NS_LOG_DEBUG("wrote " << path << ": " << members.size() << " arrays");
}

} // namespace ns3
