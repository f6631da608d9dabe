#include "channel/csi-tensor.h"
#include "channel/npy-reader.h"
#include "channel/npy-writer.h"

#include "ns3/test.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

namespace fs = std::filesystem;

/// A fresh directory under the system temp directory, removed with its contents.
class TempDir
{
  public:
    TempDir()
    {
        std::string pattern = (fs::temp_directory_path() / "npy-io-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
        {
            throw std::runtime_error("cannot create a temporary directory");
        }
        m_path = pattern;
    }

    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }

    std::string operator/(const std::string& name) const
    {
        return (m_path / name).string();
    }

    const fs::path& Path() const
    {
        return m_path;
    }

  private:
    fs::path m_path;
};

std::string
ReadBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void
WriteBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

// Element i of every test array; all values are exact in float32, the same formula is
// in the Python script below. int64 values use the high bits too.
template <typename T>
T
TestValue(std::size_t i)
{
    const double re = 0.5 * i - 7;
    const double im = 3 - 0.25 * i;
    if constexpr (std::is_same_v<T, std::int64_t>)
    {
        return static_cast<std::int64_t>(i) * (std::int64_t(1) << 33) - 5;
    }
    else if constexpr (std::is_floating_point_v<T>)
    {
        return static_cast<T>(re);
    }
    else
    {
        return T(re, im);
    }
}

template <typename T>
std::vector<T>
TestValues(std::size_t n)
{
    std::vector<T> values;
    for (std::size_t i = 0; i < n; ++i)
    {
        values.push_back(TestValue<T>(i));
    }
    return values;
}

std::size_t
Product(const std::vector<std::size_t>& shape)
{
    std::size_t n = 1;
    for (std::size_t d : shape)
    {
        n *= d;
    }
    return n;
}

/// The message of the exception E thrown by f, or "" if none (or another type) is thrown.
template <typename E, typename F>
std::string
ErrorOf(F f)
{
    try
    {
        f();
    }
    catch (const E& e)
    {
        return e.what();
    }
    catch (...)
    {
        return "";
    }
    return "";
}

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/**
 * An .npy file built by hand, independently of MakeNpyHeader: version 1.0, the given dict
 * padded with spaces to a 64-byte multiple, then the data.
 */
std::string
HandMadeNpy(const std::string& dict, const std::string& data)
{
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0)
    {
        header += ' ';
    }
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    return bytes + header + data;
}

/// Writes and reads back each dtype at ranks 0 to 4; bytes, dtype and shape must survive.
class NpyRoundTripTestCase : public TestCase
{
  public:
    NpyRoundTripTestCase()
        : TestCase("Round trip of every dtype at ranks 0 to 4, byte for byte")
    {
    }

  private:
    template <typename T>
    void Check(const TempDir& dir, const std::vector<std::size_t>& shape)
    {
        const NpyArray written = NpyArray::FromValues(shape, TestValues<T>(Product(shape)));
        const std::string descr = NpyDtypeDescr(written.GetDtype());
        const std::string path =
            dir / (descr.substr(1) + "-rank" + std::to_string(shape.size()) + ".npy");
        WriteNpy(path, written);
        // The file is exactly header + raw data, the data 64-byte aligned.
        const std::string header = MakeNpyHeader(written.GetDtype(), shape);
        NS_TEST_ASSERT_MSG_EQ(header.size() % 64, 0u, descr << " header alignment");
        NS_TEST_ASSERT_MSG_EQ(fs::file_size(path),
                              header.size() + Product(shape) * sizeof(T),
                              descr << " file size");
        const NpyArray read = ReadNpy(path);
        NS_TEST_ASSERT_MSG_EQ((read.GetDtype() == written.GetDtype()), true, descr << " dtype");
        NS_TEST_ASSERT_MSG_EQ((read.GetShape() == shape), true, descr << " shape");
        NS_TEST_ASSERT_MSG_EQ((read.GetBytes() == written.GetBytes()),
                              true,
                              descr << " rank " << shape.size() << " bytes");
        NS_TEST_ASSERT_MSG_EQ(read.GetSource(), path, "source");
        // Typed access agrees with the generating formula (the bytes check covers the rest).
        NS_TEST_ASSERT_MSG_EQ((read.GetValues<T>() == TestValues<T>(Product(shape))),
                              true,
                              descr << " values");
        if (Product(shape) > 0)
        {
            NS_TEST_ASSERT_MSG_EQ((read.At<T>(0) == TestValue<T>(0)), true, descr << " At(0)");
        }
    }

