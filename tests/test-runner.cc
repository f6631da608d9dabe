// Runs the project's ns-3 TestSuites; ctest calls it once per suite (--suite=NAME).
#include "ns3/test.h"

int
main(int argc, char** argv)
{
    return ns3::TestRunner::Run(argc, argv);
}
