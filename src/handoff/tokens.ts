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
 * js-tiktoken's byte-pair merge is cubic in the length of one regex piece: a run of 400 letters
 * takes ~11 ms, 128 emoji ~13 ms, and a pasted blob would stall the supervisor. Runs longer than
 * this many code points of one character class are counted in slices of this length. Any text
 * without such a run (every real handoff) gets js-tiktoken's exact count; a text with one is off
 * by at most a token or two per slice.
 */
const MAX_RUN = 64;
const LONG_RUN = /[\p{L}\p{M}]{65,}|\p{N}{65,}|\s{65,}|[^\s\p{L}\p{M}\p{N}]{65,}/u;
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
 * Number of tokens in `text` for `encoding`. Special-token strings such as `<|endoftext|>` count
 * as the ordinary text they are, never throw. Builds the encoder on first use (see above).
 */
export function countTokens(text: string, encoding: Encoding): number {
  if (text === '') return 0;
  const enc = encoder(encoding);
  if (!LONG_RUN.test(text)) return enc.encode(text, [], []).length;
  let total = 0;
  for (const slice of sliceLongRuns(text)) total += enc.encode(slice, [], []).length;
  return total;
}

/** Cut `text` inside every over-long run, every MAX_RUN code points, never inside a surrogate pair. */
function sliceLongRuns(text: string): string[] {
  const slices: string[] = [];
  let start = 0;
  for (const m of text.matchAll(LONG_RUNS)) {
    const points = Array.from(m[0]);
    let offset = m.index;
    for (let i = 0; i + MAX_RUN < points.length; i += MAX_RUN) {
      for (let j = i; j < i + MAX_RUN; j++) offset += (points[j] as string).length;
      slices.push(text.slice(start, offset));
      start = offset;
    }
  }
  slices.push(text.slice(start));
  return slices;
}
