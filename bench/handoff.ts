/**
 * The handoff engine's costs on this machine. Run: `node scripts/run.mjs bench/handoff.ts`.
 * Targets (from the issue): validate of a ~500-token handoff ≤ 2 ms warm; merge of 8 ≤ 20 ms.
 */
import { compressHandoff } from '../src/handoff/compress.js';
import { mergeHandoffs } from '../src/handoff/merge.js';
import { parseHandoff } from '../src/handoff/parse.js';
import { renderHandoff } from '../src/handoff/render.js';
import { countTokens, loadEncoder } from '../src/handoff/tokens.js';
import type { AgentHandoff, HandoffLimits } from '../src/handoff/types.js';
import { validateHandoff } from '../src/handoff/validate.js';

const limits: HandoffLimits = { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' };

interface Row {
  what: string;
  input: string;
  median: number;
  p90: number;
  runs: number;
  target?: number;
}

function measure(what: string, input: string, runs: number, fn: () => unknown, target?: number): Row {
  for (let i = 0; i < Math.min(20, runs); i++) fn(); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const row: Row = { what, input, runs, median: times[Math.floor(runs / 2)] as number, p90: times[Math.floor(runs * 0.9)] as number };
  if (target !== undefined) row.target = target;
  return row;
}

async function once(what: string, input: string, fn: () => Promise<unknown>): Promise<Row> {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return { what, input, runs: 1, median: ms, p90: ms };
}

/** One agent's handoff in the article's shape, ~300 tokens. */
function agentText(agent: string, n: number): string {
  const items = (mark: string, what: string, k: number): string[] =>
    Array.from({ length: k }, (_, i) => `${mark}${what} ${i} for the ${agent} part of the auth refactor`);
  return [
    '# HANDOFF - Auth System Refactor',
    '',
    '## Current State',
    `- Branch: agent/${agent}`,
    `- Last agent: ${agent}`,
    `- Status: In progress - step ${n} of the OAuth flow`,
    '',
    '## Completed',
    ...items('- [x] ', 'Finished task', 4),
    '- [x] User model with password hashing',
    '',
    '## In Progress',
    ...items('- [ ] ', 'Half-done task', 2),
    '',
    '## Blockers',
    n % 2 ? '- Use redis for sessions in the worker' : '- Decided AGAINST redis for sessions (overkill for MVP)',
    `- Waiting on review of the ${agent} migration`,
    '',
    '## Next Steps',
    ...items('1. ', 'Next thing', 3),
    '',
    '## Key Decisions',
    '- JWT expiry: 7 days (not 24h, user requested longer sessions)',
    `- ${agent} owns its own tables`,
    '',
  ].join('\n');
}

/** A handoff of about `tokens` tokens, built by adding Completed items. */
function handoffOf(tokens: number): string {
  const base = agentText('backend', 1);
  const lines = base.split('\n');
  const at = lines.indexOf('## In Progress') - 1;
  let i = 0;
  let text = base;
  while (countTokens(text, 'cl100k_base') < tokens) {
    lines.splice(at + i, 0, `- [x] Endpoint /api/v1/resource-${i} with validation, tests and docs`);
    i++;
    text = lines.join('\n');
  }
  return text;
}

const rows: Row[] = [];
rows.push(await once('encoder construction (first count)', 'cl100k_base', () => loadEncoder('cl100k_base')));
rows.push(await once('encoder construction (first count)', 'o200k_base', () => loadEncoder('o200k_base')));

const small = handoffOf(500);
const smallTokens = countTokens(small, 'cl100k_base');
rows.push(measure('validate (warm)', `${smallTokens} tokens`, 2000, () => validateHandoff(small, limits), 2));
rows.push(measure('validate (warm, o200k)', `${countTokens(small, 'o200k_base')} tokens`, 2000, () => validateHandoff(small, { ...limits, encoding: 'o200k_base' })));
rows.push(measure('parse + render', `${smallTokens} tokens`, 2000, () => renderHandoff(parseHandoff(small))));

const names = ['api', 'auth', 'backend', 'db', 'docs', 'frontend', 'infra', 'tests'];
const agents: AgentHandoff[] = names.map((agent, n) => ({
  agent,
  branch: `agent/${agent}`,
  handoff: parseHandoff(agentText(agent, n)),
  files: [`src/${agent}/index.ts`, n % 3 ? 'src/auth/session.ts' : `src/${agent}/extra.ts`],
}));
const root = parseHandoff(agentText('team', 0));
const agentTokens = Math.round(agents.reduce((s, a) => s + countTokens(renderHandoff(a.handoff), 'cl100k_base'), 0) / agents.length);
rows.push(measure('merge of 8 handoffs', `8 × ~${agentTokens} tokens`, 300, () => mergeHandoffs(root, agents, { project: 'Auth' }), 20));

const big = parseHandoff(handoffOf(2000));
const bigTokens = countTokens(renderHandoff(big), 'cl100k_base');
const sample = compressHandoff(big, limits, { historyRef: '.supervise/history/' });
rows.push(measure('compress', `${bigTokens} → ${sample.after} tokens`, 50, () => compressHandoff(big, limits, { historyRef: '.supervise/history/' })));
const merged = mergeHandoffs(root, agents, { project: 'Auth' }).handoff;
const mergedTokens = countTokens(renderHandoff(merged), 'cl100k_base');
rows.push(measure('merge of 8, then compress', `${mergedTokens} → 500 budget`, 30, () => compressHandoff(mergeHandoffs(root, agents).handoff, limits, { historyRef: '.supervise/history/' })));

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const table = [
  ['operation', 'input', 'runs', 'median ms', 'p90 ms', 'target'],
  ...rows.map((r) => [
    r.what,
    r.input,
    String(r.runs),
    fmt(r.median),
    r.runs > 1 ? fmt(r.p90) : '',
    r.target === undefined ? '' : `≤ ${r.target} ms ${r.median <= r.target ? 'ok' : 'MISSED'}`,
  ]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => (row[c] as string).length)));
const numeric = new Set([2, 3, 4]);
const out = table.map((row, i) => {
  const cells = row.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)));
  const line = `| ${cells.join(' | ')} |`;
  return i === 0 ? `${line}\n|${widths.map((w, c) => (numeric.has(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|` : line;
});
process.stdout.write(`handoff engine, Node ${process.version}\n\n${out.join('\n')}\n`);
