// The reply functions createFetch() builds from its options, at once (so that a bad rule or
// an unknown answer's name throws there, not at the first request): a built-in answer's
// reply (the answers themselves, answers/builtin.mjs, are imported at its first request),
// and fixtures. Loaded with trickle; the public entries are answers/reply.mjs and
// answers/fixtures.mjs.
//
// Fixtures (answers/fixtures.mjs shows a rule's shape): every rule is checked when
// fixturesReply() is called (TypeError naming the rule and the key for an unknown key or a
// wrong type; RangeError for a number out of range or an unknown built-in answer), so a
// typo fails at start-up, not at the first request. A rule's uses are counted when it is
// chosen, before any await, so concurrent requests never share its last use. A request no
// rule matches gets the fallback, or, without one, an Error that says so (createFetch
// answers it with a 500 in the request's format).
import { ANSWER_LANGS, FORMATS, checkAnswerName, readAnswer } from './answer-checks.mjs';
import { describe, isPlainObject } from './checks.mjs';
import { lazyModule } from './provided.mjs';

let loadingAnswers = null;

/** 'zh' when the text has any Han character, else 'en': the language to answer a user in. */
export function languageOf(text) {
  return /\p{Script=Han}/u.test(text ?? '') ? 'zh' : 'en';
}

/**
 * A reply (request => Promise<Answer>) that answers every request with the built-in answer
 * `name`, in `lang`: 'en', 'zh', or 'auto' (default: the language of the request's last
 * user message). RangeError now for an unknown name or language.
 */
export function builtinReply(name, lang = 'auto') {
  checkAnswerName('builtinReply', name, lang === 'auto' ? 'en' : lang);
  return async (request) => {
    const { builtinAnswer } = await (loadingAnswers ??= lazyModule('answers', () => import('../answers/builtin.mjs')));
    return builtinAnswer(name, lang === 'auto' ? languageOf(request?.lastUserText) : lang);
  };
}

const RULE_KEYS = ['match', 'answer', 'times'];
const MATCH_KEYS = ['lastUserText', 'model', 'format', 'messageCount'];
const REGEX_KEYS = ['regex', 'flags'];
const BUILTIN_KEYS = ['builtin', 'lang'];

