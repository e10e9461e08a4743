// The package by its name, as an application imports it: 'trickle' and 'trickle/toolbox'
// resolve through package.json's exports map (its "types" conditions) to the declarations
// scripts/build copies into dist/js/. The same API as the sources the other type tests read.
import createTrickle, { ManualClock, MAX_TEXT_LENGTH } from 'trickle';
import type { CreateOptions, Trickle, TrickleStream } from 'trickle';
import { gather, ManualClock as ToolboxManualClock, merge } from 'trickle/toolbox';
import type * as Package from 'trickle';
import type * as PackageToolbox from 'trickle/toolbox';
import type * as Source from '../../src/js/trickle.mjs';
import type * as SourceToolbox from '../../src/js/toolbox.mjs';
import { builtinAnswer } from 'trickle/answers/builtin.mjs';
import { builtinReply } from 'trickle/answers/reply.mjs';
import { fixturesReply } from 'trickle/answers/fixtures.mjs';
import { parseTranscript } from 'trickle/answers/transcript.mjs';
import type { Answer } from 'trickle/answers/builtin.mjs';
import type { ParsedTranscript } from 'trickle/answers/transcript.mjs';
import { type Equal, exact } from './check.mjs';

// The built declarations export the same names as the sources (a dist/ older than src/ fails).
exact<Equal<keyof typeof Package, keyof typeof Source>>();
exact<Equal<keyof typeof PackageToolbox, keyof typeof SourceToolbox>>();
exact<Equal<keyof Package.StreamOptions, keyof Source.StreamOptions>>();
exact<Equal<keyof Package.TrickleStats, keyof Source.TrickleStats>>();

export async function theLessonsSentence(): Promise<string[]> {
  const trickle = await createTrickle({ clock: 'manual' });
  exact<Equal<typeof trickle, Trickle>>();
  exact<Equal<typeof MAX_TEXT_LENGTH, number>>();
  const stream = trickle.stream('你好 我 是 一个 模拟 的 LLM', { delayMs: 100 });
  exact<Equal<typeof stream, TrickleStream>>();
  const [chunks] = await gather([stream]);
  exact<Equal<typeof chunks, string[]>>();
  for await (const { index, value } of merge([trickle.chat('hi'), Promise.resolve(1)])) {
    exact<Equal<typeof index, number>>();
    exact<Equal<typeof value, string | number>>();
  }
  return chunks;
}

exact<Equal<typeof ToolboxManualClock, typeof ManualClock>>();
export const options: CreateOptions = { clock: new ToolboxManualClock(), wasm: new URL('https://example.com/t.wasm') };
// @ts-expect-error unknown option, through the package's types as through the sources'
export const misspelt: CreateOptions = { clokc: 'manual' };

// The answers' modules resolve through their subpaths, with their types.
export const table: Answer = builtinAnswer('table');
export const parsed: ParsedTranscript = parseTranscript('data: [DONE]\n\n');
export const replies = [builtinReply('code'), fixturesReply([{ answer: 'hello' }])];
// @ts-expect-error: no such built-in answer, through the package as through the sources
builtinAnswer('sonnet');
