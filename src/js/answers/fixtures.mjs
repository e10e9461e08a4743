// Fixtures: rules that pick an answer for a request, the way mock LLM servers do it (match
// criteria plus a response, first match wins, a catch-all at the end), as a reply function
// for createFetch({ reply }).
//
//   rule = {
//     match?: {                        every given criterion must hold; no match: any request
//       lastUserText?: string | RegExp | { regex, flags? },  string: a substring, any case
//       model?: string | RegExp | { regex, flags? },         string: the exact model name
//       format?: string | string[],    one of the formats (FORMATS, internal/answer-checks.mjs)
//       messageCount?: number,         exactly this many messages in the request
//     },
//     answer: string | Answer | { builtin: name, lang? } | ((request, match) => answer),
//                                      lang: 'en', 'zh' or 'auto' (the request's language, the default)
//     times?: number,                  answers this many requests, then is skipped (default: no limit)
//   }
//
// The JSON-safe shape (readFixtures) is the same rules with RegExps written as
// { "regex": "...", "flags": "i" } and no functions, so fixtures can live in a .json file.
//
// The code, with what it guarantees, is in internal/replies.mjs, which trickle itself loads
// (createFetch({ fixtures }) checks every rule at once); this is its public entry.
import { fixturesReply, readFixtures } from '../internal/replies.mjs';

export { fixturesReply, readFixtures };