    void DoRun() override
    {
        TempDir dir;
        const std::vector<std::vector<std::size_t>> shapes = {{},
                                                              {5},
                                                              {3, 4},
                                                              {2, 3, 5},
                                                              {2, 3, 2, 4}};
        for (const auto& shape : shapes)
        {
            Check<std::complex<float>>(dir, shape);
            Check<std::complex<double>>(dir, shape);
            Check<float>(dir, shape);
            Check<double>(dir, shape);
            Check<std::int64_t>(dir, shape);
        }
        // An empty array (a zero dimension) is valid too.
        Check<float>(dir, {0, 3});

        const NpyArray ints = NpyArray::FromValues<std::int64_t>({2}, {1, 2});
        const std::string mismatch =
            ErrorOf<std::invalid_argument>([&] { ints.GetValues<double>(); });
        NS_TEST_ASSERT_MSG_EQ(Contains(mismatch, "'<i8', requested as '<f8'"),
                              true,
                              "typed access with the wrong type names both dtypes");
        NS_TEST_ASSERT_MSG_EQ(ErrorOf<std::invalid_argument>([] {
                                  NpyArray::FromValues<float>({2, 2}, {1, 2, 3});
                              }).empty(),
                              false,
                              "values not matching the shape are rejected");
    }
};

/// Header bytes computed by hand from the NumPy format specification.
class NpyGoldenHeaderTestCase : public TestCase
{
  public:
    NpyGoldenHeaderTestCase()
        : TestCase("Golden header bytes of a float32 (2, 3) array and version 2.0 headers")
    {
    }

  private:
    void DoRun() override
    {
        // Spec (numpy.lib.format, version 1.0): 6 magic bytes "\x93NUMPY", major 1, minor
        // 0, little-endian uint16 HEADER_LEN, then HEADER_LEN bytes of a Python dict literal
        // padded with spaces and ended by '\n' so that 10 + HEADER_LEN is a multiple of 64.
        // The dict "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" has
        // 17 + 24 + 17 + 1 = 59 characters. NumPy adds 21 - len("2") = 20 spaces so the
        // first axis can grow in place: 79. 10 + 79 + 1 = 90 rounds up to 128, so 38 more
        // spaces, then '\n': HEADER_LEN = 118 = 0x76, and the data starts at byte 128.
        std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10);
        expected += "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        expected += std::string(20 + 38, ' ') + "\n";
        NS_TEST_ASSERT_MSG_EQ(expected.size(), 128u, "hand computation");
        NS_TEST_ASSERT_MSG_EQ(MakeNpyHeader(NpyDtype::FLOAT32, {2, 3}), expected, "header bytes");

        // Rank 1 is written "(5,)" as in Python: 57 + 20 = 77 characters, padded to 128.
        std::string rank1 = std::string("\x93NUMPY\x01\x00\x76\x00", 10);
        rank1 += "{'descr': '<c8', 'fortran_order': False, 'shape': (5,), }";
        rank1 += std::string(20 + 40, ' ') + "\n";
        NS_TEST_ASSERT_MSG_EQ(MakeNpyHeader(NpyDtype::COMPLEX64, {5}), rank1, "rank-1 header");

        // The growth space matters when it crosses a 64-byte boundary: 16 axes of size 1
        // give "(1, 1, ..., 1)" of 1 + 16 + 15 * 2 + 1 = 48 characters, a dict of
        // 17 + 24 + (9 + 48 + 2) + 1 = 101, plus 20 spaces = 121; 10 + 121 + 1 = 132 rounds up
        // to 192 (without the growth space it would be 128).
        const std::string sixteen =
            MakeNpyHeader(NpyDtype::FLOAT32, std::vector<std::size_t>(16, 1));
        NS_TEST_ASSERT_MSG_EQ(sixteen.size(), 192u, "rank-16 header size with growth space");
        NS_TEST_ASSERT_MSG_EQ(static_cast<unsigned char>(sixteen[8]), 182, "rank-16 HEADER_LEN");

