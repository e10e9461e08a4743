// Reading requests as the real APIs do: which format by method and path, what is asked by
// the body, and a 4xx with the provider's own rule where the body would be refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError, readBody, route } from '../../src/js/wire/requests.mjs';

const url = (path) => new URL(path, 'https://mock.test');

function read(method, path, body) {
  const where = url(path);
  const routed = route(method, where);
  if (routed instanceof WireError) throw routed;
  return readBody(routed.format, body, where);
}

test('each API is found by its method and path suffix, under any base path', () => {
  const formats = [
    ['POST', '/v1/chat/completions', 'openai-chat'],
    ['POST', '/proxy/openai/v1/responses', 'openai-responses'],
    ['POST', '/v1/messages', 'anthropic'],
    ['POST', '/v1beta/models/gemini-2.0-flash:streamGenerateContent', 'gemini'],
    ['POST', '/v1beta/models/gemini-2.0-flash:generateContent', 'gemini'],
    ['POST', '/api/chat', 'api-chat'],
    ['GET', '/trickle/chat', 'plain-text'],
    ['HEAD', '/chat', 'plain-text'],
  ];
  for (const [method, path, format] of formats) assert.deepEqual(route(method, url(path)), { format }, path);
});

test('an unknown path is a 404 and a known path with the wrong method a 405 that says which it takes', () => {
  const missing = route('POST', url('/v1/embeddings'));
  assert.ok(missing instanceof WireError);
  assert.equal(missing.status, 404);
  assert.match(missing.message, /no API answers \/v1\/embeddings/);
  const wrong = route('GET', url('/v1/chat/completions'));
  assert.equal(wrong.status, 405);
  assert.equal(wrong.format, 'openai-chat');
  assert.equal(wrong.allow, 'POST');
  assert.equal(route('POST', url('/chat')).allow, 'GET, HEAD');
});

test('OpenAI chat: model, messages, the last user text, tools, stream and include_usage', () => {
  const asked = read('POST', '/v1/chat/completions', {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'first ' }, { type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'question' }] },
      { role: 'assistant', content: 'an answer' },
      { role: 'user', content: 'the last question' },
    ],
    tools: [{ type: 'function', function: { name: 'weather', parameters: {} } }],
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(asked.format, 'openai-chat');
  assert.equal(asked.model, 'gpt-4o');
  assert.equal(asked.lastUserText, 'the last question');
  assert.equal(asked.tools.length, 1);
  assert.equal(asked.stream, true);
  assert.equal(asked.includeUsage, true);
  assert.equal(asked.reasoning, false);
  assert.equal(read('POST', '/v1/chat/completions', { model: 'o3', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' }).reasoning, true);
  assert.equal(read('POST', '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] }).lastUserText, 'ab');
});

test('OpenAI Responses: a string input or input items', () => {
  assert.equal(read('POST', '/v1/responses', { model: 'gpt-4o', input: 'hello' }).lastUserText, 'hello');
  const items = read('POST', '/v1/responses', {
    model: 'gpt-4o',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'from items' }] }],
    reasoning: { effort: 'low' },
    stream: true,
  });
  assert.equal(items.lastUserText, 'from items');
  assert.equal(items.reasoning, true);
  assert.equal(items.stream, true);
});

test('Anthropic: max_tokens is required, roles are user or assistant, thinking asks for reasoning', () => {
  const asked = read('POST', '/v1/messages', {
    model: 'claude-sonnet-4-5', max_tokens: 1024, stream: true,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi claude' }] }],
    thinking: { type: 'enabled', budget_tokens: 2000 },
  });
  assert.equal(asked.lastUserText, 'hi claude');
  assert.equal(asked.reasoning, true);
  assert.throws(() => read('POST', '/v1/messages', { model: 'c', messages: [{ role: 'user', content: 'x' }] }), { status: 400, message: /max_tokens/ });
  assert.throws(() => read('POST', '/v1/messages', { model: 'c', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }), { status: 400, message: /messages\.0\.role/ });
});

test('Gemini: the model and whether to stream come from the path', () => {
  const asked = read('POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', {
    contents: [{ role: 'user', parts: [{ text: 'hello ' }, { text: 'gemini' }] }],
    generationConfig: { thinkingConfig: { includeThoughts: true } },
  });
  assert.equal(asked.model, 'gemini-2.5-flash');
  assert.equal(asked.stream, true);
  assert.equal(asked.lastUserText, 'hello gemini');
  assert.equal(asked.reasoning, true);
  assert.equal(read('POST', '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [{ parts: [{ text: 'x' }] }] }).stream, false);
});

test('/api/chat: UI messages with parts are the AI SDK, messages with content are Ollama', () => {
  const ui = read('POST', '/api/chat', { id: 'c1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'from useChat' }] }], trigger: 'submit-message' });
  assert.equal(ui.format, 'ui-message');
  assert.equal(ui.lastUserText, 'from useChat');
  const ollama = read('POST', '/api/chat', { model: 'llama3.2', messages: [{ role: 'user', content: 'from ollama' }] });
  assert.equal(ollama.format, 'ollama');
  assert.equal(ollama.stream, true, 'Ollama streams unless told not to');
  assert.equal(read('POST', '/api/chat', { model: 'llama3.2', stream: false, messages: [{ role: 'user', content: 'x' }] }).stream, false);
  assert.throws(() => read('POST', '/api/chat', { messages: [{ role: 'user', content: 'x' }] }), { status: 400, format: 'ollama', message: /model is required/ });
});

test('the lesson\'s GET chat?prompt= needs its prompt', () => {
  assert.equal(read('GET', '/chat?prompt=%E4%BD%A0%E5%A5%BD', undefined).lastUserText, '你好');
  assert.throws(() => read('GET', '/chat', undefined), { status: 400, format: 'plain-text', message: /prompt parameter is missing/ });
});

test('bodies a provider would refuse are 400s that name the field, in that provider\'s format', () => {
  const refusals = [
    ['/v1/chat/completions', null, 'openai-chat', /JSON object/],
    ['/v1/chat/completions', [], 'openai-chat', /JSON object/],
    ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] }, 'openai-chat', /model/],
    ['/v1/chat/completions', { model: 'm', messages: [] }, 'openai-chat', /at least one message/],
    ['/v1/chat/completions', { model: 'm', messages: 'hi' }, 'openai-chat', /array of messages/],
    ['/v1/chat/completions', { model: 'm', messages: [{ content: 'x' }] }, 'openai-chat', /messages\[0\]\.role/],
    ['/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: {} }, 'openai-chat', /tools/],
    ['/v1/responses', { model: 'm' }, 'openai-responses', /input/],
    ['/v1beta/models/g:generateContent', { contents: [] }, 'gemini', /contents/],
    ['/api/chat', { messages: [{ role: 'user', parts: 'x' }] }, 'ollama', /model is required/],
  ];
  for (const [path, body, format, message] of refusals) {
    assert.throws(() => read('POST', path, body), (error) => error instanceof WireError && error.status === 400
      && error.format === format && message.test(error.message), `${path} ${JSON.stringify(body)}`);
  }
});
