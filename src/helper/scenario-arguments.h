#ifndef EDGE_LAM_SCENARIO_ARGUMENTS_H
#define EDGE_LAM_SCENARIO_ARGUMENTS_H

#include "helper/run-metadata.h"

#include "ns3/command-line.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup helper
 * A scenario's command-line arguments: each one is declared once, with its help
 * text, and is then both parsed by ns-3's CommandLine (so --PrintHelp documents it,
 * next to --RngSeed/--RngRun and the other global values) and recorded in the run's
 * JSON sidecar with the value actually used.
 */
class ScenarioArguments
{
  public:
    /// \param usage one paragraph printed by --PrintHelp
    ScenarioArguments(const std::string& programName, const std::string& usage);

    /// Declares an argument bound to `value`, whose initial content is the default.
    template <typename T>
    void Add(const std::string& name, const std::string& help, T& value)
    {
        m_commandLine.AddValue(name, help, value);
        m_recorders.push_back(
            [name, &value](RunMetadata& metadata) { metadata.SetParameter(name, value); });
    }

    void Parse(int argc, char** argv);

    /// Records every argument's current value, in declaration order.
    void Record(RunMetadata& metadata) const;

  private:
    CommandLine m_commandLine;
    std::vector<std::function<void(RunMetadata&)>> m_recorders;
};

/**
 * \ingroup helper
 * Throws std::invalid_argument "--name=value: why", the message every scenario gives for
 * a bad argument.
 */
[[noreturn]] void ThrowBadArgument(const std::string& name,
                                   const std::string& value,
                                   const std::string& why);

/**
 * \ingroup helper
 * A scenario's main(): runs `run`, and turns any exception into
 * "<program>: error: <message>" on stderr and exit status 1 (no core dump, and the
 * atomic writers have already removed their temporary files).
 */
/**
 * The value a command-line choice maps to.
 * \throws std::invalid_argument (via ThrowBadArgument) listing the valid choices
 */
template <typename T>
T
ChooseArgument(const std::string& name,
               const std::string& value,
               const std::map<std::string, T>& choices)
{
    auto it = choices.find(value);
    if (it == choices.end())
    {
        std::string valid;
        for (const auto& [key, unused] : choices)
        {
            valid += (valid.empty() ? "" : ", ") + key;
        }
        ThrowBadArgument(name, value, "unknown value (valid: " + valid + ")");
    }
    return it->second;
}

int RunScenarioMain(const std::string& program,
                    int (*run)(int argc, char** argv),
                    int argc,
                    char** argv);

} // namespace ns3

#endif // EDGE_LAM_SCENARIO_ARGUMENTS_H
