/**
 * The agent runtime end to end: the built `supervise --headless` with fake agents under real
 * PTYs in real git repositories (SPEC §4).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { teamHandoff } from '../fixtures/teamHandoff.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { CLI, historyFiles, makeTeam, readJson, savedState, startHeadless, type Team } from '../helpers/headless.js';

const TEAM_HANDOFF = teamHandoff('Runtime Test', 'Split the auth work between backend, frontend and tests');

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

function team(yaml: string, handoff = TEAM_HANDOFF): Team {
  const t = makeTeam(yaml, { handoff });
  teams.push(t);
  return t;
}

describe('three agents', () => {
  it('each starts with the team handoff and leaves its own, merged into the root', async () => {
    const t = team(`version: 1
project: Runtime Test
agents:
  - name: backend
    task: Implement logout with token invalidation
    args: [--fake-record, SCRATCH/backend.json, --fake-edit, src/logout.ts, --fake-work, "100"]
  - name: frontend
    task: Build the logout button
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/frontend.json, --fake-work, "100", "{task}", --handoff-at, "{handoff_file}"]
  - name: tests
    task: Write integration tests for logout
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/tests.json, --fake-work, "100"]
`);
    const run = startHeadless(t);
    const { code } = await run.exited;
    expect(code, run.stderr + run.stdout).toBe(0);

    // Worktrees on their branches.
    const worktrees = t.repo.git('worktree', 'list', '--porcelain');
    for (const name of ['backend', 'frontend', 'tests']) {
      expect(worktrees).toContain(`worktree ${join(t.repo.dir, '.supervise', 'worktrees', name)}\n`);
      expect(worktrees).toContain(`branch refs/heads/agent/${name}\n`);
    }

    // Claude: brief with the team handoff in --append-system-prompt, the task as the prompt, hooks.
    const backend = readJson(t.record('backend'));
    expect(backend.appendSystemPrompt).toContain('JWT expiry: 7 days');
    expect(backend.appendSystemPrompt).toContain('Decided AGAINST redis');
    expect(backend.appendSystemPrompt).toContain('read HANDOFF.md again and update it in exactly this template');
    expect(backend.prompt).toBe('Implement logout with token invalidation');
    expect(backend.hooksConfigured).toBe(true);
    expect(backend.handoffAtStart).toContain('JWT expiry: 7 days');

    // Custom: environment and placeholders.
    const frontend = readJson<{ argv: string[]; env: Record<string, string>; handoffAtStart: string }>(t.record('frontend'));
    const wt = join(t.repo.dir, '.supervise', 'worktrees', 'frontend');
    expect(frontend.env).toMatchObject({
      SUPERVISE_AGENT: 'frontend',
      SUPERVISE_TASK: 'Build the logout button',
      SUPERVISE_HANDOFF_FILE: join(wt, 'HANDOFF.md'),
      SUPERVISE_ROOT: t.repo.dir,
    });
    expect(frontend.argv).toContain('Build the logout button');
    expect(frontend.argv).toContain(join(wt, 'HANDOFF.md'));
    expect(frontend.handoffAtStart).toContain('Decided AGAINST redis');

    // Captured: the root handoff holds every agent's items; three briefs in history.
    const root = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
    for (const name of ['backend', 'frontend', 'tests']) {
      expect(root).toMatch(new RegExp(`- ${name} · agent/${name} · exited`));
      expect(root).toMatch(new RegExp(`- \\[x\\] .*${name}`));
    }
    expect(root).toContain('JWT expiry: 7 days'); // the team's decisions survive
    const briefs = historyFiles(t);
    for (const name of ['backend', 'frontend', 'tests']) expect(briefs.filter((f) => f.endsWith(`-${name}.md`))).toHaveLength(1);
    const brief = readFileSync(join(t.repo.dir, '.supervise', 'history', briefs.find((f) => f.endsWith('-backend.md'))!), 'utf8');
    expect(brief).toMatch(/## Files Modified\n- src\/logout\.ts/);

    const state = savedState(t);
    expect(state.agents.map((a) => [a.name, a.status, a.handoffCaptured])).toEqual([
      ['backend', 'exited', true],
      ['frontend', 'exited', true],
      ['tests', 'exited', true],
    ]);
  });
});

describe('enforcement', () => {
  it('block: the Stop hook refuses once, naming what is missing; the agent updates and stops', async () => {
    const t = team(`version: 1
project: Runtime Test
handoff: { enforce: block }
agents:
  - name: lazy
    task: Do the thing
    args: [--fake-record, SCRATCH/lazy.json, --fake-handoff, after-block, --fake-work, "50"]
`);
    const run = startHeadless(t);
    const { code } = await run.exited;
    expect(code, run.stderr + run.stdout).toBe(0);
    const events = readNdjson<{ type: string; event?: string; input?: { stop_hook_active?: boolean }; blocked?: boolean; reason?: string }>(`${t.record('lazy')}.events`);
    const stops = events.filter((e) => e.type === 'hook' && e.event === 'Stop');
    expect(stops.length, JSON.stringify(events, null, 1)).toBe(2);
    expect(stops[0]!.input?.stop_hook_active).toBe(false);
    expect(stops[0]!.blocked).toBe(true);
    expect(stops[0]!.reason).toMatch(/HANDOFF\.md is unchanged since your session started.*Current State, Completed, In Progress, Blockers, Next Steps, Key Decisions/s);
    expect(stops[1]!.input?.stop_hook_active).toBe(true);
    expect(stops[1]!.blocked).toBe(false);
    const state = savedState(t).agents[0]!;
    expect(state).toMatchObject({ status: 'exited', handoffUpdated: true, handoffCaptured: true });
    expect(state.warnings).not.toContain('handoff not updated');
  });

  it('warn: the agent stops, and its status says "handoff not updated"', async () => {
    const t = team(`version: 1
project: Runtime Test
handoff: { enforce: warn }
agents:
  - name: lazy
    task: Do the thing
    args: [--fake-record, SCRATCH/lazy.json, --fake-handoff, skip-always, --fake-work, "50"]
`);
    const run = startHeadless(t);
    const { code } = await run.exited;
    expect(code).toBe(1); // not captured as updated
    const state = savedState(t).agents[0]!;
    expect(state).toMatchObject({ status: 'exited', handoffUpdated: false, handoffCaptured: true });
    expect(state.warnings).toContain('handoff not updated');
    const lines = run.lines().filter((l) => l.agent === 'lazy');
    expect(lines.some((l) => (l.warnings as string[]).includes('handoff not updated'))).toBe(true);
    const stops = readNdjson<{ type: string; event?: string; blocked?: boolean }>(`${t.record('lazy')}.events`).filter((e) => e.event === 'Stop');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.blocked).toBe(false);
  });
});

describe('eight agents stopping at the same moment', () => {
  it('lose nothing: eight briefs, and every item is in the team handoff or in history', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `agent${i}`);
    const t = team(`version: 1
project: Runtime Test
handoff: { enforce: off }
agents:
${names.map((n) => `  - name: ${n}\n    task: Piece ${n}\n    preset: custom\n    command: [FAKE, --fake-work, "0"]`).join('\n')}
`);
    const run = startHeadless(t);
    const { code } = await run.exited;
    expect(code, run.stderr).toBe(0);
    const briefs = historyFiles(t);
    for (const n of names) expect(briefs.filter((f) => f.endsWith(`-${n}.md`))).toHaveLength(1);
    const root = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
    const history = briefs
      .filter((f) => !names.some((n) => f.endsWith(`-${n}.md`)))
      .map((f) => readFileSync(join(t.repo.dir, '.supervise', 'history', f), 'utf8'))
      .join('\n');
    // Every agent's own items, as it wrote them (from its brief), are in the team handoff or history.
    for (const n of names) {
      const brief = readFileSync(join(t.repo.dir, '.supervise', 'history', briefs.find((f) => f.endsWith(`-${n}.md`))!), 'utf8');
      const body = brief.split('## Files Modified')[0]!;
      const items = body.split('\n').filter((l) => /^- \[x\] /.test(l) || /^## (Blockers|Key Decisions)/.test(l) === false && /^- Decided AGAINST/.test(l));
      expect(items.length, brief).toBeGreaterThan(0);
      for (const line of items) {
        const text = line.replace(/^- (\[[x ]\] )?/, '').trim();
        expect(root.includes(text) || history.includes(text), `${n}: ${text}`).toBe(true);
      }
      const status = `${n} · agent/${n} · exited`;
      expect(root.includes(status) || history.includes(status), status).toBe(true);
    }
  });
});

describe('failures', () => {
  it('a SIGKILLed agent fails with the signal, the others carry on', async () => {
    const t = team(`version: 1
project: Runtime Test
handoff: { enforce: off }
agents:
  - name: killed
    task: Crash
    preset: custom
    command: [FAKE, --fake-signal-after, "100", --fake-work, "5000"]
  - name: fine
    task: Work
    preset: custom
    command: [FAKE, --fake-work, "300"]
`);
    const run = startHeadless(t);
    const { code } = await run.exited;
    expect(code).toBe(1);
    const byName = Object.fromEntries(savedState(t).agents.map((a) => [a.name, a]));
    expect(byName.killed).toMatchObject({ status: 'failed', signal: 'SIGKILL', detail: 'signal SIGKILL', handoffCaptured: true });
    expect(byName.fine).toMatchObject({ status: 'exited', handoffUpdated: true, handoffCaptured: true });
    const briefs = historyFiles(t);
    expect(briefs.some((f) => f.endsWith('-killed.md'))).toBe(true);
  });

  it('a reader that goes away (| head -1) stops the agents as a hang-up does, with no crash', () => {
    const t = team(`version: 1
project: Runtime Test
handoff: { enforce: off }
agents:
  - name: long
    task: Work a while
    preset: custom
    command: [FAKE, --fake-work, "20000"]
`);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" --headless --json | head -1; exit \${PIPESTATUS[0]}`], { cwd: t.repo.dir, env: t.env, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ agent: 'long', status: 'starting' });
    const saved = readJson<{ cleanShutdown: boolean; agents: { status: string; handoffCaptured: boolean }[] }>(join(t.repo.dir, '.supervise', 'state.json'));
    expect(saved.cleanShutdown).toBe(true);
    expect(saved.agents[0]).toMatchObject({ status: 'stopped', handoffCaptured: true });
  });
});

describe('supervise handoff show and merge', () => {
  it("show previews the worktrees' news without writing; merge writes it into the team handoff", async () => {
    const t = team(`version: 1
project: Runtime Test
handoff: { enforce: off }
agents:
  - name: backend
    task: Implement logout
    preset: custom
    command: [FAKE, --fake-work, "0"]
`);
    const run = startHeadless(t);
    expect((await run.exited).code, run.stderr).toBe(0);
    const wtHandoff = join(t.repo.dir, '.supervise', 'worktrees', 'backend', 'HANDOFF.md');
    const added = 'Decided AGAINST server-side session storage for tokens';
    writeFileSync(wtHandoff, readFileSync(wtHandoff, 'utf8').replace('## Key Decisions\n', `## Key Decisions\n- ${added}\n`));
    const before = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');

    const show = spawnSync(process.execPath, [CLI, 'handoff', 'show'], { cwd: t.repo.dir, encoding: 'utf8', env: t.env });
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toContain(`${added} (@backend)`);
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')).toBe(before);

    const merge = spawnSync(process.execPath, [CLI, 'handoff', 'merge'], { cwd: t.repo.dir, encoding: 'utf8', env: t.env });
    expect(merge.status, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/merged 1 worktree handoff into HANDOFF\.md/);
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')).toContain(`${added} (@backend)`);
    const check = spawnSync(process.execPath, [CLI, 'handoff', 'check'], { cwd: t.repo.dir, encoding: 'utf8', env: t.env });
    expect(check.status, check.stdout).toBe(0);
  });
});
