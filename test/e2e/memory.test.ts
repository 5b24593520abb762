/**
 * Shared memory in a run (SPEC §7), through the built CLI and the real store: memories written
 * when agents are captured, read into another project's agent's brief (and never its handoff),
 * `supervise memory why`, an unreachable store, wave summaries, and the MCP tools called by a
 * real MCP client. Each engine: PGlite in a temp folder, and a PostgreSQL server when
 * SUPERVISE_TEST_PG_URL is set (.ci/run starts one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INJECT_BUDGET, type MemorySettings } from '../../src/config/types.js';
import { Emitter } from '../../src/session/events.js';
import type { AgentState } from '../../src/supervisor/agentState.js';
import { CaptureWriter } from '../../src/memory/capture.js';
import { openMemory, type Memory, type MemoryClient } from '../../src/memory/index.js';
import type { WhyRecord } from '../../src/memory/why.js';
import { ENGINES, freshPlace, PG_URL, type EngineName } from '../helpers/memory.js';
import { CLI, makeTeam, readJson, startHeadless, type Team } from '../helpers/headless.js';

const settings: MemorySettings = { store: 'on', embedder: { provider: 'local' }, inject: { budget: DEFAULT_INJECT_BUDGET } };
const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh, empty store on the engine (a temp folder, or a new database on the server), as environment for every process. */
async function place(engine: EngineName): Promise<NodeJS.ProcessEnv> {
  const p = await freshPlace(engine);
  cleanups.push(() => p.remove());
  const keys = ['HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'SUPERVISE_MEMORY', 'SUPERVISE_MEMORY_DIR', 'SUPERVISE_MEMORY_URL'];
  return Object.fromEntries(keys.map((k) => [k, p.env[k] ?? '']));
}

const engines: EngineName[] = ENGINES.filter((e) => e === 'pglite' || PG_URL);
const rand = () => Math.random().toString(36).slice(2, 8);

function team(yaml: string, env: NodeJS.ProcessEnv): Team {
  const t = makeTeam(yaml);
  Object.assign(t.env, env);
  return t;
}

async function runToEnd(t: Team): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  const run = startHeadless(t);
  const { code } = await run.exited;
  return { code, lines: run.lines(), stderr: run.stderr };
}

