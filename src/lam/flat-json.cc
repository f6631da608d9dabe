#include "lam/flat-json.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

/// A one-pass reader of one flat object; tracks line and column for messages.
class FlatJsonReader
{
  public:
    FlatJsonReader(const std::string& text, const std::string& source)
        : m_text(text),
          m_source(source)
    {
    }

    [[noreturn]] void Fail(const std::string& what) const
    {
        std::ostringstream msg;
        msg << m_source << ":" << m_line << ":" << m_column << ": malformed JSON: " << what;
        throw std::invalid_argument(msg.str());
    }

    void SkipSpace()
    {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                         m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
        {
            Advance();
        }
    }

    bool AtEnd() const
    {
        return m_pos >= m_text.size();
    }

    char Peek() const
    {
        return AtEnd() ? '\0' : m_text[m_pos];
    }

    char Advance()
    {
        char c = m_text[m_pos++];
        if (c == '\n')
        {
            ++m_line;
            m_column = 1;
        }
        else
        {
            ++m_column;
        }
        return c;
    }

    void Expect(char c, const std::string& context)
    {
        SkipSpace();
        if (Peek() != c)
        {
            Fail(std::string("expected '") + c + "' " + context);
        }
        Advance();
    }

    std::string ReadString()
    {
        Expect('"', "to open a string");
        std::string out;
        while (true)
        {
            if (AtEnd())
            {
                Fail("unterminated string");
            }
            char c = Advance();
            if (c == '"')
            {
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20)
            {
                Fail("control character inside a string");
            }
            if (c != '\\')
            {
                out += c;
                continue;
            }
            if (AtEnd())
            {
                Fail("unterminated escape");
            }
            char e = Advance();
            switch (e)
            {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            default:
                // \uXXXX would be legal JSON; configs are ASCII names and notes.
                Fail(std::string("unsupported escape '\\") + e + "'");
            }
        }
    }

    /// Reads a number following the JSON grammar -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    std::string ReadNumberText()
    {
        size_t start = m_pos;
        auto digits = [this]() {
            size_t n = 0;
            while (std::isdigit(static_cast<unsigned char>(Peek())))
            {
                Advance();
                ++n;
            }
            return n;
        };
        if (Peek() == '-')
        {
            Advance();
        }
        if (Peek() == '0')
        {
            Advance();
        }
        else if (digits() == 0)
        {
            Fail("expected a digit");
        }
        if (Peek() == '.')
        {
            Advance();
            if (digits() == 0)
            {
                Fail("expected a digit after '.'");
            }
        }
        if (Peek() == 'e' || Peek() == 'E')
        {
            Advance();
            if (Peek() == '+' || Peek() == '-')
            {
                Advance();
            }
            if (digits() == 0)
            {
                Fail("expected a digit in the exponent");
            }
        }
        return m_text.substr(start, m_pos - start);
    }

    bool ReadLiteral(const std::string& word)
    {
        if (m_text.compare(m_pos, word.size(), word) != 0)
        {
            return false;
        }
        for (size_t i = 0; i < word.size(); ++i)
        {
            Advance();
        }
        return true;
    }

  private:
    const std::string& m_text;
    const std::string& m_source;
    size_t m_pos{0};
    size_t m_line{1};
    size_t m_column{1};
};

} // namespace

