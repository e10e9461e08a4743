// A built-in answer as a reply function: what createFetch's `reply: 'markdown'` becomes, and
// what a fixture's { builtin } answer uses. Small on purpose: the name is checked now, from
// names.mjs, and the answers themselves (builtin.mjs) are imported at the first request.
import { lazyModule } from '../internal/provided.mjs';
import { checkAnswerName } from './names.mjs';

let loading = null;

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
    const { builtinAnswer } = await (loading ??= lazyModule('answers', () => import('./builtin.mjs')));
    return builtinAnswer(name, lang === 'auto' ? languageOf(request?.lastUserText) : lang);
  };
}
