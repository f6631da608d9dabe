#include "npy-reader.h"

#include "ns3/log.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("NpyReader");

namespace
{

constexpr NpyDtype kAllDtypes[] = {NpyDtype::COMPLEX64,
                                   NpyDtype::COMPLEX128,
                                   NpyDtype::FLOAT32,
                                   NpyDtype::FLOAT64,
                                   NpyDtype::INT64};

/// prod(shape), or throws if it overflows size_t (a corrupt or hostile header).
std::size_t
CheckedProduct(const std::vector<std::size_t>& shape, std::size_t factor, const std::string& what)
{
    std::size_t product = factor;
    for (std::size_t dim : shape)
    {
        if (dim != 0 && product > std::numeric_limits<std::size_t>::max() / dim)
        {
            throw std::runtime_error(what + ": shape " + FormatNpyShape(shape) +
                                     " is too large to address");
        }
        product *= dim;
    }
    return product;
}

/// The three fields of an .npy header dict.
struct NpyHeader
{
    std::string descr;
    bool fortranOrder = false;
    std::vector<std::size_t> shape;
};

/**
 * Parses the Python literal dict of an .npy header, e.g.
 * "{'descr': '<c8', 'fortran_order': False, 'shape': (14, 273, 2, 4), }". Only the
 * literal forms NumPy writes are accepted: quoted strings, True/False and a tuple of
 * non-negative integers.
 */
class NpyHeaderParser
{
  public:
    NpyHeaderParser(std::string_view text, const std::string& path)
        : m_text(text),
          m_path(path)
    {
    }

    NpyHeader Parse()
    {
        NpyHeader header;
        bool haveDescr = false;
        bool haveFortran = false;
        bool haveShape = false;
        Expect('{');
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                break;
            }
            const std::string key = ParseString();
            SkipSpace();
            Expect(':');
            SkipSpace();
            if (key == "descr")
            {
                if (Peek() != '\'' && Peek() != '"')
                {
                    Fail("unsupported dtype: structured (record) dtypes are not supported");
                }
                header.descr = ParseString();
                haveDescr = true;
            }
            else if (key == "fortran_order")
            {
                header.fortranOrder = ParseBool();
                haveFortran = true;
            }
            else if (key == "shape")
            {
                header.shape = ParseShape();
                haveShape = true;
            }
            else
            {
                Fail("unexpected key '" + key + "'");
            }
            SkipSpace();
            if (Peek() == ',')
            {
                ++m_pos;
            }
            else if (Peek() != '}')
            {
                Fail("expected ',' or '}'");
            }
        }
        ++m_pos;
        // NumPy pads with spaces and ends with '\n'.
        SkipSpace();
        if (m_pos != m_text.size())
        {
            Fail("unexpected text after the dict");
        }
        if (!haveDescr || !haveFortran || !haveShape)
        {
            Fail(std::string("missing key '") +
                 (!haveDescr ? "descr" : (!haveFortran ? "fortran_order" : "shape")) + "'");
        }
        return header;
    }

  private:
    [[noreturn]] void Fail(const std::string& problem) const
    {
        throw std::runtime_error("'" + m_path + "': .npy header parse error at character " +
                                 std::to_string(m_pos) + ": " + problem +
                                 " (header: " + std::string(m_text.substr(0, 200)) + ")");
    }

    char Peek() const
    {
        return m_pos < m_text.size() ? m_text[m_pos] : '\0';
    }

    void SkipSpace()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
        {
            ++m_pos;
        }
    }

    void Expect(char c)
    {
        if (Peek() != c)
        {
            Fail(std::string("expected '") + c + "'");
        }
        ++m_pos;
    }

    std::string ParseString()
    {
        const char quote = Peek();
        if (quote != '\'' && quote != '"')
        {
            Fail("expected a quoted string");
        }
        const std::size_t end = m_text.find(quote, m_pos + 1);
        if (end == std::string_view::npos)
        {
            Fail("unterminated string");
        }
        std::string value(m_text.substr(m_pos + 1, end - m_pos - 1));
        m_pos = end + 1;
        return value;
    }

    bool ParseBool()
    {
        for (const std::string_view word : {std::string_view("True"), std::string_view("False")})
        {
            if (m_text.substr(m_pos, word.size()) == word)
            {
                m_pos += word.size();
                return word == "True";
            }
        }
        Fail("expected True or False");
    }

    std::vector<std::size_t> ParseShape()
    {
        std::vector<std::size_t> shape;
        Expect('(');
        while (true)
        {
            SkipSpace();
            if (Peek() == ')')
            {
                break;
            }
            if (!std::isdigit(static_cast<unsigned char>(Peek())))
            {
                Fail("expected a non-negative integer dimension");
            }
            std::size_t dim = 0;
            while (std::isdigit(static_cast<unsigned char>(Peek())))
            {
                const std::size_t digit = Peek() - '0';
                if (dim > (std::numeric_limits<std::size_t>::max() - digit) / 10)
                {
                    Fail("dimension too large");
                }
                dim = dim * 10 + digit;
                ++m_pos;
            }
            shape.push_back(dim);
            SkipSpace();
            if (Peek() == ',')
            {
                ++m_pos;
            }
            else if (Peek() != ')')
            {
                Fail("expected ',' or ')' in shape");
            }
        }
        ++m_pos;
        return shape;
    }

    std::string_view m_text;
    const std::string& m_path;
    std::size_t m_pos = 0;
};

