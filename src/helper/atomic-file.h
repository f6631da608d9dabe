#ifndef EDGE_LAM_ATOMIC_FILE_H
#define EDGE_LAM_ATOMIC_FILE_H

#include <cstdio>
#include <string>
#include <string_view>

namespace ns3
{

/**
 * \ingroup helper
 * \brief An output file that appears at its path complete or not at all.
 *
 * The bytes go to `<path>.tmp.<pid>`; Commit() flushes, fsyncs and renames the
 * temporary file onto `<path>` (rename(2) is atomic within a file system). If the
 * object is destroyed without Commit() (an exception, a failed run), the temporary
 * file is removed, so a failing run never leaves a half-written trace behind and an
 * existing file at `<path>` stays untouched. Only a process killed by a signal can
 * leave a stray `.tmp.<pid>` file, never a truncated `<path>`.
 *
 * KPI sinks own their AtomicFile; models never open files. Two AtomicFiles for the
 * same path in one process would share the temporary file: give each trace its own.
 */
class AtomicFile
{
  public:
    /**
     * Creates (truncates) the temporary file `<path>.tmp.<pid>`.
     * \param path final path of the file
     * \throws std::runtime_error naming the path and the system error (e.g. the
     *         directory does not exist or is not writable)
     */
    explicit AtomicFile(const std::string& path);

    /// Removes the temporary file unless Commit() succeeded.
    ~AtomicFile();

    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /**
     * Appends bytes to the temporary file.
     * \throws std::runtime_error on a write error (e.g. disk full) or after Commit()
     */
    void Write(std::string_view bytes);

    /**
     * Flushes, fsyncs and atomically renames the temporary file onto the final path.
     * \throws std::runtime_error naming the path if any step fails (the temporary
     *         file is then removed) or if the file was already committed
     */
    void Commit();

    /// \return the final path
    const std::string& GetPath() const;

    /// \return the temporary path, `<path>.tmp.<pid>`
    const std::string& GetTempPath() const;

    /// \return whether Commit() has succeeded
    bool IsCommitted() const;

  private:
    /// Closes and unlinks the temporary file; never throws (used on error paths).
    void Discard() noexcept;

    std::string m_path;
    std::string m_tempPath;
    std::FILE* m_file; //!< null once committed or discarded
    bool m_committed;
};

/**
 * \brief Creates a directory (with its parents) if missing and checks it is writable.
 *
 * Scenarios call it on their output directory before simulating, so a bad `--outDir`
 * fails in the first millisecond rather than after the run.
 * \param dir the directory
 * \throws std::runtime_error naming the directory and the reason
 */
void EnsureWritableDirectory(const std::string& dir);

} // namespace ns3

#endif // EDGE_LAM_ATOMIC_FILE_H
