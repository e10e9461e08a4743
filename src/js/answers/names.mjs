// What each built-in answer stresses, for the pages that list them (loaded with builtin.mjs).
// The names themselves, and their check, are in internal/answer-checks.mjs, which trickle
// loads up front: createFetch({ reply: 'markdown' }) refuses an unknown name at once.
import { ANSWER_LANGS, ANSWER_NAMES, checkAnswerName } from '../internal/answer-checks.mjs';

export { ANSWER_LANGS, ANSWER_NAMES, checkAnswerName };

/** Each built-in answer: what a chat UI must get right to show it. */
export const ANSWER_DESCRIPTIONS = Object.freeze({
  markdown: 'a long markdown guide: headings of four levels, nested ordered and unordered lists, a task list, nested block quotes, a table, links of three kinds, inline code, a short fence, a rule, strikethrough',
  code: 'fenced code in eight languages (Python, TypeScript, Rust, C++, SQL, JSON, Bash, diff), a tilde fence holding backticks, an indented block, inline code with a backtick inside',
  table: 'tables: column alignment, markup and escaped pipes in cells, an empty cell, a 16-column table, mixed scripts and emoji in cells, a table without outer pipes, a one-column table',
  math: 'LaTeX: inline $…$ and \\(…\\), display $$…$$ and \\[…\\], aligned steps, a matrix, cases, and dollar amounts that are not math',
  emoji: 'emoji made of several code points: ZWJ families, skin tones, country flags, tag-sequence subdivision flags, a lone regional indicator, variation selectors, keycaps, Emoji 15.1 sequences',
  rtl: 'Arabic and Hebrew mixed with left-to-right text: numbers, code, URLs, bidi isolates, mirrored brackets, Arabic-Indic digits, a table with three scripts',
  'long-line': 'one paragraph of 12,000+ characters with no line break, a minified JSON line, a 2,000-character URL and a 1,500-character unbreakable blob',
  long: 'a 20,000-word essay (generated from a fixed seed: the same text every time), with sections, lists and quotes',
  reasoning: 'an answer with reasoning: several paragraphs of thinking, then a short answer with a table',
  'tool-call': 'a sentence, then two tool calls (nested arguments, non-ASCII values, quotes); finishReason tool_calls',
  truncated: 'cut off by the length limit (finishReason length) inside an open code fence, mid-word',
  escape: 'text that must stay text: script tags, event handlers, javascript: links, entities, escaped markdown, zero-width and combining characters, U+2028/U+2029, a BOM, unclosed quotes and emphasis',
});
