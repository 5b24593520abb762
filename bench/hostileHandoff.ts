/**
 * Capture time of handoffs built to hurt (issue 17): many small sections, one section of many
 * items, and files right at the read limit. Every handoff within the limit should capture in
 * well under a second. Run: `node scripts/run.mjs bench/hostileHandoff.ts [shape…]`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHandoff } from '../src/handoff/parse.js';
import { countTokens, forgetCounts } from '../src/handoff/tokens.js';
import { validateHandoff } from '../src/handoff/validate.js';
import { captureHandoff } from '../src/supervisor/capture.js';
import { MAX_HANDOFF_BYTES } from '../src/supervisor/readHandoff.js';

const limits = { budget: { total: 2000, section: 400 }, encoding: 'cl100k_base' as const };
const HEAD = '# HANDOFF - Bench\n\n## Current State\n- Status: done\n\n## Blockers\n- none\n\n## Key Decisions\n- keep it small\n\n';

/** Repeats `unit(i)` after HEAD until the file would pass `bytes`. */
function fill(bytes: number, unit: (i: number) => string): string {
  let text = HEAD;
  for (let i = 0; ; i++) {
    const next = unit(i);
    if (Buffer.byteLength(text) + Buffer.byteLength(next) > bytes) return text;
    text += next;
  }
}

/** A word of `length` lowercase letters that differs for every `i` (a fixed pseudo-random sequence). */
function distinctWord(i: number, length: number): string {
  let seed = (i * 2654435761) >>> 0;
  let word = '';
  for (let k = 0; k < length; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    word += String.fromCharCode(97 + (seed >>> 16) % 26);
  }
  return word;
}

const SHAPES: Record<string, () => string> = {
  // The file: 500 small sections, ~13 KB.
  'sections-500': () => HEAD + Array.from({ length: 500 }, (_, i) => `## Note ${i}\n- small finding number ${i}\n\n`).join(''),
  'repeated-completed-500': () => HEAD + Array.from({ length: 500 }, (_, i) => `## Completed\n- [x] finished item ${i}\n\n`).join(''),
  'repeated-decisions-500': () => HEAD + Array.from({ length: 500 }, (_, i) => `## Key Decisions\n- decision ${i}: because ${i}\n\n`).join(''),
  'sections-at-limit': () => fill(MAX_HANDOFF_BYTES, (i) => `## Note ${i}\n- small finding number ${i}\n\n`),
  'repeated-items-at-limit': () => fill(MAX_HANDOFF_BYTES, (i) => (i === 0 ? '## Completed\n' : `- [x] finished item number ${i >> 1}\n`)),
  // One regex piece per word, as long as a run may be before it is sliced: the tokenizer's worst.
  'long-words-at-limit': () => fill(MAX_HANDOFF_BYTES, (i) => (i === 0 ? '## Notes\n' : `${'abcdefgh'.repeat(8)} `)),
  // The same, every word different: nothing to count once and reuse.
  'distinct-long-words-at-limit': () => fill(MAX_HANDOFF_BYTES, (i) => (i === 0 ? '## Notes\n' : `${distinctWord(i, 64)} `)),
  'emoji-words-at-limit': () => fill(MAX_HANDOFF_BYTES, (i) => (i === 0 ? '## Notes\n' : `${'😀'.repeat(16)} `)),
  'one-section-at-limit': () => fill(MAX_HANDOFF_BYTES, (i) => (i === 0 ? '## Completed\n' : `- [x] finished item number ${i}\n`)),
};

async function captureOnce(text: string): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'bench-hostile-'));
  try {
    const worktree = join(root, 'wt');
    mkdirSync(worktree);
    writeFileSync(join(worktree, 'HANDOFF.md'), text);
    const team = { root, project: 'Bench', teamPath: join(root, 'HANDOFF.md'), limits };
    const t0 = performance.now();
    await captureHandoff(team, { agent: 'evil', branch: 'agent/evil', worktree, handoffFile: 'HANDOFF.md', injectedHash: 'none', status: 'exited', files: [], others: [] });
    return performance.now() - t0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

countTokens('warm the encoder up', limits.encoding);
const wanted = process.argv.slice(2);
for (const [name, make] of Object.entries(SHAPES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const text = make();
  const t0 = performance.now();
  parseHandoff(text);
  const parse = performance.now() - t0;
  // Both from cold: counts of lines are cached, and capture validates the same text.
  forgetCounts();
  const t1 = performance.now();
  validateHandoff(text, limits);
  const validate = performance.now() - t1;
  forgetCounts();
  const capture = await captureOnce(text);
  console.log(`${name.padEnd(30)} ${String(Buffer.byteLength(text)).padStart(6)} B   parse ${parse.toFixed(0).padStart(5)} ms   validate ${validate.toFixed(0).padStart(5)} ms   capture ${capture.toFixed(0).padStart(6)} ms`);
}

