// Tests of the KPI trace sinks: AtomicFile, KpiCsvWriter and RunMetadata.
#include "edge-lam-git.h"
#include "edge-lam-version.h"
#include "helper/atomic-file.h"
#include "helper/kpi-csv-writer.h"
#include "helper/run-metadata.h"

#include "ns3/rng-seed-manager.h"
#include "ns3/test.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace ns3;
namespace fs = std::filesystem;

namespace
{

/// A fresh directory under the system temp dir, removed with everything in it.
class ScratchDir
{
  public:
    ScratchDir()
    {
        std::string pattern = (fs::temp_directory_path() / "edge-lam-trace-test.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
        {
            throw std::runtime_error("cannot create a scratch directory from " + pattern);
        }
        m_path = pattern;
    }

    ~ScratchDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }

    std::string operator/(const std::string& name) const
    {
        return (m_path / name).string();
    }

  private:
    fs::path m_path;
};

std::string
ReadFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void
WriteFile(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

/// The message of the exception of type E that f throws, or "" if it throws nothing.
template <typename E, typename F>
std::string
MessageOf(F f)
{
    try
    {
        f();
    }
    catch (const E& e)
    {
        return e.what();
    }
    return "";
}

bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------------------
// AtomicFile

class AtomicFileCommitTestCase : public TestCase
{
  public:
    AtomicFileCommitTestCase()
        : TestCase("nothing at the path before Commit, exact bytes after it")
    {
    }

  private:
    void DoRun() override
    {
        ScratchDir dir;
        const std::string path = dir / "trace.csv";
        WriteFile(path, "old contents\n");
        {
            AtomicFile file(path);
            NS_TEST_ASSERT_MSG_EQ(file.GetTempPath(),
                                  path + ".tmp." + std::to_string(::getpid()),
                                  "temporary name is <path>.tmp.<pid>");
            file.Write("a,b\n");
            file.Write(std::string("1,2\n\0x", 6)); // embedded NUL kept
            NS_TEST_ASSERT_MSG_EQ(fs::exists(file.GetTempPath()), true, "temporary exists");
            NS_TEST_ASSERT_MSG_EQ(ReadFile(path), "old contents\n", "old file untouched");
            file.Commit();
            NS_TEST_ASSERT_MSG_EQ(file.IsCommitted(), true, "committed");
            NS_TEST_ASSERT_MSG_EQ(fs::exists(file.GetTempPath()), false, "temporary renamed");
            NS_TEST_ASSERT_MSG_EQ(ReadFile(path), std::string("a,b\n1,2\n\0x", 10), "exact bytes");
            NS_TEST_ASSERT_MSG_EQ(Contains(MessageOf<std::runtime_error>([&] { file.Commit(); }),
                                           "already committed"),
                                  true,
                                  "second Commit throws");
            NS_TEST_ASSERT_MSG_EQ(
                Contains(MessageOf<std::runtime_error>([&] { file.Write("x"); }), path),
                true,
                "Write after Commit throws naming the path");
        }
        NS_TEST_ASSERT_MSG_EQ(ReadFile(path).size(), 10u, "destructor keeps a committed file");
    }
};

class AtomicFileDiscardTestCase : public TestCase
{
  public:
    AtomicFileDiscardTestCase()
        : TestCase("a file destroyed without Commit leaves nothing behind")
    {
    }

  private:
    void DoRun() override
    {
        ScratchDir dir;
        const std::string fresh = dir / "fresh.csv";
        std::string tempPath;
        {
            AtomicFile file(fresh);
            tempPath = file.GetTempPath();
            file.Write("half a row,");
        }
        NS_TEST_ASSERT_MSG_EQ(fs::exists(fresh), false, "no file at the path");
        NS_TEST_ASSERT_MSG_EQ(fs::exists(tempPath), false, "no temporary file");

        // A run that fails while writing keeps the previous run's file intact.
        const std::string existing = dir / "existing.csv";
        WriteFile(existing, "previous\n");
        const std::string message = MessageOf<std::runtime_error>([&] {
            AtomicFile file(existing);
            file.Write("partial");
            throw std::runtime_error("simulated failure");
        });
        NS_TEST_ASSERT_MSG_EQ(message, "simulated failure", "failure propagated");
        NS_TEST_ASSERT_MSG_EQ(ReadFile(existing), "previous\n", "previous file intact");
        NS_TEST_ASSERT_MSG_EQ(std::distance(fs::directory_iterator(dir / ""), {}),
                              1,
                              "only the previous file is left in the directory");
    }
};

class AtomicFileErrorTestCase : public TestCase
{
  public:
    AtomicFileErrorTestCase()
        : TestCase("missing or unusable directories give messages naming them")
    {
    }

  private:
    void DoRun() override
    {
        ScratchDir dir;
        const std::string inMissingDir = dir / "missing/trace.csv";
        const std::string message =
            MessageOf<std::runtime_error>([&] { AtomicFile file(inMissingDir); });
        NS_TEST_ASSERT_MSG_EQ(Contains(message, inMissingDir), true, "names the path: " << message);
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "No such file or directory"),
                              true,
                              "gives the errno text: " << message);

        const std::string nested = dir / "a/b/c";
        EnsureWritableDirectory(nested);
        NS_TEST_ASSERT_MSG_EQ(fs::is_directory(nested), true, "parents created");
        EnsureWritableDirectory(nested); // existing directory: no error

        const std::string procMessage =
            MessageOf<std::runtime_error>([] { EnsureWritableDirectory("/proc/forbidden/out"); });
        NS_TEST_ASSERT_MSG_EQ(Contains(procMessage, "/proc/forbidden/out"),
                              true,
                              "names the directory: " << procMessage);

        const std::string regularFile = dir / "file";
        WriteFile(regularFile, "x");
        const std::string fileMessage =
            MessageOf<std::runtime_error>([&] { EnsureWritableDirectory(regularFile); });
        NS_TEST_ASSERT_MSG_EQ(Contains(fileMessage, regularFile),
                              true,
                              "a regular file is not a directory: " << fileMessage);
        const std::string belowFileMessage =
            MessageOf<std::runtime_error>([&] { EnsureWritableDirectory(regularFile + "/sub"); });
        NS_TEST_ASSERT_MSG_EQ(Contains(belowFileMessage, regularFile + "/sub"),
                              true,
                              "cannot create below a file: " << belowFileMessage);
    }
};

