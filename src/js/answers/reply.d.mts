// Types of reply.mjs: a built-in answer as a reply function.
import type { Answer, AnswerLang, AnswerName } from './builtin.mjs';
import type { ReplyRequest } from './fixtures.mjs';

/** 'zh' when the text has a Han character, else 'en'. */
export declare function languageOf(text: string | undefined): AnswerLang;

/** Answers every request with the built-in answer `name`; 'auto': in the user's language. */
export declare function builtinReply(name: AnswerName, lang?: AnswerLang | 'auto'): (request: ReplyRequest) => Promise<Answer>;