        // A dict longer than 65535 bytes needs version 2.0 and a uint32 HEADER_LEN (12-byte
        // prefix). NumPy arrays have at most 32 axes, so only a very high rank gets there:
        // 22000 axes of size 1 take 3 characters each.
        const std::vector<std::size_t> manyAxes(22000, 1);
        const std::string big = MakeNpyHeader(NpyDtype::FLOAT64, manyAxes);
        NS_TEST_ASSERT_MSG_EQ(static_cast<int>(big[6]), 2, "major version 2");
        NS_TEST_ASSERT_MSG_EQ(big.size() % 64, 0u, "version 2.0 alignment");
        const std::size_t headerLen =
            static_cast<unsigned char>(big[8]) | static_cast<unsigned char>(big[9]) << 8 |
            static_cast<unsigned char>(big[10]) << 16 |
            static_cast<std::size_t>(static_cast<unsigned char>(big[11])) << 24;
        NS_TEST_ASSERT_MSG_EQ(headerLen + 12, big.size(), "uint32 HEADER_LEN");
        NS_TEST_ASSERT_MSG_EQ(big.back(), '\n', "header ends with a newline");
        TempDir dir;
        WriteNpy(dir / "v2.npy", NpyArray::FromValues<double>(manyAxes, {2.5}));
        const NpyArray read = ReadNpy(dir / "v2.npy");
        NS_TEST_ASSERT_MSG_EQ(read.GetShape().size(), 22000u, "version 2.0 rank read back");
        NS_TEST_ASSERT_MSG_EQ(read.At<double>(0), 2.5, "version 2.0 value read back");
    }
};

/// A CSI tensor streamed in three chunks gives the same file as one WriteNpy call.
class NpyStreamingTestCase : public TestCase
{
  public:
    NpyStreamingTestCase()
        : TestCase("Streaming in three chunks equals one-shot writing")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir;
        CsiTensor h(3, 4, 2, 2);
        const std::vector<std::complex<float>> values =
            TestValues<std::complex<float>>(h.GetSize());
        h.GetData() = values;
        WriteNpy(dir / "one-shot.npy", h);

        NpyWriter writer(dir / "streamed.npy", NpyDtype::COMPLEX64, {3, 4, 2, 2});
        NS_TEST_ASSERT_MSG_EQ(writer.GetNumElements(), 48u, "element count");
        writer.Append(values.data(), 10);
        writer.Append(values.data() + 10, 17);
        NS_TEST_ASSERT_MSG_EQ(fs::exists(dir / "streamed.npy"), false, "no file before Commit");
        writer.Append(values.data() + 27, 21);
        NS_TEST_ASSERT_MSG_EQ(writer.GetNumWritten(), 48u, "written count");
        writer.Commit();
        NS_TEST_ASSERT_MSG_EQ((ReadBytes(dir / "streamed.npy") == ReadBytes(dir / "one-shot.npy")),
                              true,
                              "streamed file equals the one-shot file");

        const CsiTensor back = ToCsiTensor(ReadNpy(dir / "streamed.npy"));
        NS_TEST_ASSERT_MSG_EQ((back.GetShape() == h.GetShape()), true, "CsiTensor shape");
        NS_TEST_ASSERT_MSG_EQ((back(2, 1, 0, 1) == values[h.Offset(2, 1, 0, 1)]),
                              true,
                              "CsiTensor element H[2, 1, 0, 1]");
        // Only the temporary-free final file is left in the directory.
        NS_TEST_ASSERT_MSG_EQ(
            std::distance(fs::directory_iterator(dir.Path()), fs::directory_iterator()),
            2,
            "no temporary files left");
    }
};