function checkKeys(where, value, known) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown key "${key}" (known: ${known.join(', ')})`);
  }
}

// A RegExp's `g` and `y` flags make test() remember where it stopped, so that the same rule
// would match one request and miss the next identical one: the copy leaves them out.
function statelessRegExp(where, source, flags) {
  try {
    return new RegExp(source, flags.replace(/[gy]/g, ''));
  } catch (error) {
    throw new TypeError(`${where}: not a valid regular expression: ${error.message}`);
  }
}

/** A text criterion: { test(text) => match array | true | null }. */
function readTextMatcher(where, value, kind) {
  if (value instanceof RegExp) {
    const pattern = statelessRegExp(where, value.source, value.flags);
    return (text) => pattern.exec(text);
  }
  if (isPlainObject(value) && Object.hasOwn(value, 'regex')) {
    checkKeys(where, value, REGEX_KEYS);
    const { regex, flags = '' } = value;
    if (typeof regex !== 'string') throw new TypeError(`${where}.regex must be a string, got ${describe(regex)}`);
    if (typeof flags !== 'string') throw new TypeError(`${where}.flags must be a string, got ${describe(flags)}`);
    const pattern = statelessRegExp(where, regex, flags);
    return (text) => pattern.exec(text);
  }
  if (typeof value === 'string') {
    if (kind === 'substring') {
      const wanted = value.toLowerCase();
      return (text) => (text.toLowerCase().includes(wanted) ? true : null);
    }
    return (text) => (text === value ? true : null);
  }
  throw new TypeError(`${where} must be a string, a RegExp or { regex, flags }, got ${describe(value)}`);
}

function readFormats(where, value) {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((format) => typeof format !== 'string')) {
    throw new TypeError(`${where} must be a format name or a non-empty array of them, got ${describe(value)}`);
  }
  for (const format of list) {
    if (!FORMATS.includes(format)) throw new RangeError(`${where}: unknown format "${format}" (known: ${FORMATS.join(', ')})`);
  }
  return list;
}

/** The criteria of one rule as one test: request => details of the match, or null. */
function readMatch(where, match) {
  if (match === undefined) return () => ({ lastUserText: null, model: null });
  if (!isPlainObject(match)) throw new TypeError(`${where} must be an object of criteria (${MATCH_KEYS.join(', ')}), got ${describe(match)}`);
  checkKeys(where, match, MATCH_KEYS);
  const text = match.lastUserText === undefined ? null : readTextMatcher(`${where}.lastUserText`, match.lastUserText, 'substring');
  const model = match.model === undefined ? null : readTextMatcher(`${where}.model`, match.model, 'exact');
  const formats = match.format === undefined ? null : readFormats(`${where}.format`, match.format);
  const count = match.messageCount;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new TypeError(`${where}.messageCount must be a whole number from 0, got ${describe(count)}`);
  }
  return (request) => {
    if (formats !== null && !formats.includes(request.format)) return null;
    if (count !== undefined && (Array.isArray(request.messages) ? request.messages.length : 0) !== count) return null;
    let textFound = null;
    if (text !== null) {
      textFound = text(request.lastUserText ?? '');
      if (textFound === null) return null;
    }
    let modelFound = null;
    if (model !== null) {
      modelFound = model(request.model ?? '');
      if (modelFound === null) return null;
    }
    // What a function answer receives: the RegExp match arrays (capture groups included)
    // where a criterion was a pattern; null where it was a string or absent.
    return { lastUserText: textFound === true ? null : textFound, model: modelFound === true ? null : modelFound };
  };
}

/**
 * An answer as a rule (or the fallback) gives it, as a function (request, match) => answer
 * or a promise of one. Static answers are checked now, with readAnswer's own rules.
 */
function readRuleAnswer(where, answer) {
  if (typeof answer === 'function') {
    return async (request, match) => {
      const given = await answer(request, match);
      readAnswer(where, given); // a clear message naming the rule, before createFetch's
      return given;
    };
  }
  if (isPlainObject(answer) && Object.hasOwn(answer, 'builtin')) {
    checkKeys(where, answer, BUILTIN_KEYS);
    const { builtin, lang = 'auto' } = answer;
    if (lang !== 'auto' && !ANSWER_LANGS.includes(lang)) {
      throw new RangeError(`${where}.lang must be ${ANSWER_LANGS.map((l) => `'${l}'`).join(', ')} or 'auto', got ${describe(lang)}`);
    }
    if (typeof builtin !== 'string') throw new TypeError(`${where}.builtin must be the name of a built-in answer, got ${describe(builtin)}`);
    checkAnswerName(where, builtin, lang === 'auto' ? 'en' : lang);
    return builtinReply(builtin, lang);
  }
  if (answer === undefined) throw new TypeError(`${where} is missing: give a string, an Answer, { builtin } or a function`);
  readAnswer(where, answer);
  return () => answer;
}

function readTimes(where, times) {
  if (times === undefined || times === Infinity) return Infinity;
  if (typeof times !== 'number') throw new TypeError(`${where} must be a number, got ${describe(times)}`);
  if (!Number.isInteger(times) || times < 1) throw new RangeError(`${where} must be a whole number from 1, or Infinity, got ${describe(times)}`);
  return times;
}

function noMatch(request) {
  const said = (request.lastUserText ?? '').slice(0, 60);
  return new Error(`no fixture matches this request (format ${request.format}, model ${request.model ?? 'none'}, last user text "${said}"); add a rule for it, or a fallback`);
}

/**
 * A reply function for createFetch: the first rule whose criteria all hold (and that is not
 * spent) answers; else `options.fallback`; else the reply throws. The returned function has
 * a `uses()` method: how many requests each rule has answered, in rule order.
 */
export function fixturesReply(rules, options) {
  const where = 'fixturesReply';
  if (!Array.isArray(rules)) throw new TypeError(`${where}: rules must be an array of { match, answer, times }, got ${describe(rules)}`);
  if (options !== undefined) {
    if (!isPlainObject(options)) throw new TypeError(`${where}: options must be an object, got ${describe(options)}`);
    checkKeys(`${where}: options`, options, ['fallback']);
  }
  const checked = rules.map((rule, i) => {
    const at = `${where}: rules[${i}]`;
    if (!isPlainObject(rule)) throw new TypeError(`${at} must be { match, answer, times }, got ${describe(rule)}`);
    checkKeys(at, rule, RULE_KEYS);
    return { test: readMatch(`${at}.match`, rule.match), answer: readRuleAnswer(`${at}.answer`, rule.answer), times: readTimes(`${at}.times`, rule.times) };
  });
  const fallback = options?.fallback === undefined ? null : readRuleAnswer(`${where}: options.fallback`, options.fallback);
  const uses = checked.map(() => 0);

  function reply(request) {
    for (let i = 0; i < checked.length; i++) {
      if (uses[i] >= checked[i].times) continue;
      const found = checked[i].test(request);
      if (found === null) continue;
      const count = uses[i]++;
      return checked[i].answer(request, { rule: i, count, ...found });
    }
    if (fallback !== null) return fallback(request, { rule: -1, count: 0, lastUserText: null, model: null });
    throw noMatch(request);
  }
  reply.uses = () => uses.slice();
  return reply;
}

/**
 * Fixtures kept as JSON: `json` is the text of a .json file or the value it parses to,
 * either an array of rules or { fixtures: [rules], fallback? }. Returns { rules, fallback }
 * for fixturesReply(rules, { fallback }), every rule already checked. RegExps are written
 * { "regex": "…", "flags": "i" }; an answer may be { "builtin": "markdown", "lang": "zh" }.
 */
export function readFixtures(json) {
  const where = 'readFixtures';
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new TypeError(`${where}: the text is not JSON: ${error.message}`);
    }
  }
  let rules;
  let fallback;
  if (Array.isArray(value)) {
    rules = value;
  } else if (isPlainObject(value)) {
    checkKeys(where, value, ['fixtures', 'fallback']);
    ({ fixtures: rules, fallback } = value);
    if (!Array.isArray(rules)) throw new TypeError(`${where}: "fixtures" must be an array of rules, got ${describe(rules)}`);
  } else {
    throw new TypeError(`${where}: expected an array of rules or { fixtures, fallback }, got ${describe(value)}`);
  }
  for (const [i, rule] of rules.entries()) {
    if (isPlainObject(rule) && typeof rule.answer === 'function') throw new TypeError(`${where}: rules[${i}].answer is a function, which JSON cannot hold`);
  }
  fixturesReply(rules, fallback === undefined ? undefined : { fallback }); // checks every rule now
  return fallback === undefined ? { rules } : { rules, fallback };
}