class AtomicFileTestSuite : public TestSuite
{
  public:
    AtomicFileTestSuite()
        : TestSuite("helper-trace-atomic-file", TestSuite::UNIT)
    {
        AddTestCase(new AtomicFileCommitTestCase, TestCase::QUICK);
        AddTestCase(new AtomicFileDiscardTestCase, TestCase::QUICK);
        AddTestCase(new AtomicFileErrorTestCase, TestCase::QUICK);
    }
};

AtomicFileTestSuite g_atomicFileTestSuite;

// ---------------------------------------------------------------------------------
// KpiCsvWriter

/// A German-style numeric locale: if any formatting went through iostreams or the
/// global locale, "1234.5" would come out as "1.234,5".
class CommaDecimalPunct : public std::numpunct<char>
{
  protected:
    char do_decimal_point() const override
    {
        return ',';
    }

    char do_thousands_sep() const override
    {
        return '.';
    }

    std::string do_grouping() const override
    {
        return "\3";
    }
};

class KpiCsvFormattingTestCase : public TestCase
{
  public:
    KpiCsvFormattingTestCase()
        : TestCase("integers, fixed decimals, nan and inf, quoted text: exact bytes")
    {
    }

  private:
    void DoRun() override
    {
        ScratchDir dir;
        const std::string path = dir / "slots.csv";
        const std::locale previous =
            std::locale::global(std::locale(std::locale::classic(), new CommaDecimalPunct));
        {
            KpiCsvWriter writer(path,
                                {KpiCsvWriter::Column::Integer("ue"),
                                 KpiCsvWriter::Column::Fixed("sinr_db", 3),
                                 KpiCsvWriter::Column::Fixed("bytes", 0),
                                 KpiCsvWriter::Column::Text("note, quoted")});
            writer.Row().Add(0).Add(12.3456).Add(1234.4).Add("dl").End();
            writer.Row().Add(-7).Add(-0.0004999).Add(1e15).Add("a,b").End();
            writer.WriteRow(std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<double>::quiet_NaN(),
                            -std::numeric_limits<double>::quiet_NaN(),
                            std::string("say \"hi\""));
            writer.WriteRow(std::numeric_limits<uint64_t>::max(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            "two\nlines");
            writer.WriteRow(true, 0.0625f, 2.5, "");
            NS_TEST_ASSERT_MSG_EQ(writer.GetRowCount(), 5u, "row count");
            NS_TEST_ASSERT_MSG_EQ(fs::exists(path), false, "nothing at the path before Commit");
            writer.Commit();
        }
        std::locale::global(previous);
        // Ties (0.0625 to 3 decimals, 2.5 to 0) are exact in binary and round to even,
        // as printf("%.*f") does.
        const std::string expected = "ue,sinr_db,bytes,\"note, quoted\"\n"
                                     "0,12.346,1234,dl\n"
                                     "-7,-0.000,1000000000000000,\"a,b\"\n"
                                     "-9223372036854775808,nan,nan,\"say \"\"hi\"\"\"\n"
                                     "18446744073709551615,inf,-inf,\"two\nlines\"\n"
                                     "1,0.062,2,\n";
        NS_TEST_ASSERT_MSG_EQ(ReadFile(path), expected, "exact trace bytes");
    }
};

class KpiCsvRowCheckTestCase : public TestCase
{
  public:
    KpiCsvRowCheckTestCase()
        : TestCase("rows with a wrong kind or count of values throw naming the column")
    {
    }

