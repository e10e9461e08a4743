#include "core/wire/answer.hpp"

#include <cstdarg>
#include <cstdio>
#include <stdexcept>

#include "core/text/boundaries.hpp"
#include "core/wire/json.hpp"

namespace trickle::wire {

finish_reason resolved_finish(const answer& a) noexcept {
  if (a.finish != finish_reason::automatic) return a.finish;
  return a.tool_calls.empty() ? finish_reason::stop : finish_reason::tool_calls;
}

void check_answer(const answer& a) {
  for (std::size_t i = 0; i < a.tool_calls.size(); ++i) {
    const tool_call& call = a.tool_calls[i];
    if (call.name.empty()) {
      throw std::invalid_argument("tool call " + std::to_string(i) + " has no name");
    }
    if (!is_json_object(call.arguments)) {
      throw std::invalid_argument("the arguments of tool call " + std::to_string(i) + " (" + call.name +
                                  ") are not one JSON object");
    }
  }
  if (a.reasoning_tokens > a.output_tokens) {
    throw std::invalid_argument("reasoning_tokens (" + std::to_string(a.reasoning_tokens) +
                                ") exceeds output_tokens (" + std::to_string(a.output_tokens) + ")");
  }
}

namespace {

// Cuts `text` at the end of each unit of `mode`: a piece is the separators before a unit
// plus the unit, and the last piece runs to the end of the text.
void append_pieces(std::vector<event>& events, event_kind kind, std::uint32_t tool, std::string_view text,
                   split_mode mode) {
  std::size_t cut = 0;
  for (const piece& p : split(text, mode)) {
    const std::size_t unit_end = static_cast<std::size_t>(p.text.data() - text.data()) + p.text.size();
    if (unit_end == cut) continue;  // an empty unit (space mode keeps them) adds no bytes
    events.push_back({kind, tool, text.substr(cut, unit_end - cut)});
    cut = unit_end;
  }
  if (cut < text.size()) {
    if (cut > 0 && events.back().kind == kind && events.back().tool == tool) {
      // Trailing separators belong to the last piece rather than making one of their own.
      std::string_view& last = events.back().piece;
      last = std::string_view(last.data(), text.size() - static_cast<std::size_t>(last.data() - text.data()));
    } else {
      events.push_back({kind, tool, text.substr(cut)});
    }
  }
}

}  // namespace

std::vector<event> events_of(const answer& a, split_mode mode) {
  std::vector<event> events;
  events.push_back({event_kind::start, 0, {}});
  append_pieces(events, event_kind::reasoning, 0, a.reasoning, mode);
  append_pieces(events, event_kind::text, 0, a.text, mode);
  for (std::uint32_t i = 0; i < a.tool_calls.size(); ++i) {
    events.push_back({event_kind::tool_start, i, {}});
    append_pieces(events, event_kind::tool_arguments, i, a.tool_calls[i].arguments, mode);
    events.push_back({event_kind::tool_end, i, {}});
  }
  events.push_back({event_kind::finish, 0, {}});
  events.push_back({event_kind::end, 0, {}});
  return events;
}

namespace {

// Refused pieces: std::invalid_argument with a message from a printf format, one call per
// refusal (string concatenations would be inlined at every site).
[[noreturn]] void refuse(const char* format, ...) {
  char message[256];
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(message, sizeof message, format, arguments);
  va_end(arguments);
  throw std::invalid_argument(message);
}

// `field`: what a message names ("the text", "the arguments of tool call 2").
void append_given(std::vector<event>& events, event_kind kind, std::uint32_t tool, std::string_view text,
                  const given_field& given, const char* field) {
  const std::size_t count = given.ends.size();
  if (!given.tokens.empty() && given.tokens.size() != count) {
    refuse("%s: %zu token counts for %zu pieces", field, given.tokens.size(), count);
  }
  utf16_cursor cursor{text};
  piece p;
  for (std::size_t i = 0; i < count; ++i) {
    if (!cursor.advance_to(given.ends[i], p)) {
      refuse("%s: piece %zu does not end after the one before it, between two characters, inside the text", field, i);
    }
    events.push_back({kind, tool, p.text, given.tokens.empty() ? 1 : given.tokens[i]});
  }
  if (!cursor.at_end()) refuse("%s: the pieces stop before the end of the text", field);
}

}  // namespace

std::vector<event> events_of(const answer& a, const given_answer_pieces& given) {
  if (given.tool_arguments.size() != a.tool_calls.size()) {
    refuse("pieces are given for the arguments of %zu tool calls, and the answer has %zu", given.tool_arguments.size(),
           a.tool_calls.size());
  }
  std::vector<event> events;
  events.push_back({event_kind::start, 0, {}});
  append_given(events, event_kind::reasoning, 0, a.reasoning, given.reasoning, "the reasoning");
  append_given(events, event_kind::text, 0, a.text, given.text, "the text");
  for (std::uint32_t i = 0; i < a.tool_calls.size(); ++i) {
    events.push_back({event_kind::tool_start, i, {}});
    char field[48];
    std::snprintf(field, sizeof field, "the arguments of tool call %u", static_cast<unsigned>(i));
    append_given(events, event_kind::tool_arguments, i, a.tool_calls[i].arguments, given.tool_arguments[i], field);
    events.push_back({event_kind::tool_end, i, {}});
  }
  events.push_back({event_kind::finish, 0, {}});
  events.push_back({event_kind::end, 0, {}});
  return events;
}

std::uint32_t count_pieces(const std::vector<event>& events) noexcept {
  std::uint32_t count = 0;
  for (const event& e : events) {
    count += e.kind == event_kind::reasoning || e.kind == event_kind::text || e.kind == event_kind::tool_arguments;
  }
  return count;
}

}  // namespace trickle::wire