/// Commit with the wrong element count throws and leaves no file (nor a temporary one).
class NpyCommitCountTestCase : public TestCase
{
  public:
    NpyCommitCountTestCase()
        : TestCase("Commit with too few or too many elements throws and leaves no file")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir;
        const std::vector<float> values = TestValues<float>(7);
        const std::string tooFew = ErrorOf<std::runtime_error>([&] {
            NpyWriter writer(dir / "few.npy", NpyDtype::FLOAT32, {2, 3});
            writer.Append(values.data(), 5);
            writer.Commit();
        });
        NS_TEST_ASSERT_MSG_EQ(Contains(tooFew, "5 elements written but shape (2, 3) needs 6"),
                              true,
                              "too-few message: " << tooFew);

        bool appendThrew = false;
        const std::string tooMany = ErrorOf<std::runtime_error>([&] {
            NpyWriter writer(dir / "many.npy", NpyDtype::FLOAT32, {2, 3});
            writer.Append(values.data(), 4);
            appendThrew =
                !ErrorOf<std::invalid_argument>([&] { writer.Append(values.data(), 3); }).empty();
            writer.Commit();
        });
        NS_TEST_ASSERT_MSG_EQ(appendThrew, true, "appending past prod(shape) throws");
        NS_TEST_ASSERT_MSG_EQ(Contains(tooMany, "4 elements written"),
                              true,
                              "too-many message: " << tooMany);

        const std::string wrongType = ErrorOf<std::invalid_argument>([&] {
            NpyWriter writer(dir / "type.npy", NpyDtype::COMPLEX64, {2});
            const double d[2] = {1, 2};
            writer.Append(d, 2);
        });
        NS_TEST_ASSERT_MSG_EQ(Contains(wrongType, "cannot append '<f8' elements to a '<c8' array"),
                              true,
                              "wrong-type message: " << wrongType);

        // A failed commit leaves an older file at the path untouched.
        WriteBytes(dir / "old.npy", "previous contents");
        ErrorOf<std::runtime_error>([&] {
            NpyWriter writer(dir / "old.npy", NpyDtype::FLOAT32, {2, 3});
            writer.Commit();
        });
        NS_TEST_ASSERT_MSG_EQ(ReadBytes(dir / "old.npy"), "previous contents", "old file kept");

        std::vector<std::string> left;
        for (const auto& entry : fs::directory_iterator(dir.Path()))
        {
            left.push_back(entry.path().filename().string());
        }
        NS_TEST_ASSERT_MSG_EQ(left.size(),
                              1u,
                              "only old.npy is left, found " << left.size() << " files");
    }
};

/// Malformed files give errors that name the file and the problem.
class NpyReaderErrorsTestCase : public TestCase
{
  public:
    NpyReaderErrorsTestCase()
        : TestCase("Bad magic, version, dtype, header and truncated data are reported clearly")
    {
    }

  private:
    void ExpectReadError(const TempDir& dir,
                         const std::string& name,
                         const std::string& bytes,
                         const std::string& part)
    {
        const std::string path = dir / name;
        WriteBytes(path, bytes);
        const std::string message = ErrorOf<std::runtime_error>([&] { ReadNpy(path); });
        NS_TEST_EXPECT_MSG_EQ(Contains(message, part) && Contains(message, path),
                              true,
                              name << ": expected '" << part << "' and the path in '" << message
                                   << "'");
    }

