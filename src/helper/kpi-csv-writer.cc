#include "kpi-csv-writer.h"

#include "ns3/log.h"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("KpiCsvWriter");

namespace
{

std::string
KindName(const KpiCsvWriter::Column& column)
{
    switch (column.kind)
    {
    case KpiCsvWriter::Kind::INTEGER:
        return "integer";
    case KpiCsvWriter::Kind::FIXED:
        return "fixed(" + std::to_string(column.decimals) + ")";
    case KpiCsvWriter::Kind::TEXT:
        return "text";
    }
    return "unknown";
}

/// What the caller passed, for messages (no value: formatting it would cost every cell).
const char*
ValueKindName(KpiCsvWriter::Kind kind)
{
    switch (kind)
    {
    case KpiCsvWriter::Kind::INTEGER:
        return "an integer value";
    case KpiCsvWriter::Kind::FIXED:
        return "a floating-point value";
    case KpiCsvWriter::Kind::TEXT:
        return "a text value";
    }
    return "a value";
}

/// RFC 4180: quote a field only if it holds a separator, a quote or a line break.
void
AppendCsvField(std::string& line, std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
    {
        line.append(text);
        return;
    }
    line.push_back('"');
    for (char c : text)
    {
        if (c == '"')
        {
            line.push_back('"');
        }
        line.push_back(c);
    }
    line.push_back('"');
}

template <typename T>
void
AppendToChars(std::string& line, T value)
{
    char buffer[24]; // 20 digits of a 64-bit integer and a sign
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    line.append(buffer, result.ptr);
}

} // namespace

KpiCsvWriter::Column
KpiCsvWriter::Column::Integer(std::string name)
{
    return Column{std::move(name), Kind::INTEGER, 0};
}

KpiCsvWriter::Column
KpiCsvWriter::Column::Fixed(std::string name, uint8_t decimals)
{
    return Column{std::move(name), Kind::FIXED, decimals};
}

KpiCsvWriter::Column
KpiCsvWriter::Column::Text(std::string name)
{
    return Column{std::move(name), Kind::TEXT, 0};
}

KpiCsvWriter::RowBuilder::RowBuilder(KpiCsvWriter& writer)
    : m_writer(writer)
{
}

void
KpiCsvWriter::RowBuilder::End()
{
    m_writer.EndRow();
}

KpiCsvWriter::KpiCsvWriter(const std::string& path, std::vector<Column> columns)
    : m_file(path),
      m_columns(std::move(columns)),
      m_nextColumn(0),
      m_rowOpen(false),
      m_rowCount(0)
{
    if (m_columns.empty())
    {
        throw std::invalid_argument("KPI trace '" + path + "' has no columns");
    }
    std::set<std::string> names;
    for (const Column& column : m_columns)
    {
        if (column.name.empty())
        {
            throw std::invalid_argument("KPI trace '" + path + "' has a column with no name");
        }
        if (!names.insert(column.name).second)
        {
            throw std::invalid_argument("KPI trace '" + path + "' has two columns named '" +
                                        column.name + "'");
        }
        if (column.kind == Kind::FIXED && column.decimals > kMaxDecimals)
        {
            throw std::invalid_argument("KPI trace '" + path + "' column '" + column.name +
                                        "' asks for " + std::to_string(column.decimals) +
                                        " decimals; at most " + std::to_string(kMaxDecimals));
        }
        if (!m_line.empty())
        {
            m_line.push_back(',');
        }
        AppendCsvField(m_line, column.name);
    }
    m_line.push_back('\n');
    m_file.Write(m_line);
    m_line.clear();
}

KpiCsvWriter::RowBuilder
KpiCsvWriter::Row()
{
    if (m_rowOpen)
    {
        throw std::logic_error("KPI trace '" + GetPath() + "': row " +
                               std::to_string(m_rowCount + 1) + " was started but never ended");
    }
    m_rowOpen = true;
    m_nextColumn = 0;
    m_line.clear();
    return RowBuilder(*this);
}

void
KpiCsvWriter::Commit()
{
    if (m_rowOpen)
    {
        throw std::logic_error("KPI trace '" + GetPath() + "': row " +
                               std::to_string(m_rowCount + 1) + " is still open at commit");
    }
    m_file.Commit();
    NS_LOG_INFO("wrote " << m_rowCount << " rows to " << GetPath());
}

const std::string&
KpiCsvWriter::GetPath() const
{
    return m_file.GetPath();
}

const std::vector<KpiCsvWriter::Column>&
KpiCsvWriter::GetColumns() const
{
    return m_columns;
}

uint64_t
KpiCsvWriter::GetRowCount() const
{
    return m_rowCount;
}

void
KpiCsvWriter::AddSigned(int64_t value)
{
    BeginCell(Kind::INTEGER);
    AppendToChars(m_line, value);
}

void
KpiCsvWriter::AddUnsigned(uint64_t value)
{
    BeginCell(Kind::INTEGER);
    AppendToChars(m_line, value);
}

void
KpiCsvWriter::AddReal(double value)
{
    BeginCell(Kind::FIXED);
    if (std::isnan(value))
    {
        m_line.append("nan"); // no "-nan": the sign of a NaN carries no meaning
        return;
    }
    if (std::isinf(value))
    {
        m_line.append(value > 0 ? "inf" : "-inf");
        return;
    }
    // 309 integer digits of DBL_MAX, a sign, a point and kMaxDecimals decimals.
    char buffer[330];
    const auto result = std::to_chars(buffer,
                                      buffer + sizeof(buffer),
                                      value,
                                      std::chars_format::fixed,
                                      m_columns[m_nextColumn - 1].decimals);
    m_line.append(buffer, result.ptr);
}

void
KpiCsvWriter::AddText(std::string_view value)
{
    BeginCell(Kind::TEXT);
    AppendCsvField(m_line, value);
}

void
KpiCsvWriter::BeginCell(Kind kind)
{
    if (!m_rowOpen)
    {
        throw std::logic_error("KPI trace '" + GetPath() + "': value added outside a row");
    }
    if (m_nextColumn == m_columns.size())
    {
        FailRow("has more than the " + std::to_string(m_columns.size()) + " values of the header");
    }
    const Column& column = m_columns[m_nextColumn];
    if (column.kind != kind)
    {
        FailRow(std::string("gives ") + ValueKindName(kind) + " for column " +
                std::to_string(m_nextColumn + 1) + " '" + column.name + "', which is " +
                KindName(column));
    }
    if (m_nextColumn > 0)
    {
        m_line.push_back(',');
    }
    ++m_nextColumn;
}

void
KpiCsvWriter::FailRow(const std::string& reason)
{
    m_rowOpen = false;
    m_line.clear();
    throw std::invalid_argument("KPI trace '" + GetPath() + "': row " +
                                std::to_string(m_rowCount + 1) + " " + reason);
}

void
KpiCsvWriter::EndRow()
{
    if (!m_rowOpen)
    {
        throw std::logic_error("KPI trace '" + GetPath() + "': row ended twice");
    }
    if (m_nextColumn != m_columns.size())
    {
        FailRow("has " + std::to_string(m_nextColumn) + " values but the header has " +
                std::to_string(m_columns.size()) + " columns");
    }
    m_line.push_back('\n');
    m_file.Write(m_line);
    m_rowOpen = false;
    ++m_rowCount;
}

} // namespace ns3
