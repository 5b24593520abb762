/**
 * What a hostile local process or agent can do to a running supervisor (issue 17): forge hook
 * reports, flood the socket, reach into another agent's terminal, leave a handoff built to hurt.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateHandoff } from '../../src/handoff/validate.js';
import type { AgentState } from '../../src/supervisor/agentState.js';
import { captureHandoff, type CaptureInput } from '../../src/supervisor/capture.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { TeamContext } from '../../src/supervisor/team.js';
import { teamHandoff } from '../fixtures/teamHandoff.js';
import { createSupervisor } from '../helpers/supervisor.js';
import { makeTeam, type Team } from '../helpers/headless.js';
import { makeTempRepo, type TempRepo } from '../helpers/tempRepo.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
const sups: Supervisor[] = [];
const repos: TempRepo[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.shutdown();
  for (const t of teams.splice(0)) t.cleanup();
  for (const r of repos.splice(0)) r.cleanup();
});

interface Started {
  t: Team;
  sup: Supervisor;
  seen: Map<string, string[]>;
  messages: string[];
  socket: string;
}

async function start(yaml: string): Promise<Started> {
  const t = makeTeam(yaml);
  teams.push(t);
  const sup = await createSupervisor(t);
  sups.push(sup);
  const seen = new Map<string, string[]>();
  const messages: string[] = [];
  sup.on('status', (a: AgentState) => {
    const list = seen.get(a.name) ?? [];
    if (list.at(-1) !== a.status) list.push(a.status);
    seen.set(a.name, list);
  });
  sup.on('message', (m) => messages.push(m));
  await sup.start();
  return { t, sup, seen, messages, socket: join(t.repo.dir, '.supervise', 'supervisor.sock') };
}

const agent = (sup: Supervisor, name: string) => sup.agents().find((a) => a.name === name)!;

/** Writes `data` to the socket as any local process could; resolves with the bytes written before it closed. */
function send(socket: string, data: string | Buffer, total = Buffer.byteLength(data)): Promise<number> {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return new Promise((resolve) => {
    let sent = 0;
    const sock = connect(socket);
    sock.on('error', () => {});
    sock.on('close', () => resolve(sent));
    const pump = (): void => {
      while (sent < total && !sock.destroyed) {
        sent += buf.length;
        if (!sock.write(buf)) return void sock.once('drain', pump);
      }
      if (sent >= total) sock.end();
    };
    sock.on('connect', pump);
  });
}

const TWO = `version: 1
project: Hostile
handoff: { enforce: warn }
agents:
  - name: claude1
    task: Answer questions
    args: [--fake-work, "0", --fake-interactive]
  - name: plain
    task: Do plain things
    preset: custom
    command: [FAKE, --fake-work, "0", --fake-interactive]
`;

describe('hook reports are authenticated', () => {
  it('believes the agent own hooks and refuses forged reports, which change nothing', async () => {
    const { t, sup, seen, messages, socket } = await start(TWO);
    // The agent's real hooks carry its secret: starting → working → idle as before.
    await waitFor(() => agent(sup, 'claude1').status === 'idle' && agent(sup, 'plain').status === 'idle', { timeout: 15_000, message: 'both idle' });
    expect(seen.get('claude1')).toEqual(['starting', 'working', 'idle']);
    const sessionId = agent(sup, 'claude1').sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const forged = [
      { agent: 'claude1', event: 'Notification', notificationType: 'permission_prompt' },
      { agent: 'claude1', event: 'SessionStart', sessionId: '--dangerously-skip-permissions', secret: 'guess' },
      { agent: 'claude1', event: 'Bogus' },
      { agent: 'plain', event: 'Stop', blocked: true },
    ];
    for (const r of forged) await send(socket, `${JSON.stringify(r)}\n`);
    await waitFor(() => messages.filter((m) => m.startsWith('refused a hook report')).length === forged.length, { message: () => messages.join('\n') });

    expect(messages).toContain('refused a hook report for claude1: bad secret');
    expect(messages).toContain('refused a hook report: no agent of that name takes hook reports');
    expect(messages.some((m) => m.includes('stop refused'))).toBe(false);
    expect(agent(sup, 'claude1')).toMatchObject({ status: 'idle', sessionId });
    expect(agent(sup, 'plain').status).toBe('idle');
    await sup.shutdown();
    expect(readFileSync(join(t.repo.dir, '.supervise', 'state.json'), 'utf8')).not.toContain('--dangerously-skip-permissions');
  });

  it('a message far over the limit is dropped early; the supervisor keeps believing real hooks', async () => {
    const { sup, seen, messages, socket } = await start(TWO);
    await waitFor(() => agent(sup, 'claude1').status === 'idle', { timeout: 15_000 });
    const total = 48 * 1024 * 1024;
    const written = await send(socket, Buffer.alloc(64 * 1024, 'x'), total);
    expect(written).toBeLessThan(total / 4);
    expect(messages).toContain('refused a hook report: larger than 64 KiB');
    // A prompt makes the real hooks report again: UserPromptSubmit, then Stop.
    sup.write('claude1', 'hello again\r');
    await waitFor(() => seen.get('claude1')!.length >= 5, { message: () => `a second turn: ${seen.get('claude1')}` });
    expect(seen.get('claude1')!.slice(0, 5)).toEqual(['starting', 'working', 'idle', 'working', 'idle']);
  });
});