    void DoRun() override
    {
        TempDir dir;
        const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        const std::string data(24, '\0');
        const std::string good = HandMadeNpy(dict, data);
        NS_TEST_ASSERT_MSG_EQ(good.size(), 128u + 24u, "hand-made file size");
        WriteBytes(dir / "good.npy", good);
        NS_TEST_ASSERT_MSG_EQ(ReadNpy(dir / "good.npy").GetNumElements(),
                              6u,
                              "hand-made file reads");

        std::string badMagic = good;
        badMagic[1] = 'X';
        ExpectReadError(dir, "magic.npy", badMagic, "bad magic");
        ExpectReadError(dir, "short.npy", "\x93NUM", "bad magic");
        std::string version = good;
        version[6] = 4;
        ExpectReadError(dir, "version.npy", version, "unsupported .npy format version 4.0");
        ExpectReadError(dir,
                        "truncated.npy",
                        good.substr(0, good.size() - 4),
                        "truncated data: shape (2, 3) of '<f4' needs 24 bytes, found 20");
        ExpectReadError(dir, "trailing.npy", good + "xy", "2 unexpected bytes after the data");
        ExpectReadError(dir, "header-cut.npy", good.substr(0, 60), "truncated .npy header");
        ExpectReadError(
            dir,
            "big-endian.npy",
            HandMadeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data),
            "big-endian dtype '>f4'");
        ExpectReadError(
            dir,
            "int32.npy",
            HandMadeNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data),
            "unsupported dtype '<i4'");
        ExpectReadError(
            dir,
            "record.npy",
            HandMadeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", data),
            "structured (record) dtypes are not supported");
        ExpectReadError(dir,
                        "no-shape.npy",
                        HandMadeNpy("{'descr': '<f4', 'fortran_order': False, }", data),
                        "missing key 'shape'");
        ExpectReadError(
            dir,
            "bad-shape.npy",
            HandMadeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", data),
            "header parse error at character 54: expected a non-negative integer");
        ExpectReadError(
            dir,
            "bad-bool.npy",
            HandMadeNpy("{'descr': '<f4', 'fortran_order': false, 'shape': (2, 3), }", data),
            "expected True or False");
        const std::string missing =
            ErrorOf<std::runtime_error>([&] { ReadNpy(dir / "absent.npy"); });
        NS_TEST_EXPECT_MSG_EQ(Contains(missing, "absent.npy") && Contains(missing, "No such file"),
                              true,
                              "missing file: " << missing);
    }
};

/// Fortran-ordered files are reordered to C order.
class NpyFortranOrderTestCase : public TestCase
{
  public:
    NpyFortranOrderTestCase()
        : TestCase("A fortran_order True file is read back in row-major order")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir;
        // A[i][j][l] = 100 i + 10 j + l with shape (2, 3, 4) stored column-major: i fastest.
        std::string data;
        for (int l = 0; l < 4; ++l)
        {
            for (int j = 0; j < 3; ++j)
            {
                for (int i = 0; i < 2; ++i)
                {
                    const double v = 100 * i + 10 * j + l;
                    data.append(reinterpret_cast<const char*>(&v), sizeof(v));
                }
            }
        }
        WriteBytes(
            dir / "f.npy",
            HandMadeNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", data));
        const std::vector<double> c = ReadNpy(dir / "f.npy").GetValues<double>();
        for (int i = 0; i < 2; ++i)
        {
            for (int j = 0; j < 3; ++j)
            {
                for (int l = 0; l < 4; ++l)
                {
                    NS_TEST_ASSERT_MSG_EQ(c[(i * 3 + j) * 4 + l],
                                          100.0 * i + 10 * j + l,
                                          "A[" << i << "][" << j << "][" << l << "]");
                }
            }
        }
    }
};

/// ValidateCsi and ToCsiTensor reject what a CSI consumer cannot use.
class NpyCsiValidationTestCase : public TestCase
{
  public:
    NpyCsiValidationTestCase()
        : TestCase(
              "ValidateCsi names wrong shapes and the first NaN or Inf; ToCsiTensor checks dtype")
    {
    }

