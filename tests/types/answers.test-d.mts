// The types of the answers modules (src/js/answers/*.d.mts) as a user's TypeScript sees them:
// what builtinAnswer, fixturesReply and parseTranscript take and give, and the mistakes the
// compiler must refuse. Checked by `tsc -p tests/types`; never run.
import { ANSWER_NAMES, builtinAnswer } from '../../src/js/answers/builtin.mjs';
import type { Answer, AnswerName } from '../../src/js/answers/builtin.mjs';
import { fixturesReply, readFixtures } from '../../src/js/answers/fixtures.mjs';
import type { FixtureRule, ReplyRequest } from '../../src/js/answers/fixtures.mjs';
import { parseTranscript, recordTranscript } from '../../src/js/answers/transcript.mjs';
import type { ParsedTranscript, TimedTranscript } from '../../src/js/answers/transcript.mjs';
import { type Equal, exact, expectType } from './check.mjs';

exact<Equal<typeof ANSWER_NAMES, readonly AnswerName[]>>();
expectType<Answer>(builtinAnswer('markdown'));
expectType<Answer>(builtinAnswer('long', 'zh'));
// @ts-expect-error: no such answer
builtinAnswer('sonnet');
// @ts-expect-error: only English and Chinese
builtinAnswer('markdown', 'fr');

const rules: FixtureRule[] = [
  { match: { lastUserText: 'weather', format: ['openai-chat', 'anthropic'] }, answer: 'sunny', times: 2 },
  { match: { model: { regex: '^gpt', flags: 'i' }, messageCount: 1 }, answer: { builtin: 'table', lang: 'zh' } },
  { match: { lastUserText: /order (\d+)/ }, answer: (request, match) => `${request.format} ${match.lastUserText?.[1] ?? ''}` },
  { answer: async () => ({ text: 'later', finishReason: 'stop' }) },
];
const reply = fixturesReply(rules, { fallback: 'none' });
declare const request: ReplyRequest;
expectType<string | Answer | Promise<string | Answer>>(reply(request));
exact<Equal<ReturnType<typeof reply.uses>, number[]>>();
expectType<FixtureRule[]>(readFixtures('[]').rules);
// @ts-expect-error: format names are checked
fixturesReply([{ match: { format: 'openai' }, answer: 'x' }]);
// @ts-expect-error: an answer is required
fixturesReply([{ match: {} }]);

const parsed = parseTranscript('data: {}\n\n', { format: 'openai-chat' });
exact<Equal<typeof parsed, ParsedTranscript>>();
exact<Equal<typeof parsed.chunks[number]['kind'], 'reasoning' | 'text' | 'tool'>>();
parseTranscript({ events: [{ t: 0, data: 'x' }] });
declare const response: Response;
expectType<Promise<TimedTranscript>>(recordTranscript(response, { now: () => 0 }));
// @ts-expect-error: not a format
parseTranscript('x', { format: 'openai' });
// A recording replayed at its own times: the parsed answer with its chunks is an Answer.
const replayed: Answer = { ...parsed.answer, chunks: parsed.chunks, ttftMs: parsed.ttftMs };
expectType<Answer>(replayed);
// @ts-expect-error: a chunk is reasoning, text or a tool call's arguments
const wrongChunk: Answer = { text: 'x', chunks: [{ kind: 'words', text: 'x' }] };

import { builtinReply, languageOf } from '../../src/js/answers/reply.mjs';
expectType<(request: ReplyRequest) => Promise<Answer>>(builtinReply('emoji', 'auto'));
exact<Equal<ReturnType<typeof languageOf>, 'en' | 'zh'>>();
// @ts-expect-error: no such answer
builtinReply('haiku');
fixturesReply([{ answer: { builtin: 'rtl', lang: 'auto' } }]);
