// The site's endpoints, answered by trickle.createFetch(): the Service Worker hands them
// every request it answers, and where no worker runs (file://, private windows) the page
// hands them the same requests itself, so both give the same bytes.
//
//   GET  chat?prompt=…[&answer=auto|lesson][&lang=en|zh][&pace=<preset>]
//        the lesson's endpoint: its template (the default, as in the lesson), or an answer
//        in the page's language (answers.mjs); a word every 500 ms, or a timing preset
//   POST v1/chat/completions, v1/responses, v1/messages, api/chat,
//        v1beta/models/{model}:streamGenerateContent
//        the wire formats, answering with the text of the last user message; the page's
//        playground adds its settings in an x-trickle-playground header (JSON, URI-encoded:
//        { options, fault, answer: { reasoning, toolCalls } }), other clients get
//        trickle.fetch's defaults.
import { chatAnswer, lessonPrompt } from './answers.mjs';

/** The playground's header: its stream options, faults and answer extras. */
export const PLAYGROUND_HEADER = 'x-trickle-playground';

// The paths, relative to the site, that are endpoints and not files.
const API_PATH = /^(?:chat|api\/chat|v1\/chat\/completions|v1\/responses|v1\/messages|v1beta\/models\/[^/]+:(?:stream)?[gG]enerateContent)$/;

/** Whether `path` (relative to the site, no leading slash) is an endpoint. */
export function isEndpoint(path) {
  return API_PATH.test(path);
}

// How an answer in each language is cut: Chinese a character at a time, the way Chinese
// model output arrives; English word by word, whitespace kept with the words. Not GPT
// tokens, though the library has them: they would make the first question on the page
// download the tokenizer and a 1 MB (gzipped) vocabulary; the playground offers them.
const SPLIT_FOR = { zh: { split: 'grapheme' }, en: { split: 'whitespace' } };

/** The chat endpoint's fetch for the request URL `url` (its query says what to answer). */
export function chatFetch(trickle, url) {
  const query = url.searchParams;
  const lang = query.get('lang') === 'en' ? 'en' : 'zh';
  const pace = query.get('pace');
  const options = pace && trickle.presets.includes(pace) ? { preset: pace } : {};
  if (query.get('answer') === 'auto') {
    return trickle.createFetch({ ...options, ...SPLIT_FOR[lang], reply: ({ lastUserText }) => chatAnswer(lastUserText, lang) });
  }
  return trickle.createFetch({ ...options, reply: ({ lastUserText }) => trickle.chatText(lessonPrompt(lastUserText)) });
}

/**
 * The settings the playground sends with a wire-format request, read back; throws a
 * TypeError when the header is not what the page writes.
 */
export function readPlaygroundHeader(value) {
  let settings;
  try {
    settings = JSON.parse(decodeURIComponent(value));
  } catch {
    throw new TypeError(`${PLAYGROUND_HEADER}: not URI-encoded JSON`);
  }
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new TypeError(`${PLAYGROUND_HEADER}: expected { options, fault, answer }`);
  }
  return settings;
}

/** The header's value for these settings. */
export function playgroundHeader(settings) {
  return encodeURIComponent(JSON.stringify(settings));
}

/**
 * The fetch for a wire-format request: with the playground's settings when it carries
 * them (the reply is the user's text, with the reasoning and tool calls asked for), else
 * trickle.fetch. Throws what createFetch throws for settings it refuses.
 */
export function apiFetch(trickle, request) {
  const header = request.headers.get(PLAYGROUND_HEADER);
  if (header === null) return trickle.fetch;
  const { options = {}, fault, answer = {} } = readPlaygroundHeader(header);
  const extras = {};
  if (typeof answer.reasoning === 'string' && answer.reasoning !== '') extras.reasoning = answer.reasoning;
  if (Array.isArray(answer.toolCalls) && answer.toolCalls.length > 0) extras.toolCalls = answer.toolCalls;
  return trickle.createFetch({ ...options, fault, reply: ({ lastUserText }) => ({ text: lastUserText, ...extras }) });
}

/**
 * The fetch that answers `request` (at `path`, relative to the site), or throws as apiFetch
 * does. The playground's plain text goes to the same path as the lesson's chat, with its
 * header: it is answered with the playground's settings.
 */
export function endpointFetch(trickle, request, path) {
  if (path === 'chat' && !request.headers.has(PLAYGROUND_HEADER)) return chatFetch(trickle, new URL(request.url));
  return apiFetch(trickle, request);
}
