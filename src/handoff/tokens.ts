/**
 * Token counting with js-tiktoken (SPEC §3 budgets, §10: an encoder costs 0.3–0.7 s and
 * 80–150 MB to build). The encoders live in a worker thread, built there on first use; the
 * worker ends once no count was asked for IDLE_MS, which gives all of that memory back (an
 * encoder dropped in this thread leaves 40–60 MB of heap resident), and starts again on demand.
 *
 * `countTokens` stays synchronous so that validation is a plain function call: it posts the
 * texts it has no cached count for and waits on a shared flag (Atomics.wait) for the worker's
 * answer, about 0.1 ms a call; the first call after the worker started waits for the build. A
 * caller that can wait asynchronously calls `loadEncoder` first, so the build happens on the
 * worker's core while this thread goes on (the TUI's first frame, a wave's brief).
 *
 * The rank files (1–2 MB each) are loaded by the worker with `require` from paths resolved
 * here, which the bundler leaves alone: they stay out of dist/cli.js.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Encoding } from '../config/types.js';

/** A worker asked for nothing this long ends (its encoders with it). */
const IDLE_MS = 30_000;
/** A count not answered this long means a broken worker. */
const ANSWER_MS = 60_000;

// Runs in the worker (CommonJS, so that it can be evaluated from a string in the bundle too).
// Every request with a `seq` gets an answer, also when building the encoder failed.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, lite, ranks } = workerData;
const seen = new Int32Array(flag);
const encoders = new Map();
function encoder(name) {
  let enc = encoders.get(name);
  if (!enc) {
    const { Tiktoken } = require(lite);
    const mod = require(ranks[name]);
    enc = new Tiktoken(mod.default ?? mod);
    encoders.set(name, enc);
  }
  return enc;
}
port.on('message', (m) => {
  let answer;
  try {
    const enc = encoder(m.encoding);
    answer = { seq: m.seq, counts: m.texts.map((t) => enc.encode(t, [], []).length) };
  } catch (err) {
    answer = { seq: m.seq, error: String((err && err.message) || err) };
  }
  port.postMessage(answer);
  Atomics.store(seen, 0, m.seq);
  Atomics.notify(seen, 0);
});
`;

interface Answer {
  seq: number;
  counts?: number[];
  error?: string;
}

/** The worker holding the encoders, while there is one. */
interface TokenWorker {
  worker: Worker;
  port: MessagePort;
  /** The last request answered. */
  seen: Int32Array;
  seq: number;
  /** Answers taken from the port while waiting for another. */
  early: Map<number, Answer>;
  /** Encodings asked for (built, or being built). */
  asked: Set<Encoding>;
  idle: ReturnType<typeof setTimeout> | undefined;
}

let current: TokenWorker | undefined;

// Node 20 has Atomics.waitAsync; TypeScript's lib for this target does not declare it yet.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<'ok' | 'timed-out'> | 'not-equal' | 'timed-out' };
}).waitAsync;

function startWorker(): TokenWorker {
  const req = createRequire(import.meta.url);
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      port: port2,
      flag,
      lite: req.resolve('js-tiktoken/lite'),
      ranks: { cl100k_base: req.resolve('js-tiktoken/ranks/cl100k_base'), o200k_base: req.resolve('js-tiktoken/ranks/o200k_base') },
    },
    transferList: [port2],
    // A worker that dies answers nothing: the wait below times out and says so.
    stdout: true,
    stderr: true,
  });
  worker.unref();
  const w: TokenWorker = { worker, port: port1, seen: new Int32Array(flag), seq: 0, early: new Map(), asked: new Set(), idle: undefined };
  worker.on('exit', () => {
    if (current === w) current = undefined;
  });
  return w;
}

function post(encoding: Encoding, texts: string[]): { w: TokenWorker; seq: number } {
  const w = (current ??= startWorker());
  clearTimeout(w.idle);
  w.idle = undefined;
  const seq = ++w.seq;
  w.asked.add(encoding);
  w.port.postMessage({ seq, encoding, texts });
  return { w, seq };
}

// The answer to `seq` once the worker has answered it (answers arrive in order).
function take(w: TokenWorker, seq: number): Answer {
  let answer = w.early.get(seq);
  w.early.delete(seq);
  while (!answer) {
    const next = receiveMessageOnPort(w.port)?.message as Answer | undefined;
    if (!next) throw new Error(`the token counter's worker answered request ${seq} but its answer is missing`);
    if (next.seq === seq) answer = next;
    else w.early.set(next.seq, next);
  }
  if (w.seq === seq) w.idle = setTimeout(() => void stopWorker(w), IDLE_MS).unref();
  return answer;
}