  private:
    void DoRun() override
    {
        ScratchDir dir;
        const std::string path = dir / "t.csv";
        KpiCsvWriter writer(path,
                            {KpiCsvWriter::Column::Integer("ue"),
                             KpiCsvWriter::Column::Fixed("sinr_db", 1),
                             KpiCsvWriter::Column::Text("direction")});

        std::string message =
            MessageOf<std::invalid_argument>([&] { writer.Row().Add(1.5).Add(2.0).Add("dl"); });
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "column 1 'ue', which is integer"),
                              true,
                              "double in integer column: " << message);
        NS_TEST_ASSERT_MSG_EQ(Contains(message, path), true, "names the trace: " << message);

        message = MessageOf<std::invalid_argument>([&] { writer.WriteRow(1, 2, "dl"); });
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "column 2 'sinr_db', which is fixed(1)"),
                              true,
                              "integer in fixed column: " << message);

        message = MessageOf<std::invalid_argument>([&] { writer.WriteRow(1, 2.0, 3.0); });
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "column 3 'direction', which is text"),
                              true,
                              "number in text column: " << message);

        message = MessageOf<std::invalid_argument>([&] { writer.WriteRow(1, 2.0); });
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "has 2 values but the header has 3"),
                              true,
                              "too few values: " << message);

        message = MessageOf<std::invalid_argument>([&] { writer.WriteRow(1, 2.0, "dl", 4); });
        NS_TEST_ASSERT_MSG_EQ(Contains(message, "more than the 3 values"),
                              true,
                              "too many values: " << message);

        // Rejected rows are dropped whole; the writer stays usable.
        writer.WriteRow(3, 4.25, "ul");
        auto open = writer.Row();
        open.Add(5);
        NS_TEST_ASSERT_MSG_EQ(MessageOf<std::logic_error>([&] { writer.Row(); }).empty(),
                              false,
                              "a new row while one is open throws");
        NS_TEST_ASSERT_MSG_EQ(MessageOf<std::logic_error>([&] { writer.Commit(); }).empty(),
                              false,
                              "Commit with an open row throws");
        open.Add(1.0).Add("dl").End();
        writer.Commit();
        NS_TEST_ASSERT_MSG_EQ(ReadFile(path),
                              "ue,sinr_db,direction\n3,4.2,ul\n5,1.0,dl\n",
                              "only the complete rows are written");
    }
};

class KpiCsvHeaderCheckTestCase : public TestCase
{
  public:
    KpiCsvHeaderCheckTestCase()
        : TestCase("bad headers are rejected and leave no file")
    {
    }

