// The built-in answers and the fixtures: every answer in both languages is an answer
// trickle accepts and is the markdown its name promises (checked by a small structural
// reader below, not a markdown library); the long one is long and always the same; fixture
// rules pick answers first-match-first, run out after `times`, fall back, load from JSON,
// and refuse bad rules when they are made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createTrickle from '../../src/js/trickle.mjs';
import { readAnswer } from '../../src/js/internal/answer-checks.mjs';
import { ANSWER_DESCRIPTIONS, ANSWER_LANGS, ANSWER_NAMES, builtinAnswer } from '../../src/js/answers/builtin.mjs';
import { fixturesReply, readFixtures } from '../../src/js/answers/fixtures.mjs';
import { builtinReply, languageOf } from '../../src/js/answers/reply.mjs';
import { assertReadmeExampleRuns } from './support.mjs';

// ---- A cheap structural reader of markdown ----------------------------------------------

/** Fenced blocks ({ lang, fence, body }) and the lines outside them; `open`: a fence never closed. */
function fencesOf(text) {
  const blocks = [];
  const outside = [];
  let current = null;
  for (const line of text.split('\n')) {
    if (current === null) {
      const opening = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
      if (opening !== null) {
        current = { fence: opening[1], lang: opening[2], body: [] };
      } else {
        outside.push(line);
      }
    } else if (new RegExp(`^ {0,3}${current.fence[0] === '`' ? '`' : '~'}{${current.fence.length},}\\s*$`).test(line)) {
      blocks.push(current);
      current = null;
    } else {
      current.body.push(line);
    }
  }
  return { blocks, outside, open: current };
}

/** The cells of a table row: split on pipes that are not escaped, outer pipes dropped. */
function cellsOf(row) {
  const cells = row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/);
  return cells.map((cell) => cell.trim());
}

const DELIMITER = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/;

/** The GFM tables outside fences: runs of pipe lines whose second line is a delimiter row. */
function tablesOf(text) {
  const { outside } = fencesOf(text);
  const tables = [];
  for (let i = 0; i + 1 < outside.length; i++) {
    if (!outside[i].includes('|') || !DELIMITER.test(outside[i + 1].trim())) continue;
    const rows = [outside[i], outside[i + 1]];
    let j = i + 2;
    while (j < outside.length && outside[j].includes('|')) rows.push(outside[j++]);
    tables.push(rows.map(cellsOf));
    i = j - 1;
  }
  return tables;
}

const han = (text) => (text.match(/\p{Script=Han}/gu) ?? []).length;
const every = (fn) => { for (const lang of ANSWER_LANGS) fn(lang); };

// ---- The built-in answers ---------------------------------------------------------------

test('every built-in answer, in English and in Chinese, is an answer readAnswer accepts', () => {
  assert.deepEqual(Object.keys(ANSWER_DESCRIPTIONS), [...ANSWER_NAMES]);
  assert.ok(ANSWER_NAMES.length >= 10);
  for (const name of ANSWER_NAMES) {
    for (const lang of ANSWER_LANGS) {
      const answer = builtinAnswer(name, lang);
      const read = readAnswer(`${name}/${lang}`, answer);
      assert.ok(read.text.length > 0, `${name}/${lang} has text`);
      // readAnswer turns lone surrogates into U+FFFD: a well-formed answer comes out the same.
      assert.equal(read.text, answer.text, `${name}/${lang} is well-formed UTF-16`);
    }
  }
});

test('the Chinese answers are written in Chinese and the English ones in English', () => {
  for (const name of ANSWER_NAMES) {
    const zh = builtinAnswer(name, 'zh').text;
    const en = builtinAnswer(name, 'en').text;
    assert.ok(han(zh) >= 15, `${name}/zh has ${han(zh)} Han characters`);
    assert.ok(han(en) <= 10, `${name}/en has ${han(en)} Han characters`);
    assert.notEqual(zh, en);
  }
});

