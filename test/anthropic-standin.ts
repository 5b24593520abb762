// A stand-in for the Anthropic Messages API, for end-to-end tests with the real `claude` CLI.
// It speaks just enough of the protocol (SSE streaming, count_tokens, the HEAD probe) and follows
// a per-test script for the main agent loop, answering Claude Code's side requests by itself.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A content block of a request message, loosely typed: tests look at text and tool results. */
export interface ContentBlock {
  type: string;
  text?: string;
  content?: string | ContentBlock[];
  [key: string]: unknown;
}

/** The part of a Messages API request body the stand-in and its scripts look at. */
export interface MessagesRequest {
  model: string;
  max_tokens?: number;
  stream?: boolean;
  system?: string | ContentBlock[];
  messages: { role: string; content: string | ContentBlock[] }[];
  tools?: { name: string }[];
  output_config?: { format?: { type: string; schema?: JsonSchema } };
  [key: string]: unknown;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/**
 * What a request was for. `main` is the agent loop (it carries the tool list); `auxiliary` is a
 * side request Claude Code makes on its own (session title, and the like) without tools.
 */
export type RequestKind = 'main' | 'auxiliary' | 'count_tokens' | 'probe' | 'unknown';

/** One request as received, in arrival order. */
export interface RecordedRequest {
  index: number;
  kind: RequestKind;
  method: string;
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body was JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
}

/**
 * The assistant's reply to one main-loop request. `until` holds the response back until it
 * settles, so a test can look at the agent while it waits on the model.
 */
export type Reply = (
  | { text: string }
  | { toolUse: { name: string; input: Record<string, unknown>; id?: string }; text?: string }
) & { until?: Promise<unknown> };

/** A scripted turn: a fixed reply, or one computed from the request (index counts main requests). */
export type Turn = Reply | ((req: MessagesRequest, index: number) => Reply);

/** Options for {@link AnthropicStandin.start}. */
export interface StandinOptions {
  /** Tells the agent loop from side requests; by default a request with tools is the main loop. */
  isMain?: (req: MessagesRequest) => boolean;
}

const EXHAUSTED_TEXT = 'The stand-in script has no more turns.';

/** The text of the last user message: its text blocks and tool results, joined by newlines. */
export function lastUserText(req: MessagesRequest): string {
  const last = [...req.messages].reverse().find((m) => m.role === 'user');
  return last ? flattenText(last.content) : '';
}

/** Every text in the request's system prompt, joined by newlines. */
export function systemText(req: MessagesRequest): string {
  return req.system === undefined ? '' : flattenText(req.system);
}

function flattenText(content: string | ContentBlock[]): string {
  if (typeof content === 'string') return content;
  return content
    .map((b) => (b.text ?? '') + (b.content === undefined ? '' : flattenText(b.content)))
    .join('\n');
}

/** A local HTTP server on 127.0.0.1 that plays the Anthropic API from a script. */
export class AnthropicStandin {
  readonly requests: RecordedRequest[] = [];
  /** Main-loop requests answered after the script ran out (a test can assert this stays 0). */
  exhausted = 0;
  private mainCount = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly script: Turn[] | ((req: MessagesRequest, index: number) => Reply),
    private readonly isMain: (req: MessagesRequest) => boolean,
  ) {}