  private:
    void DoRun() override
    {
        TempDir dir;
        const std::vector<std::size_t> shape = {2, 3, 2, 2};
        std::vector<std::complex<float>> values = TestValues<std::complex<float>>(24);
        WriteNpy(dir / "csi.npy", NpyArray::FromValues(shape, values));
        const NpyArray good = ReadNpy(dir / "csi.npy");
        NS_TEST_ASSERT_MSG_EQ(ErrorOf<std::invalid_argument>([&] { ValidateCsi(good); }),
                              "",
                              "rank 4");
        NS_TEST_ASSERT_MSG_EQ(ErrorOf<std::invalid_argument>([&] {
                                  ValidateCsi(good, {2, -1, 2, -1});
                              }),
                              "",
                              "matching pattern");

        const std::string pattern = ErrorOf<std::invalid_argument>([&] {
            ValidateCsi(good, {2, 4, -1, -1});
        });
        NS_TEST_ASSERT_MSG_EQ(
            Contains(
                pattern,
                "CSI shape (2, 3, 2, 2) (rank 4) does not match the expected (2, 4, -1, -1)") &&
                Contains(pattern, "csi.npy"),
            true,
            pattern);
        WriteNpy(dir / "rank3.npy", NpyArray::FromValues<std::complex<float>>({2, 3, 4}, values));
        const std::string rank =
            ErrorOf<std::invalid_argument>([&] { ValidateCsi(ReadNpy(dir / "rank3.npy")); });
        NS_TEST_ASSERT_MSG_EQ(
            Contains(rank, "(rank 3) does not match the expected (-1, -1, -1, -1) (rank 4"),
            true,
            rank);

        // Element [1, 0, 1, 0] has flat index (1 * 3 + 0) * 4 + 1 * 2 + 0 = 14.
        values[14].imag(std::numeric_limits<float>::quiet_NaN());
        values[20].real(std::numeric_limits<float>::infinity());
        WriteNpy(dir / "nan.npy", NpyArray::FromValues(shape, values));
        const std::string nan =
            ErrorOf<std::invalid_argument>([&] { ValidateCsi(ReadNpy(dir / "nan.npy")); });
        NS_TEST_ASSERT_MSG_EQ(
            Contains(nan, "nan.npy: CSI element [1, 0, 1, 0] (imaginary part) is not finite"),
            true,
            nan);
        const std::vector<double> reals = {1, 2, -std::numeric_limits<double>::infinity(), 4};
        const std::string inf = ErrorOf<std::invalid_argument>([&] {
            ValidateCsi(NpyArray::FromValues<double>({1, 1, 2, 2}, reals));
        });
        NS_TEST_ASSERT_MSG_EQ(Contains(inf, "CSI element [0, 0, 1, 0] is not finite"), true, inf);
        const std::string ints = ErrorOf<std::invalid_argument>([&] {
            ValidateCsi(NpyArray::FromValues<std::int64_t>({1, 1, 1, 1}, {3}));
        });
        NS_TEST_ASSERT_MSG_EQ(Contains(ints, "floating or complex"), true, ints);

        // complex128 is rounded to complex64; other dtypes and ranks are rejected.
        const std::vector<std::complex<double>> wide = TestValues<std::complex<double>>(24);
        const CsiTensor h = ToCsiTensor(NpyArray::FromValues(shape, wide));
        NS_TEST_ASSERT_MSG_EQ((h(1, 2, 1, 1) == std::complex<float>(wide[23])),
                              true,
                              "complex128 element");
        const std::string dtype = ErrorOf<std::invalid_argument>([&] {
            ToCsiTensor(NpyArray::FromValues<double>({1, 1, 2, 2}, {1, 2, 3, 4}));
        });
        NS_TEST_ASSERT_MSG_EQ(Contains(dtype, "needs a complex array"), true, dtype);
        const std::string rank2 =
            ErrorOf<std::invalid_argument>([&] { ToCsiTensor(ReadNpy(dir / "rank3.npy")); });
        NS_TEST_ASSERT_MSG_EQ(Contains(rank2, "rank3.npy: a CsiTensor needs a rank-4 array"),
                              true,
                              rank2);
    }
};

/**
 * Checks run by NumPy (argv: directory, mode). "write": save the reference files that the
 * C++ side reads. "check": load what the C++ side wrote and compare dtype, shape and
 * values with the same formula, the .npy bytes with np.save's, and the .npz CRCs.
 */
const char* const kPythonScript = R"PY(
import io, sys, zipfile
import numpy as np

d, mode = sys.argv[1], sys.argv[2]

