#include "atomic-file.h"

#include "ns3/log.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AtomicFile");

namespace
{

std::string
ErrnoText(int error)
{
    return std::generic_category().message(error);
}

} // namespace

AtomicFile::AtomicFile(const std::string& path)
    : m_path(path),
      m_tempPath(path + ".tmp." + std::to_string(::getpid())),
      m_file(nullptr),
      m_committed(false)
{
    if (path.empty())
    {
        throw std::runtime_error("output file path is empty");
    }
    // "e": O_CLOEXEC, so programs a scenario spawns do not inherit the descriptor.
    m_file = std::fopen(m_tempPath.c_str(), "we");
    if (m_file == nullptr)
    {
        throw std::runtime_error("cannot open output file '" + m_path + "' (temporary '" +
                                 m_tempPath + "'): " + ErrnoText(errno));
    }
    NS_LOG_DEBUG("writing " << m_tempPath);
}

AtomicFile::~AtomicFile()
{
    Discard();
}

void
AtomicFile::Write(std::string_view bytes)
{
    if (m_file == nullptr)
    {
        throw std::runtime_error("output file '" + m_path + "' is already committed");
    }
    if (std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size())
    {
        throw std::runtime_error("cannot write output file '" + m_tempPath +
                                 "': " + ErrnoText(errno));
    }
}

void
AtomicFile::Commit()
{
    if (m_file == nullptr)
    {
        throw std::runtime_error("output file '" + m_path + "' is already committed");
    }
    // Every failure removes the temporary file; an older file at the path stays untouched.
    auto fail = [this](const std::string& step) {
        const int error = errno;
        Discard();
        ::unlink(m_tempPath.c_str());
        throw std::runtime_error("cannot commit output file '" + m_path + "': " + step +
                                 " failed: " + ErrnoText(error));
    };
    if (std::fflush(m_file) != 0)
    {
        fail("flush");
    }
    // fsync before rename: otherwise a crash can leave the new name pointing at an
    // empty file on some file systems.
    if (::fsync(::fileno(m_file)) != 0)
    {
        fail("fsync");
    }
    if (std::fclose(std::exchange(m_file, nullptr)) != 0)
    {
        fail("close");
    }
    if (std::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
    {
        fail("rename");
    }
    m_committed = true;
    // Persist the directory entry too; best effort, the data itself is already safe.
    const std::string dir = std::filesystem::path(m_path).parent_path().string();
    const int dirFd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0)
    {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    NS_LOG_DEBUG("committed " << m_path);
}

const std::string&
AtomicFile::GetPath() const
{
    return m_path;
}

const std::string&
AtomicFile::GetTempPath() const
{
    return m_tempPath;
}

bool
AtomicFile::IsCommitted() const
{
    return m_committed;
}

void
AtomicFile::Discard() noexcept
{
    if (m_file != nullptr)
    {
        std::fclose(m_file);
        m_file = nullptr;
        ::unlink(m_tempPath.c_str());
        NS_LOG_DEBUG("discarded " << m_tempPath);
    }
}

void
EnsureWritableDirectory(const std::string& dir)
{
    if (dir.empty())
    {
        throw std::runtime_error("output directory name is empty");
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
    {
        throw std::runtime_error("cannot create output directory '" + dir + "': " + ec.message());
    }
    if (!std::filesystem::is_directory(dir, ec))
    {
        throw std::runtime_error("output directory '" + dir + "' exists but is not a directory");
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
    {
        throw std::runtime_error("output directory '" + dir +
                                 "' is not writable: " + ErrnoText(errno));
    }
}

} // namespace ns3
