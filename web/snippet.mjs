// "Your code": the playground's current run as code to paste into a project, the library
// called exactly as the page calls it: trickle.stream() read with for await, or, with a
// wire format, trickle.createFetch() handed to that format's official client.

const MAX_INLINE_TEXT = 120;

function jsValue(value, indent) {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => jsValue(item, indent)).join(', ')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const inner = entries.map(([key, v]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : jsValue(key)}: ${jsValue(v, `${indent}  `)}`);
  const flat = `{ ${inner.join(', ')} }`;
  if (flat.length <= 60) return flat;
  return `{\n${inner.map((line) => `${indent}  ${line},`).join('\n')}\n${indent}}`;
}

function textLine(text) {
  const points = [...text];
  if (points.length <= MAX_INLINE_TEXT) return `const text = ${jsValue(text, '')};`;
  return `const text = ${jsValue(points.slice(0, MAX_INLINE_TEXT).join(''), '')} /* … ${points.length} characters in all */;`;
}

// How each format's official client is pointed at trickle's fetch, and reads the text.
const CLIENTS = {
  'openai-chat': [
    "import OpenAI from 'openai';",
    "const client = new OpenAI({ apiKey: 'test', baseURL: 'https://trickle.invalid/v1', fetch });",
    "const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: text }] });",
    'for await (const chunk of stream) output.append(chunk.choices[0]?.delta?.content ?? \'\');',
  ],
  'openai-responses': [
    "import OpenAI from 'openai';",
    "const client = new OpenAI({ apiKey: 'test', baseURL: 'https://trickle.invalid/v1', fetch });",
    "const stream = await client.responses.create({ model: 'gpt-4o', stream: true, input: text });",
    "for await (const event of stream) if (event.type === 'response.output_text.delta') output.append(event.delta);",
  ],
  anthropic: [
    "import Anthropic from '@anthropic-ai/sdk';",
    "const client = new Anthropic({ apiKey: 'test', baseURL: 'https://trickle.invalid', fetch });",
    "const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: text }] });",
    "stream.on('text', (delta) => output.append(delta));",
    'await stream.finalMessage();',
  ],
  gemini: [
    "import { GoogleGenAI } from '@google/genai';",
    "const ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: 'https://trickle.invalid', fetch } });",
    "const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: text });",
    'for await (const chunk of stream) output.append(chunk.text ?? \'\');',
  ],
  'ui-message': [
    "import { DefaultChatTransport } from 'ai';",
    "import { useChat } from '@ai-sdk/react';",
    "// In a React component: the AI SDK's chat, answered by trickle.",
    "const chat = useChat({ transport: new DefaultChatTransport({ api: '/api/chat', fetch }) });",
  ],
  ollama: [
    "import { Ollama } from 'ollama/browser';",
    "const ollama = new Ollama({ host: 'https://trickle.invalid', fetch });",
    "const stream = await ollama.chat({ model: 'llama3', stream: true, messages: [{ role: 'user', content: text }] });",
    'for await (const part of stream) output.append(part.message.content);',
  ],
  'plain-text': [
    "const response = await fetch('https://trickle.invalid/chat?prompt=' + encodeURIComponent(text));",
    'const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();',
    'for (let r = await reader.read(); !r.done; r = await reader.read()) output.append(r.value);',
  ],
};

/**
 * The code for a run: `text`, the stream options the page passes (`options`), and for a
 * wire format its name, its faults and the answer's extras.
 */
export function runSnippet({ text, options, format, fault, extras }) {
  const lines = ["import createTrickle from 'trickle';"];
  if (format === 'iterator') {
    lines.push('', 'const trickle = await createTrickle();', textLine(text));
    lines.push(`for await (const chunk of trickle.stream(text, ${jsValue(options, '')})) {`);
    lines.push('  output.append(chunk);', '}');
    return lines.join('\n');
  }
  const client = CLIENTS[format];
  lines.push(client[0]);
  const reply = Object.keys(extras).length > 0
    ? `({ lastUserText }) => (${jsValue({ text: '__TEXT__', ...extras }, '  ').replace("'__TEXT__'", 'lastUserText')})`
    : '({ lastUserText }) => lastUserText';
  const fetchOptions = { reply: '__REPLY__', ...options };
  if (fault && Object.keys(fault).length > 0) fetchOptions.fault = fault;
  lines.push('', 'const trickle = await createTrickle();', textLine(text));
  lines.push('// The reply echoes the question: ask with your text and it streams back.');
  lines.push(`const fetch = trickle.createFetch(${jsValue(fetchOptions, '').replace("'__REPLY__'", reply)});`);
  lines.push(...client.slice(1));
  return lines.join('\n');
}