function stopWorker(w: TokenWorker): Promise<number> {
  if (current === w) current = undefined;
  clearTimeout(w.idle);
  return w.worker.terminate();
}

function counts(answer: Answer, encoding: Encoding): number[] {
  if (answer.counts) return answer.counts;
  current?.asked.delete(encoding);
  throw new Error(`cannot count tokens with ${encoding}: ${answer.error ?? 'no answer'}`);
}

/** Counts each of `texts` in the worker, waiting for the answer. */
function countInWorker(texts: string[], encoding: Encoding): number[] {
  const { w, seq } = post(encoding, texts);
  const deadline = Date.now() + ANSWER_MS;
  for (;;) {
    const seen = Atomics.load(w.seen, 0);
    if (seen >= seq) break;
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(w.seen, 0, seen, left) === 'timed-out') {
      void stopWorker(w);
      throw new Error(`cannot count tokens with ${encoding}: its worker did not answer within ${ANSWER_MS / 1000} s`);
    }
  }
  return counts(take(w, seq), encoding);
}

/** True while an encoder for `encoding` is built or being built (in the worker). */
export function isEncoderLoaded(encoding: Encoding): boolean {
  return current?.asked.has(encoding) ?? false;
}

/**
 * Builds the encoder in the worker without blocking this thread (after yielding once to the
 * event loop, so a pending frame draws first); resolves once it is built.
 */
export async function loadEncoder(encoding: Encoding): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  const { w, seq } = post(encoding, []);
  // An asynchronous wait does not keep the process alive: the worker does, until it answers.
  w.worker.ref();
  try {
    for (;;) {
      const seen = Atomics.load(w.seen, 0);
      if (seen >= seq) break;
      const wait = waitAsync(w.seen, 0, seen, ANSWER_MS);
      if ((wait.async ? await wait.value : wait.value) === 'timed-out') {
        void stopWorker(w);
        throw new Error(`cannot build the ${encoding} encoder: its worker did not answer within ${ANSWER_MS / 1000} s`);
      }
    }
  } finally {
    w.worker.unref();
  }
  counts(take(w, seq), encoding);
}

/** Ends the worker now (its encoders and their memory go with it); the next count starts another. */
export async function dropEncoders(): Promise<void> {
  if (current) await stopWorker(current);
}

/**
 * js-tiktoken's byte-pair merge grows faster than linearly with the bytes of one regex piece: a
 * 64 KiB file of 64-emoji words took 2.5 s to count, of 64-letter words 1 s, and a pasted blob
 * would stall the supervisor. Runs of one character class longer than MAX_RUN_BYTES UTF-8 bytes
 * are counted in slices of at most that many bytes: slicing 64-letter words at 32 bytes makes
 * them about 40 % cheaper. Text without such a run (Latin words and identifiers up to 32
 * letters) gets js-tiktoken's exact count; a longer run is off by at most a token or two per
 * slice, which no budget check notices.
 */
const MAX_RUN_BYTES = 32;
// Combining marks belong to both the letter run (o200k's letter pieces take them) and the symbol
// run (cl100k's symbol pieces do): `!́!́!́…` is one symbol piece. 9 code points may be 36 bytes.
const LONG_RUN = /[\p{L}\p{M}]{9,}|\p{N}{9,}|\s{9,}|[^\s\p{L}\p{N}]{9,}/u;
const LONG_RUNS = new RegExp(LONG_RUN.source, 'gu');