test('builtinAnswer defaults to English and refuses unknown names and languages, listing what it has', () => {
  assert.deepEqual(builtinAnswer('markdown'), builtinAnswer('markdown', 'en'));
  assert.throws(() => builtinAnswer('poem'), (error) => error instanceof RangeError
    && ANSWER_NAMES.every((name) => error.message.includes(name)));
  assert.throws(() => builtinAnswer('markdown', 'fr'), { name: 'RangeError', message: /'en' or 'zh'/ });
  assert.throws(() => builtinAnswer(7), TypeError);
  assert.throws(() => builtinAnswer(), TypeError);
});

test('each call gives a fresh answer object: changing one does not change the next', () => {
  const first = builtinAnswer('tool-call');
  first.toolCalls[0].arguments.city = 'changed';
  first.toolCalls.push({ name: 'extra', arguments: {} });
  const second = builtinAnswer('tool-call');
  assert.equal(second.toolCalls[0].arguments.city, 'Zürich');
  assert.equal(second.toolCalls.length, 2);
});

test('the long answer is at least 20,000 words in both languages, and the same text on every call', async () => {
  const english = builtinAnswer('long', 'en').text;
  const words = english.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  assert.ok(words >= 20_000, `${words} English words`);
  // V8's segmenter copies the whole input into every segment it yields: go paragraph by
  // paragraph, or 50,000 characters take gigabytes.
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  const chinese = builtinAnswer('long', 'zh').text;
  let chineseWords = 0;
  for (const paragraph of chinese.split('\n')) {
    for (const segment of segmenter.segment(paragraph)) if (segment.isWordLike) chineseWords++;
  }
  assert.ok(chineseWords >= 20_000, `${chineseWords} Chinese words`);
  assert.equal(builtinAnswer('long', 'en').text, english);
  // A second copy of the generator, with nothing cached, makes the same text: the seed,
  // not the cache, is what keeps it the same.
  const fresh = await import(`../../src/js/answers/generated.mjs?fresh=${Date.now()}`);
  assert.equal(fresh.longText('en'), english);
  assert.equal(fresh.longText('zh'), chinese);
  assert.equal(fresh.longLineText('zh'), builtinAnswer('long-line', 'zh').text);
  // It is an essay, not one sentence repeated: many distinct sentences, with sections.
  const sentences = new Set(english.match(/[^.?!\n]+[.?!]/g));
  assert.ok(sentences.size > 500, `${sentences.size} distinct sentences`);
  assert.ok((english.match(/^## /gm) ?? []).length >= 20);
  assert.equal(fencesOf(english).open, null);
});

test('markdown: headings of four levels, nested lists, task items, nested quotes, links, inline code, a table', () => {
  every((lang) => {
    const { text } = builtinAnswer('markdown', lang);
    const { outside, open } = fencesOf(text);
    assert.equal(open, null, `${lang}: every fence is closed`);
    const levels = new Set(outside.filter((line) => /^#{1,6} \S/.test(line)).map((line) => line.indexOf(' ')));
    for (const level of [1, 2, 3, 4]) assert.ok(levels.has(level), `${lang}: a level-${level} heading`);
    // A list item indented under another, two levels deep, ordered inside unordered too.
    assert.ok(outside.some((line) => /^ {2,3}- /.test(line)), `${lang}: a nested bullet`);
    assert.ok(outside.some((line) => /^ {6,}- /.test(line)), `${lang}: a third-level bullet`);
    assert.ok(outside.some((line) => /^ {3}\d+\. /.test(line)), `${lang}: a nested numbered item`);
    assert.ok(outside.some((line) => /^- \[x\] /.test(line)) && outside.some((line) => /^- \[ \] /.test(line)), `${lang}: task items`);
    assert.ok(outside.some((line) => /^> > \S/.test(line)), `${lang}: a nested quote`);
    assert.match(text, /\[[^\]]+\]\(https?:\/\/[^)\s]+( "[^"]+")?\)/, `${lang}: an inline link`);
    assert.match(text, /<https?:\/\/[^>\s]+>/, `${lang}: an autolink`);
    assert.match(text, /\[[^\]]+\]\(#[^)]+\)/, `${lang}: a link to a heading`);
    assert.match(text, /(?<!`)`[^`\n]+`(?!`)/, `${lang}: inline code`);
    assert.match(text, /\*\*[^*\n]+\*\*/, `${lang}: bold`);
    assert.match(text, /~~[^~\n]+~~/, `${lang}: strikethrough`);
    assert.ok(outside.includes('---'), `${lang}: a rule`);
    assert.equal(tablesOf(text).length, 1, `${lang}: one table`);
  });
});

test('code: closed fences in eight languages, a tilde fence with backticks inside, an indented block', () => {
  every((lang) => {
    const { text } = builtinAnswer('code', lang);
    const { blocks, outside, open } = fencesOf(text);
    assert.equal(open, null, `${lang}: every fence is closed`);
    const langs = new Set(blocks.map((block) => block.lang));
    for (const name of ['python', 'typescript', 'rust', 'cpp', 'sql', 'json', 'bash', 'diff']) assert.ok(langs.has(name), `${lang}: a ${name} block`);
    const tilde = blocks.find((block) => block.fence.startsWith('~'));
    assert.ok(tilde?.body.some((line) => line.includes('```')), `${lang}: a tilde fence holding backticks`);
    JSON.parse(blocks.find((block) => block.lang === 'json').body.join('\n')); // the JSON block is JSON
    assert.ok(outside.some((line, i) => /^ {4}\S/.test(line) && outside[i - 1] === ''), `${lang}: an indented code block`);
    assert.match(text, /`` [^`\n]*`[^`\n]+`[^`\n]* ``/, `${lang}: inline code with a backtick inside`);
  });
});

test('truncated: cut off by the length limit inside a code fence that never closes', () => {
  every((lang) => {
    const answer = builtinAnswer('truncated', lang);
    assert.equal(answer.finishReason, 'length');
    const { open, blocks } = fencesOf(answer.text);
    assert.equal(open?.lang, 'python', `${lang}: the python fence is still open at the end`);
    assert.equal(blocks.length, 0);
    assert.doesNotMatch(answer.text, /[.。\n]$/, `${lang}: ends mid-word`);
  });
});

test('table: every table has a delimiter row and as many cells in each row as in its header', () => {
  every((lang) => {
    const tables = tablesOf(builtinAnswer('table', lang).text);
    assert.ok(tables.length >= 6, `${lang}: ${tables.length} tables`);
    for (const rows of tables) {
      for (const row of rows) assert.equal(row.length, rows[0].length, `${lang}: ${JSON.stringify(row)}`);
    }
    assert.ok(tables.some((rows) => rows[0].length >= 16), `${lang}: a 16-column table`);
    assert.ok(tables.some((rows) => rows[1].some((cell) => cell.startsWith(':')) && rows[1].some((cell) => cell.endsWith(':') && !cell.startsWith(':'))), `${lang}: alignment`);
    assert.ok(tables.some((rows) => rows.slice(2).some((row) => row.includes(''))), `${lang}: an empty cell`);
    assert.ok(tables.some((rows) => rows[0].length === 1), `${lang}: a one-column table`);
    assert.ok(tables.some((rows) => rows.some((row) => row.some((cell) => cell.includes('\\|')))), `${lang}: an escaped pipe in a cell`);
  });
  // The table in other answers is a table too.
  every((lang) => assert.equal(tablesOf(builtinAnswer('reasoning', lang).text).length, 1));
});

test('math: inline and display LaTeX in both syntaxes, balanced environments, and dollars that are prices', () => {
  every((lang) => {
    const { text } = builtinAnswer('math', lang);
    const displays = text.match(/\$\$/g) ?? [];
    assert.ok(displays.length >= 8 && displays.length % 2 === 0, `${lang}: $$ blocks come in pairs`);
    assert.equal((text.match(/\\\[/g) ?? []).length, (text.match(/\\\]/g) ?? []).length, `${lang}: \\[ \\] pairs`);
    assert.ok(/\\\(.+?\\\)/.test(text), `${lang}: inline \\( \\)`);
    const begins = [...text.matchAll(/\\begin\{(\w+)\}/g)].map((m) => m[1]);
    const ends = [...text.matchAll(/\\end\{(\w+)\}/g)].map((m) => m[1]);
    assert.deepEqual(begins, ends, `${lang}: environments close in order`);
    assert.ok(begins.includes('aligned') && begins.includes('pmatrix') && begins.includes('cases'));
    // Inline $…$ outside display blocks.
    const inline = text.replace(/\$\$[\s\S]*?\$\$/g, '').match(/\$[^$\n]+\$/g) ?? [];
    assert.ok(inline.some((math) => /\\frac|\\lim|\^/.test(math)), `${lang}: inline math`);
    assert.match(text, /\$5\b/, `${lang}: a dollar price`);
    let depth = 0;
    for (const char of text) {
      depth += char === '{' ? 1 : char === '}' ? -1 : 0;
      assert.ok(depth >= 0, `${lang}: braces balance`);
    }
    assert.equal(depth, 0);
  });
});

test('emoji: ZWJ sequences, skin tones, flags and tag sequences are each one grapheme', () => {
  const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
  every((lang) => {
    const { text } = builtinAnswer('emoji', lang);
    const clusters = [...graphemes.segment(text)].map((s) => s.segment);
    const zwj = clusters.filter((cluster) => cluster.includes('\u200D') && [...cluster].length >= 3);
    assert.ok(new Set(zwj).size >= 8, `${lang}: ${new Set(zwj).size} distinct ZWJ sequences, each one grapheme`);
    assert.ok(clusters.some((cluster) => [...cluster].length === 7 && cluster.includes('\u200D')), `${lang}: the family of four in one grapheme`);
    const toned = clusters.filter((cluster) => /\p{Emoji_Modifier}/u.test(cluster));
    assert.ok(new Set(toned.map((c) => [...c].at(-1))).size >= 5, `${lang}: five skin tones`);
    const flags = clusters.filter((cluster) => /^\p{Regional_Indicator}{2}$/u.test(cluster));
    assert.ok(new Set(flags).size >= 6, `${lang}: ${new Set(flags).size} country flags`);
    assert.ok(clusters.some((cluster) => /^\p{Regional_Indicator}$/u.test(cluster)), `${lang}: a lone regional indicator`);
    assert.ok(clusters.some((cluster) => cluster.startsWith('\u{1F3F4}') && cluster.endsWith('\u{E007F}')), `${lang}: a tag-sequence flag`);
    assert.ok(text.includes('\uFE0E') && text.includes('\uFE0F') && text.includes('\u20E3'), `${lang}: variation selectors and keycaps`);
  });
});

test('rtl: Arabic and Hebrew, on lines of their own and mixed with left-to-right text', () => {
  every((lang) => {
    const lines = builtinAnswer('rtl', lang).text.split('\n');
    const rtl = /[\p{Script=Arabic}\p{Script=Hebrew}]/u;
    const ltr = lang === 'zh' ? /\p{Script=Han}/u : /\p{Script=Latin}{3}/u;
    assert.ok(lines.some((line) => /\p{Script=Arabic}{4}/u.test(line)), `${lang}: Arabic`);
    assert.ok(lines.some((line) => /\p{Script=Hebrew}{4}/u.test(line)), `${lang}: Hebrew`);
    assert.ok(lines.filter((line) => rtl.test(line) && /\p{Script=Latin}|\d/u.test(line)).length >= 4, `${lang}: RTL lines with Latin or digits`);
    assert.ok(lines.filter((line) => rtl.test(line) && ltr.test(line)).length >= 3, `${lang}: RTL inside the answer's own language`);
    assert.ok(lines.some((line) => /\u2068[^\u2069]+\u2069/u.test(line)), `${lang}: a bidi isolate`);
    assert.ok(lines.some((line) => /[٠-٩]/.test(line)), `${lang}: Arabic-Indic digits`);
    assert.ok(tablesOf(lines.join('\n')).length === 1);
  });
});

test('long-line: a line of over 10,000 characters, and tokens with no break opportunity', () => {
  every((lang) => {
    const lines = builtinAnswer('long-line', lang).text.split('\n');
    const longest = lines.reduce((a, b) => (b.length > a.length ? b : a));
    assert.ok(longest.length >= 10_000, `${lang}: ${longest.length} characters`);
    if (lang === 'zh') assert.ok(!longest.includes(' '), 'the Chinese line has no space to break at');
    const json = fencesOf(lines.join('\n')).blocks.find((block) => block.lang === 'json');
    assert.equal(json.body.length, 1);
    assert.ok(JSON.parse(json.body[0]).length > 20);
    assert.ok(lines.some((line) => /^https:\/\/\S{1900,}$/.test(line)), `${lang}: a long URL`);
    assert.ok(lines.some((line) => /^[A-Za-z0-9+/]{1500,}$/.test(line)), `${lang}: an unbreakable blob`);
  });
});

test('reasoning, tool-call and escape carry what their names promise', () => {
  every((lang) => {
    const reasoning = builtinAnswer('reasoning', lang);
    assert.ok(reasoning.reasoning.split('\n\n').length >= 4, `${lang}: several paragraphs of thinking`);
    const calls = builtinAnswer('tool-call', lang);
    assert.equal(calls.finishReason, 'tool_calls');
    assert.deepEqual(calls.toolCalls.map((call) => call.name), ['get_weather', 'search_trains']);
    assert.ok(calls.toolCalls.every((call) => typeof call.arguments === 'object' && call.id.startsWith('call_')));
    assert.ok(Array.isArray(calls.toolCalls[1].arguments.passengers));
    const escape = builtinAnswer('escape', lang).text;
    for (const needle of ['<script>', 'onerror=', 'javascript:', '&amp;', '\u2028', '\u2029', '\u200B', '\uFEFF', '\u0301', '\t']) {
      assert.ok(escape.includes(needle), `${lang}: escape holds ${JSON.stringify(needle)}`);
    }
  });
});

// ---- Fixtures ---------------------------------------------------------------------------

const ask = (lastUserText, extra = {}) => ({
  format: 'openai-chat', model: 'gpt-test', messages: [{ role: 'user', content: lastUserText }], lastUserText, tools: undefined, stream: true, reasoning: false, ...extra,
});

test('fixtures: the first rule whose criteria all hold answers', async () => {
  const reply = fixturesReply([
    { match: { lastUserText: 'WEATHER', model: 'other-model' }, answer: 'never: wrong model' },
    { match: { lastUserText: 'weather' }, answer: 'sunny' },
    { match: { lastUserText: 'weather in' }, answer: 'never: a rule before matched' },
    { answer: 'anything else' },
  ]);
  assert.equal(await reply(ask('What is the Weather in Oslo?')), 'sunny');
  assert.equal(await reply(ask('hello')), 'anything else');
  assert.deepEqual(reply.uses(), [0, 1, 0, 1]);
});

test('fixtures: each criterion (text, model, format, message count) decides on its own', async () => {
  const reply = fixturesReply([
    { match: { format: ['anthropic', 'gemini'] }, answer: 'format' },
    { match: { model: /^gpt-4o(-mini)?$/ }, answer: 'model pattern' },
    { match: { model: 'gpt-test', messageCount: 3 }, answer: 'three messages' },
    { match: { lastUserText: /order (\d+)/i }, answer: (request, match) => `order ${match.lastUserText[1]} (rule ${match.rule}, use ${match.count})` },
  ], { fallback: { text: 'fallback', finishReason: 'stop' } });
  assert.equal(await reply(ask('x', { format: 'gemini' })), 'format');
  assert.equal(await reply(ask('x', { model: 'gpt-4o-mini' })), 'model pattern');
  assert.deepEqual(await reply(ask('x', { model: 'gpt-4o-mini-2' })), { text: 'fallback', finishReason: 'stop' });
  assert.equal(await reply(ask('x', { messages: [{}, {}, {}] })), 'three messages');
  assert.equal(await reply(ask('Where is ORDER 42?')), 'order 42 (rule 3, use 0)');
  assert.equal(await reply(ask('and order 7')), 'order 7 (rule 3, use 1)');
  // A model given as a string is the exact name, not a prefix.
  const exact = fixturesReply([{ match: { model: 'gpt-4' }, answer: 'exact' }], { fallback: 'no' });
  assert.equal(await exact(ask('x', { model: 'gpt-4-turbo' })), 'no');
  assert.equal(await exact(ask('x', { model: 'gpt-4' })), 'exact');
});

test('fixtures: a rule with times answers that many requests, then the next rule does', async () => {
  const reply = fixturesReply([
    { match: { lastUserText: 'retry' }, answer: 'first try', times: 2 },
    { match: { lastUserText: 'retry' }, answer: 'third try', times: 1 },
  ], { fallback: 'all spent' });
  const got = [];
  for (let i = 0; i < 4; i++) got.push(await reply(ask('please retry')));
  assert.deepEqual(got, ['first try', 'first try', 'third try', 'all spent']);
  assert.deepEqual(reply.uses(), [2, 1]);
  // A pattern with the g flag matches every time, not every other time.
  const sticky = fixturesReply([{ match: { lastUserText: /a/g }, answer: 'a' }], { fallback: 'missed' });
  assert.deepEqual([await sticky(ask('a')), await sticky(ask('a')), await sticky(ask('a'))], ['a', 'a', 'a']);
});

test('fixtures: with no rule matching and no fallback, the reply says so, and createFetch answers 500', async () => {
  const reply = fixturesReply([{ match: { lastUserText: 'only this' }, answer: 'ok' }]);
  assert.throws(() => reply(ask('something else')), /no fixture matches .*something else/);
  const trickle = await createTrickle();
  const fetch = trickle.createFetch({ reply, delayMs: 0 });
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'something else' }] });
  const response = await fetch('https://api.test/v1/chat/completions', { method: 'POST', body });
  assert.equal(response.status, 500);
  assert.match((await response.json()).error.message, /no fixture matches/);
  const ok = await fetch('https://api.test/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'only this' }] }) });
  assert.equal((await ok.json()).choices[0].message.content, 'ok');
});

test('fixtures: the JSON-safe shape (regex objects, built-in answers) works like the JavaScript one', async () => {
  const json = JSON.stringify({
    fixtures: [
      { match: { lastUserText: { regex: '^show me (markdown|code)$', flags: 'i' } }, answer: { builtin: 'markdown', lang: 'zh' }, times: 1 },
      { match: { model: { regex: 'claude' }, format: 'anthropic' }, answer: { text: 'from claude', reasoning: 'hmm' } },
      { match: { lastUserText: 'tool' }, answer: { toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] } },
    ],
    fallback: 'nothing matched',
  });
  const { rules, fallback } = readFixtures(json);
  const reply = fixturesReply(rules, { fallback });
  assert.deepEqual(await reply(ask('Show me MARKDOWN')), builtinAnswer('markdown', 'zh'));
  assert.equal(await reply(ask('show me markdown')), 'nothing matched', 'times: 1 is spent');
  assert.deepEqual(await reply(ask('x', { format: 'anthropic', model: 'claude-x' })), { text: 'from claude', reasoning: 'hmm' });
  assert.equal((await reply(ask('use a tool'))).toolCalls[0].name, 'lookup');
  // A bare array of rules is a fixture file too; the value may be given already parsed.
  assert.equal(readFixtures([{ answer: 'x' }]).rules.length, 1);
  assert.equal(readFixtures(JSON.parse(json)).fallback, 'nothing matched');
  // Through createFetch, with a client's request.
  const trickle = await createTrickle();
  const fetch = trickle.createFetch({ reply: fixturesReply(rules, { fallback }), delayMs: 0 });
  const response = await fetch('https://api.test/v1/messages', { method: 'POST', body: JSON.stringify({ model: 'claude-3', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }) });
  const message = await response.json();
  assert.equal(message.content.find((block) => block.type === 'text').text, 'from claude');
});

test('fixtures: bad rules are refused when the reply is made, with the rule and key named', () => {
  const refuse = (rules, pattern, type = TypeError, options) => assert.throws(() => fixturesReply(rules, options), (error) => error instanceof type && pattern.test(error.message), String(pattern));
  refuse('not an array', /rules must be an array/);
  refuse([null], /rules\[0\] must be/);
  refuse([{ answer: 'x', when: {} }], /rules\[0\]: unknown key "when"/);
  refuse([{ match: { userMessage: 'x' }, answer: 'x' }], /rules\[0\]\.match: unknown key "userMessage" \(known: lastUserText, model, format, messageCount\)/);
  refuse([{ match: 'hello', answer: 'x' }], /rules\[0\]\.match must be an object/);
  refuse([{ match: { model: 5 }, answer: 'x' }], /rules\[0\]\.match\.model must be a string, a RegExp or \{ regex, flags \}/);
  refuse([{ match: { lastUserText: { regex: '(' } }, answer: 'x' }], /lastUserText: not a valid regular expression/);
  refuse([{ match: { lastUserText: { regex: 'a', flag: 'i' } }, answer: 'x' }], /unknown key "flag"/);
  refuse([{ match: { format: 'klingon' }, answer: 'x' }], /unknown format "klingon"/, RangeError);
  refuse([{ match: { format: [] }, answer: 'x' }], /format must be a format name or a non-empty array/);
  refuse([{ match: { messageCount: -1 }, answer: 'x' }], /messageCount must be a whole number/);
  refuse([{ match: {} }], /rules\[0\]\.answer is missing/);
  refuse([{ answer: { text: 5 } }], /rules\[0\]\.answer: answer\.text must be a string/);
  refuse([{ answer: { text: 'x', colour: 'red' } }], /unknown option "colour"/);
  refuse([{ answer: { builtin: 'sonnet' } }], /rules\[0\]\.answer: no built-in answer is called "sonnet"/, RangeError);
  refuse([{ answer: { builtin: 'markdown', lang: 'de' } }], /lang must be 'en', 'zh' or 'auto'/, RangeError);
  refuse([{ answer: { builtin: 3 } }], /answer\.builtin must be the name of a built-in answer/);
  refuse([{ answer: 'x', times: 0 }], /times must be a whole number from 1/, RangeError);
  refuse([{ answer: 'x', times: '2' }], /times must be a number/);
  refuse([], /unknown key "fallbak"/, TypeError, { fallbak: 'x' });
  refuse([], /options\.fallback: answer\.toolCalls must be an array/, TypeError, { fallback: { toolCalls: 'x' } });
  assert.throws(() => readFixtures('{ not json'), /the text is not JSON/);
  assert.throws(() => readFixtures({ rules: [] }), /unknown key "rules"/);
  assert.throws(() => readFixtures({ fixtures: [{ answer: () => 'x' }] }), /a function, which JSON cannot hold/);
  assert.throws(() => readFixtures({ fixtures: [{ match: { model: 3 }, answer: 'x' }] }), /rules\[0\]\.match\.model/);
});

test('fixtures: a function answer that returns no answer fails with the rule named', async () => {
  const reply = fixturesReply([{ answer: () => ({ txt: 'typo' }) }]);
  await assert.rejects(reply(ask('x')), /rules\[0\]\.answer: the answer: unknown option "txt"/);
});

test('builtinReply answers every request with a built-in answer, in the language the user wrote in', async () => {
  const auto = builtinReply('table');
  assert.deepEqual(await auto(ask('给我看一个表格')), builtinAnswer('table', 'zh'));
  assert.deepEqual(await auto(ask('show me a table')), builtinAnswer('table', 'en'));
  assert.deepEqual(await builtinReply('math', 'zh')(ask('in English please')), builtinAnswer('math', 'zh'));
  assert.equal(languageOf('mixed 中文 text'), 'zh');
  assert.equal(languageOf(undefined), 'en');
  assert.throws(() => builtinReply('haiku'), { name: 'RangeError', message: /builtinReply: no built-in answer is called "haiku"/ });
  assert.throws(() => builtinReply('math', 'ja'), RangeError);
  // Through createFetch: a fixture's { builtin } with the default 'auto' answers in kind.
  const trickle = await createTrickle();
  const fetch = trickle.createFetch({ reply: fixturesReply([{ answer: { builtin: 'reasoning' } }]), delayMs: 0 });
  const post = (content) => fetch('https://api.test/api/chat', { method: 'POST', body: JSON.stringify({ model: 'llama', stream: false, messages: [{ role: 'user', content }] }) });
  assert.equal((await (await post('队列还是日志?')).json()).message.content, builtinAnswer('reasoning', 'zh').text);
  assert.equal((await (await post('queue or log?')).json()).message.thinking, builtinAnswer('reasoning', 'en').reasoning);
});

test('the README\'s answers example runs and prints what it says', async () => {
  await assertReadmeExampleRuns('<!-- answers-example -->', '<!-- answers-prints -->');
});
