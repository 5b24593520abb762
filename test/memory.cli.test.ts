// `supervise memory …` as a user runs it: the built CLI, on PGlite and on a server; eight at
// once; export → import; bad input; an unreachable server; several processes through one owner.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryPaths } from '../src/memory/owner.js';
import { alive } from './helpers/process.js';
import { ENGINES, PG_URL, SKIP_REASON, freshPlace, type EngineName, type TestPlace } from './helpers/memory.js';
import { waitFor } from './helpers/wait.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function supervise(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.each(ENGINES)('supervise memory on %s', (engine: EngineName) => {
  const skip = engine === 'postgres' && !PG_URL;
  let place: TestPlace;
  const run = (...args: string[]) => supervise(args, place.env, place.dir);

  beforeAll(async () => {
    if (!skip) place = await freshPlace(engine);
  }, 120_000);
  afterAll(async () => {
    await place?.remove();
  });

  it.skipIf(skip)(`adds, searches, lists, counts and forgets${skip ? ` (skipped: ${SKIP_REASON})` : ''}`, async () => {
    const add = await run('memory', 'add', '--kind', 'mistake', 'Run', 'the', 'database', 'migrations', 'before', 'the', 'test', 'suite');
    expect(add.code, add.stderr).toBe(0);
    const id = add.stdout.trim();
    expect(id).toMatch(/^m[0-9a-f]{12}$/);
    expect((await run('memory', 'add', '--kind', 'pattern', '--agent', 'build', 'Keep node-pty external when bundling')).code).toBe(0);

    const search = await run('memory', 'search', 'database migrations', '--json', '--limit', '1');
    expect(search.code, search.stderr).toBe(0);
    const hits = JSON.parse(search.stdout) as Record<string, unknown>[];
    expect(hits).toHaveLength(1);
    expect(Object.keys(hits[0]!).slice(0, 4)).toEqual(['id', 'kind', 'text', 'score']);
    expect(hits[0]).toMatchObject({ id, kind: 'mistake', text: 'Run the database migrations before the test suite' });

    const human = await run('memory', 'search', 'node-pty');
    expect(human.stdout.split('\n')[0]).toMatch(/^\d\.\d\d {2}m[0-9a-f]{12} {2}pattern +Keep node-pty external when bundling {2}\(build\)/);

    const list = await run('memory', 'list', '--json');
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(2);
    const stats = await run('memory', 'stats', '--json');
    expect(JSON.parse(stats.stdout)).toMatchObject({ count: 2, engine: engine === 'pglite' ? 'pglite' : 'postgres', embedder: 'local-hash-v1', dimension: 384, byKind: { mistake: 1, pattern: 1 } });

    const forget = await run('memory', 'forget', id);
    expect(forget.code, forget.stderr).toBe(0);
    expect(forget.stdout).toContain(`forgot ${id}`);
    const again = await run('memory', 'forget', id);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no memory has the id ${id}`);
  }, 120_000);

  it.skipIf(skip)('refuses an unknown kind and a malformed id with exit 2 and one clear line', async () => {
    const kind = await run('memory', 'add', '--kind', 'gossip', 'text');
    expect(kind.code).toBe(2);
    expect(kind.stderr.trim()).toBe('supervise: unknown memory kind "gossip". Use one of: pattern, mistake, preference, learning, decision.');
    const id = await run('memory', 'forget', '42');
    expect(id.code).toBe(2);
    expect(id.stderr).toMatch(/"42" is not a memory id/);
    const limit = await run('memory', 'search', 'x', '--limit', 'many');
    expect(limit.code).toBe(2);
  });

  it.skipIf(skip)('loses nothing when eight processes add at once', async () => {
    const topics = ['queues', 'caches', 'locks', 'sockets', 'indexes', 'tokens', 'hooks', 'shells'];
    const results = await Promise.all(topics.map((t, i) => run('memory', 'add', '--kind', 'learning', '--agent', `agent${i}`, `Agent ${i} found out how ${t} behave under load`)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(new Set(results.map((r) => r.stdout.trim())).size).toBe(8);
    const all = JSON.parse((await run('memory', 'list', '--kind', 'learning', '--json')).stdout) as { agent: string }[];
    expect(all.map((m) => m.agent).sort()).toEqual(topics.map((_, i) => `agent${i}`));
  }, 180_000);

  it.skipIf(skip)('exports JSON Lines that import into another store, and names a bad line', async () => {
    const out = await run('memory', 'export');
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(9);
    const file = join(place.dir, 'export.jsonl');
    writeFileSync(file, out.stdout);
    const other = await freshPlace(engine);
    try {
      const imp = await supervise(['memory', 'import', file], other.env, other.dir);
      expect(imp.code, imp.stderr).toBe(0);
      expect(imp.stdout).toContain(`${lines.length} added, 0 merged`);
      const back = await supervise(['memory', 'export'], other.env, other.dir);
      const ids = (s: string) => s.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id).sort();
      expect(ids(back.stdout)).toEqual(ids(out.stdout));
      writeFileSync(file, `${lines[0]}\n{"kind": "rumour", "text": "x"}\n`);
      const bad = await supervise(['memory', 'import', file], other.env, other.dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`${file}:2: field "kind" is "rumour"`);
    } finally {
      await other.remove();
    }
  }, 180_000);
});

describe('supervise memory and its store', () => {
  it('says in one line, exit 1, that a server cannot be reached', async () => {
    const r = await supervise(['memory', 'search', 'anything'], { ...process.env, SUPERVISE_MEMORY_URL: 'postgres://nobody:secret@127.0.0.1:1/memory' }, process.cwd());
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^supervise: the memory server postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/memory cannot be reached: .*ECONNREFUSED/);
    expect(r.stderr).not.toContain('secret');
  });

  it('answers --help with what is stored where and what the options do', async () => {
    const r = await supervise(['memory', 'search', '--help'], process.env, process.cwd());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: supervise memory search QUERY [--limit N] [--kind KIND] [--json]');
    expect(r.stdout).toContain('SUPERVISE_MEMORY_URL');
    expect(r.stdout).toMatch(/shares\s+words/);
  });

  it('sends every process through the one that owns the folder, and takes over when it is gone', async () => {
    const place = await freshPlace('pglite');
    const paths = memoryPaths(place.env);
    const owner = spawn(process.execPath, [CLI, 'memory', 'serve', '--parent', String(process.pid)], { env: place.env, stdio: 'ignore' });
    try {
      const lockPid = () => (existsSync(paths.lock) ? (JSON.parse(readFileSync(paths.lock, 'utf8')) as { pid: number }).pid : undefined);
      await waitFor(() => lockPid() === owner.pid, { timeout: 60_000, message: 'the owner to take the lock' });
      const [a, b] = await Promise.all([
        supervise(['memory', 'add', '--kind', 'decision', 'Two processes share one owner'], place.env, place.dir),
        supervise(['memory', 'add', '--kind', 'preference', 'Nobody opens the folder twice'], place.env, place.dir),
      ]);
      expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
      expect(lockPid()).toBe(owner.pid);
      const stats = JSON.parse((await supervise(['memory', 'stats', '--json'], place.env, place.dir)).stdout) as { count: number };
      expect(stats.count).toBe(2);

      owner.kill('SIGTERM');
      await waitFor(() => !alive(owner.pid!), { timeout: 30_000, message: 'the owner to exit' });
      expect(existsSync(paths.lock)).toBe(false);
      // A lock left by a process that died is taken over.
      writeFileSync(paths.lock, JSON.stringify({ pid: owner.pid, startedAt: '', socket: paths.socket }));
      const after = await supervise(['memory', 'list', '--json'], place.env, place.dir);
      expect(after.code, after.stderr).toBe(0);
      expect((JSON.parse(after.stdout) as unknown[]).length).toBe(2);
      expect(existsSync(paths.lock)).toBe(false);
    } finally {
      if (alive(owner.pid!)) owner.kill('SIGKILL');
      await place.remove();
    }
  }, 180_000);
});