describe('PTY masters', () => {
  it('no agent holds a descriptor of another agent terminal', async () => {
    const { sup } = await start(`version: 1
project: Fds
agents:
  - name: first
    task: t
    preset: custom
    command: [FAKE, --fake-work, "0", --fake-interactive]
  - name: second
    task: t
    preset: custom
    command: [FAKE, --fake-work, "0", --fake-interactive]
`);
    await waitFor(() => sup.agents().every((a) => a.status === 'idle'), { timeout: 15_000, message: 'both idle' });
    const fds = (pid: number): string[] =>
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
        } catch {
          return []; // closed while we looked
        }
      });
    const [pidA, pidB] = sup.agents().map((s) => s.pid!);
    const [a, b] = [fds(pidA!), fds(pidB!)];
    // Each agent's standard input is its own terminal.
    const ptsA = readlinkSync(`/proc/${pidA}/fd/0`);
    const ptsB = readlinkSync(`/proc/${pidB}/fd/0`);
    expect(ptsA).toMatch(/^\/dev\/pts\/\d+$/);
    expect(ptsB).toMatch(/^\/dev\/pts\/\d+$/);
    expect(ptsA).not.toBe(ptsB);
    // A master is /dev/ptmx; an agent's own master is closed in the child, so any is another's.
    expect(a.filter((x) => x.endsWith('ptmx'))).toEqual([]);
    expect(b.filter((x) => x.endsWith('ptmx'))).toEqual([]);
    expect(b).not.toContain(ptsA);
    expect(a).not.toContain(ptsB);
  });
});

describe('a handoff built to hurt', () => {
  const limits = { budget: { total: 2000, section: 400 }, encoding: 'cl100k_base' as const };

  function setup(): { team: TeamContext; input: CaptureInput; handoff: string; history: () => string[] } {
    const repo = makeTempRepo();
    repos.push(repo);
    const teamPath = join(repo.dir, 'HANDOFF.md');
    writeFileSync(teamPath, teamHandoff('Hurt', 'Start'));
    const worktree = join(repo.dir, '.supervise', 'worktrees', 'evil');
    mkdirSync(worktree, { recursive: true });
    const historyDir = join(repo.dir, '.supervise', 'history');
    return {
      team: { root: repo.dir, project: 'Hurt', teamPath, limits },
      input: { agent: 'evil', branch: 'agent/evil', worktree, handoffFile: 'HANDOFF.md', injectedHash: 'none', status: 'exited', files: [], others: [] },
      handoff: join(worktree, 'HANDOFF.md'),
      history: () => readdirSync(historyDir).map((f) => readFileSync(join(historyDir, f), 'utf8')),
    };
  }

  it('500 small sections are captured whole (bench/hostileHandoff.ts has the time)', async () => {
    const { team, input, handoff, history } = setup();
    const sections = Array.from({ length: 500 }, (_, i) => `## Note ${i}\n- small finding number ${i}\n`);
    writeFileSync(handoff, `${teamHandoff('Hurt', 'Next')}\n${sections.join('\n')}`);
    const cap = await captureHandoff(team, input);
    expect(cap.updated).toBe(true);
    expect(cap.report.sections.filter((x) => x.status === 'unknown')).toHaveLength(500);
    const brief = history().find((h) => h.includes('<!-- evil on agent/evil'))!;
    expect(brief).toContain('## Note 0\n');
    expect(brief).toContain('## Note 499\n- small finding number 499');
    // The team handoff took it in and still fits its budget.
    expect(validateHandoff(readFileSync(team.teamPath, 'utf8'), limits).totalTokens).toBeLessThanOrEqual(limits.budget.total);
  });

  it('a FIFO in its place is refused without blocking', async () => {
    const { team, input, handoff } = setup();
    execFileSync('mkfifo', [handoff]);
    try {
      await expect(captureHandoff(team, input)).rejects.toThrow('HANDOFF.md is not a regular file: not read');
    } finally {
      // Old code blocks a reader on the FIFO: give it an end-of-file so nothing hangs after the test.
      try {
        closeSync(openSync(handoff, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader waiting
      }
    }
  }, 15_000);

  it('a link to a file outside the worktree is not followed, so its content goes nowhere', async () => {
    const { team, input, handoff, history } = setup();
    const secret = join(team.root, '..', `${input.agent}-secret-${process.pid}.txt`);
    writeFileSync(secret, 'TOP SECRET CONTENT');
    symlinkSync(secret, handoff);
    try {
      await expect(captureHandoff(team, input)).rejects.toThrow('HANDOFF.md is a symbolic link: not read');
      expect(history().join('\n')).not.toContain('TOP SECRET');
      expect(readFileSync(team.teamPath, 'utf8')).not.toContain('TOP SECRET');
    } finally {
      rmSync(secret, { force: true });
    }
  });

  it('an oversized one is refused with a clear message and kept in history as it was', async () => {
    const { team, input, handoff, history } = setup();
    const big = `${teamHandoff('Hurt', 'Next')}\n## Dump\n${'- line of the dump\n'.repeat(4000)}`;
    writeFileSync(handoff, big);
    const err = await captureHandoff(team, input).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/^HANDOFF\.md is \d+ KiB, over the limit of 32 KiB: not read; kept as it was in .*\.supervise\/history\/.*evil-refused-handoff\.md$/);
    expect(history()).toContain(big);
    expect(readFileSync(team.teamPath, 'utf8')).not.toContain('line of the dump');
  });
});
