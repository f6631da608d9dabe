#include "run-metadata.h"

#include "edge-lam-git.h"
#include "edge-lam-version.h"
#include "helper/atomic-file.h"

#include "ns3/rng-seed-manager.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace ns3
{

RunMetadata::RunMetadata(std::string scenarioName)
    : m_scenarioName(std::move(scenarioName))
{
}

void
RunMetadata::AddOutputFile(const std::string& fileName)
{
    if (std::find(m_outputFiles.begin(), m_outputFiles.end(), fileName) == m_outputFiles.end())
    {
        m_outputFiles.push_back(fileName);
    }
}

std::string
RunMetadata::ToJson() const
{
    // Numbers are formatted before they reach the stream, so no locale can change the bytes.
    std::ostringstream json;
    json << "{\n";
    json << "  \"scenario\": " << JsonString(m_scenarioName) << ",\n";
    json << "  \"version\": " << JsonString(EDGE_LAM_VERSION) << ",\n";
    json << "  \"gitDescribe\": " << JsonString(EDGE_LAM_GIT_DESCRIBE) << ",\n";
    json << "  \"ns3Version\": " << JsonString(EDGE_LAM_NS3_VERSION) << ",\n";
    json << "  \"torchVersion\": " << JsonString(EDGE_LAM_TORCH_VERSION) << ",\n";
    json << "  \"rngSeed\": " << std::to_string(RngSeedManager::GetSeed()) << ",\n";
    json << "  \"rngRun\": " << std::to_string(RngSeedManager::GetRun()) << ",\n";
    json << "  \"parameters\": {";
    for (size_t i = 0; i < m_parameters.size(); ++i)
    {
        json << (i == 0 ? "\n" : ",\n") << "    " << JsonString(m_parameters[i].first) << ": "
             << m_parameters[i].second;
    }
    json << (m_parameters.empty() ? "},\n" : "\n  },\n");
    json << "  \"outputFiles\": [";
    for (size_t i = 0; i < m_outputFiles.size(); ++i)
    {
        json << (i == 0 ? "\n" : ",\n") << "    " << JsonString(m_outputFiles[i]);
    }
    json << (m_outputFiles.empty() ? "]\n" : "\n  ]\n");
    json << "}\n";
    return json.str();
}

void
RunMetadata::WriteJson(const std::string& path) const
{
    AtomicFile file(path);
    file.Write(ToJson());
    file.Commit();
}

std::string
RunMetadata::JsonString(std::string_view text)
{
    static const char kHex[] = "0123456789abcdef";
    std::string quoted = "\"";
    for (char c : text)
    {
        switch (c)
        {
        case '"':
            quoted += "\\\"";
            break;
        case '\\':
            quoted += "\\\\";
            break;
        case '\b':
            quoted += "\\b";
            break;
        case '\f':
            quoted += "\\f";
            break;
        case '\n':
            quoted += "\\n";
            break;
        case '\r':
            quoted += "\\r";
            break;
        case '\t':
            quoted += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
            {
                // Other control characters must be escaped (RFC 8259 sec. 7).
                quoted += "\\u00";
                quoted += kHex[(c >> 4) & 0xf];
                quoted += kHex[c & 0xf];
            }
            else
            {
                quoted += c;
            }
        }
    }
    quoted += '"';
    return quoted;
}

void
RunMetadata::SetBool(const std::string& key, bool value)
{
    SetJson(key, value ? "true" : "false");
}

void
RunMetadata::SetSigned(const std::string& key, int64_t value)
{
    SetJson(key, std::to_string(value));
}

void
RunMetadata::SetUnsigned(const std::string& key, uint64_t value)
{
    SetJson(key, std::to_string(value));
}

void
RunMetadata::SetReal(const std::string& key, double value)
{
    if (std::isnan(value))
    {
        SetJson(key, JsonString("nan"));
        return;
    }
    if (std::isinf(value))
    {
        SetJson(key, JsonString(value > 0 ? "inf" : "-inf"));
        return;
    }
    // Shortest digits that read back to the same double, locale-independent; plain
    // notation in the range where JavaScript prints it so (20e6 -> 20000000, not 2e+07).
    const double magnitude = std::abs(value);
    const auto format = (magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21))
                            ? std::chars_format::fixed
                            : std::chars_format::scientific;
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, format);
    SetJson(key, std::string(buffer, result.ptr));
}

void
RunMetadata::SetText(const std::string& key, std::string_view value)
{
    SetJson(key, JsonString(value));
}

void
RunMetadata::SetJson(const std::string& key, std::string json)
{
    auto it = std::find_if(m_parameters.begin(), m_parameters.end(), [&key](const auto& entry) {
        return entry.first == key;
    });
    if (it != m_parameters.end())
    {
        it->second = std::move(json);
    }
    else
    {
        m_parameters.emplace_back(key, std::move(json));
    }
}

} // namespace ns3
