#include "core/stream/presets.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace trickle {

// Where the figures come from (looked up 2026; each source's own date is given).
//
// Rates and medians: Artificial Analysis (AA) measures each API every few hours and
// publishes P50 figures: "output speed" is tokens per second after the first chunk, "TTFT"
// the time to the first token received. Its current medians for GPT-4o, Claude Sonnet 4.6
// and Gemini 3 Flash are quoted, with that definition, by induwara.lk's "Fastest LLM: speed
// and latency comparison" (verified 2026-06-24). Older or other figures disagree by tens of
// percent (models are re-served on new hardware all the time); we take that one snapshot
// for all three so that they compare fairly, and list the others beside each preset.
//
// Spread of the TTFT: AA publishes medians only. deploybase.ai's "LLM API latency
// comparison" (March 2026) gives p50 and p95 per model; for a lognormal,
// sigma = ln(p95 / p50) / 1.645. Its absolute values are lower than AA's (a different
// prompt and place), so we use only their ratio.
//
// Smoothness of the gaps and chunk sizes: no source gives numbers; thoughteddies.com's
// "Gemini hidden reasoning" (2025-07-07) observed that OpenAI streams small chunks at
// short, regular intervals, Anthropic's chunk sizes and intervals vary ("choppy"), and
// Gemini sends larger chunks than the others; Chrome for Developers' "How LLMs stream
// responses" (2025-01-21) shows Gemini 1.5 Flash chunks of 2 and 15 words. The gap sigmas
// and chunk sizes below are our reading of those observations, not measurements.
//
// A chunk size is given twice, once per kind of unit. For a stream cut into tokens it is
// tokens_per_chunk: k tokens in one chunk, one delta, which is what those observations
// describe. For one cut into words or characters a chunk cannot hold several units, so
// burst delivers k units together instead, the nearest shape; the JS layer uses a preset's
// burst only when the stream is not cut into tokens, or a Gemini chunk would hold 8 x 8.
namespace {

struct preset {
  std::string_view name;
  timing_options (*make)();
};

timing_options with_rate(duration ttft_median, double ttft_sigma, double tokens_per_second, double gap_sigma) {
  timing_options options;
  options.ttft = lognormal_mean_from_median(ttft_median, ttft_sigma);
  options.ttft_jitter = {jitter_kind::lognormal, ttft_sigma};
  options.tokens_per_second = tokens_per_second;
  options.gap_jitter = {jitter_kind::lognormal, gap_sigma};
  return options;
}

using std::chrono::milliseconds;

constexpr std::array<preset, timing_preset_count> presets{{
    // GPT-4o on OpenAI's API. AA via induwara.lk (2026-06-24): TTFT 0.45 s, 131 tokens/s.
    // Others: AA's GPT-4o (May '24) page, OpenAI 0.39 s and 81 tokens/s (Azure 115/s);
    // kickllm.com (April 2026) 0.35 s, 95/s. TTFT sigma: deploybase p50 250 ms, p95 700 ms
    // -> 0.63. Smooth stream (thoughteddies): gap sigma 0.3, one token per chunk (the
    // default of tokens_per_chunk and burst).
    {"gpt-4o", [] { return with_rate(milliseconds(450), 0.6, 131, 0.3); }},

    // Claude Sonnet 4.6 on Anthropic's API. AA via induwara.lk (2026-06-24): 0.74 s, 104/s.
    // Others: AA's Claude 3.5 Sonnet page, Anthropic 0.80 s and 64-95/s; AA's Sonnet 4.5 as
    // quoted by lattice.uptownhr.com (2025-11-24) 1.80 s, 63/s. TTFT sigma: deploybase
    // p50 200 ms, p95 500 ms -> 0.56. "Choppy" (thoughteddies): gap sigma 0.6, two units per
    // chunk.
    {"claude-sonnet",
     [] {
       auto options = with_rate(milliseconds(740), 0.55, 104, 0.6);
       options.burst = 2;
       options.tokens_per_chunk = 2;
       return options;
     }},

    // Gemini 3 Flash on Google AI Studio. AA via induwara.lk (2026-06-24): 0.50 s, 200/s.
    // Others: kickllm.com (April 2026) Gemini 2.5 Flash 0.18 s and 190/s, 2.0 Flash 0.16 s
    // and 210/s; AA's Gemini 1.5 Flash (Sep '24) page 0.23 s (Vertex) to 0.41 s (AI Studio),
    // 188-192/s. TTFT sigma: deploybase p50 100 ms, p95 300 ms -> 0.67. Large chunks
    // (thoughteddies; Chrome's example: 2 and 15 words): eight units per chunk.
    {"gemini-flash",
     [] {
       auto options = with_rate(milliseconds(500), 0.65, 200, 0.3);
       options.burst = 8;
       options.tokens_per_chunk = 8;
       return options;
     }},

    // A reasoning model (o3, DeepSeek R1 class) whose thinking is hidden: the first visible
    // token comes after it. Reports range from about 1 s on trivial prompts (modelstats.ai,
    // o3, 2026) to 5-30 s on hard ones (agentbeck.bot, 2026-06-21, after OpenAI's reasoning
    // guide); we take a median of 5 s with sigma 0.6, so that 90% of answers start between
    // 1.9 and 13.4 s. Rate: kickllm.com (April 2026) o3 35/s, DeepSeek R1 45/s -> 40/s.
    {"reasoning", [] { return with_rate(milliseconds(5000), 0.6, 40, 0.4); }},

    // A very fast host (Cerebras-class hardware). AA measured more than 1,800 tokens/s for
    // Llama 3.1 8B on Cerebras at its launch (2024-08-27, as reported by
    // williamspurlock.com); Cerebras reported 0.24 s TTFT for Llama 3.1 405B (Tom's
    // Hardware, 2024-11-20). Groq's figures are lower (kickllm.com, April 2026: Llama 3.1 8B
    // 780/s, 45 ms). Sigmas are our guess for dedicated hardware: 0.4 and 0.2.
    {"fast-host", [] { return with_rate(milliseconds(250), 0.4, 1800, 0.2); }},

    // The gpt-4o preset seen from a phone on a poor mobile network. Chrome DevTools' "3G"
    // profile (formerly "Slow 3G"; devtools-frontend NetworkManager.ts) adds 2,000 ms of
    // latency at 400 kbit/s: the latency goes into the TTFT (median 0.45 + 2 s); 400 kbit/s
    // carries about 220 OpenAI SSE frames of ~220 bytes a second, more than 131, so the rate
    // stays the model's. Stalls: a lost packet costs a retransmission time-out, at least
    // 1 s and doubled on each retry (RFC 6298: 1, 2, 4 s); Zhou et al. (CoNEXT 2015) found
    // up to 20% of flows stalled for half their lifetime, mostly by such time-outs. They are
    // network stalls (catch_up): the held-back units arrive together afterwards. How often
    // (1 unit in 100) and the gap sigma of 0.8 are our estimates.
    {"slow-network",
     [] {
       auto options = with_rate(milliseconds(2450), 0.6, 131, 0.8);
       options.stalls = {0.01, milliseconds(1000), milliseconds(4000), true};
       return options;
     }},
}};

// The names on their own, so that a program that only lists them (the wasm module
// createTrickle() loads, which checks a `preset` option) links none of the figures.
constexpr std::array<std::string_view, timing_preset_count> names{
    "gpt-4o", "claude-sonnet", "gemini-flash", "reasoning", "fast-host", "slow-network"};
static_assert(
    [] {
      for (std::size_t i = 0; i < presets.size(); ++i) {
        if (presets[i].name != names[i]) return false;
      }
      return true;
    }(),
    "names lists the presets' names, in their order");

}  // namespace

std::span<const std::string_view, timing_preset_count> timing_preset_names() noexcept { return names; }

std::optional<timing_options> find_timing_preset(std::string_view name) {
  for (const preset& p : presets) {
    if (p.name == name) return p.make();
  }
  return std::nullopt;
}

timing_options timing_preset(std::string_view name) {
  if (auto options = find_timing_preset(name)) return *options;
  std::string message = "trickle: unknown timing preset \"";
  message.append(name).append("\": use one of ");
  for (std::size_t i = 0; i < names.size(); ++i) message.append(i ? ", " : "").append(names[i]);
  throw std::out_of_range(message);
}

duration lognormal_mean_from_median(duration median, double sigma) noexcept {
  const double mean_us = static_cast<double>(median.count()) * reproducible_exp(0.5 * sigma * sigma);
  return duration{static_cast<std::int64_t>(std::floor(mean_us + 0.5))};
}

}  // namespace trickle
