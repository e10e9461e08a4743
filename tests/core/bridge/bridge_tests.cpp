// The bridge as the JS layer drives it (protocol.hpp), on virtual time: start commands,
// records, pulls, the end of each stream, and the answer streams' frames and faults.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/bridge/answers/answer_stream.hpp"
#include "core/bridge/bridge.hpp"
#include "core/bridge/text_stream.hpp"
#include "support.hpp"

using namespace trickle;
using namespace trickle::testing;
using namespace trickle::protocol;
using namespace std::chrono_literals;

namespace {

// One stream's record, read back.
struct record {
  std::uint32_t slot;
  int status;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
  std::string bytes;  // for answer streams: the spans' frame bytes, joined
};

std::vector<record> read_records(const bridge::records_view& view) {
  std::vector<record> out;
  if (!view.words) return out;
  const std::uint32_t* w = view.words;
  const std::uint32_t* end = w + records_header_words + w[records_words];
  for (w += records_header_words; w < end;) {
    record r{w[record_slot], static_cast<int>(w[record_status]), {}, {}};
    const std::uint32_t count = w[record_count];
    w += record_header_words;
    for (std::uint32_t i = 0; i < count; ++i, w += 2) {
      r.spans.emplace_back(w[0], w[1]);
      r.bytes.append(view.frame_bytes + w[0], w[1] - w[0]);
    }
    out.push_back(std::move(r));
  }
  return out;
}

// A start command for `text`, laid out as JS lays it out.
struct command_table {
  std::vector<std::string> texts;
  std::vector<double> commands;
  void add(std::uint32_t slot, const std::string& text, double delay_us, double timeout_us = -1, double fail_after = -1) {
    texts.push_back(text);
    std::vector<double> c(start_field_count, 0);
    c[start_slot] = slot;
    c[start_text_length] = static_cast<double>(text.size());
    c[start_delay_us] = delay_us;
    c[start_split] = split_whitespace;
    c[start_timeout_us] = timeout_us;
    c[start_fail_after] = fail_after;
    c[start_timing] = -1;
    commands.insert(commands.end(), c.begin(), c.end());
  }
  double* data() {
    // The texts' addresses, once they no longer move.
    for (std::size_t i = 0; i < texts.size(); ++i) {
      commands[i * start_field_count + start_text_address] =
          static_cast<double>(reinterpret_cast<std::uintptr_t>(texts[i].data()));
    }
    return commands.data();
  }
  int count() const { return static_cast<int>(texts.size()); }
};

std::string text_of(const std::string& text, const record& r) {
  std::string joined;
  for (auto [begin, end] : r.spans) joined += "[" + text.substr(begin, end - begin) + "]";
  return joined;
}

}  // namespace

