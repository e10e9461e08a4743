// Plain text: the bytes of each text piece as they are (text/plain; charset=utf-8), as a
// fetch() reader or the AI SDK's text stream protocol expects. Reasoning and tool calls have
// no spelling here and write nothing; neither do start, finish and end. A mid-stream error
// cannot be told apart from text either, so it writes nothing: the stream just stops.
// Bytes pass through untouched, ill-formed UTF-8 included: the client's TextDecoder turns
// it into U+FFFD, as it would for any server.
#include <string>

#include "core/wire/formats.hpp"

namespace trickle::wire::detail {
namespace {

class plain_text_encoder final : public encoder {
 public:
  explicit plain_text_encoder(const answer& a) : encoder(a) {}

 private:
  void on_start(std::string&) override {}
  void on_reasoning_begin(std::string&) override {}
  void on_reasoning(std::string&, piece_bytes) override {}
  void on_reasoning_end(std::string&) override {}
  void on_text_begin(std::string&) override {}
  void on_text(std::string& out, piece_bytes piece) override { out.append(piece.raw); }
  void on_text_end(std::string&) override {}
  void on_tool_begin(std::string&, std::size_t) override {}
  void on_tool_arguments(std::string&, std::size_t, piece_bytes) override {}
  void on_tool_end(std::string&, std::size_t) override {}
  void on_finish(std::string&) override {}
  void on_error(std::string&, const wire_error&) override {}
  void on_end(std::string&) override {}
};

}  // namespace

const format_writers plain_text_writers = {
    [](const answer& a) -> std::unique_ptr<encoder> { return std::make_unique<plain_text_encoder>(a); },
    [](const answer& a, std::string& out) { out.append(a.text); },
    [](std::string& out, const wire_error& failure) { out.append(message_of(failure)); },
};

}  // namespace trickle::wire::detail
