// The embedders: the local one's properties, the HTTP providers' requests and answers (against
// an in-test endpoint that speaks Ollama's and OpenAI's embeddings APIs), and their errors.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuperviseError } from '../errors.js';
import { LOCAL_DIMENSION, cosine, localEmbed, localEmbedder, makeEmbedder, stem, words } from './embed.js';

describe('the local embedder', () => {
  it('is deterministic, L2-normalised, 384 dimensions, and stems what it hashes', async () => {
    const [a, b] = await localEmbedder.embed(['Merging the handoffs of eight agents', 'Merging the handoffs of eight agents']);
    expect(a).toEqual(b);
    expect(a).toHaveLength(LOCAL_DIMENSION);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect(['merging', 'merged', 'merges'].map(stem)).toEqual(['merg', 'merg', 'merg']);
    expect(words('The agents were running the tests')).toEqual(['agent', 'run', 'test']);
    expect(cosine(localEmbed('the agents merged handoffs'), localEmbed('merging handoff of agent'))).toBeGreaterThan(0.9);
  });
});

describe('the HTTP embedding providers', () => {
  let server: http.Server;
  let base: string;
  const seen: { url: string; auth?: string; body: { model: string; input: string[] } }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        seen.push({ url: req.url!, auth: req.headers.authorization, body });
        const vectors = body.input.map((t) => localEmbed(t, 64));
        res.setHeader('content-type', 'application/json');
        if (body.model === 'broken') {
          res.statusCode = 500;
          res.end('{"error":"model not loaded"}');
        } else if (req.url === '/api/embed') res.end(JSON.stringify({ model: body.model, embeddings: vectors }));
        // OpenAI-compatible servers may answer out of order: the index says which input is which.
        else res.end(JSON.stringify({ data: vectors.map((embedding, index) => ({ index, embedding })).reverse() }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks Ollama for a batch and learns the dimension from a probe', async () => {
    const e = makeEmbedder({ provider: 'ollama', model: 'nomic-embed-text', url: base }, {});
    expect(e.name).toBe('ollama:nomic-embed-text');
    expect(await e.dimension()).toBe(64);
    const [x, y] = await e.embed(['locks and sockets', 'queues']);
    expect(x).toEqual(localEmbed('locks and sockets', 64));
    expect(y).toEqual(localEmbed('queues', 64));
    expect(seen.at(-1)).toMatchObject({ url: '/api/embed', body: { model: 'nomic-embed-text', input: ['locks and sockets', 'queues'] } });
  });

  it('asks an OpenAI-compatible endpoint with the key, and orders the answer by index', async () => {
    const e = makeEmbedder({ provider: 'openai', model: 'text-embedding-3-small', url: `${base}/v1` }, { OPENAI_API_KEY: 'sk-test' });
    expect(e.name).toBe('openai:text-embedding-3-small');
    const [x, y] = await e.embed(['first', 'second']);
    expect(x).toEqual(localEmbed('first', 64));
    expect(y).toEqual(localEmbed('second', 64));
    expect(seen.at(-1)).toMatchObject({ url: '/v1/embeddings', auth: 'Bearer sk-test' });
  });

  it('says which endpoint failed and how', async () => {
    // A port nobody listens on: one that was free a moment ago.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const down = makeEmbedder({ provider: 'ollama', url: `http://127.0.0.1:${port}` }, {});
    await expect(down.embed(['x'])).rejects.toThrow(`the Ollama embeddings endpoint http://127.0.0.1:${port}/api/embed cannot be reached (connect ECONNREFUSED 127.0.0.1:${port}).`);
    const broken = makeEmbedder({ provider: 'openai', model: 'broken', url: base }, {});
    await expect(broken.embed(['x'])).rejects.toThrow(/answered 500: \{"error":"model not loaded"\}/);
  });

  it('asks for @huggingface/transformers only when configured, with what to do when it is missing', async () => {
    expect(() => makeEmbedder({ provider: 'transformers' }, {})).toThrow(/neither memory.embedder.path nor memory.embedder.model is set/);
    const e = makeEmbedder({ provider: 'transformers', path: '/models/minilm' }, {});
    expect(e.name).toBe('transformers:/models/minilm');
    const err = await e.embed(['x']).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(SuperviseError);
    expect((err as SuperviseError).message).toBe('memory.embedder.provider is transformers, but @huggingface/transformers is not installed.');
    expect((err as SuperviseError).hint).toContain('ONNXRUNTIME_NODE_INSTALL=skip');
  });
});
