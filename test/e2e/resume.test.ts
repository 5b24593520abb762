/**
 * Runs are remembered (SPEC §9), end to end: the built `supervise --headless` twice on one
 * repository with fake agents under real PTYs. A second start resumes only what had not
 * finished, recovers from a crash before resuming, and unattended runs end.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { teamHandoff } from '../fixtures/teamHandoff.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { CLI, makeTeam, savedState, startHeadless, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

function team(yaml: string): Team {
  const t = makeTeam(yaml, { handoff: teamHandoff('Resume Test', 'Ship logout') });
  teams.push(t);
  return t;
}

interface Start {
  resumed: string | null;
  argv: string[];
  handoffAtStart: string | null;
}
const starts = (t: Team, agent: string) => readNdjson<Start>(`${t.record(agent)}.starts`);
const messages = (lines: Record<string, unknown>[]) => lines.filter((l) => typeof l.message === 'string').map((l) => String(l.message));

// `done` finishes at once; `slow` works until stopped, and finishes quickly once resumed.
const TWO = `version: 1
project: Resume Test
agents:
  - name: done
    task: Add the logout route
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/done.json, --fake-work, "50"]
  - name: slow
    task: Write the logout tests
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/slow.json, --fake-work, "600000", --fake-resume-work, "50"]
`;

/** First run: `done` finishes cleanly, `slow` is stopped mid-work by SIGTERM. */
async function firstRun(t: Team): Promise<void> {
  const run = startHeadless(t);
  await waitFor(() => savedState(t).agents.some((a) => a.name === 'done' && a.status === 'exited' && a.handoffCaptured) && starts(t, 'slow').length === 1, {
    timeout: 20_000,
    message: () => `done finished and slow working:\n${run.stdout}${run.stderr}`,
  });
  run.child.kill('SIGTERM');
  expect((await run.exited).code).toBe(1);
}