NpyDtype
DtypeFromDescr(const std::string& descr, const std::string& path)
{
    std::string supported;
    for (NpyDtype dtype : kAllDtypes)
    {
        const std::string name = NpyDtypeDescr(dtype);
        if (descr == name)
        {
            return dtype;
        }
        if (descr == ">" + name.substr(1))
        {
            throw std::runtime_error("'" + path + "': big-endian dtype '" + descr +
                                     "' is not supported; save it with arr.astype('" + name + "')");
        }
        supported += (supported.empty() ? "'" : ", '") + name + "'";
    }
    throw std::runtime_error("'" + path + "': unsupported dtype '" + descr +
                             "' (supported: " + supported + ")");
}

/// Reorders column-major (Fortran) element data to row-major.
std::vector<char>
FortranToC(const std::vector<char>& fortran,
           const std::vector<std::size_t>& shape,
           std::size_t elementSize)
{
    std::vector<char> c(fortran.size());
    const std::size_t rank = shape.size();
    const std::size_t numElements = fortran.size() / elementSize;
    // Column-major strides in elements: the first index is fastest.
    std::vector<std::size_t> fortranStride(rank);
    std::size_t stride = 1;
    for (std::size_t d = 0; d < rank; ++d)
    {
        fortranStride[d] = stride;
        stride *= shape[d];
    }
    for (std::size_t target = 0; target < numElements; ++target)
    {
        // Split the row-major index into its multi-index, last axis first.
        std::size_t rest = target;
        std::size_t source = 0;
        for (std::size_t d = rank; d-- > 0;)
        {
            source += rest % shape[d] * fortranStride[d];
            rest /= shape[d];
        }
        std::memcpy(c.data() + target * elementSize,
                    fortran.data() + source * elementSize,
                    elementSize);
    }
    return c;
}

/// "(t, k, r, s)" of a row-major flat index.
std::string
FormatIndex(std::size_t flat, const std::vector<std::size_t>& shape)
{
    std::vector<std::size_t> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;)
    {
        index[d] = flat % shape[d];
        flat /= shape[d];
    }
    std::ostringstream text;
    text << '[';
    for (std::size_t d = 0; d < index.size(); ++d)
    {
        text << (d ? ", " : "") << index[d];
    }
    text << ']';
    return text.str();
}

/// Index of the first non-finite value among n scalars, or n.
template <typename Scalar>
std::size_t
FirstNonFinite(const std::vector<char>& bytes, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
    {
        Scalar value;
        std::memcpy(&value, bytes.data() + i * sizeof(Scalar), sizeof(Scalar));
        if (!std::isfinite(value))
        {
            return i;
        }
    }
    return n;
}

} // namespace

std::string
NpyDtypeDescr(NpyDtype dtype)
{
    switch (dtype)
    {
    case NpyDtype::COMPLEX64:
        return "<c8";
    case NpyDtype::COMPLEX128:
        return "<c16";
    case NpyDtype::FLOAT32:
        return "<f4";
    case NpyDtype::FLOAT64:
        return "<f8";
    case NpyDtype::INT64:
        return "<i8";
    }
    throw std::invalid_argument("unknown NpyDtype " + std::to_string(static_cast<int>(dtype)));
}

std::size_t
NpyDtypeSize(NpyDtype dtype)
{
    switch (dtype)
    {
    case NpyDtype::COMPLEX64:
        return 8;
    case NpyDtype::COMPLEX128:
        return 16;
    case NpyDtype::FLOAT32:
        return 4;
    case NpyDtype::FLOAT64:
    case NpyDtype::INT64:
        return 8;
    }
    throw std::invalid_argument("unknown NpyDtype " + std::to_string(static_cast<int>(dtype)));
}

