#ifndef EDGE_LAM_FLAT_JSON_H
#define EDGE_LAM_FLAT_JSON_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup lam
 * \brief A flat JSON object (one level, values are strings, numbers or booleans),
 * the format of the model configs in models/.
 *
 * Nested objects, arrays and null are rejected: configs stay flat so that every
 * key can be named in an error message and overridden from a command line. Every
 * error is a std::invalid_argument whose message starts with the source (the file
 * path) and, where there is one, names the key, e.g.
 * "models/lam-tiny.json: key \"width\": value 64.5 must be an integer".
 */
class FlatJsonObject
{
  public:
    /**
     * Parses text.
     * \param text the JSON document, a single object
     * \param source name used in error messages (a file path)
     * \throws std::invalid_argument on malformed JSON (with line and column),
     *         duplicate keys, or values that are not strings, numbers or booleans
     */
    static FlatJsonObject Parse(const std::string& text, const std::string& source);

    /// Reads and parses a file; an unreadable file throws naming the path.
    static FlatJsonObject Load(const std::string& path);

    /// \return the source given to Parse (the file path for Load)
    const std::string& GetSource() const;

    bool Has(const std::string& key) const;

    /// \throws std::invalid_argument if the key is missing or not a string
    std::string GetString(const std::string& key) const;

    /// \throws std::invalid_argument if the key is missing or not a number
    double GetNumber(const std::string& key) const;

    /// \throws std::invalid_argument if the key is missing or not an integral number
    int64_t GetInteger(const std::string& key) const;

    /// \throws std::invalid_argument if the key is missing or not true/false
    bool GetBool(const std::string& key) const;

    /// Rejects keys outside `allowed` (catches misspelt keys, which would
    /// otherwise silently fall back to defaults).
    void CheckKeys(const std::vector<std::string>& allowed) const;

    /// \return the message prefix "<source>: key \"<key>\": "
    std::string KeyContext(const std::string& key) const;

  private:
    enum class Kind
    {
        STRING,
        NUMBER,
        BOOL
    };

    struct Value
    {
        Kind kind;
        std::string text; ///< the string, or the number as written
        double number;
        bool boolean;
    };

    /// \return the value of key, which must exist and have the given kind
    const Value& Get(const std::string& key, Kind kind, const char* kindName) const;

    std::string m_source;
    std::map<std::string, Value> m_values;
};

} // namespace ns3

#endif // EDGE_LAM_FLAT_JSON_H