describe('a second start', () => {
  it('resumes only the agent that had not finished, with the team handoff re-injected; --fresh reruns all; --only limits', async () => {
    const t = team(TWO);
    await firstRun(t);

    const second = startHeadless(t);
    const { code } = await second.exited;
    expect(code, second.stdout + second.stderr).toBe(0);
    expect(starts(t, 'done')).toHaveLength(1);
    const slow = starts(t, 'slow');
    expect(slow).toHaveLength(2);
    expect(slow[0]!.resumed).toBeNull();
    expect(slow[1]!.resumed).toBe('1');
    // The team handoff it gets again holds what `done` left in it.
    expect(slow[1]!.handoffAtStart).toMatch(/- \[x\] Add the logout route \(done\)/);
    const said = messages(second.lines()).join('\n');
    expect(said).toMatch(/resuming slow/);
    expect(said).toMatch(/done finished cleanly in an earlier run and is not rerun/);
    // `done` is reported with its last result.
    expect(second.lines().find((l) => l.agent === 'done')).toMatchObject({ status: 'exited', exitCode: 0, handoffCaptured: true });

    // Both finished now: a third start reruns nothing, --fresh reruns both.
    const third = startHeadless(t);
    expect((await third.exited).code).toBe(0);
    expect([starts(t, 'done').length, starts(t, 'slow').length]).toEqual([1, 2]);
    const fresh = startHeadless(t, ['--fresh', '--only', 'done']);
    expect((await fresh.exited).code, fresh.stdout + fresh.stderr).toBe(0);
    expect([starts(t, 'done').length, starts(t, 'slow').length]).toEqual([2, 2]);
    expect(starts(t, 'done')[1]!.resumed).toBeNull();
    // --only left slow's saved state alone.
    expect(savedState(t).agents.map((a) => a.name).sort()).toEqual(['done', 'slow']);
  });

  it('--only with an unknown name: exit 2, naming it and the known agents', () => {
    const t = team(TWO);
    const r = spawnSync(process.execPath, [CLI, '--headless', '--only', 'done,nope'], { cwd: t.repo.dir, env: t.env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/"nope"/);
    expect(r.stderr).toMatch(/done, slow/);
    expect(existsSync(join(t.repo.dir, '.supervise', 'worktrees'))).toBe(false);
  });
});

describe('crash recovery', () => {
  it("after a SIGKILL the agent's handoff reaches the team handoff before it resumes, and the start says so", async () => {
    const t = team(`version: 1
project: Resume Test
agents:
  - name: writer
    task: Document the logout flow
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/writer.json, --fake-work, "50", --fake-interactive, --fake-resume-work, "50"]
`);
    const first = startHeadless(t);
    await waitFor(() => readNdjson<{ type: string }>(`${t.record('writer')}.events`).some((e) => e.type === 'handoff'), { timeout: 20_000, message: 'the handoff written' });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')).not.toMatch(/Document the logout flow \(writer\)/);

    const second = startHeadless(t);
    const { code } = await second.exited;
    expect(code, second.stdout + second.stderr).toBe(0);
    const said = messages(second.lines()).join('\n');
    expect(said).toMatch(/recovering from a crash/);
    expect(said).toMatch(/recovered the handoffs of writer/);
    const again = starts(t, 'writer');
    expect(again).toHaveLength(2);
    expect(again[1]!.resumed).toBe('1');
    // Merged before the resume: what it was given back already holds its own item.
    expect(again[1]!.handoffAtStart).toMatch(/- \[x\] Document the logout flow \(writer\)/);
  });
});

describe('unattended runs end', () => {
  it('--timeout stops everything gracefully and exits 1 naming what still ran; logs hold the output', async () => {
    // Memory off: in a two-second run the agent must not spend its start waiting for the store to open.
    const t = team(`version: 1
project: Resume Test
memory: { store: "off" }
agents:
  - name: busy
    task: Refactor the session store
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/busy.json, --fake-work, "600000"]
`);
    const run = startHeadless(t, ['--timeout', '2']);
    const { code } = await run.exited;
    expect(code, run.stdout + run.stderr).toBe(1);
    const lines = run.lines();
    expect(messages(lines).join('\n')).toMatch(/--timeout 2 s reached with busy \((starting|working)\) still running/);
    expect(lines.at(-1)).toMatchObject({ done: true, ok: false, timedOut: [expect.stringMatching(/^busy/)] });
    expect(savedState(t).agents).toMatchObject([{ name: 'busy', status: 'stopped', handoffCaptured: true }]);
    const log = readFileSync(join(t.repo.dir, '.supervise', 'logs', 'busy.log'), 'utf8');
    expect(log).toContain('Reading HANDOFF.md');
    expect(log).not.toContain('\x1b');
  });

  it('an agent waiting for an answer is reported at once with the question; its log holds it', async () => {
    const t = team(`version: 1
project: Resume Test
agents:
  - name: asker
    task: Apply the migration
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/asker.json, --fake-work, "50", --fake-confirm]
  - name: claudeasks
    task: Edit the app
    args: [--fake-record, SCRATCH/claudeasks.json, --fake-work, "50", --fake-ask]
`);
    const run = startHeadless(t);
    const asking = (agent: string) => run.lines().find((l) => l.agent === agent && l.status === 'needs-input');
    await waitFor(() => asking('asker') && asking('claudeasks'), { timeout: 30_000, message: () => `both asking:\n${run.stdout}` });
    expect(asking('asker')!.detail).toMatch(/Apply the change\? \[Y\/n\]/);
    expect(asking('claudeasks')!.detail).toBe('Claude needs your permission to use Edit');
    run.child.kill('SIGTERM');
    await run.exited;
    const log = readFileSync(join(t.repo.dir, '.supervise', 'logs', 'asker.log'), 'utf8');
    expect(log).toContain('Done: Apply the migration');
    expect(log).toContain('Apply the change? [Y/n]');
    expect(log).not.toContain('\x1b');
  });
});
