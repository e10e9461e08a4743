// Built-in answers worth rendering: realistic replies, in English and Chinese, that stress
// the parts of a chat UI that usually break (names.mjs lists them with what each stresses).
//
// builtinAnswer(name, lang) returns a fresh Answer object each call (callers may change
// it), whose text is the same on every call: the long ones are generated from a fixed seed
// and kept. Every answer is one readAnswer() (internal/answer-checks.mjs) accepts.
//
// Loaded on demand (by a page, by createFetch's `reply: 'markdown'`): it is the one big
// module of the folder, and nothing in createTrickle() needs it.
import { ANSWER_DESCRIPTIONS, ANSWER_LANGS, ANSWER_NAMES, checkAnswerName } from './names.mjs';
import { longLineText, longText } from './generated.mjs';
import * as en from './texts-en.mjs';
import * as zh from './texts-zh.mjs';

export { ANSWER_DESCRIPTIONS, ANSWER_LANGS, ANSWER_NAMES };

const TEXTS = { en, zh };

// Tool arguments are copied, so that a caller changing its answer changes nobody else's.
const copyCalls = (calls) => calls.map((call) => ({ ...call, arguments: structuredClone(call.arguments) }));

const MAKERS = {
  markdown: (t) => ({ text: t.markdown }),
  code: (t) => ({ text: t.code }),
  table: (t) => ({ text: t.table }),
  math: (t) => ({ text: t.math }),
  emoji: (t) => ({ text: t.emoji }),
  rtl: (t) => ({ text: t.rtl }),
  'long-line': (t, lang) => ({ text: longLineText(lang) }),
  long: (t, lang) => ({ text: longText(lang) }),
  reasoning: (t) => ({ reasoning: t.reasoningThoughts, text: t.reasoningText }),
  'tool-call': (t) => ({ text: t.toolCallText, toolCalls: copyCalls(t.toolCalls), finishReason: 'tool_calls' }),
  truncated: (t) => ({ text: t.truncated, finishReason: 'length' }),
  escape: (t) => ({ text: t.escape }),
};

/**
 * The built-in answer `name` (one of ANSWER_NAMES) in `lang` ('en' or 'zh'): an Answer
 * ({ text, reasoning?, toolCalls?, finishReason? }). RangeError for an unknown name (the
 * message lists the names) or language.
 */
export function builtinAnswer(name, lang = 'en') {
  checkAnswerName('builtinAnswer', name, lang);
  return MAKERS[name](TEXTS[lang], lang);
}
