/**
 * The supervisor's life cycle end to end: signals, refusals before anything is created, and the
 * agents' escape sequences kept away from our own output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, CLI, historyFiles, makeTeam, savedState, startHeadless, waitForRecord, type Team } from '../helpers/headless.js';
import { makeTempRepo } from '../helpers/tempRepo.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

function team(yaml: string): Team {
  const t = makeTeam(yaml);
  teams.push(t);
  return t;
}

function interactiveTeam(names: string[]): Team {
  return team(`version: 1
project: Lifecycle
handoff: { enforce: off }
agents:
${names.map((n) => `  - name: ${n}\n    task: Wait for input\n    preset: custom\n    command: [FAKE, --fake-record, SCRATCH/${n}.json, --fake-work, "0", --fake-interactive]`).join('\n')}
`);
}

async function agentPids(t: Team, names: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const n of names) pids.push((await waitForRecord(t, n)).pid as number);
  return pids;
}

describe('signals', () => {
  it('SIGTERM with four agents running: every agent is gone within 5 s, handoffs captured, state saved', async () => {
    const names = ['one', 'two', 'three', 'four'];
    const t = interactiveTeam(names);
    const run = startHeadless(t);
    const pids = await agentPids(t, names);
    await waitFor(() => run.lines().filter((l) => l.status === 'idle').length === 4, { message: 'four idle agents' });

    const sentAt = Date.now();
    run.child.kill('SIGTERM');
    await waitFor(() => pids.every((p) => !alive(p)), { timeout: 5000, message: () => `agents gone: ${pids.filter(alive).join(', ')} still alive` });
    const gone = Date.now() - sentAt;
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(gone).toBeLessThan(5000);
    const state = savedState(t);
    expect(state.agents.map((a) => [a.name, a.status, a.handoffCaptured])).toEqual(names.map((n) => [n, 'stopped', true]));
    for (const n of names) expect(historyFiles(t).filter((f) => f.endsWith(`-${n}.md`))).toHaveLength(1);
    expect(run.stdout).toMatch(/received SIGTERM/);
  });

  it('a SIGKILLed supervisor leaves no agent behind', async () => {
    const names = ['a', 'b', 'c'];
    const t = interactiveTeam(names);
    const run = startHeadless(t);
    const pids = await agentPids(t, names);
    expect(pids.every(alive)).toBe(true);
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor(() => pids.every((p) => !alive(p)), { timeout: 5000, message: () => `orphans: ${pids.filter(alive).join(', ')}` });
  });
});

describe('refusals: exit 2, a clear message, nothing half-created', () => {
  const YAML = `version: 1\nproject: P\nagents:\n  - name: a\n    task: t\n    preset: custom\n    command: [\"true\"]\n`;

  function listing(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  }

  function supervise(cwd: string) {
    return spawnSync(process.execPath, [CLI, '--headless'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  }

  it('not a git repository', () => {
    const t = team(YAML);
    const dir = join(t.scratch, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'agents.yaml'), YAML);
    const before = listing(dir);
    const r = supervise(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a git repository/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(listing(dir)).toEqual(before);
  });

  it('a missing base', () => {
    const repo = makeTempRepo();
    try {
      writeFileSync(join(repo.dir, 'agents.yaml'), YAML.replace('project: P', 'project: P\nbase: release-9'));
      const before = listing(repo.dir);
      const r = supervise(repo.dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/release-9/);
      expect(listing(repo.dir)).toEqual(before);
      expect(repo.git('branch', '--list')).not.toMatch(/agent\//);
    } finally {
      repo.cleanup();
    }
  });

  it('a worktree path that is a file', () => {
    const repo = makeTempRepo();
    try {
      writeFileSync(join(repo.dir, 'agents.yaml'), YAML);
      mkdirSync(join(repo.dir, '.supervise', 'worktrees'), { recursive: true });
      writeFileSync(join(repo.dir, '.supervise', 'worktrees', 'a'), 'in the way');
      const before = listing(repo.dir);
      const r = supervise(repo.dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/worktree path for agent "a" is occupied/);
      expect(listing(repo.dir)).toEqual(before);
      expect(repo.git('worktree', 'list')).not.toMatch(/worktrees\/a/);
      expect(repo.git('branch', '--list')).not.toMatch(/agent\/a/);
    } finally {
      repo.cleanup();
    }
  });
});

describe('escape sequences', () => {
  it("an agent's OSC 52 clipboard write and title change never reach our stdout", async () => {
    const t = team(`version: 1
project: Escapes
handoff: { enforce: off }
agents:
  - name: noisy
    task: Emit escapes
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/noisy.json, --fake-osc, --fake-work, "50"]
`);
    const run = startHeadless(t);
    const { code } = await run.exited;
    expect(code, run.stderr).toBe(0);
    const events = readFileSync(`${t.record('noisy')}`, 'utf8');
    expect(events).toBeTruthy(); // the agent ran
    expect(run.stdout + run.stderr).not.toContain('\x1b]52');
    expect(run.stdout + run.stderr).not.toContain('\x1b]0;');
    expect(run.stdout + run.stderr).not.toMatch(/\x1b\[c/);
    // And in human mode too.
    const human = spawnSync(process.execPath, [CLI, '--headless'], { cwd: t.repo.dir, env: t.env, encoding: 'utf8' });
    expect(human.stdout + human.stderr).not.toContain('\x1b]52');
    expect(human.stdout + human.stderr).not.toContain('\x1b]0;');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: t.repo.dir, encoding: 'utf8' })).not.toContain('agents.yaml');
  });
});
