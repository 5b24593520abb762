// A stand-in for the Gemini API (generativelanguage v1beta), for end-to-end tests with the real
// `gemini` CLI pointed at it through GOOGLE_GEMINI_BASE_URL. It streams `streamGenerateContent`
// as server-sent events, answers `generateContent` (model routing, side requests) and
// `countTokens` by itself, and follows a per-test script for the main conversation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One part of a Gemini content: text, a function call or a function response. */
export interface Part {
  text?: string;
  functionCall?: { name: string; args?: Record<string, unknown> };
  functionResponse?: { name: string; response?: unknown };
  [key: string]: unknown;
}

/** The part of a generateContent request body the stand-in and its scripts look at. */
export interface GenerateRequest {
  contents: { role: string; parts: Part[] }[];
  systemInstruction?: { parts?: Part[] };
  tools?: unknown[];
  [key: string]: unknown;
}

/** One request as received, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** The model's reply to one main request: text, or a function call (a tool use). */
export type Reply = { text: string } | { call: { name: string; args: Record<string, unknown> }; text?: string };

/** A scripted turn, computed from the request (index counts main requests from 0). */
export type Script = (req: GenerateRequest, index: number) => Reply;

/** Every text of the first user turn (where the CLI puts GEMINI.md files and the `-i` prompt). */
export function firstUserText(req: GenerateRequest): string {
  const first = req.contents.find((c) => c.role === 'user');
  return first ? partsText(first.parts) : '';
}

/** Every text of the last user turn, function responses included as JSON. */
export function lastUserText(req: GenerateRequest): string {
  const last = [...req.contents].reverse().find((c) => c.role === 'user');
  return last ? partsText(last.parts) : '';
}

/** The system instruction's text. */
export function systemText(req: GenerateRequest): string {
  return partsText(req.systemInstruction?.parts ?? []);
}

function partsText(parts: Part[]): string {
  return parts
    .map((p) => (typeof p.text === 'string' ? p.text : p.functionResponse ? JSON.stringify(p.functionResponse) : ''))
    .filter((t) => t !== '')
    .join('\n');
}

const USAGE = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

function candidate(reply: Reply): Record<string, unknown> {
  const parts: Part[] = [];
  if (reply.text) parts.push({ text: reply.text });
  if ('call' in reply) parts.push({ functionCall: { name: reply.call.name, args: reply.call.args } });
  return { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: USAGE, modelVersion: 'gemini-2.5-pro' };
}

/** A local HTTP server that plays the Gemini API. */
export class GeminiStandin {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** The main conversation's requests (`streamGenerateContent`), in order. */
  readonly mainRequests: GenerateRequest[] = [];
  private waiters = new Set<() => void>();

  private constructor(
    private readonly server: http.Server,
    private readonly script: Script,
  ) {}

  static async start(script: Script): Promise<GeminiStandin> {
    let standin: GeminiStandin | undefined;
    const server = http.createServer((req, res) => void standin!.handle(req, res));
    standin = new GeminiStandin(server, script);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standin;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` main requests have arrived. */
  waitForMain(count: number, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.mainRequests.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this.requests.map((r) => `${r.method} ${r.path}`).join('\n');
        reject(new Error(`the stand-in got ${this.mainRequests.length} of ${count} main requests in ${timeoutMs} ms; requests:\n${seen}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw === '' ? undefined : raw;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      // kept as text
    }
    const path = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (path.includes(':countTokens')) return json(200, { totalTokens: 10 });
    if (path.includes(':streamGenerateContent')) {
      const request = body as GenerateRequest;
      const index = this.mainRequests.length;
      this.mainRequests.push(request);
      for (const waiter of [...this.waiters]) waiter();
      let reply: Reply;
      try {
        reply = this.script(request, index);
      } catch (err) {
        return json(500, { error: { code: 500, message: `stand-in script failed: ${(err as Error).message}`, status: 'INTERNAL' } });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(candidate(reply))}\r\n\r\n`);
      return;
    }
    if (path.includes(':generateContent')) {
      // Side requests (the model router, next-speaker checks) want JSON; `{}` parses as an
      // empty choice, which the CLI treats as "use the default".
      return json(200, candidate({ text: '{}' }));
    }
    json(404, { error: { code: 404, message: `the stand-in does not serve ${req.method} ${path}`, status: 'NOT_FOUND' } });
  }
}
