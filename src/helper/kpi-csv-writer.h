#ifndef EDGE_LAM_KPI_CSV_WRITER_H
#define EDGE_LAM_KPI_CSV_WRITER_H

#include "helper/atomic-file.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ns3
{

/**
 * \ingroup helper
 * \brief Writes one KPI trace as CSV with a typed header, atomically.
 *
 * Every column has a kind: an integer, a fixed-point number with N decimals, or
 * text. Each row is checked against the header (value count and kind of every
 * value), so a sink that swaps two columns fails at the first row instead of
 * writing a plausible-looking wrong trace. Numbers are formatted with
 * std::to_chars, independent of the C/C++ locale, so the same run gives the same
 * bytes on every machine. NaN and infinities are written as `nan`, `inf`, `-inf`.
 * Text is quoted per RFC 4180 only when it holds a comma, a quote or a line break.
 * Lines end with "\n". Nothing appears at the path before Commit() (see AtomicFile).
 *
 * \code
 *   KpiCsvWriter writer(outDir + "/slots.csv",
 *                       {KpiCsvWriter::Column::Fixed("time_s", 6),
 *                        KpiCsvWriter::Column::Integer("ue"),
 *                        KpiCsvWriter::Column::Text("direction")});
 *   writer.Row().Add(0.0005).Add(3).Add("dl").End();
 *   writer.WriteRow(0.001, 4, "ul"); // the same, in one call
 *   writer.Commit();
 * \endcode
 */
class KpiCsvWriter
{
  public:
    /// What a column holds and so which C++ values it accepts.
    enum class Kind
    {
        INTEGER, //!< any integral type (bool as 0/1)
        FIXED,   //!< float or double, written with a fixed number of decimals
        TEXT,    //!< anything convertible to std::string_view
    };

    /// One column of the header.
    struct Column
    {
        std::string name;
        Kind kind;
        uint8_t decimals; //!< digits after the decimal point (FIXED only)

        static Column Integer(std::string name);
        /// \param decimals digits after the point, at most kMaxDecimals
        static Column Fixed(std::string name, uint8_t decimals);
        static Column Text(std::string name);
    };

    /// More decimals than a double's 17 significant digits would only print noise.
    static constexpr uint8_t kMaxDecimals = 17;

    /// Adds the values of one row, left to right; obtained from Row().
    class RowBuilder
    {
      public:
        /**
         * \param value the next cell: integral for INTEGER, floating-point for FIXED,
         *        string-like for TEXT columns
         * \throws std::invalid_argument naming the column if the kind does not match
         *         or the row already has all its values (the row is then dropped)
         */
        template <typename T>
        RowBuilder& Add(const T& value);

        /// Writes the row. \throws std::invalid_argument if values are missing.
        void End();

      private:
        friend class KpiCsvWriter;
        explicit RowBuilder(KpiCsvWriter& writer);
        KpiCsvWriter& m_writer;
    };

    /**
     * Opens the temporary file and writes the header line.
     * \throws std::invalid_argument for no columns, an empty or duplicate name, or
     *         too many decimals; std::runtime_error if the file cannot be created
     */
    KpiCsvWriter(const std::string& path, std::vector<Column> columns);

    /// Starts a row. \throws std::logic_error if the previous row was not ended.
    RowBuilder Row();

    /// Writes a whole row: WriteRow(a, b, c) is Row().Add(a).Add(b).Add(c).End().
    template <typename... T>
    void WriteRow(const T&... values);

    /**
     * Moves the complete trace to its path (AtomicFile::Commit()).
     * \throws std::logic_error if a row is still open, std::runtime_error on I/O errors
     */
    void Commit();

    const std::string& GetPath() const;
    const std::vector<Column>& GetColumns() const;
    /// \return the number of data rows written so far (the header not counted)
    uint64_t GetRowCount() const;

  private:
    void AddSigned(int64_t value);
    void AddUnsigned(uint64_t value);
    void AddReal(double value);
    void AddText(std::string_view value);
    /// Checks that the next column has this kind and appends the separator.
    void BeginCell(Kind kind);
    /// Drops the open row and throws std::invalid_argument with the row and path.
    [[noreturn]] void FailRow(const std::string& reason);
    void EndRow();

    AtomicFile m_file;
    std::vector<Column> m_columns;
    std::string m_line;  //!< the open row, written on EndRow()
    size_t m_nextColumn; //!< index of the next value in the open row
    bool m_rowOpen;
    uint64_t m_rowCount;
};

template <typename T>
KpiCsvWriter::RowBuilder&
KpiCsvWriter::RowBuilder::Add(const T& value)
{
    if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
    {
        m_writer.AddSigned(value);
    }
    else if constexpr (std::is_integral_v<T>)
    {
        m_writer.AddUnsigned(value);
    }
    else if constexpr (std::is_floating_point_v<T>)
    {
        m_writer.AddReal(value);
    }
    else
    {
        static_assert(std::is_convertible_v<const T&, std::string_view>,
                      "a KPI cell is an integer, a floating-point number or a string");
        m_writer.AddText(value);
    }
    return *this;
}

template <typename... T>
void
KpiCsvWriter::WriteRow(const T&... values)
{
    RowBuilder row = Row();
    (row.Add(values), ...);
    row.End();
}

} // namespace ns3

#endif // EDGE_LAM_KPI_CSV_WRITER_H
