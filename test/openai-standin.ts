// A stand-in for the OpenAI Responses API, for end-to-end tests with the real `codex` CLI. Codex
// reaches it as a custom model provider (`wire_api = "responses"`): only `POST {base_url}/responses`
// with SSE. Main-loop requests (the ones with tools) follow a per-test script; side requests
// (a session title and the like) get a short answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An input item of a request, loosely typed: tests look at messages and their text. */
export interface InputItem {
  type?: string;
  role?: string;
  content?: string | { type: string; text?: string }[];
  [key: string]: unknown;
}

/** The part of a Responses API request body the stand-in and its scripts look at. */
export interface ResponsesRequest {
  model: string;
  instructions?: string;
  input: InputItem[];
  tools?: unknown[];
  stream?: boolean;
  [key: string]: unknown;
}

/** One request as received, in arrival order. */
export interface RecordedRequest {
  index: number;
  main: boolean;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/**
 * The assistant's reply to one main-loop request: a message, or a call of one of Codex's tools
 * (`exec_command` with `{cmd, …}`, say). `until` holds it back until it settles.
 */
export type Reply = ({ text: string } | { call: { name: string; arguments: Record<string, unknown> } }) & { until?: Promise<unknown> };

/** A scripted turn: a fixed reply, or one computed from the request (index counts main requests). */
export type Script = (req: ResponsesRequest, index: number) => Reply;

/** The text of every message of `role` in the input (developer, user, assistant), in order. */
export function messagesOf(req: ResponsesRequest, role: string): string[] {
  return req.input.filter((i) => (i.type === undefined || i.type === 'message') && i.role === role).map((i) => textOf(i.content));
}

/** The last user message's text. */
export function lastUserText(req: ResponsesRequest): string {
  return messagesOf(req, 'user').pop() ?? '';
}

function textOf(content: InputItem['content']): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((c) => c.text ?? '').join('\n');
}

/** A local HTTP server on 127.0.0.1 that plays the Responses API from a script. */
export class OpenAIStandin {
  readonly requests: RecordedRequest[] = [];
  private mainCount = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    /** The provider's base_url: `http://127.0.0.1:PORT/v1`. */
    readonly baseUrl: string,
    private readonly script: Script,
  ) {}

  /** Starts a stand-in on a random port. */
  static async start(script: Script): Promise<OpenAIStandin> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const standin = new OpenAIStandin(server, `http://127.0.0.1:${port}/v1`, script);
    server.on('request', (req, res) => standin.receive(req, res));
    return standin;
  }

  /** The recorded main-loop request bodies, in order. */
  get mainRequests(): ResponsesRequest[] {
    return this.requests.filter((r) => r.main).map((r) => r.body as ResponsesRequest);
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
        const paths = this.requests.map((r) => `${r.method} ${r.path}`).join(', ');
        reject(new Error(`stand-in saw ${this.mainCount} of ${count} main-loop requests (all requests: ${paths || 'none'})`));
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
      const isResponses = req.method === 'POST' && path.split('?')[0]?.endsWith('/responses') && isResponsesRequest(body);
      const main = Boolean(isResponses && Array.isArray((body as ResponsesRequest).tools) && (body as ResponsesRequest).tools!.length > 0);
      this.requests.push({ index: this.requests.length, main, method: req.method ?? '', path, headers: req.headers, body });
      if (!isResponses) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${path}` } }));
        return;
      }
      if (!main) {
        this.answer(res, body as ResponsesRequest, { text: 'Stand-in session' });
        return;
      }
      const reply = this.script(body as ResponsesRequest, this.mainCount);
      this.mainCount += 1;
      for (const w of [...this.waiters]) w();
      void Promise.resolve(reply.until).then(() => {
        if (!res.destroyed) this.answer(res, body as ResponsesRequest, reply);
      });
    });
  }

  /** The minimal stream Codex accepts: created, one output item (a message or a function call), completed with usage. */
  private answer(res: http.ServerResponse, req: ResponsesRequest, reply: Reply): void {
    const id = `resp_standin_${this.requests.length}`;
    const itemId = `msg_standin_${this.requests.length}`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (type: string, data: Record<string, unknown>): void => {
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    };
    const response = { id, object: 'response', model: req.model, status: 'in_progress', output: [] };
    let item: Record<string, unknown>;
    send('response.created', { response });
    if ('call' in reply) {
      const { name, arguments: args } = reply.call;
      item = { id: `fc_standin_${this.requests.length}`, type: 'function_call', status: 'completed', call_id: `call_standin_${this.requests.length}`, name, arguments: JSON.stringify(args) };
      send('response.output_item.added', { output_index: 0, item });
    } else {
      item = { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
      send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
      send('response.output_text.delta', { output_index: 0, content_index: 0, item_id: itemId, delta: reply.text });
    }
    send('response.output_item.done', { output_index: 0, item });
    send('response.completed', {
      response: {
        ...response,
        status: 'completed',
        output: [item],
        usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 110 },
      },
    });
    res.end();
  }
}

function isResponsesRequest(body: unknown): body is ResponsesRequest {
  return typeof body === 'object' && body !== null && Array.isArray((body as ResponsesRequest).input);
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