TEST_CASE("streams started together answer in one list of records, one per stream, in command order") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(3, "a b", 10'000);
  table.add(7, "x", 0);
  const auto records = read_records(host.start_text_streams(table.data(), table.count(), nullptr, bridge::make_text_stream));
  REQUIRE(records.size() == 2);
  CHECK(records[0].slot == 3);
  CHECK(records[0].status == status_pending);
  CHECK(records[0].spans.empty());
  CHECK(records[1].slot == 7);
  CHECK(records[1].status == status_done);
  CHECK(text_of("x", records[1]) == "[x]");
  CHECK(host.live_streams() == 1);  // the finished one is freed in the same call
  CHECK(host.at(7) == nullptr);

  time.set_ms(10);
  const auto tick = read_records(host.run_tick());
  REQUIRE(tick.size() == 1);
  CHECK(text_of("a b", tick[0]) == "[a]");
  CHECK(tick[0].status == status_pending);
  time.set_ms(20);
  const auto last = read_records(host.run_tick());
  CHECK(text_of("a b", last[0]) == "[b]");
  CHECK(last[0].status == status_done);
  CHECK(host.live_streams() == 0);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("a pull hands over what is due beyond one record, and says when more is") {
  virtual_time time;
  bridge::host host{time.sched};
  std::string text;
  for (int i = 0; i < 2500; ++i) text += "w ";
  command_table table;
  table.add(0, text, 0);
  const auto first = read_records(host.start_text_streams(table.data(), 1, nullptr, bridge::make_text_stream));
  CHECK(first[0].spans.size() == static_cast<std::size_t>(max_batch));
  CHECK(first[0].status == status_more);
  int result = host.pull(0, max_batch);
  CHECK((result >> status_bits) == max_batch);
  CHECK((result & ((1 << status_bits) - 1)) == status_more);
  result = host.pull(0, max_batch);
  CHECK((result >> status_bits) == 2500 - 2 * max_batch);
  CHECK((result & ((1 << status_bits) - 1)) == status_done);
  CHECK(host.live_streams() == 0);
}

TEST_CASE("failAfter fails the stream at the moment the next piece would have come, with its message whole") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  const std::string message{"connection\0lost", 15};
  table.add(0, "a b c", 10'000, -1, 1);
  table.commands[start_message_length] = static_cast<double>(message.size());
  double* commands = table.data();
  commands[start_message_address] = static_cast<double>(reinterpret_cast<std::uintptr_t>(message.data()));
  host.start_text_streams(commands, 1, nullptr, bridge::make_text_stream);
  time.set_ms(10);
  CHECK(text_of("a b c", read_records(host.run_tick())[0]) == "[a]");
  time.set_ms(20);
  const auto failed = read_records(host.run_tick());
  CHECK(failed[0].status == status_failed);
  CHECK(failed[0].spans.empty());
  CHECK(host.error_message(0) == message);
  host.close(0);
  CHECK(host.live_streams() == 0);
}

TEST_CASE("the plain maker refuses a timing block, so a module without the timing model never runs one wrong") {
  virtual_time time;
  bridge::host host{time.sched};
  std::vector<double> block(timing_field_count, 0);
  command_table table;
  table.add(0, "a", 0);
  table.commands[start_timing] = 0;
  double* commands = table.data();
  const auto records = read_records(host.start_text_streams(commands, 1, block.data(), bridge::make_text_stream));
  CHECK(records.empty());
  CHECK(commands[start_slot] == -1);
  CHECK(host.last_error() == "trickle: this module has no timing model");
  CHECK(host.live_streams() == 0);
}

TEST_CASE("a time-out frees the generator at once and is reported as its own status") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(0, "a b", 60'000'000, 25'000);
  host.start_text_streams(table.data(), 1, nullptr, bridge::make_text_stream);
  CHECK(time.sched.scheduled_count() == 2);  // its sleep and its time-out
  time.set_ms(25);
  const auto timed_out = read_records(host.run_tick());
  CHECK(timed_out[0].status == status_timed_out);
  CHECK(time.sched.scheduled_count() == 0);
  host.close(0);
}

TEST_CASE("streams whose timing blocks say so run on a plan, each with the seed of its command") {
  virtual_time time;
  bridge::host host{time.sched};
  std::vector<double> block(timing_field_count, 0);
  block[timing_delay_us] = 0;
  block[timing_ttft_us] = 100'000;
  block[timing_tokens_per_second] = 100;
  block[timing_burst] = 1;
  command_table table;
  table.add(0, "a b c", 0);
  table.commands[start_timing] = 0;
  table.commands[start_seed] = 42;
  host.start_text_streams(table.data(), 1, block.data(), bridge::make_timed_text_stream);
  std::vector<std::int64_t> at;
  while (auto wake = time.clock.requested_wake()) {
    time.clock.set(*wake);
    for (const auto& r : read_records(host.run_tick())) {
      for (std::size_t i = 0; i < r.spans.size(); ++i) at.push_back(time.now_ms());
    }
  }
  CHECK(at == std::vector<std::int64_t>{100, 110, 120});
}

// ---- given pieces (split_given: the tokenizer's chunks) ----------------------------------------

namespace {

// The lists a split_given command points at, laid out as JS lays them out: the ends, then
// the token counts, in one block of u32.
struct given_lists {
  std::vector<std::uint32_t> words;
  std::vector<double> offsets_us;
  given_lists(std::vector<std::uint32_t> ends, std::vector<std::uint32_t> tokens) : words(std::move(ends)) {
    words.insert(words.end(), tokens.begin(), tokens.end());
  }
  void point(double* command) {
    const std::size_t count = words.size() / 2;
    command[start_split] = split_given;
    command[start_piece_count] = static_cast<double>(count);
    command[start_piece_ends] = static_cast<double>(reinterpret_cast<std::uintptr_t>(words.data()));
    command[start_piece_tokens] = static_cast<double>(reinterpret_cast<std::uintptr_t>(words.data() + count));
    command[start_piece_offsets] =
        offsets_us.empty() ? 0 : static_cast<double>(reinterpret_cast<std::uintptr_t>(offsets_us.data()));
  }
};

std::vector<double> rate_block(double tokens_per_second) {
  std::vector<double> block(timing_field_count, 0);
  block[timing_ttft_us] = -1;
  block[timing_tokens_per_second] = tokens_per_second;
  block[timing_burst] = 1;
  block[timing_tokens_per_chunk] = 1;
  return block;
}

// Every span a text stream hands over, with the time of the record that brought it.
std::vector<std::pair<std::int64_t, std::string>> play_text(bridge::host& host, virtual_time& time,
                                                             const std::string& text, std::vector<record> records) {
  std::vector<std::pair<std::int64_t, std::string>> got;
  for (;;) {
    for (const auto& r : records) {
      for (auto [begin, end] : r.spans) got.emplace_back(time.now_ms(), text.substr(begin, end - begin));
    }
    const auto wake = time.clock.requested_wake();
    if (!wake) return got;
    time.clock.set(*wake);
    records = read_records(host.run_tick());
  }
}

}  // namespace

TEST_CASE("a split_given command streams its pieces as UTF-16 spans, each charged its tokens on the plan") {
  virtual_time time;
  bridge::host host{time.sched};
  const std::string text = "ab😀你c";  // UTF-16: a b 😀(2) 你 c
  command_table table;
  table.add(4, text, 0);
  table.commands[start_timing] = 0;
  given_lists lists{{1, 4, 6}, {1, 3, 2}};
  double* commands = table.data();
  lists.point(commands);
  const std::vector<double> block = rate_block(100);
  const auto first = read_records(host.start_text_streams(commands, 1, block.data(), bridge::make_timed_text_stream));
  REQUIRE(first.size() == 1);
  CHECK(first[0].status == status_pending);
  // Spans are UTF-16 positions: JS slices its own string. Here they are checked by unit.
  std::vector<std::pair<std::int64_t, std::pair<std::uint32_t, std::uint32_t>>> spans;
  while (auto wake = time.clock.requested_wake()) {
    time.clock.set(*wake);
    for (const auto& r : read_records(host.run_tick())) {
      for (auto span : r.spans) spans.emplace_back(time.now_ms(), span);
    }
  }
  using seen = std::vector<std::pair<std::int64_t, std::pair<std::uint32_t, std::uint32_t>>>;
  CHECK(spans == seen{{10, {0, 1}}, {40, {1, 4}}, {60, {4, 6}}});
  CHECK(host.live_streams() == 0);
}

TEST_CASE("given pieces without a timing block run on the command's delay") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(0, "one two", 7'000);
  given_lists lists{{3, 7}, {1, 1}};
  double* commands = table.data();
  lists.point(commands);
  const auto got = play_text(host, time, "one two",
                             read_records(host.start_text_streams(commands, 1, nullptr, bridge::make_timed_text_stream)));
  CHECK(got == std::vector<std::pair<std::int64_t, std::string>>{{7, "one"}, {14, " two"}});
}

TEST_CASE("offsets in a split_given command give each piece its own arrival") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(0, "one two three", 0);
  table.commands[start_timing] = 0;
  given_lists lists{{3, 7, 13}, {1, 1, 1}};
  lists.offsets_us = {2'000, 2'000, 95'000};
  double* commands = table.data();
  lists.point(commands);
  const std::vector<double> block = rate_block(1);  // one token a second: the offsets win
  const auto got = play_text(host, time, "one two three",
                             read_records(host.start_text_streams(commands, 1, block.data(), bridge::make_timed_text_stream)));
  CHECK(got == std::vector<std::pair<std::int64_t, std::string>>{{2, "one"}, {2, " two"}, {95, " three"}});
}

TEST_CASE("a split_given command whose pieces do not cut its text fails with a message, at its first record") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(0, "ab😀", 0);
  given_lists lists{{3, 4}, {1, 1}};  // 3 is inside 😀
  double* commands = table.data();
  lists.point(commands);
  const auto records = read_records(host.start_text_streams(commands, 1, nullptr, bridge::make_timed_text_stream));
  REQUIRE(records.size() == 1);
  CHECK(records[0].status == status_failed);
  CHECK(std::string(host.error_message(0)).find("fall between characters") != std::string::npos);
  host.close(0);
  CHECK(host.live_streams() == 0);
}