  private:
    void DoRun() override
    {
        ScratchDir dir;
        const std::string path = dir / "h.csv";
        using Column = KpiCsvWriter::Column;
        NS_TEST_ASSERT_MSG_EQ(
            Contains(MessageOf<std::invalid_argument>([&] {
                         KpiCsvWriter w(path, {Column::Integer("ue"), Column::Text("ue")});
                     }),
                     "two columns named 'ue'"),
            true,
            "duplicate name");
        NS_TEST_ASSERT_MSG_EQ(Contains(MessageOf<std::invalid_argument>(
                                           [&] { KpiCsvWriter w(path, {Column::Fixed("x", 18)}); }),
                                       "18 decimals"),
                              true,
                              "too many decimals");
        NS_TEST_ASSERT_MSG_EQ(
            MessageOf<std::invalid_argument>([&] { KpiCsvWriter w(path, {}); }).empty(),
            false,
            "no columns");
        NS_TEST_ASSERT_MSG_EQ(std::distance(fs::directory_iterator(dir / ""), {}),
                              0,
                              "rejected writers leave no file");
    }
};

class KpiCsvWriterTestSuite : public TestSuite
{
  public:
    KpiCsvWriterTestSuite()
        : TestSuite("helper-trace-kpi-csv-writer", TestSuite::UNIT)
    {
        AddTestCase(new KpiCsvFormattingTestCase, TestCase::QUICK);
        AddTestCase(new KpiCsvRowCheckTestCase, TestCase::QUICK);
        AddTestCase(new KpiCsvHeaderCheckTestCase, TestCase::QUICK);
    }
};

KpiCsvWriterTestSuite g_kpiCsvWriterTestSuite;

// ---------------------------------------------------------------------------------
// RunMetadata

/// Sets the ns-3 seed and run for one test and restores them afterwards.
class ScopedRng
{
  public:
    ScopedRng(uint32_t seed, uint64_t run)
        : m_seed(RngSeedManager::GetSeed()),
          m_run(RngSeedManager::GetRun())
    {
        RngSeedManager::SetSeed(seed);
        RngSeedManager::SetRun(run);
    }

    ~ScopedRng()
    {
        RngSeedManager::SetSeed(m_seed);
        RngSeedManager::SetRun(m_run);
    }

  private:
    uint32_t m_seed;
    uint64_t m_run;
};

class RunMetadataLayoutTestCase : public TestCase
{
  public:
    RunMetadataLayoutTestCase()
        : TestCase("sidecar layout, seed, versions and byte-identical rewrites")
    {
    }

  private:
    void DoRun() override
    {
        ScopedRng rng(7, 3);
        ScratchDir dir;
        RunMetadata meta("radio-cell");
        meta.SetParameter("numUes", 4);
        meta.SetParameter("bandwidthHz", 20e6);
        meta.SetParameter("blerTarget", 0.1);
        meta.SetParameter("useBeams", true);
        meta.SetParameter("scheduler", "pf");
        meta.SetParameter("numSlots", uint64_t{1} << 40);
        meta.SetParameter("offsetDb", -std::numeric_limits<double>::infinity());
        meta.SetParameter("guardS", 1e-9);
        meta.SetParameter("numUes", int16_t{8}); // replaced in place
        meta.AddOutputFile("slots.csv");
        meta.AddOutputFile("summary.csv");
        meta.AddOutputFile("slots.csv");

        const std::string expected = std::string("{\n"
                                                 "  \"scenario\": \"radio-cell\",\n"
                                                 "  \"version\": \"") +
                                     EDGE_LAM_VERSION + "\",\n  \"gitDescribe\": \"" +
                                     EDGE_LAM_GIT_DESCRIBE + "\",\n  \"ns3Version\": \"" +
                                     EDGE_LAM_NS3_VERSION + "\",\n  \"torchVersion\": \"" +
                                     EDGE_LAM_TORCH_VERSION +
                                     "\",\n"
                                     "  \"rngSeed\": 7,\n"
                                     "  \"rngRun\": 3,\n"
                                     "  \"parameters\": {\n"
                                     "    \"numUes\": 8,\n"
                                     "    \"bandwidthHz\": 20000000,\n"
                                     "    \"blerTarget\": 0.1,\n"
                                     "    \"useBeams\": true,\n"
                                     "    \"scheduler\": \"pf\",\n"
                                     "    \"numSlots\": 1099511627776,\n"
                                     "    \"offsetDb\": \"-inf\",\n"
                                     "    \"guardS\": 1e-09\n"
                                     "  },\n"
                                     "  \"outputFiles\": [\n"
                                     "    \"slots.csv\",\n"
                                     "    \"summary.csv\"\n"
                                     "  ]\n"
                                     "}\n";
        NS_TEST_ASSERT_MSG_EQ(meta.ToJson(), expected, "exact sidecar text");

        meta.WriteJson(dir / "run.json");
        RunMetadata again("radio-cell");
        again.SetParameter("numUes", 4);
        again.SetParameter("bandwidthHz", 20e6);
        again.SetParameter("blerTarget", 0.1);
        again.SetParameter("useBeams", true);
        again.SetParameter("scheduler", std::string("pf"));
        again.SetParameter("numSlots", uint64_t{1} << 40);
        again.SetParameter("offsetDb", -std::numeric_limits<double>::infinity());
        again.SetParameter("guardS", 1e-9);
        again.SetParameter("numUes", 8);
        again.AddOutputFile("slots.csv");
        again.AddOutputFile("summary.csv");
        again.WriteJson(dir / "run-again.json");
        NS_TEST_ASSERT_MSG_EQ(ReadFile(dir / "run.json"),
                              ReadFile(dir / "run-again.json"),
                              "same content gives the same bytes");
        NS_TEST_ASSERT_MSG_EQ(ReadFile(dir / "run.json"), expected, "file holds ToJson()");

        RngSeedManager::SetRun(4);
        NS_TEST_ASSERT_MSG_EQ(Contains(meta.ToJson(), "\"rngRun\": 4,"),
                              true,
                              "run read when serialising, not when constructed");

        const RunMetadata empty("x");
        NS_TEST_ASSERT_MSG_EQ(
            Contains(empty.ToJson(), "\"parameters\": {},\n  \"outputFiles\": []\n}\n"),
            true,
            "empty parameters and outputs");
    }
};

