import { afterEach, describe, expect, test } from 'vitest';
import { AnthropicStandin, lastUserText, type MessagesRequest, type Reply } from './anthropic-standin.js';

const tools = [{ name: 'Write' }];

function body(text: string, extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return { model: 'claude-test', max_tokens: 100, stream: true, tools, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

/** Parses an SSE body into its events' data objects. */
function events(text: string): { type: string; [key: string]: unknown }[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [eventLine, dataLine] = chunk.split('\n');
      const data = JSON.parse((dataLine ?? '').replace(/^data: /, '')) as { type: string };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

describe('AnthropicStandin', () => {
  let standin: AnthropicStandin | undefined;
  afterEach(async () => {
    await standin?.close();
  });

  async function post(path: string, payload: unknown): Promise<Response> {
    return fetch(`${standin!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  }

  test('streams a scripted text turn as SSE ending in end_turn', async () => {
    standin = await AnthropicStandin.start([{ text: 'Hello.' }]);
    const res = await post('/v1/messages?beta=true', body('hi'));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const got = events(await res.text());
    expect(got.map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(got[2]).toMatchObject({ delta: { type: 'text_delta', text: 'Hello.' } });
    expect(got[4]).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });

  test('streams a tool_use turn with its input as one input_json_delta', async () => {
    const reply: Reply = { text: 'Writing.', toolUse: { name: 'Write', input: { file_path: '/x/HANDOFF.md', content: '# H\n' }, id: 'toolu_1' } };
    standin = await AnthropicStandin.start([reply]);
    const got = events(await (await post('/v1/messages', body('go'))).text());
    const start = got.find((e) => e.type === 'content_block_start' && e.index === 1);
    expect(start).toMatchObject({ content_block: { type: 'tool_use', id: 'toolu_1', name: 'Write', input: {} } });
    const delta = got.find((e) => e.type === 'content_block_delta' && e.index === 1) as unknown as { delta: { partial_json: string } };
    expect(JSON.parse(delta.delta.partial_json)).toEqual({ file_path: '/x/HANDOFF.md', content: '# H\n' });
    expect(got.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  test('a function script sees each main request; side requests and count_tokens bypass it', async () => {
    standin = await AnthropicStandin.start((req, i) => ({ text: `${i}:${lastUserText(req)}` }));
    const title = await post('/v1/messages', {
      ...body('title please', { stream: false, tools: [] }),
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] } } },
    });
    const titleMessage = (await title.json()) as { content: { text: string }[] };
    expect(JSON.parse(titleMessage.content[0]!.text)).toEqual({ title: 'Stand-in session' });
    const plain = (await (await post('/v1/messages', body('first', { stream: false }))).json()) as { content: { text: string }[]; stop_reason: string };
    expect(plain).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: '0:first' }] });
    expect(await (await post('/v1/messages/count_tokens', body('x'))).json()).toMatchObject({ input_tokens: expect.any(Number) });
    expect((await fetch(standin.url, { method: 'HEAD' })).status).toBe(200);
    expect((await post('/v1/other', {})).status).toBe(404);
    expect(standin.requests.map((r) => r.kind)).toEqual(['auxiliary', 'main', 'count_tokens', 'probe', 'unknown']);
    expect(standin.mainRequests.map((r) => lastUserText(r))).toEqual(['first']);
  });

  test('counts main requests past the end of the script and waits for a count', async () => {
    standin = await AnthropicStandin.start([{ text: 'only one' }]);
    const waiting = standin.waitForMain(2, 5_000);
    await (await post('/v1/messages', body('a'))).text();
    await (await post('/v1/messages', body('b'))).text();
    await waiting;
    expect(standin.exhausted).toBe(1);
    await expect(standin.waitForMain(3, 50)).rejects.toThrow('2 of 3');
  });
});
