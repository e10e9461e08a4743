// A small, strict JSON reader for the wire tests (and the dump_frames tool): it parses what
// the encoders write so that the tests can check frames as data, not as strings.
//
// Strict on purpose, stricter than JSON.parse where that finds bugs: raw control characters,
// ill-formed UTF-8 and lone surrogate escapes are errors (the encoders must never write
// them), as are trailing commas, leading zeros and anything after the value. Errors throw
// json_error with the byte offset. Objects keep their keys in order; duplicate keys are an
// error. Numbers are kept as double (every count here fits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wire_test {

struct json_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct json;
using json_array = std::vector<json>;
using json_object = std::vector<std::pair<std::string, json>>;

struct json {
  using value_type = std::variant<std::nullptr_t, bool, double, std::string, json_array, json_object>;
  value_type value;

  // The special members are only declared here and defaulted below the class. Left
  // implicit, clang 16 with libstdc++ 12 defines them while it instantiates
  // std::pair<std::string, json> (whose default constructor asks whether json is implicitly
  // default-constructible), which needs that pair complete: a cycle it reports as an error.
  json() noexcept;
  json(value_type v) noexcept : value(std::move(v)) {}
  json(const json& other);
  json(json&& other) noexcept;
  json& operator=(const json& other);
  json& operator=(json&& other) noexcept;
  ~json();

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(value); }
  bool is_string() const { return std::holds_alternative<std::string>(value); }
  bool is_object() const { return std::holds_alternative<json_object>(value); }
  bool is_array() const { return std::holds_alternative<json_array>(value); }
  bool is_number() const { return std::holds_alternative<double>(value); }
  bool is_bool() const { return std::holds_alternative<bool>(value); }

  const std::string& str() const { return get<std::string>("a string"); }
  double number() const { return get<double>("a number"); }
  bool boolean() const { return get<bool>("a boolean"); }
  const json_array& array() const { return get<json_array>("an array"); }
  const json_object& object() const { return get<json_object>("an object"); }

  bool has(std::string_view key) const { return find(key) != nullptr; }
  const json* find(std::string_view key) const {
    for (const auto& [name, member] : object()) {
      if (name == key) return &member;
    }
    return nullptr;
  }
  const json& operator[](std::string_view key) const {
    const json* member = find(key);
    if (member == nullptr) throw json_error("no key \"" + std::string(key) + "\"");
    return *member;
  }
  const json& operator[](std::size_t index) const {
    const json_array& items = array();
    if (index >= items.size()) throw json_error("index " + std::to_string(index) + " out of range");
    return items[index];
  }

 private:
  template <class T>
  const T& get(const char* what) const {
    if (const T* held = std::get_if<T>(&value)) return *held;
    throw json_error(std::string("not ") + what);
  }
};

inline json::json() noexcept = default;
inline json::json(const json& other) = default;
inline json::json(json&& other) noexcept = default;
inline json& json::operator=(const json& other) = default;
inline json& json::operator=(json&& other) noexcept = default;
inline json::~json() = default;

class json_parser {
 public:
  static json parse(std::string_view text) {
    json_parser parser(text);
    json result = parser.value(0);
    parser.skip_whitespace();
    if (parser.position_ != text.size()) parser.fail("text after the value");
    return result;
  }

 private:
  explicit json_parser(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw json_error(what + " at byte " + std::to_string(position_));
  }
  bool done() const { return position_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[position_]; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++position_;
  }
  void skip_whitespace() {
    while (!done() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++position_;
  }

  json value(int depth) {
    if (depth > 200) fail("nesting too deep");
    skip_whitespace();
    switch (peek()) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return json{string()};
      case 't': return literal("true", json{true});
      case 'f': return literal("false", json{false});
      case 'n': return literal("null", json{nullptr});
      default: return number();
    }
  }

  json literal(std::string_view word, json result) {
    if (text_.substr(position_, word.size()) != word) fail("unknown literal");
    position_ += word.size();
    return result;
  }