TEST_CASE("the plain maker refuses given pieces, which only the module with the timing model runs") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(0, "a", 0);
  given_lists lists{{1}, {1}};
  double* commands = table.data();
  lists.point(commands);
  CHECK(read_records(host.start_text_streams(commands, 1, nullptr, bridge::make_text_stream)).empty());
  CHECK(commands[start_slot] == -1);
  CHECK(host.last_error() == "trickle: this module takes no given pieces");
  CHECK(host.live_streams() == 0);
}

TEST_CASE("the plain maker refuses the grapheme split, which the module createTrickle() loads leaves out") {
  virtual_time time;
  bridge::host host{time.sched};
  command_table table;
  table.add(0, "\r\n a", 0);  // three graphemes: "\r\n" is one
  table.add(1, "\r\n a", 0);
  table.commands[start_split] = split_grapheme;
  double* commands = table.data();
  // The first is refused; the second, a word split of the same text, runs.
  const auto records = read_records(host.start_text_streams(commands, 2, nullptr, bridge::make_text_stream));
  CHECK(commands[start_slot] == -1);
  CHECK(host.last_error() == "trickle: this module has no grapheme split");
  REQUIRE(records.size() == 1);
  CHECK(records[0].slot == 1);
  CHECK(text_of("\r\n a", records[0]) == "[a]");
  // The timed maker cuts graphemes.
  bridge::host timed{time.sched};
  command_table again;
  again.add(0, "\r\n a", 0);
  again.commands[start_split] = split_grapheme;
  const auto cut = read_records(timed.start_text_streams(again.data(), 1, nullptr, bridge::make_timed_text_stream));
  REQUIRE(cut.size() == 1);
  CHECK(text_of("\r\n a", cut[0]) == "[\r\n][ ][a]");
  CHECK(host.live_streams() + timed.live_streams() == 0);
}