def values(dtype, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    if dtype == np.int64:
        v = i * (1 << 33) - 5
    elif np.issubdtype(dtype, np.complexfloating):
        v = (0.5 * i - 7) + 1j * (3 - 0.25 * i)
    else:
        v = 0.5 * i - 7
    return v.astype(dtype).reshape(shape)

CASES = {"c8": (np.complex64, (2, 3, 2, 2)), "c16": (np.complex128, (2, 2, 3, 2)),
         "f4": (np.float32, (7,)), "f8": (np.float64, (3, 4)), "i8": (np.int64, (2, 3, 4)),
         "f8r16": (np.float64, (2,) + (1,) * 15)}

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

if mode == "write":
    for name, (dtype, shape) in CASES.items():
        np.save(f"{d}/py-{name}.npy", values(dtype, shape))
    np.save(f"{d}/py-fortran.npy", np.asfortranarray(values(np.float32, (3, 4))))
    with open(f"{d}/py-v2.npy", "wb") as f:
        np.lib.format.write_array(f, values(np.complex128, (2, 2, 3, 2)), version=(2, 0))
    sys.exit(0)

for name, (dtype, shape) in CASES.items():
    path = f"{d}/cc-{name}.npy"
    a = np.load(path)
    if a.dtype != np.dtype(dtype) or a.shape != shape:
        fail(f"{path}: dtype {a.dtype} shape {a.shape}, expected {np.dtype(dtype)} {shape}")
    if not np.array_equal(a, values(dtype, shape)):
        fail(f"{path}: values differ")
    buf = io.BytesIO()
    np.save(buf, values(dtype, shape))
    if open(path, "rb").read() != buf.getvalue():
        fail(f"{path}: bytes differ from np.save")
with open(f"{d}/cc-v2.npy", "rb") as f:
    if np.lib.format.read_magic(f) != (2, 0):
        fail("cc-v2.npy is not version 2.0")
    shape, fortran, dtype = np.lib.format.read_array_header_2_0(f, max_header_size=100000)
    if len(shape) != 22000 or set(shape) != {1} or fortran or dtype != np.float64:
        fail("cc-v2.npy header")
with zipfile.ZipFile(f"{d}/cc.npz") as z:
    if z.testzip() is not None:
        fail("cc.npz: bad CRC")
    if any(i.compress_type != zipfile.ZIP_STORED for i in z.infolist()):
        fail("cc.npz: not stored")
npz = np.load(f"{d}/cc.npz")
if sorted(npz.files) != sorted(CASES):
    fail(f"cc.npz members {npz.files}")
for name, (dtype, shape) in CASES.items():
    a = npz[name]
    if a.dtype != np.dtype(dtype) or a.shape != shape or not np.array_equal(a, values(dtype, shape)):
        fail(f"cc.npz[{name}]: {a.dtype} {a.shape}")
print("numpy loaded every file with the right dtype, shape and values")
)PY";

/// Exchanges files with NumPy in both directions.
class NpyNumpyInteropTestCase : public TestCase
{
  public:
    NpyNumpyInteropTestCase()
        : TestCase("Files written by numpy are read; files written here load in numpy")
    {
    }

  private:
    static int RunPython(const TempDir& dir, const std::string& mode)
    {
        const std::string command =
            "/usr/bin/python3 '" + (dir / "check.py") + "' '" + dir.Path().string() + "' " + mode;
        return std::system(command.c_str());
    }

    template <typename T>
    void CheckPythonFile(const std::string& path, const std::vector<std::size_t>& shape)
    {
        const NpyArray array = ReadNpy(path);
        NS_TEST_ASSERT_MSG_EQ((array.GetShape() == shape),
                              true,
                              path << " shape " << FormatNpyShape(array.GetShape()));
        NS_TEST_ASSERT_MSG_EQ((array.GetValues<T>() == TestValues<T>(Product(shape))),
                              true,
                              path << " values");
    }

    template <typename T>
    std::pair<const std::string, NpyArray> Case(const TempDir& dir,
                                                const std::string& name,
                                                const std::vector<std::size_t>& shape)
    {
        NpyArray array = NpyArray::FromValues(shape, TestValues<T>(Product(shape)));
        WriteNpy(dir / ("cc-" + name + ".npy"), array);
        return {name, array};
    }