  json object(int depth) {
    expect('{');
    json_object members;
    skip_whitespace();
    if (peek() == '}') return ++position_, json{std::move(members)};
    while (true) {
      skip_whitespace();
      std::string key = string();
      for (const auto& member : members) {
        if (member.first == key) fail("duplicate key \"" + key + "\"");
      }
      skip_whitespace();
      expect(':');
      members.emplace_back(std::move(key), value(depth + 1));
      skip_whitespace();
      if (peek() == '}') return ++position_, json{std::move(members)};
      expect(',');
    }
  }

  json array(int depth) {
    expect('[');
    json_array items;
    skip_whitespace();
    if (peek() == ']') return ++position_, json{std::move(items)};
    while (true) {
      items.push_back(value(depth + 1));
      skip_whitespace();
      if (peek() == ']') return ++position_, json{std::move(items)};
      expect(',');
    }
  }

  json number() {
    const std::size_t begin = position_;
    if (peek() == '-') ++position_;
    if (peek() == '0') {
      ++position_;
      if (peek() >= '0' && peek() <= '9') fail("leading zero");
    } else if (!digits()) {
      fail("expected a value");
    }
    if (peek() == '.') {
      ++position_;
      if (!digits()) fail("expected digits after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++position_;
      if (peek() == '+' || peek() == '-') ++position_;
      if (!digits()) fail("expected an exponent");
    }
    return json{std::stod(std::string(text_.substr(begin, position_ - begin)))};
  }
  bool digits() {
    const std::size_t begin = position_;
    while (peek() >= '0' && peek() <= '9') ++position_;
    return position_ > begin;
  }

  unsigned hex4() {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = peek();
      unsigned digit;
      if (c >= '0' && c <= '9') digit = c - '0';
      else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      else fail("bad \\u escape");
      value = value * 16 + digit;
      ++position_;
    }
    return value;
  }

  static void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }

  // Length of the well-formed UTF-8 sequence at the position, or 0.
  std::size_t utf8_length() const {
    const auto* b = reinterpret_cast<const unsigned char*>(text_.data()) + position_;
    const std::size_t left = text_.size() - position_;
    auto cont = [&](std::size_t i) { return i < left && (b[i] & 0xC0) == 0x80; };
    if (b[0] >= 0xC2 && b[0] <= 0xDF) return cont(1) ? 2 : 0;
    if (b[0] >= 0xE0 && b[0] <= 0xEF) {
      if (left < 2) return 0;
      if (b[0] == 0xE0 && b[1] < 0xA0) return 0;
      if (b[0] == 0xED && b[1] > 0x9F) return 0;
      return cont(1) && cont(2) ? 3 : 0;
    }
    if (b[0] >= 0xF0 && b[0] <= 0xF4) {
      if (left < 2) return 0;
      if (b[0] == 0xF0 && b[1] < 0x90) return 0;
      if (b[0] == 0xF4 && b[1] > 0x8F) return 0;
      return cont(1) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (done()) fail("unterminated string");
      const auto c = static_cast<unsigned char>(text_[position_]);
      if (c == '"') {
        ++position_;
        return out;
      }
      if (c < 0x20) fail("raw control character in a string");
      if (c == '\\') {
        ++position_;
        const char escape = peek();
        ++position_;
        switch (escape) {
          case '"': out.push_back('"'); break;
          case '\\': out.push_back('\\'); break;
          case '/': out.push_back('/'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'n': out.push_back('\n'); break;
          case 'r': out.push_back('\r'); break;
          case 't': out.push_back('\t'); break;
          case 'u': {
            char32_t unit = hex4();
            if (unit >= 0xDC00 && unit <= 0xDFFF) fail("lone low surrogate");
            if (unit >= 0xD800 && unit <= 0xDBFF) {
              if (text_.substr(position_, 2) != "\\u") fail("lone high surrogate");
              position_ += 2;
              const char32_t low = hex4();
              if (low < 0xDC00 || low > 0xDFFF) fail("lone high surrogate");
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            }
            append_utf8(out, unit);
            break;
          }
          default: fail("bad escape");
        }
        continue;
      }
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
        ++position_;
        continue;
      }
      const std::size_t length = utf8_length();
      if (length == 0) fail("ill-formed UTF-8 in a string");
      out.append(text_.substr(position_, length));
      position_ += length;
    }
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

inline json parse_json(std::string_view text) { return json_parser::parse(text); }

}  // namespace wire_test
