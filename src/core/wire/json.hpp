// JSON text as the wire formats write it: strings escaped once, here, for every encoder.
//
// append_json_escaped() writes the body of a JSON string (no quotes) for any bytes:
//   - `"` and `\` are escaped; control characters U+0000..U+001F become \b \f \n \r \t or
//     \u00XX (the forms JSON.stringify uses); U+2028 and U+2029 become \u2028 and \u2029
//     (valid raw in JSON, but not in the JS source some clients still splice frames into);
//   - every other well-formed code point, astral ones included, is copied as UTF-8;
//   - each maximal ill-formed subsequence becomes one U+FFFD, exactly as TextDecoder decodes
//     the same bytes (decode_utf8's rule), so what a client reads is what JS would have made
//     of the text.
// The output is always well-formed UTF-8 and valid inside a JSON string.
//
// is_json_object() checks that text is one JSON object (RFC 8259, surrounding whitespace
// allowed, well-formed UTF-8, nesting at most 256 deep): the test for tool arguments that
// some formats embed as an object rather than as a string; append_json_compact() embeds
// them on one line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace trickle::wire {

void append_json_escaped(std::string& out, std::string_view text);

// `"` + append_json_escaped(text) + `"`.
void append_json_string(std::string& out, std::string_view text);

// Where a piece [.., end) of `text` may stop without cutting a code point in two, given that
// everything before `from` is already written: `end`, or the end of the UTF-8 sequence that
// straddles it. Streaming encoders write [from, that) so that pieces cut inside a character
// (byte-level tokens do this) still reassemble into exactly TextDecoder(text).
std::size_t code_point_boundary_at_or_after(std::string_view text, std::size_t from,
                                            std::size_t end) noexcept;

bool is_json_object(std::string_view text) noexcept;

// Appends JSON text that is_json_object() accepted without the whitespace between tokens:
// embedded in an SSE data line or an NDJSON line, a newline of pretty-printed arguments
// would end the line (and the event) in the middle of the object.
void append_json_compact(std::string& out, std::string_view json_text);

void append_integer(std::string& out, std::int64_t value);

// "2024-05-01T12:00:00Z" (RFC 3339, UTC) for a time in seconds since the Unix epoch.
void append_rfc3339(std::string& out, std::int64_t unix_seconds);

}  // namespace trickle::wire