std::string
FormatNpyShape(const std::vector<std::size_t>& shape)
{
    std::ostringstream text;
    text << '(';
    for (std::size_t d = 0; d < shape.size(); ++d)
    {
        text << (d ? ", " : "") << shape[d];
    }
    text << (shape.size() == 1 ? ",)" : ")");
    return text.str();
}

NpyArray::NpyArray(NpyDtype dtype,
                   std::vector<std::size_t> shape,
                   std::vector<char> bytes,
                   std::string source)
    : m_dtype(dtype),
      m_shape(std::move(shape)),
      m_bytes(std::move(bytes)),
      m_source(std::move(source))
{
    const std::size_t expected = CheckedProduct(m_shape, NpyDtypeSize(m_dtype), m_source);
    if (m_bytes.size() != expected)
    {
        throw std::invalid_argument(m_source + ": " + std::to_string(m_bytes.size()) +
                                    " data bytes do not match shape " + FormatNpyShape(m_shape) +
                                    " of '" + NpyDtypeDescr(m_dtype) + "' (" +
                                    std::to_string(expected) + " bytes)");
    }
}

NpyDtype
NpyArray::GetDtype() const
{
    return m_dtype;
}

const std::vector<std::size_t>&
NpyArray::GetShape() const
{
    return m_shape;
}

std::size_t
NpyArray::GetNumElements() const
{
    return m_bytes.size() / NpyDtypeSize(m_dtype);
}

const std::vector<char>&
NpyArray::GetBytes() const
{
    return m_bytes;
}

const std::string&
NpyArray::GetSource() const
{
    return m_source;
}

void
NpyArray::CheckDtype(NpyDtype requested) const
{
    if (requested != m_dtype)
    {
        throw std::invalid_argument(m_source + ": array has dtype '" + NpyDtypeDescr(m_dtype) +
                                    "', requested as '" + NpyDtypeDescr(requested) + "'");
    }
}

NpyArray
ReadNpy(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw std::runtime_error("cannot open .npy file '" + path +
                                 "': " + std::generic_category().message(errno));
    }
    std::error_code ec;
    const std::uintmax_t fileSize = std::filesystem::file_size(path, ec);
    if (ec)
    {
        throw std::runtime_error("cannot stat .npy file '" + path + "': " + ec.message());
    }
    // Magic "\x93NUMPY", major and minor version bytes.
    char prefix[8] = {};
    in.read(prefix, sizeof(prefix));
    if (in.gcount() != sizeof(prefix) || std::memcmp(prefix, "\x93NUMPY", 6) != 0)
    {
        throw std::runtime_error("'" + path +
                                 "' is not an .npy file: bad magic (expected the 6 bytes "
                                 "\\x93NUMPY at the start)");
    }
    const int major = static_cast<unsigned char>(prefix[6]);
    const int minor = static_cast<unsigned char>(prefix[7]);
    // 1.0: 2-byte header length; 2.0 adds a 4-byte length; 3.0 only allows UTF-8 text.
    if (major < 1 || major > 3 || minor != 0)
    {
        throw std::runtime_error("'" + path + "': unsupported .npy format version " +
                                 std::to_string(major) + "." + std::to_string(minor) +
                                 " (supported: 1.0, 2.0, 3.0)");
    }
    const std::size_t lengthBytes = major == 1 ? 2 : 4;
    unsigned char length[4] = {};
    in.read(reinterpret_cast<char*>(length), lengthBytes);
    std::size_t headerLength = 0;
    for (std::size_t i = lengthBytes; i-- > 0;)
    {
        headerLength = headerLength * 256 + length[i];
    }
    const std::size_t dataOffset = sizeof(prefix) + lengthBytes + headerLength;
    if (!in || fileSize < dataOffset)
    {
        throw std::runtime_error("'" + path + "': truncated .npy header (file has " +
                                 std::to_string(fileSize) + " bytes, header needs " +
                                 std::to_string(dataOffset) + ")");
    }
    std::string headerText(headerLength, '\0');
    in.read(headerText.data(), headerLength);
    const NpyHeader header = NpyHeaderParser(headerText, path).Parse();
    const NpyDtype dtype = DtypeFromDescr(header.descr, path);

    const std::size_t expected =
        CheckedProduct(header.shape, NpyDtypeSize(dtype), "'" + path + "'");
    const std::uintmax_t found = fileSize - dataOffset;
    if (found < expected)
    {
        throw std::runtime_error("'" + path + "': truncated data: shape " +
                                 FormatNpyShape(header.shape) + " of '" + header.descr +
                                 "' needs " + std::to_string(expected) + " bytes, found " +
                                 std::to_string(found));
    }
    if (found > expected)
    {
        throw std::runtime_error("'" + path + "': " + std::to_string(found - expected) +
                                 " unexpected bytes after the data of shape " +
                                 FormatNpyShape(header.shape) + " of '" + header.descr + "'");
    }
    std::vector<char> bytes(expected);
    in.read(bytes.data(), expected);
    if (static_cast<std::size_t>(in.gcount()) != expected)
    {
        throw std::runtime_error("'" + path + "': read error after " + std::to_string(in.gcount()) +
                                 " of " + std::to_string(expected) + " data bytes");
    }
    if (header.fortranOrder)
    {
        bytes = FortranToC(bytes, header.shape, NpyDtypeSize(dtype));
    }
    NS_LOG_DEBUG("read " << path << ": " << header.descr << " " << FormatNpyShape(header.shape)
                         << (header.fortranOrder ? " (Fortran order, reordered)" : ""));
    return NpyArray(dtype, header.shape, std::move(bytes), path);
}

