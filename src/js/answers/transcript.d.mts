// Types of transcript.mjs: recorded streams read back for replay (docs/answers.md).
import type { WireFormat } from './fixtures.mjs';

/** One delta as the provider cut it. */
export interface TranscriptChunk {
  kind: 'reasoning' | 'text' | 'tool';
  /** For kind 'tool': which call (its index in answer.toolCalls). */
  tool?: number;
  text: string;
  /** Milliseconds after the first chunk, when the recording has times. */
  atMs?: number;
}

export interface ParsedTranscript {
  format: WireFormat;
  answer: {
    text: string;
    reasoning: string;
    toolCalls: { id?: string; name: string; arguments: string }[];
    finishReason: 'stop' | 'length' | 'tool_calls';
  };
  chunks: TranscriptChunk[];
  /** The stream said how it finished (and ended with its end marker, where it has one). */
  complete: boolean;
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number; reasoningTokens?: number };
  model?: string;
  /** The format's mid-stream error, when the stream carried one. */
  error?: { message: string };
  /** From the request to the first chunk. */
  ttftMs?: number;
  /** From the first chunk to the last. */
  durationMs?: number;
}

/** A recording with times: each event a piece of the body, `t` ms from the request. */
export interface TimedTranscript {
  format?: WireFormat;
  events: { t: number; data: string }[];
}

/** A HAR as browsers save it (only the fields read here). */
export interface HarLike {
  log: { entries: unknown[] };
}

export declare function parseTranscript(
  input: string | ArrayBuffer | ArrayBufferView | TimedTranscript | HarLike | object[],
  options?: { format?: WireFormat },
): ParsedTranscript;

export declare function recordTranscript(response: Response, options?: { now?: () => number }): Promise<TimedTranscript>;
