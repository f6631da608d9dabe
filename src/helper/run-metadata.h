#ifndef EDGE_LAM_RUN_METADATA_H
#define EDGE_LAM_RUN_METADATA_H

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup helper
 * \brief The JSON sidecar of a run: scenario, versions, seed, parameters, outputs.
 *
 * A scenario records every parameter it was run with (in the order it sets them),
 * lists the trace files it wrote, and writes the sidecar last with WriteJson(), so
 * the presence of the sidecar means the run completed (scripts/sweep.py relies on
 * it). Filled in automatically at serialisation time: RngSeed and RngRun (from
 * RngSeedManager, i.e. after CommandLine parsing), the module version, `git
 * describe` of the source tree, and the ns-3 and LibTorch versions the module was
 * built against. There is deliberately no wall-clock timestamp: the same seed and
 * parameters give a byte-identical sidecar, so it can be regressed like a trace.
 *
 * Layout (keys in this order, 2-space indentation, "\n" line ends):
 * \code
 *   {"scenario": "...", "version": "...", "gitDescribe": "...", "ns3Version": "...",
 *    "torchVersion": "...", "rngSeed": 1, "rngRun": 1,
 *    "parameters": {"key": value, ...}, "outputFiles": ["slots.csv", ...]}
 * \endcode
 * Parameter values are JSON numbers (integers exactly, doubles in the shortest form
 * that reads back to the same double), booleans or strings. JSON has no NaN or
 * infinity, so those doubles are written as the strings "nan", "inf", "-inf".
 */
class RunMetadata
{
  public:
    /// \param scenarioName name of the scenario program, e.g. "radio-cell"
    explicit RunMetadata(std::string scenarioName);

    /**
     * Records a parameter. Setting a key again replaces its value in place, so a
     * default recorded first and overridden later keeps its position.
     * \param key parameter name, e.g. the CommandLine argument name
     * \param value bool, any integral or floating-point type, or a string
     */
    template <typename T>
    void SetParameter(const std::string& key, const T& value);

    /// Adds a file to "outputFiles" (as given; a name relative to the output
    /// directory is the convention). Adding a file twice lists it once.
    void AddOutputFile(const std::string& fileName);

    /// \return the sidecar text
    std::string ToJson() const;

    /**
     * Writes ToJson() atomically (see AtomicFile).
     * \throws std::runtime_error naming the path on I/O errors
     */
    void WriteJson(const std::string& path) const;

    /// \return text as a quoted JSON string literal (RFC 8259 sec. 7 escapes;
    ///         UTF-8 passes through unchanged)
    static std::string JsonString(std::string_view text);

  private:
    void SetBool(const std::string& key, bool value);
    void SetSigned(const std::string& key, int64_t value);
    void SetUnsigned(const std::string& key, uint64_t value);
    void SetReal(const std::string& key, double value);
    void SetText(const std::string& key, std::string_view value);
    /// Stores a value already serialised as JSON.
    void SetJson(const std::string& key, std::string json);

    std::string m_scenarioName;
    std::vector<std::pair<std::string, std::string>> m_parameters; //!< key, JSON value
    std::vector<std::string> m_outputFiles;
};

template <typename T>
void
RunMetadata::SetParameter(const std::string& key, const T& value)
{
    if constexpr (std::is_same_v<T, bool>)
    {
        SetBool(key, value);
    }
    else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
    {
        SetSigned(key, value);
    }
    else if constexpr (std::is_integral_v<T>)
    {
        SetUnsigned(key, value);
    }
    else if constexpr (std::is_floating_point_v<T>)
    {
        SetReal(key, value);
    }
    else
    {
        static_assert(std::is_convertible_v<const T&, std::string_view>,
                      "a run parameter is a bool, a number or a string");
        SetText(key, value);
    }
}

} // namespace ns3

#endif // EDGE_LAM_RUN_METADATA_H