  /** Starts a stand-in on a random port; `script` answers main-loop requests in order. */
  static async start(
    script: Turn[] | ((req: MessagesRequest, index: number) => Reply),
    options: StandinOptions = {},
  ): Promise<AnthropicStandin> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const isMain = options.isMain ?? ((req) => Array.isArray(req.tools) && req.tools.length > 0);
    const standin = new AnthropicStandin(server, `http://127.0.0.1:${port}`, script, isMain);
    server.on('request', (req, res) => standin.receive(req, res));
    return standin;
  }

  /** The recorded main-loop request bodies, in order. */
  get mainRequests(): MessagesRequest[] {
    return this.requests.filter((r) => r.kind === 'main').map((r) => r.body as MessagesRequest);
  }

  /** Resolves once `count` main-loop requests have arrived (or rejects after `timeoutMs`). */
  waitForMain(count: number, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.mainCount < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`stand-in saw ${this.mainCount} of ${count} main-loop requests`));
      }, timeoutMs);
      const waiter = (): void => {
        if (check()) this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (!check()) this.waiters.push(waiter);
    });
  }

  /** Stops the server and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = parseBody(raw);
      const path = req.url ?? '/';
      const route = path.split('?')[0];
      const kind = this.classify(req.method ?? '', route ?? '', body);
      this.requests.push({ index: this.requests.length, kind, method: req.method ?? '', path, headers: req.headers, body });
      switch (kind) {
        case 'probe':
          res.writeHead(200).end();
          return;
        case 'count_tokens':
          sendJson(res, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
          return;
        case 'main': {
          const reply = this.nextReply(body as MessagesRequest);
          this.mainCount += 1;
          for (const w of [...this.waiters]) w();
          void Promise.resolve(reply.until).then(() => {
            if (!res.destroyed) this.answer(res, body as MessagesRequest, reply);
          });
          return;
        }
        case 'auxiliary':
          this.answer(res, body as MessagesRequest, { text: auxiliaryText(body as MessagesRequest) });
          return;
        case 'unknown':
          sendJson(res, { type: 'error', error: { type: 'not_found_error', message: `no route ${path}` } }, 404);
      }
    });
  }

  private classify(method: string, route: string, body: unknown): RequestKind {
    if (method === 'HEAD') return 'probe';
    if (method !== 'POST') return 'unknown';
    if (route === '/v1/messages/count_tokens') return 'count_tokens';
    if (route !== '/v1/messages' || !isMessagesRequest(body)) return 'unknown';
    return this.isMain(body) ? 'main' : 'auxiliary';
  }

  private nextReply(req: MessagesRequest): Reply {
    const index = this.mainCount;
    const turn = typeof this.script === 'function' ? this.script : this.script[index];
    if (turn === undefined) {
      this.exhausted += 1;
      return { text: EXHAUSTED_TEXT };
    }
    return typeof turn === 'function' ? turn(req, index) : turn;
  }

  private answer(res: http.ServerResponse, req: MessagesRequest, reply: Reply): void {
    const id = `msg_standin_${this.requests.length}`;
    const blocks = replyBlocks(reply, id);
    const stopReason = 'toolUse' in reply ? 'tool_use' : 'end_turn';
    const usage = { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const message = { id, type: 'message', role: 'assistant', model: req.model, stop_sequence: null };
    if (!req.stream) {
      sendJson(res, { ...message, content: blocks, stop_reason: stopReason, usage });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': id });
    const send = (type: string, data: Record<string, unknown>): void => {
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    };
    send('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
    blocks.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
      } else {
        send('content_block_start', { index, content_block: { ...block, input: {} } });
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
      }
      send('content_block_stop', { index });
    });
    send('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 10 } });
    send('message_stop', {});
    res.end();
  }
}

function replyBlocks(reply: Reply, messageId: string): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (reply.text !== undefined) blocks.push({ type: 'text', text: reply.text });
  if ('toolUse' in reply) {
    const { name, input, id } = reply.toolUse;
    blocks.push({ type: 'tool_use', id: id ?? `toolu_${messageId}`, name, input });
  }
  return blocks;
}

// Side requests with a JSON schema (session titles) must get JSON that fits it, or Claude Code
// logs a parse failure; the rest get a short plain answer.
function auxiliaryText(req: MessagesRequest): string {
  const schema = req.output_config?.format?.schema;
  return schema ? JSON.stringify(sampleOf(schema)) : 'ok';
}

function sampleOf(schema: JsonSchema): unknown {
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sampleOf(schema.properties?.[key] ?? {});
      return out;
    }
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    default:
      return 'Stand-in session';
  }
}

function isMessagesRequest(body: unknown): body is MessagesRequest {
  return typeof body === 'object' && body !== null && Array.isArray((body as MessagesRequest).messages);
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function sendJson(res: http.ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
