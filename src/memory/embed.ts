/**
 * Embedders turn text into vectors. The default is local and deterministic: hashed, stemmed words
 * and 3–4 letter n-grams. It matches words, not meaning; a real model is a provider the user
 * configures (Ollama, an OpenAI-compatible endpoint, or a local model folder via transformers.js).
 */
import { SuperviseError } from '../errors.js';
import type { MemorySettings } from './types.js';

export interface Embedder {
  /** Stored with every row; a different name or dimension on open means re-embedding. */
  readonly name: string;
  dimension(): Promise<number>;
  embed(texts: string[]): Promise<number[][]>;
}

export const LOCAL_DIMENSION = 384;

const STOP = new Set(
  'a an and are as at be but by for from has have if in into is it its of on or so that the their then there these this to was were will with not no do does did can could should would we you they he she i me my our your them than too very just also been being which who what when where how why all any each'.split(' '),
);

/** A light suffix stripper: enough that "merging", "merged" and "merges" meet. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  for (const [suffix, keep] of [['ational', 'ate'], ['ization', 'ize'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'], ['ments', ''], ['ment', ''], ['ingly', ''], ['edly', ''], ['ing', ''], ['ies', 'y'], ['ied', 'y'], ['ed', ''], ['ly', ''], ['es', ''], ['s', '']] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, w.length - suffix.length) + keep;
      break;
    }
  }
  // "running" → "runn" → "run"
  if (w.length > 3 && w[w.length - 1] === w[w.length - 2] && !'lsz'.includes(w[w.length - 1]!)) w = w.slice(0, -1);
  return w;
}

/** The words of a text, lower-cased and stemmed, without stop words. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => !STOP.has(w)).map(stem);
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The local embedding of one text: L2-normalised, the zero vector for a text without words. */
export function localEmbed(text: string, dim = LOCAL_DIMENSION): number[] {
  const v = new Float64Array(dim);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    v[h % dim]! += (h & 0x80000000 ? -1 : 1) * weight;
  };
  for (const w of words(text)) {
    add(`w:${w}`, 1);
    const padded = `^${w}$`;
    for (const n of [3, 4]) for (let i = 0; i + n <= padded.length; i++) add(`g:${padded.slice(i, i + n)}`, 0.35);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return Array.from(v, (x) => x / norm);
}

export const localEmbedder: Embedder = {
  name: 'local-hash-v1',
  dimension: async () => LOCAL_DIMENSION,
  embed: async (texts) => texts.map((t) => localEmbed(t)),
};

/** Cosine similarity of two vectors (normalised or not). */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** An embedder that calls an HTTP endpoint and learns its dimension from a first probe. */
function httpEmbedder(name: string, call: (texts: string[]) => Promise<number[][]>): Embedder {
  let dim: number | undefined;
  return {
    name,
    async dimension() {
      dim ??= (await call(['dimension probe']))[0]!.length;
      return dim;
    },
    embed: async (texts) => (texts.length ? call(texts) : []),
  };
}

async function postJson(url: string, body: unknown, headers: Record<string, string>, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  } catch (err) {
    throw new SuperviseError('RuntimeError', `the ${what} embeddings endpoint ${url} cannot be reached (${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}).`, {}, 'Start it, or set memory.embedder in agents.yaml to another provider.');
  }
  if (!res.ok) throw new SuperviseError('RuntimeError', `the ${what} embeddings endpoint ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

/** The embedder memory.embedder names. */
export function makeEmbedder(settings: MemorySettings['embedder'], env: NodeJS.ProcessEnv): Embedder {
  switch (settings.provider) {
    case 'local':
      return localEmbedder;
    case 'ollama': {
      const model = settings.model ?? 'nomic-embed-text';
      const url = `${(settings.url ?? 'http://localhost:11434').replace(/\/$/, '')}/api/embed`;
      return httpEmbedder(`ollama:${model}`, async (input) => ((await postJson(url, { model, input }, {}, 'Ollama')) as { embeddings: number[][] }).embeddings);
    }
    case 'openai': {
      const model = settings.model ?? 'text-embedding-3-small';
      const url = `${(settings.url ?? 'https://api.openai.com/v1').replace(/\/$/, '')}/embeddings`;
      const key = env.OPENAI_API_KEY;
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      return httpEmbedder(`openai:${model}`, async (input) => {
        const out = (await postJson(url, { model, input }, headers, 'OpenAI-compatible')) as { data: { index: number; embedding: number[] }[] };
        return [...out.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      });
    }
    case 'transformers':
      return transformersEmbedder(settings.path ?? settings.model);
  }
}

/** transformers.js, imported only when configured: it is not a dependency (475 MB installed). */
function transformersEmbedder(model: string | undefined): Embedder {
  if (!model) throw new SuperviseError('ConfigError', 'memory.embedder.provider is transformers but neither memory.embedder.path nor memory.embedder.model is set.', {}, 'Set path to a local model folder.');
  type Extractor = (texts: string[], o: object) => Promise<{ tolist(): number[][] }>;
  let extractor: Promise<Extractor> | undefined;
  const load = async (): Promise<Extractor> => {
    const specifier = '@huggingface/transformers';
    let lib: { pipeline(task: string, model: string, o: object): Promise<Extractor> };
    try {
      lib = (await import(specifier)) as typeof lib;
    } catch {
      throw new SuperviseError('ConfigError', 'memory.embedder.provider is transformers, but @huggingface/transformers is not installed.', {}, 'Install it beside supervise (ONNXRUNTIME_NODE_INSTALL=skip npm install -g @huggingface/transformers), or use the local, ollama or openai provider.');
    }
    return lib.pipeline('feature-extraction', model, { local_files_only: true });
  };
  const call = async (texts: string[]) => (await (extractor ??= load()))(texts, { pooling: 'mean', normalize: true }).then((t) => t.tolist());
  return httpEmbedder(`transformers:${model}`, call);
}