FlatJsonObject
FlatJsonObject::Parse(const std::string& text, const std::string& source)
{
    FlatJsonObject object;
    object.m_source = source;
    FlatJsonReader reader(text, source);
    reader.Expect('{', "at the start of the document");
    reader.SkipSpace();
    bool first = true;
    while (reader.Peek() != '}')
    {
        if (!first)
        {
            reader.Expect(',', "between members");
        }
        first = false;
        std::string key = reader.ReadString();
        reader.Expect(':', "after key \"" + key + "\"");
        reader.SkipSpace();
        Value value{Kind::STRING, "", 0.0, false};
        char c = reader.Peek();
        if (c == '"')
        {
            value.text = reader.ReadString();
        }
        else if (c == '-' || std::isdigit(static_cast<unsigned char>(c)))
        {
            value.kind = Kind::NUMBER;
            value.text = reader.ReadNumberText();
            value.number = std::strtod(value.text.c_str(), nullptr);
            if (!std::isfinite(value.number))
            {
                reader.Fail("number " + value.text + " of key \"" + key + "\" is out of range");
            }
        }
        else if (reader.ReadLiteral("true") || reader.ReadLiteral("false"))
        {
            value.kind = Kind::BOOL;
            value.boolean = c == 't';
            value.text = value.boolean ? "true" : "false";
        }
        else if (c == '{' || c == '[' || reader.ReadLiteral("null"))
        {
            reader.Fail("key \"" + key +
                        "\" must have a string, number or boolean value (configs are flat)");
        }
        else
        {
            reader.Fail("expected a value for key \"" + key + "\"");
        }
        if (!object.m_values.emplace(key, value).second)
        {
            reader.Fail("duplicate key \"" + key + "\"");
        }
        reader.SkipSpace();
        if (reader.Peek() != ',' && reader.Peek() != '}')
        {
            reader.Fail("expected ',' or '}' after the value of key \"" + key + "\"");
        }
    }
    reader.Expect('}', "to close the object");
    reader.SkipSpace();
    if (!reader.AtEnd())
    {
        reader.Fail("unexpected text after the closing '}'");
    }
    return object;
}

FlatJsonObject
FlatJsonObject::Load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw std::invalid_argument(path + ": cannot open the file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return Parse(text.str(), path);
}

const std::string&
FlatJsonObject::GetSource() const
{
    return m_source;
}

bool
FlatJsonObject::Has(const std::string& key) const
{
    return m_values.count(key) != 0;
}

std::string
FlatJsonObject::KeyContext(const std::string& key) const
{
    return m_source + ": key \"" + key + "\": ";
}

const FlatJsonObject::Value&
FlatJsonObject::Get(const std::string& key, Kind kind, const char* kindName) const
{
    auto it = m_values.find(key);
    if (it == m_values.end())
    {
        throw std::invalid_argument(m_source + ": missing required key \"" + key + "\"");
    }
    if (it->second.kind != kind)
    {
        const Value& found = it->second;
        std::string shown = found.kind == Kind::STRING ? "\"" + found.text + "\"" : found.text;
        throw std::invalid_argument(KeyContext(key) + "value " + shown + " must be " + kindName);
    }
    return it->second;
}

std::string
FlatJsonObject::GetString(const std::string& key) const
{
    return Get(key, Kind::STRING, "a string").text;
}

double
FlatJsonObject::GetNumber(const std::string& key) const
{
    return Get(key, Kind::NUMBER, "a number").number;
}

int64_t
FlatJsonObject::GetInteger(const std::string& key) const
{
    const Value& value = Get(key, Kind::NUMBER, "an integer");
    // 2^53: beyond it a double no longer holds every integer exactly.
    constexpr double kMaxExactInteger = 9007199254740992.0;
    if (value.number != std::floor(value.number) || std::fabs(value.number) > kMaxExactInteger)
    {
        throw std::invalid_argument(KeyContext(key) + "value " + value.text +
                                    " must be an integer");
    }
    return static_cast<int64_t>(value.number);
}

bool
FlatJsonObject::GetBool(const std::string& key) const
{
    return Get(key, Kind::BOOL, "true or false").boolean;
}

void
FlatJsonObject::CheckKeys(const std::vector<std::string>& allowed) const
{
    for (const auto& [key, value] : m_values)
    {
        bool known = false;
        for (const std::string& name : allowed)
        {
            known = known || name == key;
        }
        if (!known)
        {
            std::string list;
            for (const std::string& name : allowed)
            {
                list += (list.empty() ? "" : ", ") + name;
            }
            throw std::invalid_argument(KeyContext(key) + "unknown key (known keys: " + list + ")");
        }
    }
}

} // namespace ns3