class RunMetadataEscapingTestCase : public TestCase
{
  public:
    RunMetadataEscapingTestCase()
        : TestCase("JSON escaping per RFC 8259, checked by Python's json parser")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_ASSERT_MSG_EQ(RunMetadata::JsonString("a\"b\\c/d"),
                              "\"a\\\"b\\\\c/d\"",
                              "quote and backslash");
        NS_TEST_ASSERT_MSG_EQ(RunMetadata::JsonString("\b\f\n\r\t\x01\x1f\x7f"),
                              "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"",
                              "control characters");
        NS_TEST_ASSERT_MSG_EQ(RunMetadata::JsonString("\xc3\xa9\xe2\x82\xac"),
                              "\"\xc3\xa9\xe2\x82\xac\"",
                              "UTF-8 passes through");

        // An independent parser must read back exactly what was stored.
        ScratchDir dir;
        RunMetadata meta("we\"ird\nname");
        meta.SetParameter("path\\key", "C:\\out\t\"x\"\x01\xc3\xa9");
        meta.SetParameter("ratio", 1.0 / 3.0);
        meta.SetParameter("negative", int64_t{-12});
        meta.AddOutputFile("a\"b.csv");
        const std::string json = dir / "run.json";
        meta.WriteJson(json);
        const std::string check = dir / "check.py";
        WriteFile(check,
                  "import json, sys\n"
                  "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                  "ok = (d['scenario'] == 'we\"ird\\nname'\n"
                  "      and d['parameters']['path\\\\key'] == 'C:\\\\out\\t\"x\"\\x01\\u00e9'\n"
                  "      and d['parameters']['ratio'] == 1.0 / 3.0\n"
                  "      and d['parameters']['negative'] == -12\n"
                  "      and d['outputFiles'] == ['a\"b.csv'])\n"
                  "sys.exit(0 if ok else 1)\n");
        const int status = std::system(("/usr/bin/python3 " + check + " " + json).c_str());
        NS_TEST_ASSERT_MSG_EQ(status,
                              0,
                              "python3 json parses the sidecar back:\n"
                                  << ReadFile(json));
    }
};

class RunMetadataTestSuite : public TestSuite
{
  public:
    RunMetadataTestSuite()
        : TestSuite("helper-trace-run-metadata", TestSuite::UNIT)
    {
        AddTestCase(new RunMetadataLayoutTestCase, TestCase::QUICK);
        AddTestCase(new RunMetadataEscapingTestCase, TestCase::QUICK);
    }
};

RunMetadataTestSuite g_runMetadataTestSuite;

} // namespace
