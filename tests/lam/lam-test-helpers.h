#ifndef EDGE_LAM_LAM_TEST_HELPERS_H
#define EDGE_LAM_LAM_TEST_HELPERS_H

// Helpers shared by the tests of src/lam and src/training.

#include "lam/lam-config.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace ns3
{
namespace lamtest
{

/// A model preset from the source tree's models/ directory.
inline LamConfig
Preset(const std::string& name)
{
    return LoadLamConfig(std::string(EDGE_LAM_SOURCE_DIR) + "/models/" + name + ".json");
}

/// The message of the exception `action` throws (of type E), or "" if none.
template <typename E, typename F>
std::string
MessageOf(F action)
{
    try
    {
        action();
    }
    catch (const E& e)
    {
        return e.what();
    }
    return "";
}

/// A fresh directory under the system temporary directory, removed with the object.
class TempDir
{
  public:
    explicit TempDir(const std::string& prefix = "edge-lam-test")
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr)
        {
            throw std::runtime_error("mkdtemp failed for " + pattern);
        }
        m_path = pattern;
    }

    ~TempDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string File(const std::string& name) const
    {
        return (m_path / name).string();
    }

    /// Names of the entries in the directory.
    std::vector<std::string> List() const
    {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(m_path))
        {
            names.push_back(entry.path().filename().string());
        }
        return names;
    }

  private:
    std::filesystem::path m_path;
};

} // namespace lamtest
} // namespace ns3

#endif // EDGE_LAM_LAM_TEST_HELPERS_H
