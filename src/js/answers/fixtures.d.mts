// Types of fixtures.mjs: rules that pick an answer for a request (docs/answers.md).
import type { Answer, AnswerLang, AnswerName } from './builtin.mjs';

export type WireFormat = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'ui-message' | 'ollama' | 'plain-text';

/** What createFetch hands its reply. */
export interface ReplyRequest {
  format: WireFormat;
  model: string | undefined;
  messages: unknown[];
  lastUserText: string;
  tools: unknown[] | undefined;
  stream: boolean;
  reasoning: boolean;
}

/** A pattern: a RegExp, or its JSON-safe spelling. */
export type Pattern = RegExp | { regex: string; flags?: string };

export interface FixtureMatch {
  /** A string is a case-insensitive substring. */
  lastUserText?: string | Pattern;
  /** A string is the exact model name. */
  model?: string | Pattern;
  format?: WireFormat | WireFormat[];
  messageCount?: number;
}

/** What a function answer learns about its match. */
export interface MatchDetails {
  /** The rule's index in the rules (-1 for the fallback). */
  rule: number;
  /** How many requests this rule answered before this one. */
  count: number;
  /** The match array when the criterion was a pattern, else null. */
  lastUserText: RegExpExecArray | null;
  model: RegExpExecArray | null;
}

export type FixtureAnswer =
  | string
  | Answer
  | { builtin: AnswerName; lang?: AnswerLang | 'auto' }
  | ((request: ReplyRequest, match: MatchDetails) => string | Answer | Promise<string | Answer>);

export interface FixtureRule {
  match?: FixtureMatch;
  answer: FixtureAnswer;
  /** How many requests the rule answers, then it is skipped (default Infinity). */
  times?: number;
}

export interface FixturesReply {
  (request: ReplyRequest): string | Answer | Promise<string | Answer>;
  /** How many requests each rule has answered, in rule order. */
  uses(): number[];
}

export declare function fixturesReply(rules: readonly FixtureRule[], options?: { fallback?: FixtureAnswer }): FixturesReply;

/** Fixtures from JSON text (or its parsed value): an array of rules or { fixtures, fallback? }. */
export declare function readFixtures(json: unknown): { rules: FixtureRule[]; fallback?: FixtureAnswer };