function cli(t: Team, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: t.repo.dir, env: t.env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withMemory<T>(env: NodeJS.ProcessEnv, fn: (m: MemoryClient) => Promise<T>): Promise<T> {
  const m = openMemory({ settings, env: { ...process.env, ...env } })!;
  try {
    return await fn(m);
  } finally {
    await m.close();
  }
}

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

describe.each(engines)('memory on %s', (engine) => {
  it("keeps a run's Blockers and Key Decisions, and gives them to another project's agent whose task touches them, in its brief and not its handoff", async () => {
    const env = await place(engine);
    const alphaProject = `Alpha-${rand()}`;
    const a = team(`version: 1\nproject: ${alphaProject}\nagents:\n  - name: alpha\n    task: Parse the config files\n    args: [--fake-record, SCRATCH/alpha.json, --fake-work, "50"]\n`, env);
    teams.push(a);
    const ran = await runToEnd(a);
    expect(ran.code, ran.stderr + JSON.stringify(ran.lines)).toBe(0);

    // Claude Code got the memory MCP server, allowed in its worktree's own settings.
    const argv = readJson<{ argv: string[] }>(a.record('alpha')).argv;
    const mcpArg = argv.find((x) => x.startsWith('--mcp-config='))!;
    const mcpConfig = readJson<{ mcpServers: Record<string, { command: string; args: string[] }> }>(mcpArg.slice('--mcp-config='.length));
    expect(mcpConfig.mcpServers['supervise-memory']!.args).toEqual([CLI, 'mcp', '--root', a.repo.dir, '--agent', 'alpha']);
    const local = readJson<{ permissions: { allow: string[] } }>(join(a.repo.dir, '.supervise', 'worktrees', 'alpha', '.claude', 'settings.local.json'));
    expect(local.permissions.allow).toContain('mcp__supervise-memory__memory_search');

    const kept = await withMemory(env, (m) => m.list({ project: alphaProject, limit: 50 }));
    const byKind = (kind: string) => kept.filter((k) => k.kind === kind);
    const mistake = byKind('mistake').find((k) => k.text.startsWith('Decided AGAINST a rewrite because a small change in place was enough'));
    const decision = byKind('decision').find((k) => k.text.startsWith('Kept the existing structure, because the team handoff asked for small diffs'));
    expect(mistake, JSON.stringify(kept)).toBeDefined();
    expect(decision).toBeDefined();
    for (const m of [mistake!, decision!]) {
      expect(m).toMatchObject({ project: alphaProject, agent: 'alpha', branch: 'agent/alpha', repository: a.repo.dir });
      expect(m.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(m.source).toMatch(/\.supervise\/history\/.*alpha\.md$/);
      expect(existsSync(m.source!)).toBe(true);
    }

    // Another project: a custom agent reads its brief from the file it is given.
    const b = team(
      `version: 1\nproject: Beta-${rand()}\nagents:\n  - name: beta\n    task: Rewrite the importer as a small change in place, keeping the existing structure\n    preset: custom\n    command: [FAKE, --fake-record, SCRATCH/beta.json, --fake-work, "50", "--brief={brief_file}"]\n`,
      env,
    );
    teams.push(b);
    const ranB = await runToEnd(b);
    expect(ranB.code, ranB.stderr + JSON.stringify(ranB.lines)).toBe(0);
    const rec = readJson<{ argv: string[]; env: Record<string, string>; handoffAtStart: string }>(b.record('beta'));
    const briefFile = rec.env.SUPERVISE_BRIEF_FILE!;
    expect(briefFile).toBe(join(b.repo.dir, '.supervise', 'briefs', 'beta.md'));
    expect(rec.argv).toContain(`--brief=${briefFile}`);
    const brief = readFileSync(briefFile, 'utf8');
    expect(brief).toContain("## From the team's memory");
    expect(brief).toContain(`- [mistake · ${alphaProject}/alpha] Decided AGAINST a rewrite because a small change in place was enough`);
    expect(brief).toContain(`- [decision · ${alphaProject}/alpha] Kept the existing structure`);
    expect(brief).toContain('supervise memory search');
    // Never in the handoff: neither as the agent got it nor in the team's.
    expect(rec.handoffAtStart).toContain('Rewrite the importer');
    expect(rec.handoffAtStart).not.toContain('Decided AGAINST a rewrite');
    expect(rec.handoffAtStart).not.toContain("team's memory");
    // (beta writes a blocker of the same words itself: alpha's is the one with alpha's name.)
    const teamText = readFileSync(join(b.repo.dir, 'HANDOFF.md'), 'utf8');
    expect(teamText).not.toContain('was enough (alpha)');
    expect(teamText).not.toContain("team's memory");

    // Why: the query, what was given with its scores, within the budget; used counts went up.
    const why = cli(b, ['memory', 'why', 'beta', '--json']);
    expect(why.status, why.stderr).toBe(0);
    const record = JSON.parse(why.stdout) as WhyRecord;
    expect(record.query.startsWith('Rewrite the importer as a small change in place')).toBe(true);
    expect(record.injected.map((h) => h.id)).toEqual(expect.arrayContaining([mistake!.id, decision!.id]));
    expect(record.tokens).toBeLessThanOrEqual(DEFAULT_INJECT_BUDGET);
    expect(record.injected.every((h) => h.score > 0)).toBe(true);
    const text = cli(b, ['memory', 'why', 'beta']);
    expect(text.stdout).toContain('query: Rewrite the importer');
    expect(text.stdout).toContain(`[mistake · ${alphaProject}/alpha] Decided AGAINST a rewrite`);
    const used = await withMemory(env, (m) => m.get(mistake!.id));
    expect(used!.timesUsed).toBeGreaterThanOrEqual(1);
  }, 240_000);

  it('loses nothing when eight agents are captured at once: every history file is a source of a memory', async () => {
    const env = await place(engine);
    const project = `Eight-${rand()}`;
    const names = Array.from({ length: 8 }, (_, i) => `m${i + 1}`);
    const agents = names.map((n) => `  - name: ${n}\n    task: Part ${n} of the parser\n    preset: custom\n    command: [FAKE, --fake-work, "50"]\n`).join('');
    const t = team(`version: 1\nproject: ${project}\nagents:\n${agents}`, env);
    teams.push(t);
    const ran = await runToEnd(t);
    expect(ran.code, ran.stderr + JSON.stringify(ran.lines)).toBe(0);
    // No write failed (a start without memories, when the new store opens slowly, is another matter).
    expect(ran.lines.filter((l) => typeof l.message === 'string' && l.message.includes('could not keep'))).toEqual([]);
    const kept = await withMemory(env, (m) => m.list({ project, limit: 100 }));
    for (const kind of ['mistake', 'decision'] as const) {
      // The eight say the same in other words than their name: merged, with every source kept.
      const sources = kept.filter((k) => k.kind === kind).flatMap((k) => k.sources);
      for (const n of names) expect(sources.filter((src) => src.endsWith(`-${n}.md`)), `${kind} from ${n} in ${JSON.stringify(kept)}`).toHaveLength(1);
    }
  }, 240_000);

  it('picks up a wave summary written into the history folder', async () => {
    const env = await place(engine);
    const root = tempDir('supervise-wave-');
    const history = join(root, '.supervise', 'history');
    mkdirSync(history, { recursive: true });
    const project = `Waves-${rand()}`;
    await withMemory(env, async (memory) => {
      const messages: string[] = [];
      const sup = new (class extends Emitter<{ status: AgentState }> {})();
      const writer = new CaptureWriter({ root, project, memory, message: (t) => messages.push(t) }).follow(sup);
      writeFileSync(
        join(history, '2026-01-01T00-00-00-000Z-1a2b3c4d-wave-1-summary.md'),
        `# ${project} - Wave Summary (wave 1: alpha, beta)\n\n## Discovered\n- The ledger API pages with cursors\n\n## Decisions\n- REST\n\n## Mistakes to Avoid\n- Mocking the ledger hid a rounding bug\n\n## Pattern to Follow\n- One ledger client per process, see src/ledger.ts\n\n## Files Modified\n- src/ledger.ts\n`,
      );
      await writer.drain();
      writer.dispose();
      expect(messages).toEqual([]);
      const kept: Memory[] = await memory.list({ project, limit: 20 });
      expect(kept.every((k) => k.agent === 'alpha, beta' && k.source?.endsWith('wave-1-summary.md'))).toBe(true);
      expect(kept.map((k) => [k.kind, k.text]).sort()).toEqual([
        ['learning', 'The ledger API pages with cursors'],
        ['mistake', 'Mocking the ledger hid a rounding bug'],
        ['pattern', 'One ledger client per process, see src/ledger.ts'],
      ]);
      // Read once: a second look adds nothing.
      const again = new CaptureWriter({ root, project, memory, message: (t) => messages.push(t) }).follow(sup);
      await again.drain();
      again.dispose();
      expect((await memory.list({ project, limit: 20 })).length).toBe(3);
    });
  }, 120_000);

  it('serves memory_search and memory_add to a real MCP client', async () => {
    const env = await place(engine);
    const t = team(`version: 1\nproject: Mcp-${rand()}\nagents:\n  - name: gamma\n    task: t\n    preset: custom\n    command: [FAKE]\n`, env);
    teams.push(t);
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--root', t.repo.dir, '--agent', 'gamma'], env: t.env as Record<string, string>, stderr: 'pipe' });
    const client = new Client({ name: 'memory-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((x) => x.name).sort()).toEqual(['memory_add', 'memory_search']);
      const word = `zebrafish${rand()}`;
      const added = await client.callTool({ name: 'memory_add', arguments: { kind: 'learning', text: `The ${word} fixture must be reset between runs` } });
      expect(added.isError).toBeFalsy();
      const { id } = JSON.parse((added.content as { text: string }[])[0]!.text) as { id: string };
      const found = await client.callTool({ name: 'memory_search', arguments: { query: `reset the ${word} fixture`, limit: 3 } });
      const rows = JSON.parse((found.content as { text: string }[])[0]!.text) as { id: string; kind: string; agent: string; project: string }[];
      expect(rows[0]).toMatchObject({ id, kind: 'learning', agent: 'gamma' });
      const bad = await client.callTool({ name: 'memory_add', arguments: { kind: 'rumour', text: 'nope' } });
      expect(bad.isError).toBe(true);
    } finally {
      await client.close();
    }
  }, 120_000);
});

describe('memory out of reach', () => {
  it('starts the agent without memories, says so, and records why', async () => {
    const t = team(`version: 1\nproject: Down\nagents:\n  - name: delta\n    task: Anything at all\n    preset: custom\n    command: [FAKE, --fake-work, "50"]\n`, { SUPERVISE_MEMORY: 'on', SUPERVISE_MEMORY_URL: 'postgres://nobody@127.0.0.1:9/none' });
    teams.push(t);
    const ran = await runToEnd(t);
    const messages = ran.lines.map((l) => l.message).filter(Boolean) as string[];
    expect(messages.some((m) => m.startsWith('memory: delta starts without memories')), JSON.stringify(messages)).toBe(true);
    expect(ran.lines.at(-1)).toMatchObject({ done: true, ok: true });
    expect(ran.code).toBe(0);
    const why = cli(t, ['memory', 'why', 'delta']);
    expect(why.stdout).toContain('no memories given:');
  }, 120_000);
});
