/**
 * The Supervisor service driven directly (as the TUI drives it): exact Claude statuses from hooks,
 * sync with nudges, restart resuming the Claude session, hooks re-injecting after compaction.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { NodePtySpawner } from '../../src/session/pty.js';
import type { AgentState } from '../../src/supervisor/agentState.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { createSupervisor } from '../helpers/supervisor.js';
import { CLI, makeTeam, readJson, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
const sups: Supervisor[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.shutdown();
  for (const t of teams.splice(0)) t.cleanup();
});

async function start(yaml: string, prepare?: (t: Team) => void): Promise<{ t: Team; sup: Supervisor; seen: Map<string, string[]> }> {
  const t = makeTeam(yaml);
  prepare?.(t);
  teams.push(t);
  const sup = await createSupervisor(t);
  sups.push(sup);
  const seen = new Map<string, string[]>();
  sup.on('status', (a: AgentState) => {
    const list = seen.get(a.name) ?? [];
    if (list.at(-1) !== a.status) list.push(a.status);
    seen.set(a.name, list);
  });
  await sup.start();
  return { t, sup, seen };
}

const status = (sup: Supervisor, name: string) => sup.agents().find((a) => a.name === name)!.status;

describe('Supervisor.create', () => {
  it('knows its agents, as starting, before any worktree exists', async () => {
    const t = makeTeam('version: 1\nproject: Early\nagents:\n  - name: solo\n    task: t\n    preset: custom\n    command: [FAKE]\n');
    teams.push(t);
    const loaded = await loadConfig(join(t.repo.dir, 'agents.yaml'));
    const sup = await Supervisor.create({ loaded, spawner: new NodePtySpawner(), env: t.env, cols: 80, rows: 24, nodePath: process.execPath, cliPath: CLI });
    expect(sup.agents().map((a) => [a.name, a.status, a.worktree])).toEqual([['solo', 'starting', join(t.repo.dir, '.supervise', 'worktrees', 'solo')]]);
    expect(t.repo.git('worktree', 'list')).not.toContain('solo');
  });
});

describe('Claude Code statuses come from its hooks', () => {
  it('starting → working → idle, session id stored, restart resumes it with a fresh handoff', async () => {
    const { t, sup, seen } = await start(`version: 1
project: Hooks
handoff: { enforce: warn }
agents:
  - name: claude1
    task: Answer questions
    args: [--fake-record, SCRATCH/claude1.json, --fake-work, "50", --fake-interactive]
`);
    await waitFor(() => status(sup, 'claude1') === 'idle', { message: 'idle from the Stop hook' });
    expect(seen.get('claude1')).toEqual(['starting', 'working', 'idle']);
    const first = readJson<{ argv: string[]; sessionId?: string }>(t.record('claude1'));
    const sessionId = sup.agents()[0]!.sessionId;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    // Typing a prompt sets it working again (UserPromptSubmit), the turn's end idles it.
    sup.write('claude1', 'hello there\r');
    await waitFor(() => readNdjson<{ type: string; line?: string }>(`${t.record('claude1')}.events`).some((e) => e.type === 'input' && e.line === 'hello there'), { message: 'the echo' });
    await waitFor(() => seen.get('claude1')!.length >= 5, { message: () => `a second turn: ${seen.get('claude1')}` });
    expect(seen.get('claude1')!.slice(0, 5)).toEqual(['starting', 'working', 'idle', 'working', 'idle']);

    await sup.restartAgent('claude1');
    await waitFor(() => {
      const rec = readJson<{ argv: string[]; pid: number }>(t.record('claude1'));
      return rec.argv.includes('--resume') ? rec : undefined;
    }, { message: 'the restarted agent' });
    const second = readJson<{ argv: string[] }>(t.record('claude1'));
    expect(second.argv.slice(second.argv.indexOf('--resume'), second.argv.indexOf('--resume') + 2)).toEqual(['--resume', sessionId]);
    expect(first.argv).not.toContain('--resume');
    await waitFor(() => status(sup, 'claude1') === 'idle');
  });
});

describe("Claude Code's trust dialog", () => {
  it('shows as waiting for input, with a message saying what to do', async () => {
    const messages: string[] = [];
    const { sup } = await start(
      'version: 1\nproject: Trust\nagents:\n  - name: newcomer\n    task: t\n',
      (t) => {
        // A `claude` that, like Claude Code in a folder never trusted, shows its dialog and waits.
        const dialog = join(t.bin, 'claude');
        rmSync(dialog);
        writeFileSync(dialog, "#!/bin/sh\nprintf ' Quick safety check: Is this a project you created or one you trust?\\n\\n ❯ 1. Yes, I trust this folder\\n   2. No, exit\\n'\nread answer\n", { mode: 0o755 });
      },
    );
    sup.on('message', (m) => messages.push(m));
    await waitFor(() => status(sup, 'newcomer') === 'needs-input', { message: 'needs-input from the dialog' });
    expect(sup.agents()[0]!.detail).toBe('asks to trust its folder');
    await waitFor(() => messages.some((m) => /newcomer: Claude Code asks whether to trust .*attach to it and answer/.test(m)));
  });
});

describe('sync', () => {
  it('merges every worktree into the team handoff, writes it everywhere and nudges agents at their prompt', async () => {
    const { t, sup } = await start(`version: 1
project: Sync
handoff: { enforce: off }
sync: { notify: always }
agents:
  - name: alpha
    task: Do alpha
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/alpha.json, --fake-work, "50", --fake-interactive]
  - name: beta
    task: Do beta
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/beta.json, --fake-work, "50", --fake-interactive]
`);
    // The custom agents update their handoffs before going idle at their `> ` prompt (custom agents are nudged only with always).
    await waitFor(() => sup.agents().every((a) => a.status === 'idle'), { timeout: 15_000, message: 'both idle' });
    const messages: string[] = [];
    sup.on('message', (m) => messages.push(m));
    const summary = await sup.sync();
    expect(summary.worktrees).toBe(2);
    expect(summary.nudged.sort()).toEqual(['alpha', 'beta']);
    expect(messages).toContain('synced 2 worktrees, nudged 2: alpha, beta');
    const team = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
    expect(team).toMatch(/Do alpha/);
    expect(team).toMatch(/Do beta/);
    for (const name of ['alpha', 'beta']) {
      expect(readFileSync(join(t.repo.dir, '.supervise', 'worktrees', name, 'HANDOFF.md'), 'utf8')).toBe(team);
      await waitFor(() => readNdjson<{ type: string; line?: string }>(`${t.record(name)}.events`).some((e) => e.type === 'input' && /team handoff was synced/.test(e.line ?? '')), { message: `the nudge to ${name}` });
    }
    const view = await sup.handoffView();
    expect(view.team.text).toContain('Do beta');
    expect(view.agents.map((a) => a.name)).toEqual(['alpha', 'beta']);
    // alpha updated its handoff before the sync overwrote it: stopping now is not "not updated".
    await sup.stopAgent('alpha');
    expect(sup.agents().find((a) => a.name === 'alpha')).toMatchObject({ status: 'stopped', handoffCaptured: true, handoffUpdated: true });
  });
});

describe('supervise hook', () => {
  it('session-start re-injects the team handoff after compaction, not at startup', async () => {
    const { t, sup } = await start(`version: 1
project: Reinject
handoff: { enforce: off }
agents:
  - name: claude1
    task: Work
    args: [--fake-work, "0", --fake-interactive]
`);
    await waitFor(() => status(sup, 'claude1') === 'idle');
    const wt = join(t.repo.dir, '.supervise', 'worktrees', 'claude1');
    const hook = (source: string) =>
      spawnSync(process.execPath, [CLI, 'hook', 'session-start', '--agent', 'claude1', '--root', t.repo.dir], {
        cwd: wt,
        input: JSON.stringify({ session_id: 's', cwd: wt, hook_event_name: 'SessionStart', source }),
        encoding: 'utf8',
      });
    const compact = hook('compact');
    expect(compact.status).toBe(0);
    const out = JSON.parse(compact.stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
    expect(out.hookSpecificOutput.hookEventName).toBe('SessionStart');
    expect(out.hookSpecificOutput.additionalContext).toContain('# HANDOFF - Reinject');
    expect(hook('startup').stdout).toBe('');
  });
});