    void DoRun() override
    {
        if (std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
        {
            std::cerr << "SKIPPED channel-npy-numpy: /usr/bin/python3 has no numpy "
                         "(scripts/setup.sh installs python3-numpy)\n";
            return;
        }
        TempDir dir;
        WriteBytes(dir / "check.py", kPythonScript);

        NS_TEST_ASSERT_MSG_EQ(RunPython(dir, "write"), 0, "numpy writes the reference files");
        CheckPythonFile<std::complex<float>>(dir / "py-c8.npy", {2, 3, 2, 2});
        CheckPythonFile<std::complex<double>>(dir / "py-c16.npy", {2, 2, 3, 2});
        CheckPythonFile<float>(dir / "py-f4.npy", {7});
        CheckPythonFile<double>(dir / "py-f8.npy", {3, 4});
        CheckPythonFile<std::int64_t>(dir / "py-i8.npy", {2, 3, 4});
        CheckPythonFile<float>(dir / "py-fortran.npy", {3, 4});
        CheckPythonFile<std::complex<double>>(dir / "py-v2.npy", {2, 2, 3, 2});
        const CsiTensor h = ToCsiTensor(ReadNpy(dir / "py-c8.npy"));
        NS_TEST_ASSERT_MSG_EQ(
            (h(1, 2, 0, 1) == TestValue<std::complex<float>>(h.Offset(1, 2, 0, 1))),
            true,
            "numpy CSI as CsiTensor");

        // 16 axes: NumPy's growth space moves the data offset from 128 to 192 bytes.
        std::vector<std::size_t> rank16(16, 1);
        rank16[0] = 2;
        const std::map<std::string, NpyArray> arrays = {
            Case<std::complex<float>>(dir, "c8", {2, 3, 2, 2}),
            Case<std::complex<double>>(dir, "c16", {2, 2, 3, 2}),
            Case<float>(dir, "f4", {7}),
            Case<double>(dir, "f8", {3, 4}),
            Case<std::int64_t>(dir, "i8", {2, 3, 4}),
            Case<double>(dir, "f8r16", rank16)};
        WriteNpz(dir / "cc.npz", arrays);
        WriteNpy(dir / "cc-v2.npy",
                 NpyArray::FromValues<double>(std::vector<std::size_t>(22000, 1), {1}));
        NS_TEST_ASSERT_MSG_EQ(RunPython(dir, "check"),
                              0,
                              "numpy loads our .npy and .npz files (see FAIL line above)");
        NS_TEST_ASSERT_MSG_EQ(ErrorOf<std::invalid_argument>([&] {
                                  WriteNpz(dir / "bad.npz", {{"", arrays.at("f4")}});
                              }).empty(),
                              false,
                              "empty member name rejected");
        NS_TEST_ASSERT_MSG_EQ(fs::exists(dir / "bad.npz"), false, "no file for a rejected .npz");
    }
};

class NpyFormatTestSuite : public TestSuite
{
  public:
    NpyFormatTestSuite()
        : TestSuite("channel-npy-format", TestSuite::UNIT)
    {
        AddTestCase(new NpyRoundTripTestCase, TestCase::QUICK);
        AddTestCase(new NpyGoldenHeaderTestCase, TestCase::QUICK);
        AddTestCase(new NpyStreamingTestCase, TestCase::QUICK);
        AddTestCase(new NpyCommitCountTestCase, TestCase::QUICK);
        AddTestCase(new NpyReaderErrorsTestCase, TestCase::QUICK);
        AddTestCase(new NpyFortranOrderTestCase, TestCase::QUICK);
        AddTestCase(new NpyCsiValidationTestCase, TestCase::QUICK);
    }
};

class NpyNumpyTestSuite : public TestSuite
{
  public:
    NpyNumpyTestSuite()
        : TestSuite("channel-npy-numpy", TestSuite::UNIT)
    {
        AddTestCase(new NpyNumpyInteropTestCase, TestCase::QUICK);
    }
};

NpyFormatTestSuite g_npyFormatTestSuite;
NpyNumpyTestSuite g_npyNumpyTestSuite;

} // namespace
