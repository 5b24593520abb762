// `supervise hook after-agent` as the Gemini CLI runs it, without the CLI: it refuses a turn end
// while the handoff is unchanged with the same reason as Claude Code's Stop, only once per turn
// (the CLI reports stop_hook_active false again after a continuation that used tools), and lets a
// valid handoff through; of the several SessionEnd calls of one /quit only the first reports.
// Needs `npm run build` first.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GEMINI_SECRET_ENV } from '../../src/agents/geminiSettings.js';
import { HookChannel, type HookReport } from '../../src/supervisor/channel.js';
import { hashText, writeAgentRecord } from '../../src/supervisor/records.js';
import { CLI } from '../helpers/headless.js';
import { teamHandoff } from '../fixtures/teamHandoff.js';

const SESSION = '66f12d30-cfc5-45d8-a79c-0451464ab8d1';

describe('supervise hook as the Gemini CLI runs it', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function setup(socket?: string): Promise<{ root: string; worktree: string; handoff: string }> {
    const root = mkdtempSync(join(tmpdir(), 'gemini-hook-'));
    dirs.push(root);
    const worktree = join(root, '.supervise', 'worktrees', 'backend');
    mkdirSync(worktree, { recursive: true });
    const handoff = teamHandoff('Hook', 'Implement logout');
    writeFileSync(join(worktree, 'HANDOFF.md'), handoff);
    await writeAgentRecord(root, {
      agent: 'backend',
      branch: 'agent/backend',
      worktree,
      handoffFile: 'HANDOFF.md',
      injectedHash: hashText(handoff),
      enforce: 'block',
      limits: { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' },
      teamHandoffPath: join(root, 'HANDOFF.md'),
      socket: socket ?? join(root, '.supervise', 'none.sock'),
    });
    return { root, worktree, handoff };
  }

  function afterAgent(root: string, input: Record<string, unknown>): { status: number | null; stdout: string } {
    const r = spawnSync(process.execPath, [CLI, 'hook', 'after-agent', '--agent', 'backend', '--root', root], {
      input: JSON.stringify({ session_id: SESSION, hook_event_name: 'AfterAgent', prompt: 'the task', prompt_response: 'done', stop_hook_active: false, ...input }),
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
    });
    return { status: r.status, stdout: r.stdout };
  }

  it('refuses an unchanged handoff once per turn, with the Stop reason, even when stop_hook_active stays false', async () => {
    const { root } = await setup();
    const first = afterAgent(root, {});
    expect(first.status).toBe(0);
    const answer = JSON.parse(first.stdout) as { decision: string; reason: string };
    expect(answer.decision).toBe('block');
    expect(answer.reason).toMatch(/^HANDOFF\.md is unchanged since your session started\. Update it in the template before you stop: sections Current State/);
    // The continuation used a tool, so the CLI says stop_hook_active: false again: still let go.
    expect(afterAgent(root, {}).stdout).toBe('');
    // A new prompt is a new turn: refused again.
    expect(JSON.parse(afterAgent(root, { prompt: 'the next task' }).stdout)).toMatchObject({ decision: 'block' });
    expect(afterAgent(root, { prompt: 'another', stop_hook_active: true }).stdout).toBe('');
  }, 30_000);

  it('lets a valid, updated handoff through', async () => {
    const { root, worktree, handoff } = await setup();
    writeFileSync(join(worktree, 'HANDOFF.md'), handoff.replace('## Completed\n', '## Completed\n- [x] Logout revokes the token\n'));
    expect(afterAgent(root, {})).toEqual({ status: 0, stdout: '' });
  }, 30_000);

  it('reports SessionEnd once per launch, though the CLI fires it several times on /quit', async () => {
    const sockDir = mkdtempSync(join(tmpdir(), 'gemini-sock-'));
    dirs.push(sockDir);
    const reports: HookReport[] = [];
    const channel = await HookChannel.listen(join(sockDir, 'hooks.sock'), { onReport: (r) => reports.push(r), onRefused: () => {} });
    try {
      const { root } = await setup(channel.path);
      const given = channel.agentEnv('backend', true);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, ...given };
      const geminiEnv = { PATH: env.PATH!, HOME: root, SUPERVISE_SOCKET: channel.path, [GEMINI_SECRET_ENV]: given.SUPERVISE_HOOK_SECRET! };
      // Asynchronously: the channel listens in this process, and the CLI fires them all at once.
      const end = (e: Record<string, string>) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, [CLI, 'hook', 'session-end', '--agent', 'backend', '--root', root], { env: e, stdio: ['pipe', 'ignore', 'ignore'] });
          child.on('exit', (code) => resolve(code));
          child.stdin.end(JSON.stringify({ session_id: SESSION, hook_event_name: 'SessionEnd', reason: 'exit' }));
        });
      expect(await Promise.all([end(geminiEnv), end(geminiEnv), end(geminiEnv)])).toEqual([0, 0, 0]);
      expect(reports.filter((r) => r.event === 'SessionEnd')).toEqual([{ agent: 'backend', event: 'SessionEnd', sessionId: SESSION, reason: 'exit' }]);
      // Claude Code (no GEMINI_CLI_ secret) is never held back.
      expect([await end(env), await end(env)]).toEqual([0, 0]);
      expect(reports.filter((r) => r.event === 'SessionEnd')).toHaveLength(3);
    } finally {
      await channel.close();
    }
  }, 30_000);
});
