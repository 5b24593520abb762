// Orphans after a SIGKILL: how long from SIGKILL of `supervise --headless` to the last agent gone?
// Two long-running agents: one ordinary, one that ignores SIGHUP and never writes to its
// terminal (so the terminal's hang-up alone would never end it; the orphan watcher must).
// Usage: npm run build && node scripts/run.mjs bench/orphans.ts [--runs 5] [--agents 2]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, agents: { type: 'string', default: '2' } } });
const CLI = resolve('dist/cli.js');
const FAKE = resolve('test/fake-agent.mjs');
const LIMIT_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, cond: () => T | undefined, limit = LIMIT_MS, every = 20): Promise<T> {
  const deadline = Date.now() + limit;
  for (;;) {
    const v = cond();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

async function once(agents: number): Promise<{ ms: number; survivors: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-orphans-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.invalid', ...args], { cwd: dir });
  const names = Array.from({ length: agents }, (_, i) => (i % 2 ? `stubborn${i}` : `plain${i}`));
  const yaml = [
    'version: 1',
    'project: Orphans bench',
    'handoff: { enforce: off }',
    'agents:',
    ...names.map((n) => {
      const deaf = n.startsWith('stubborn') ? ', --fake-ignore-hup, --fake-silent' : '';
      return `  - name: ${n}\n    task: Work\n    preset: custom\n    command: [${JSON.stringify(FAKE)}, --fake-record, ${JSON.stringify(join(dir, `${n}.json`))}, --fake-work, "600000"${deaf}]`;
    }),
  ].join('\n');
  try {
    git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'agents.yaml'), `${yaml}\n`);
    writeFileSync(join(dir, '.gitignore'), '.supervise/\n*.json\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'team');
    const sup = spawn(process.execPath, [CLI, '--headless', '--json'], { cwd: dir, stdio: 'ignore' });
    const pids = await until('the agents', () => {
      try {
        return names.map((n) => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')).pid as number);
      } catch {
        return undefined;
      }
    });
    const killedAt = performance.now();
    sup.kill('SIGKILL');
    try {
      await until('the agents to go', () => (pids.some(alive) ? undefined : true), LIMIT_MS, 2);
    } catch {
      const survivors = pids.filter(alive);
      for (const p of survivors) process.kill(p, 'SIGKILL');
      return { ms: Infinity, survivors: survivors.length };
    }
    return { ms: performance.now() - killedAt, survivors: 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = Number(values.runs);
const agents = Number(values.agents);
const times: number[] = [];
console.log(`SIGKILL of supervise --headless with ${agents} agents (half ignore SIGHUP and never write); ${runs} runs`);
for (let i = 0; i < runs; i++) {
  const r = await once(agents);
  times.push(r.ms);
  console.log(r.survivors ? `  run ${i + 1}: ${r.survivors} agent(s) still alive after ${LIMIT_MS} ms` : `  run ${i + 1}: last agent gone after ${r.ms.toFixed(0)} ms`);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(`median ${median.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (requirement: under 2000 ms)`);