// ---- answer streams -------------------------------------------------------------------------

namespace {

bridge::answer_spec answer_of(std::string text, wire::format f = wire::format::openai_chat) {
  bridge::answer_spec spec;
  spec.format = f;
  spec.answer.text = std::move(text);
  spec.answer.model = "m";
  spec.answer.id = "t1";
  spec.answer.created = 1'700'000'000;
  spec.timing.delay = 10ms;
  spec.timing.seed = 7;
  return spec;
}

// Every byte of an answer stream, with the time each record came.
struct played {
  std::string bytes;
  std::vector<std::int64_t> at;
  int status = -1;
  std::size_t spans = 0;
};

played play(bridge::host& host, virtual_time& time, bridge::answer_spec spec) {
  played out;
  const std::uint32_t slot = spec.slot;
  const auto take = [&](const std::vector<record>& records) {
    for (const auto& r : records) {
      out.bytes += r.bytes;
      out.spans += r.spans.size();
      if (!r.bytes.empty()) out.at.push_back(time.now_ms());
      out.status = r.status;
    }
  };
  take(read_records(host.start_one(bridge::make_answer_stream(host, std::move(spec)))));
  for (int step = 0; out.status == status_pending || out.status == status_more; ++step) {
    REQUIRE(step < 10'000);  // a stream that never ends fails here instead of hanging
    if (out.status == status_more) {
      const int result = host.pull(slot, max_batch);
      for (int i = 0; i < (result >> status_bits); ++i) {
        const std::uint32_t* pair = host.pull_spans() + 2 * i;
        out.bytes.append(host.pull_frame_bytes() + pair[0], pair[1] - pair[0]);
        ++out.spans;
      }
      out.status = result & ((1 << status_bits) - 1);
      continue;
    }
    const auto wake = time.clock.requested_wake();
    REQUIRE(wake);
    time.clock.set(*wake);
    take(read_records(host.run_tick()));
  }
  return out;
}

std::string whole_stream(bridge::answer_spec spec) {
  std::string out;
  wire::write_stream(spec.format, spec.answer, spec.split, out);
  return out;
}

}  // namespace

TEST_CASE("an answer stream hands over exactly the format's frames, each piece at its deadline") {
  for (wire::format f : wire::all_formats) {
    INFO("format " << wire::info(f).name);
    virtual_time time;
    bridge::host host{time.sched};
    auto spec = answer_of("one two three", f);
    spec.answer.output_tokens = 3;
    const played p = play(host, time, spec);
    CHECK(p.bytes == whole_stream(spec));
    CHECK(p.status == status_done);
    CHECK(p.at.back() == 30);
    CHECK(host.live_streams() == 0);
  }
}

TEST_CASE("the frames that carry no piece go out with a piece: the opening ones with the first, the closing ones with the last") {
  for (wire::format f : wire::all_formats) {
    INFO("format " << wire::info(f).name);
    virtual_time time;
    bridge::host host{time.sched};
    const played p = play(host, time, answer_of("one two three", f));
    // Nothing at the start (a server says nothing until its model has a token), then one
    // record at each piece's time.
    CHECK(p.at == std::vector<std::int64_t>{10, 20, 30});
  }
}

TEST_CASE("the error fault writes the format's mid-stream error where chunk k would come, then ends") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three four", wire::format::anthropic);
  spec.faults.error.at = 2;
  spec.faults.error_status = 529;
  const played p = play(host, time, spec);
  CHECK(p.status == status_done);
  CHECK(p.bytes.find("\"text\":\"one\"") != std::string::npos);
  CHECK(p.bytes.find(" two") != std::string::npos);
  CHECK(p.bytes.find(" three") == std::string::npos);
  CHECK(p.bytes.find("event: error") != std::string::npos);
  CHECK(p.bytes.find("overloaded_error") != std::string::npos);
  CHECK(p.bytes.find("message_stop") == std::string::npos);
  CHECK(p.at.back() == 30);
}