void
ValidateCsi(const NpyArray& array, const std::vector<std::int64_t>& shapePattern)
{
    const std::vector<std::size_t>& shape = array.GetShape();
    std::ostringstream pattern;
    pattern << '(';
    for (std::size_t d = 0; d < shapePattern.size(); ++d)
    {
        if (shapePattern[d] < -1)
        {
            throw std::invalid_argument("shape pattern entry " + std::to_string(shapePattern[d]) +
                                        " is invalid (use a size or -1 for any)");
        }
        pattern << (d ? ", " : "") << shapePattern[d];
    }
    pattern << ')';
    bool matches = shape.size() == shapePattern.size();
    for (std::size_t d = 0; matches && d < shape.size(); ++d)
    {
        matches = shapePattern[d] == -1 || static_cast<std::size_t>(shapePattern[d]) == shape[d];
    }
    if (!matches)
    {
        throw std::invalid_argument(array.GetSource() + ": CSI shape " + FormatNpyShape(shape) +
                                    " (rank " + std::to_string(shape.size()) +
                                    ") does not match the expected " + pattern.str() + " (rank " +
                                    std::to_string(shapePattern.size()) + ", -1 = any)");
    }
    // Complex values are pairs of scalars; check both parts.
    std::size_t scalarsPerElement = 1;
    std::size_t bad = 0;
    const std::size_t n = array.GetNumElements();
    switch (array.GetDtype())
    {
    case NpyDtype::COMPLEX64:
        scalarsPerElement = 2;
        bad = FirstNonFinite<float>(array.GetBytes(), 2 * n);
        break;
    case NpyDtype::COMPLEX128:
        scalarsPerElement = 2;
        bad = FirstNonFinite<double>(array.GetBytes(), 2 * n);
        break;
    case NpyDtype::FLOAT32:
        bad = FirstNonFinite<float>(array.GetBytes(), n);
        break;
    case NpyDtype::FLOAT64:
        bad = FirstNonFinite<double>(array.GetBytes(), n);
        break;
    case NpyDtype::INT64:
        throw std::invalid_argument(array.GetSource() +
                                    ": CSI must be a floating or complex array, not '<i8'");
    }
    if (bad < scalarsPerElement * n)
    {
        const std::size_t element = bad / scalarsPerElement;
        const char* part =
            scalarsPerElement == 1 ? "" : (bad % 2 ? " (imaginary part)" : " (real part)");
        throw std::invalid_argument(array.GetSource() + ": CSI element " +
                                    FormatIndex(element, shape) + part +
                                    " is not finite (NaN or Inf)");
    }
}

CsiTensor
ToCsiTensor(const NpyArray& array)
{
    const std::vector<std::size_t>& shape = array.GetShape();
    if (shape.size() != 4)
    {
        throw std::invalid_argument(array.GetSource() + ": a CsiTensor needs a rank-4 array " +
                                    "H[t, k, r, s], got shape " + FormatNpyShape(shape));
    }
    CsiTensor tensor(shape[0], shape[1], shape[2], shape[3]);
    std::vector<CsiTensor::Value>& data = tensor.GetData();
    switch (array.GetDtype())
    {
    case NpyDtype::COMPLEX64:
        std::memcpy(data.data(), array.GetBytes().data(), array.GetBytes().size());
        break;
    case NpyDtype::COMPLEX128: {
        const std::vector<std::complex<double>> values = array.GetValues<std::complex<double>>();
        for (std::size_t i = 0; i < values.size(); ++i)
        {
            data[i] = CsiTensor::Value(values[i]);
        }
        break;
    }
    default:
        throw std::invalid_argument(array.GetSource() +
                                    ": a CsiTensor needs a complex array ('<c8' " +
                                    "or '<c16'), got '" + NpyDtypeDescr(array.GetDtype()) + "'");
    }
    return tensor;
}

} // namespace ns3