/**
 * Where a text may be cut without changing its count: after a newline, before a character that
 * is not white space. No piece of either encoding's split pattern crosses such a point (only
 * `\s*[\r\n]+` and the punctuation piece take newlines, and both end at the last one), and no
 * long run crosses it either, so the count of a text is the sum of its chunks' counts.
 */
const CHUNK = /(?<=[\r\n])(?=\S)/u;
/** Chunk counts per encoding: compression and validation count the same lines again and again. */
const chunkCounts = new Map<Encoding, Map<string, number>>();
const MAX_CACHED_CHUNKS = 20_000;

/** Forget every cached count (benchmarks measure a cold count with it). */
export function forgetCounts(): void {
  chunkCounts.clear();
}

/**
 * Number of tokens in `text` for `encoding`. Special-token strings such as `<|endoftext|>` count
 * as the ordinary text they are, never throw. Builds the encoder on first use (see above).
 */
export function countTokens(text: string, encoding: Encoding): number {
  return text === '' ? 0 : countEach([text], encoding)[0]!;
}

/**
 * `countTokens` of each of `texts`, asking the worker once for all of them: a caller that counts
 * many pieces (a handoff's sections) pays one wait for an answer instead of one per piece.
 */
export function countEach(texts: string[], encoding: Encoding): number[] {
  let cache = chunkCounts.get(encoding);
  if (!cache) chunkCounts.set(encoding, (cache = new Map()));
  const totals = texts.map(() => 0);
  // Chunks without a cached count, each as the slices the worker counts, and whose total it adds to.
  const missing: { chunk: string; slices: string[]; of: number }[] = [];
  texts.forEach((text, of) => {
    if (text === '') return;
    for (const chunk of text.split(CHUNK)) {
      const n = cache.get(chunk);
      if (n !== undefined) totals[of]! += n;
      else missing.push({ chunk, slices: LONG_RUN.test(chunk) ? sliceLongRuns(chunk) : [chunk], of });
    }
  });
  if (missing.length === 0) return totals;
  // Each distinct slice is counted once: a file of one word repeated asks for one count, not
  // thousands. A slice's count is its text's own, so it is cached like a chunk's.
  const known = new Map<string, number>();
  const ask: string[] = [];
  for (const { slices } of missing) {
    for (const slice of slices) {
      if (known.has(slice)) continue;
      const n = cache.get(slice);
      known.set(slice, n ?? -1);
      if (n === undefined) ask.push(slice);
    }
  }
  if (ask.length > 0) countInWorker(ask, encoding).forEach((n, i) => known.set(ask[i]!, n));
  const remember = (text: string, n: number): void => {
    if (cache.size >= MAX_CACHED_CHUNKS) cache.clear();
    cache.set(text, n);
  };
  for (const slice of ask) remember(slice, known.get(slice)!);
  for (const { chunk, slices, of } of missing) {
    let n = 0;
    for (const slice of slices) n += known.get(slice)!;
    remember(chunk, n);
    totals[of]! += n;
  }
  return totals;
}

/** Cut `text` inside every run over MAX_RUN_BYTES, never inside a code point. */
function sliceLongRuns(text: string): string[] {
  const slices: string[] = [];
  let start = 0;
  for (const m of text.matchAll(LONG_RUNS)) {
    if (Buffer.byteLength(m[0]) <= MAX_RUN_BYTES) continue;
    let offset = m.index;
    let bytes = 0;
    for (const point of m[0]) {
      const cp = point.codePointAt(0) as number;
      const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_RUN_BYTES) {
        slices.push(text.slice(start, offset));
        start = offset;
        bytes = 0;
      }
      bytes += size;
      offset += point.length;
    }
  }
  slices.push(text.slice(start));
  return slices;
}