TEST_CASE("truncate ends the body without the terminator; disconnect drops the connection") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three");
  spec.faults.truncate.at = 1;
  const played cut = play(host, time, spec);
  CHECK(cut.status == status_done);
  CHECK(cut.bytes.find("one") != std::string::npos);
  CHECK(cut.bytes.find("two") == std::string::npos);
  CHECK(cut.bytes.find("[DONE]") == std::string::npos);

  auto dropped_spec = answer_of("one two three");
  dropped_spec.slot = 1;
  dropped_spec.faults.disconnect.at = 2;
  const played dropped = play(host, time, dropped_spec);
  CHECK(dropped.status == status_dropped);
  CHECK(dropped.bytes.find("two") != std::string::npos);
  host.close(1);
  CHECK(host.live_streams() == 0);
}

TEST_CASE("a malformed frame is cut in half and keeps its line ending; the stream goes on after it") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three");
  spec.faults.malformed.at = 1;
  const played p = play(host, time, spec);
  CHECK(p.status == status_done);
  CHECK(p.bytes.find("\"content\":\" two\"") == std::string::npos);
  CHECK(p.bytes.find("\"content\":\" three\"") != std::string::npos);
  CHECK(p.bytes.find("[DONE]") != std::string::npos);
  CHECK(p.bytes.size() < whole_stream(spec).size());
}

TEST_CASE("reslice hands the same bytes over in seeded pieces of 1 to n bytes, the same for the same seed") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three 你好 😀 four five six seven eight nine ten");
  spec.timing.delay = 0ms;
  spec.faults.reslice_max = 3;
  const played p = play(host, time, spec);
  CHECK(p.bytes == whole_stream(spec));
  CHECK(p.spans >= p.bytes.size() / 3);
  spec.slot = 1;
  const played again = play(host, time, spec);
  CHECK(again.spans == p.spans);
}

TEST_CASE("a stall holds chunk k and the rest back; a whole body comes once, after the last piece's time") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three");
  spec.faults.stall = unit_stall{1, 500ms};
  const played stalled = play(host, time, spec);
  CHECK(stalled.at.back() == time.now_ms());
  CHECK(time.now_ms() == 530);

  virtual_time later;
  bridge::host other{later.sched};
  auto body = answer_of("one two three");
  body.whole_body = true;
  const played whole = play(other, later, body);
  body.answer.output_tokens = 3;  // usage counts the pieces (no tokenizer yet)
  std::string expected;
  wire::write_body(body.format, body.answer, expected);
  CHECK(whole.bytes == expected);
  CHECK(whole.at == std::vector<std::int64_t>{30});
}

