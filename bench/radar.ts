/**
 * The conflict radar's cost on this machine. Run: `node scripts/run.mjs bench/radar.ts`.
 * Target (issue 11): 8 agents (28 pairs) in a repository of 10,000 files, one refresh ≤ 1 s of
 * wall time. Every agent has committed and uncommitted work; some pairs share files (merged by
 * git merge-tree), one pair conflicts, and TypeScript files import files other agents change.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitRunner } from '../src/git/run.js';
import { Radar, type RadarAgent } from '../src/radar/radar.js';
import { ownFiles } from '../src/supervisor/ownFiles.js';

const FILES = 10_000;
const DIRS = 100;
const AGENTS = ['alpha', 'bravo', 'carol', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
const TARGET_MS = 1000;

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

const fileName = (i: number): string => `src/m${i % DIRS}/f${i}.ts`;
const body = (i: number, extra = ''): string => `import { v${(i + 1) % FILES} } from '../m${((i + 1) % FILES) % DIRS}/f${(i + 1) % FILES}.js';\nexport const v${i} = ${i};\n${'// line\n'.repeat(20)}${extra}`;

function setup(): { root: string; agents: RadarAgent[] } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'radar-bench-')));
  git(root, 'init', '-q', '-b', 'main');
  for (let d = 0; d < DIRS; d++) mkdirSync(join(root, 'src', `m${d}`), { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(root, fileName(i)), body(i));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'ten thousand files');
  const agents: RadarAgent[] = [];
  AGENTS.forEach((name, k) => {
    const worktree = join(root, '.supervise', 'worktrees', name);
    git(root, 'worktree', 'add', '-q', '-b', `agent/${name}`, worktree);
    // Own files: 5 committed, 5 uncommitted, one new one; every agent also touches a file its
    // neighbour touches (an overlap), and alpha and bravo edit the same line (a conflict).
    const own = (j: number): number => 1000 + k * 100 + j;
    for (let j = 0; j < 5; j++) writeFileSync(join(worktree, fileName(own(j))), body(own(j), `// ${name} committed\n`));
    git(worktree, 'add', '-A');
    git(worktree, 'commit', '-q', '-m', `${name} work`);
    for (let j = 5; j < 10; j++) writeFileSync(join(worktree, fileName(own(j))), body(own(j), `// ${name} uncommitted\n`));
    writeFileSync(join(worktree, `src/${name}.ts`), `import { v${own(0) - 100} } from './m${(own(0) - 100) % DIRS}/f${own(0) - 100}.js';\n`);
    const shared = 5000 + Math.floor(k / 2);
    writeFileSync(join(worktree, fileName(shared)), `${body(shared)}// ${name} appends\n`);
    if (k < 2) writeFileSync(join(worktree, fileName(42)), body(42).replace('export const v42 = 42;', `export const v42 = '${name}';`));
    agents.push({ name, worktree });
  });
  return { root, agents };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const t0 = performance.now();
const { root, agents } = setup();
process.stdout.write(`set up ${FILES} files, ${agents.length} worktrees in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
try {
  const opts = { git: new GitRunner(), root, base: 'main', exclude: ownFiles('HANDOFF.md') };
  const cold: number[] = [];
  let findings = '';
  for (let i = 0; i < 3; i++) {
    const radar = new Radar(opts);
    cold.push(
      await time(async () => {
        const r = await radar.refresh(agents);
        findings = `${r.findings.filter((f) => f.kind === 'conflict').length} conflict, ${r.findings.filter((f) => f.kind === 'overlap').length} overlaps, ${r.findings.filter((f) => f.kind === 'contract').length} contracts, ${r.skipped.length} skipped`;
      }),
    );
  }
  const radar = new Radar(opts);
  await radar.refresh(agents);
  const unchanged: number[] = [];
  for (let i = 0; i < 3; i++) unchanged.push(await time(() => radar.refresh(agents)));
  const oneEdit: number[] = [];
  for (let i = 0; i < 3; i++) {
    writeFileSync(join(agents[2]!.worktree, fileName(1200 + i)), body(1200 + i, `// edit ${i}\n`));
    oneEdit.push(await time(() => radar.refresh(agents, new Set([agents[2]!.name]))));
  }
  const row = (what: string, xs: number[]): string => `${what.padEnd(44)} ${median(xs).toFixed(0).padStart(5)} ms  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  process.stdout.write(
    [
      `radar, ${agents.length} agents (${(agents.length * (agents.length - 1)) / 2} pairs + base), ${FILES} files: ${findings}`,
      row('one refresh, nothing cached (target 1000)', cold),
      row('full refresh, nothing changed (a sync)', unchanged),
      row('live refresh after one agent edited a file', oneEdit),
      median(cold) <= TARGET_MS ? 'within target' : `OVER TARGET: ${median(cold).toFixed(0)} ms > ${TARGET_MS} ms`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
