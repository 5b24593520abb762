/**
 * No orphans, whatever kills the supervisor (SPEC §4.8, §9): the orphan watcher ends every agent's
 * process groups even when an agent ignores SIGHUP and never writes to its terminal, so the
 * terminal's hang-up alone would not end it. And one supervisor per repository.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readProc } from '../../src/supervisor/procfs.js';
import { alive, CLI, makeTeam, startHeadless, waitForRecord, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const t of teams.splice(0)) t.cleanup();
});

function team(yaml: string): Team {
  const t = makeTeam(yaml);
  teams.push(t);
  return t;
}

/** Two long-running agents: one ordinary, one that ignores SIGHUP and never writes a byte. */
function stubbornTeam(): Team {
  return team(`version: 1
project: Orphans
handoff: { enforce: off }
agents:
  - name: plain
    task: Work for a long time
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/plain.json, --fake-work, "600000"]
  - name: stubborn
    task: Work for a long time, deaf to hang-ups
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/stubborn.json, --fake-work, "600000", --fake-ignore-hup, --fake-silent]
`);
}

/** Pids of the orphan watchers started by the supervisor `supervisorPid`. */
function watchers(supervisorPid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(CLI) && argv.includes('watch') && argv.includes(String(supervisorPid)) && alive(Number(name))) found.push(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return found;
}

async function agentPids(t: Team, names: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const n of names) pids.push((await waitForRecord(t, n)).pid as number);
  leftovers.push(...pids);
  return pids;
}

describe('a supervisor killed with SIGKILL', () => {
  it('leaves no agent behind, not even one that ignores SIGHUP and never writes', async () => {
    const t = stubbornTeam();
    const run = startHeadless(t);
    const pids = await agentPids(t, ['plain', 'stubborn']);
    // forkpty makes each agent a session leader and the launcher execs in place: its pid names its session.
    for (const pid of pids) expect(readProc(pid)?.session).toBe(pid);
    await waitFor(() => watchers(run.child.pid!).length === 1, { message: 'the orphan watcher' });
    const watcher = watchers(run.child.pid!)[0]!;
    leftovers.push(watcher);
    expect(pids.every(alive)).toBe(true);

    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor(() => pids.every((p) => !alive(p)), { timeout: 5000, message: () => `orphans: ${pids.filter(alive).join(', ')}` });
    // Its job done, the watcher ends too.
    await waitFor(() => !alive(watcher), { timeout: 5000, message: 'the watcher to exit' });
  });
});

describe('a clean shutdown', () => {
  it('leaves no watcher process', async () => {
    const t = team(`version: 1
project: Orphans
handoff: { enforce: off }
agents:
  - name: quick
    task: Work briefly
    preset: custom
    command: [FAKE, --fake-work, "200"]
`);
    const run = startHeadless(t);
    let seen: number[] = [];
    // The watcher starts before the first agent; remember it while the supervisor runs.
    const exited = run.exited.then((e) => e);
    await waitFor(() => (seen = watchers(run.child.pid!)).length > 0 || run.child.exitCode !== null, { message: 'the watcher or the end' });
    leftovers.push(...seen);
    const { code } = await exited;
    expect(code, run.stderr).toBe(0);
    await waitFor(() => seen.every((p) => !alive(p)) && watchers(run.child.pid!).length === 0, { timeout: 5000, message: 'the watcher to exit' });
  });
});

describe('two supervisors in one repository', () => {
  it('the second refuses with the pid of the first and creates nothing; after a SIGKILL the next one recovers', async () => {
    const t = team(`version: 1
project: Orphans
handoff: { enforce: off }
agents:
  - name: long
    task: Work for a long time
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/long.json, --fake-work, "600000"]
`);
    const first = startHeadless(t);
    const [pid] = await agentPids(t, ['long']);
    const lock = join(t.repo.dir, '.supervise', 'supervisor.lock');
    expect(existsSync(lock)).toBe(true);
    // The first supervisor logs its agent's output once there is some: wait for it, so the
    // listing below only changes if the second supervisor writes something.
    await waitFor(() => existsSync(join(t.repo.dir, '.supervise', 'logs', 'long.log')), { message: 'the first agent\'s log' });
    // The first supervisor keeps writing its state, each time through a temp file named with its
    // pid: such a file may be there at one listing and gone at the next.
    const ownTemp = new RegExp(`\\.${first.child.pid}\\.[0-9a-f]+\\.tmp$`);
    const listing = () =>
      readdirSync(t.repo.dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => !f.startsWith('.git/') && !ownTemp.test(f))
        .sort();
    const before = listing();
    const lockBefore = readFileSync(lock, 'utf8');

    const second = startHeadless(t);
    const { code } = await second.exited;
    expect(code).toBe(2);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stdout).toBe('');
    expect(listing()).toEqual(before);
    expect(readFileSync(lock, 'utf8')).toBe(lockBefore);
    expect(alive(pid!)).toBe(true);

    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(() => !alive(pid!), { timeout: 5000, message: 'the first agent to go' });
    expect(existsSync(lock)).toBe(true); // a SIGKILL leaves it behind

    const third = startHeadless(t);
    leftovers.push(third.child.pid!);
    await waitFor(() => /recover|taking over/i.test(third.stderr), { message: () => `a recovery notice; stderr: ${third.stderr}` });
    expect(third.stderr).toContain(`pid ${first.child.pid}`);
    await waitFor(() => third.lines().some((l) => l.agent === 'long' && l.status === 'working'), { message: 'the agent to run again' });
    third.child.kill('SIGTERM');
    await third.exited;
    expect(existsSync(lock)).toBe(false);
  });
});