TEST_CASE("an answer the formats refuse is not made, and leaves nothing behind") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("x");
  spec.answer.tool_calls.push_back({"", "", "{}"});
  CHECK_THROWS_AS(bridge::make_answer_stream(host, spec), std::invalid_argument);
  CHECK(host.live_streams() == 0);
}

TEST_CASE("with reslice, frames due together that fill several records all come before time moves on") {
  // Found by tests/fuzz/bridge.cpp: the bytes that did not fit in a record waited for the
  // next piece's deadline, because the record said "pending" instead of "more". The opening
  // frames go out with the first piece: here they fill several records at its deadline.
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two", wire::format::anthropic);
  spec.answer.model = std::string(3000, 'm');  // message_start alone fills three records
  spec.faults.reslice_max = 1;
  // The frames up to the first piece's, as the stream writes them (usage counts pieces).
  wire::answer counted = spec.answer;
  counted.output_tokens = 2;
  std::string first;
  const auto enc = wire::make_encoder(spec.format, counted);
  for (const wire::event& e : wire::events_of(counted, spec.split)) {
    enc->write(first, e);
    if (e.kind == wire::event_kind::text) break;
  }
  REQUIRE(first.size() > static_cast<std::size_t>(2 * max_batch));

  const std::uint32_t slot = spec.slot;
  std::string bytes;
  int status = status_more;
  for (const auto& r : read_records(host.start_one(bridge::make_answer_stream(host, std::move(spec))))) {
    bytes += r.bytes;
    status = r.status;
  }
  CHECK(status == status_pending);
  CHECK(bytes.empty());
  const auto wake = time.clock.requested_wake();
  REQUIRE(wake);
  time.clock.set(*wake);
  for (const auto& r : read_records(host.run_tick())) {
    bytes += r.bytes;
    status = r.status;
  }
  CHECK(status == status_more);
  while (status == status_more) {
    const int result = host.pull(slot, max_batch);
    for (int i = 0; i < (result >> status_bits); ++i) {
      const std::uint32_t* pair = host.pull_spans() + 2 * i;
      bytes.append(host.pull_frame_bytes() + pair[0], pair[1] - pair[0]);
    }
    status = result & ((1 << status_bits) - 1);
  }
  CHECK(status == status_pending);  // the second piece is due later
  CHECK(bytes == first);
  CHECK(time.now_ms() == 10);
  host.close(slot);
}

TEST_CASE("a whole body cut short by truncate ends once its half is handed over, however it is resliced") {
  // Found by tests/fuzz/bridge.cpp: when the half body did not fit in one record, every pull
  // met the fault again and wrote the body again, and the stream never ended.
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three");
  spec.answer.model = std::string(5000, 'm');  // half the body fills several records
  spec.whole_body = true;
  spec.faults.truncate.at = 1;
  spec.faults.reslice_max = 1;
  auto answer = spec.answer;
  const played p = play(host, time, spec);
  answer.output_tokens = 3;
  std::string body;
  wire::write_body(spec.format, answer, body);
  CHECK(p.status == status_done);
  CHECK(p.bytes == body.substr(0, body.size() / 2));
  CHECK(host.live_streams() == 0);
  CHECK(time.sched.scheduled_count() == 0);
}

TEST_CASE("the error fault's frame comes whole even when it does not fit in one record") {
  // Found while fixing the above: the stream ended as soon as the error frame was written,
  // and the part of it that did not fit in the record was lost.
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("one two three", wire::format::anthropic);
  const std::string message(3000, 'e');
  spec.faults.error.at = 1;
  spec.faults.error_status = 500;
  spec.faults.error_message = message;
  spec.faults.reslice_max = 1;
  const played p = play(host, time, spec);
  CHECK(p.status == status_done);
  CHECK(p.bytes.find(message) != std::string::npos);
  CHECK(p.bytes.size() > message.size());
  CHECK(p.bytes.compare(p.bytes.size() - 2, 2, "\n\n") == 0);
  CHECK(host.live_streams() == 0);
}

