/**
 * Token counting with js-tiktoken (SPEC §3 budgets, §7: an encoder costs 0.3–0.7 s and
 * 80–150 MB to build). Each encoding's encoder is built on first use and kept for the life of
 * the process: the one cache map below is the only module state in src/handoff.
 *
 * `countTokens` is synchronous so that validation stays a plain function call; the first call
 * for an encoding pays the construction. A caller on a latency-sensitive path (the TUI's first
 * frame) calls `loadEncoder` once it has drawn, so the cost lands off that path.
 *
 * The rank files (1–2 MB each) are loaded with a runtime `require`, which the bundler leaves
 * alone: they stay out of dist/cli.js and are read only when a count is first asked for.
 */
import { createRequire } from 'node:module';
import { Tiktoken } from 'js-tiktoken/lite';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import type { Encoding } from '../config/types.js';

const encoders = new Map<Encoding, Tiktoken>();

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

function loadRanks(encoding: Encoding): TiktokenBPE {
  const req = createRequire(import.meta.url);
  const mod = (encoding === 'o200k_base'
    ? req('js-tiktoken/ranks/o200k_base')
    : req('js-tiktoken/ranks/cl100k_base')) as TiktokenBPE | { default: TiktokenBPE };
  return 'default' in mod ? mod.default : mod;
}

function encoder(encoding: Encoding): Tiktoken {
  let enc = encoders.get(encoding);
  if (!enc) {
    enc = new Tiktoken(loadRanks(encoding));
    encoders.set(encoding, enc);
  }
  return enc;
}

/** True once the encoder for `encoding` has been built in this process. */
export function isEncoderLoaded(encoding: Encoding): boolean {
  return encoders.has(encoding);
}

/** Build the encoder now, after yielding once to the event loop (so a pending frame draws first). */
export async function loadEncoder(encoding: Encoding): Promise<void> {
  if (encoders.has(encoding)) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  encoder(encoding);
}

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
  if (text === '') return 0;
  let cache = chunkCounts.get(encoding);
  if (!cache) chunkCounts.set(encoding, (cache = new Map()));
  let total = 0;
  for (const chunk of text.split(CHUNK)) {
    let n = cache.get(chunk);
    if (n === undefined) {
      n = countChunk(chunk, encoding);
      if (cache.size >= MAX_CACHED_CHUNKS) cache.clear();
      cache.set(chunk, n);
    }
    total += n;
  }
  return total;
}

function countChunk(text: string, encoding: Encoding): number {
  const enc = encoder(encoding);
  if (!LONG_RUN.test(text)) return enc.encode(text, [], []).length;
  let total = 0;
  for (const slice of sliceLongRuns(text)) total += enc.encode(slice, [], []).length;
  return total;
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
