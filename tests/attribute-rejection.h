#ifndef EDGE_LAM_TESTS_ATTRIBUTE_REJECTION_H
#define EDGE_LAM_TESTS_ATTRIBUTE_REJECTION_H

#include "ns3/attribute.h"
#include "ns3/object.h"

#include <stdexcept>
#include <string>

namespace ns3
{

/**
 * True when setting attribute `name` of a fresh T to `value` throws
 * std::invalid_argument whose message contains `needle` (the bad value, named).
 */
template <typename T>
bool
AttributeRejects(const std::string& name, const AttributeValue& value, const std::string& needle)
{
    Ptr<T> object = CreateObject<T>();
    try
    {
        object->SetAttribute(name, value);
    }
    catch (const std::invalid_argument& e)
    {
        return std::string(e.what()).find(needle) != std::string::npos;
    }
    return false;
}

} // namespace ns3

#endif // EDGE_LAM_TESTS_ATTRIBUTE_REJECTION_H