TEST_CASE("an answer with given pieces frames exactly those pieces, and its usage counts their tokens") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("Hello, 世界! 😀");  // UTF-16: "Hello," 6, " 世界!" 4, " 😀" 3
  spec.answer.reasoning = "hmm ok";
  spec.answer.include_usage = true;
  spec.answer.input_tokens = 11;
  spec.answer.tool_calls.push_back({"c1", "get", R"({"q":1})"});
  wire::given_answer_pieces given;
  given.reasoning = {{3, 6}, {1, 2}};
  given.text = {{6, 10, 13}, {2, 3, 4}};
  given.tool_arguments.push_back({{7}, {5}});
  spec.given = given;
  spec.timing.delay = 0ms;
  spec.timing.tokens_per_second = 1000;  // a millisecond per token
  const played p = play(host, time, spec);
  CHECK(p.status == status_done);
  CHECK(p.bytes.find("\"content\":\"Hello,\"") != std::string::npos);
  CHECK(p.bytes.find("\"content\":\" 世界!\"") != std::string::npos);
  CHECK(p.bytes.find("\"content\":\" 😀\"") != std::string::npos);
  CHECK(p.bytes.find("\"prompt_tokens\":11,\"completion_tokens\":17,\"total_tokens\":28") != std::string::npos);
  CHECK(p.bytes.find("\"reasoning_tokens\":3") != std::string::npos);
  CHECK(time.now_ms() == 17);  // every token charged once, at a millisecond each

  // The same answer cut by a split mode counts its pieces, as before.
  auto by_words = answer_of("Hello, 世界! 😀");
  by_words.slot = 1;
  by_words.answer.include_usage = true;
  const played words = play(host, time, by_words);
  CHECK(words.bytes.find("\"completion_tokens\":3,") != std::string::npos);
}

TEST_CASE("an answer with given pieces and offsets frames each piece at t0 plus its own offset, whatever the plan") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("Hi there, you");  // "Hi" 2, " there," 7, " you" 4
  spec.given = wire::given_answer_pieces{{}, {{2, 9, 13}, {}}, {}};
  spec.offsets = {0ms, 250ms, 260ms};
  spec.timing.tokens_per_second = 1;  // the plan would take seconds: the offsets win
  const played p = play(host, time, spec);
  CHECK(p.status == status_done);
  CHECK(p.bytes.find("\"content\":\" there,\"") != std::string::npos);
  CHECK(p.at.back() == 260);
  CHECK(time.now_ms() == 260);
}

TEST_CASE("offsets that are not one per given piece, or that decrease, are refused and leave nothing behind") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("ab");
  spec.given = wire::given_answer_pieces{{}, {{1, 2}, {}}, {}};
  spec.offsets = {5ms};
  CHECK_THROWS_WITH(bridge::make_answer_stream(host, spec), Catch::Contains("one per piece"));
  spec.offsets = {5ms, 4ms};
  CHECK_THROWS_WITH(bridge::make_answer_stream(host, spec), Catch::Contains("never decrease"));
  auto split = answer_of("a b");
  split.offsets = {1ms, 2ms};
  CHECK_THROWS_WITH(bridge::make_answer_stream(host, split), Catch::Contains("offsets are for given pieces"));
  CHECK(host.live_streams() == 0);
}

TEST_CASE("given pieces that do not cut the answer are refused, naming the field, and leave nothing behind") {
  virtual_time time;
  bridge::host host{time.sched};
  auto spec = answer_of("abc");
  spec.given = wire::given_answer_pieces{{}, {{1, 2}, {1, 1}}, {}};
  CHECK_THROWS_WITH(bridge::make_answer_stream(host, spec), Catch::Contains("the text: the pieces stop before"));
  spec.given = wire::given_answer_pieces{{}, {{3}, {1, 1}}, {}};
  CHECK_THROWS_WITH(bridge::make_answer_stream(host, spec), Catch::Contains("2 token counts for 1 pieces"));
  spec.answer.tool_calls.push_back({"c", "f", "{}"});
  spec.given = wire::given_answer_pieces{{}, {{3}, {1}}, {}};
  CHECK_THROWS_WITH(bridge::make_answer_stream(host, spec), Catch::Contains("arguments of 0 tool calls"));
  CHECK(host.live_streams() == 0);
}
