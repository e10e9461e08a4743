// Types of builtin.mjs: the built-in answers (docs/answers.md lists what each stresses).

/** A tool call as an answer gives it: arguments as an object, or one JSON object as text. */
export interface AnswerToolCall {
  id?: string;
  name: string;
  arguments: Record<string, unknown> | string;
}

/** What the model says (the shape createFetch's reply returns, besides a plain string): one declaration, trickle's. */
export type { Answer, AnswerChunk } from '../trickle.mjs';
import type { Answer } from '../trickle.mjs';

export type AnswerName =
  | 'markdown' | 'code' | 'table' | 'math' | 'emoji' | 'rtl' | 'long-line' | 'long'
  | 'reasoning' | 'tool-call' | 'truncated' | 'escape';

export type AnswerLang = 'en' | 'zh';

export declare const ANSWER_NAMES: readonly AnswerName[];
export declare const ANSWER_LANGS: readonly AnswerLang[];
/** For each name, what a chat UI must get right to show that answer. */
export declare const ANSWER_DESCRIPTIONS: Readonly<Record<AnswerName, string>>;

/** A fresh copy of the built-in answer; RangeError for an unknown name or language. */
export declare function builtinAnswer(name: AnswerName, lang?: AnswerLang): Answer;
