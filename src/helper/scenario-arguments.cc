#include "scenario-arguments.h"

#include <iostream>
#include <stdexcept>

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

void
ThrowBadArgument(const std::string& name, const std::string& value, const std::string& why)
{
    throw std::invalid_argument("--" + name + "=" + value + ": " + why);
}

int
RunScenarioMain(const std::string& program,
                int (*run)(int argc, char** argv),
                int argc,
                char** argv)
{
    try
    {
        return run(argc, argv);
    }
    catch (const std::exception& e)
    {
        std::cerr << program << ": error: " << e.what() << std::endl;
        return 1;
    }
}

} // namespace ns3
