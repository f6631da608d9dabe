#include "scenario-arguments.h"

namespace ns3
{

ScenarioArguments::ScenarioArguments(const std::string& programName, const std::string& usage)
    : m_commandLine(programName)
{
    m_commandLine.Usage(usage);
}

void
ScenarioArguments::Parse(int argc, char** argv)
{
    m_commandLine.Parse(argc, argv);
}

void
ScenarioArguments::Record(RunMetadata& metadata) const
{
    for (const auto& record : m_recorders)
    {
        record(metadata);
    }
}

} // namespace ns3
