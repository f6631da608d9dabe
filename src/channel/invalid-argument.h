#ifndef EDGE_LAM_INVALID_ARGUMENT_H
#define EDGE_LAM_INVALID_ARGUMENT_H

#include <sstream>
#include <stdexcept>
#include <string>

namespace ns3
{

/**
 * \ingroup channel
 * Throws std::invalid_argument with the message "<what> <value> <requirement>", e.g.
 * "delay spread -1e-07 s must be >= 0": user input errors name the offending value.
 */
template <typename T>
[[noreturn]] void
ThrowInvalidArgument(const std::string& what, const T& value, const std::string& requirement)
{
    std::ostringstream msg;
    msg << what << " " << value << " " << requirement;
    throw std::invalid_argument(msg.str());
}

} // namespace ns3

#endif // EDGE_LAM_INVALID_ARGUMENT_H
