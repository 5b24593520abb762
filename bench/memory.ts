// The memory store's numbers: PGlite open times (first creation without and with the cached
// template, reopening), adding and searching 10k memories on PGlite and on a server
// (SUPERVISE_TEST_PG_URL or SUPERVISE_MEMORY_URL), the local embedder's speed, and the RSS of a
// supervisor-like process with memory off, on (owner process), and on in its own process.
// Usage: npm run bench:memory [-- --count N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEmbedder, localEmbed } from '../src/memory/embed.js';
import { openPglite, openPostgres, type Sql } from '../src/memory/engine.js';
import { openMemory } from '../src/memory/index.js';
import { liveOwner, memoryPaths } from '../src/memory/owner.js';
import { MemoryStore } from '../src/memory/store.js';
import { MEMORY_KINDS, type MemorySettings, type NewMemory } from '../src/memory/types.js';

const SETTINGS: MemorySettings = { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } };
const args = process.argv.slice(2);
const countArg = args.indexOf('--count');
const COUNT = countArg >= 0 ? Number(args[countArg + 1]) : 10_000;

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
const rssMb = (pid: number | 'self') => {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? `${(Number(m[1]) / 1024).toFixed(0)} MB` : '?';
};

/** Reproducible sentences of an agent's kind of knowledge. */
function corpus(n: number): NewMemory[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const subjects = ['the migration runner', 'the login form', 'the build script', 'the cache layer', 'the worktree sync', 'the payment webhook', 'the search index', 'the config loader', 'the test fixtures', 'the release job', 'the PTY adapter', 'the token counter'];
  const verbs = ['breaks when', 'needs a retry when', 'must be locked while', 'is slow when', 'should log whenever', 'fails silently if', 'has to be rebuilt after'];
  const objects = ['two agents write at once', 'the schema changes', 'a branch is rebased', 'the network drops', 'the disk is full', 'a secret rotates', 'the clock skews', 'the handoff is over budget', 'tests run in parallel', 'node is upgraded'];
  return Array.from({ length: n }, (_, i) => ({ kind: pick([...MEMORY_KINDS]), text: `${pick(subjects)} ${pick(verbs)} ${pick(objects)} (case ${i})`, project: `p${i % 7}`, agent: `a${i % 8}` }));
}

async function searchBench(label: string, sql: Sql): Promise<void> {
  const store = await MemoryStore.open(sql, localEmbedder);
  let t = performance.now();
  const items = corpus(COUNT);
  for (let i = 0; i < items.length; i += 500) await store.addMany(items.slice(i, i + 500));
  console.log(`${label}: added ${COUNT} memories in ${ms(t)}`);
  const queries = ['login form fails when the network drops', 'cache layer locked while two agents write', 'release job after node upgrade', 'schema changes break the migration runner', 'token counter over budget'];
  for (const q of queries) await store.search(q, { limit: 5 }); // warm
  const times: number[] = [];
  for (let r = 0; r < 10; r++)
    for (const q of queries) {
      t = performance.now();
      await store.search(q, { limit: 5 });
      times.push(performance.now() - t);
    }
  times.sort((a, b) => a - b);
  console.log(`${label}: hybrid search, top 5 of ${COUNT}: median ${times[times.length >> 1]!.toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(1)} ms (${times.length} queries)`);
  await store.close();
}

async function child(mode: string): Promise<void> {
  if (mode === 'off') {
    console.log(JSON.stringify({ self: rssMb('self') }));
    return;
  }
  const dir = process.env.SUPERVISE_MEMORY_DIR!;
  const t = performance.now();
  const memory = openMemory({ settings: SETTINGS, env: process.env, owner: mode === 'self' ? 'self' : 'spawn' })!;
  await memory.search('the login form');
  const first = ms(t);
  const owner = liveOwner(memoryPaths(process.env));
  console.log(JSON.stringify({ self: rssMb('self'), owner: owner && owner.pid !== process.pid ? rssMb(owner.pid) : undefined, first }));
  await memory.close();
  if (owner && owner.pid !== process.pid) process.kill(owner.pid, 'SIGTERM');
}

async function main(): Promise<void> {
  const mode = args[args.indexOf('--child') + 1];
  if (args.includes('--child')) return child(mode!);

  const t0 = performance.now();
  const texts = corpus(1000).map((m) => m.text);
  for (const t of texts) localEmbed(t);
  console.log(`local embedder: ${((performance.now() - t0) / texts.length).toFixed(3)} ms a text (${texts.length} texts)`);

  const work = mkdtempSync(join(tmpdir(), 'supervise-bench-memory-'));
  const cache = { XDG_CACHE_HOME: join(work, 'cache') };
  try {
    let t = performance.now();
    let sql = await openPglite(join(work, 'a'), cache);
    await sql.close();
    console.log(`pglite: first creation, no template: ${ms(t)}`);
    t = performance.now();
    sql = await openPglite(join(work, 'b'), cache);
    await sql.close();
    console.log(`pglite: first creation from the cached template: ${ms(t)}`);
    t = performance.now();
    sql = await openPglite(join(work, 'b'), cache);
    console.log(`pglite: reopening in the same process (warm: wasm loaded): ${ms(t)}`);
    await searchBench('pglite', sql);

    const url = process.env.SUPERVISE_TEST_PG_URL || process.env.SUPERVISE_MEMORY_URL;
    if (url) {
      t = performance.now();
      const admin = await openPostgres(url);
      await admin.exec('CREATE DATABASE supervise_bench');
      await admin.close();
      const u = new URL(url);
      u.pathname = '/supervise_bench';
      const server = await openPostgres(u.toString());
      console.log(`postgres: connecting: ${ms(t)}`);
      try {
        await searchBench('postgres', server);
      } finally {
        const a = await openPostgres(url);
        await a.exec('DROP DATABASE IF EXISTS supervise_bench WITH (FORCE)');
        await a.close();
      }
    } else console.log('postgres: skipped (set SUPERVISE_TEST_PG_URL to a server with pgvector)');

    const env = { ...process.env, ...cache, SUPERVISE_MEMORY_URL: '', SUPERVISE_MEMORY_DIR: join(work, 'c') };
    for (const m of ['off', 'spawn', 'self']) {
      const out = JSON.parse(execFileSync(process.execPath, ['scripts/run.mjs', 'bench/memory.ts', '--child', m], { env, encoding: 'utf8' }).trim().split('\n').pop()!) as { self: string; owner?: string; first?: string };
      const what = m === 'off' ? 'memory off' : m === 'spawn' ? 'memory on (owner process, the default)' : 'memory on, PGlite in the same process';
      const first = out.first ? `; first search answered after ${out.first}${m === 'spawn' ? ' (starting the owner, which creates the store from the cached template)' : ' (a cold open in this process)'}` : '';
      console.log(`RSS of a supervisor-like process, ${what}: ${out.self}${out.owner ? `; its owner process: ${out.owner}` : ''}${first}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
