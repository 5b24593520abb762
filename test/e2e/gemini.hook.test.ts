// `supervise hook after-agent` as the Gemini CLI runs it, without the CLI: it refuses a turn end
// while the handoff is unchanged with the same reason as Claude Code's Stop, only once per turn
// (the CLI reports stop_hook_active false again after a continuation that used tools), and lets a
// valid handoff through. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashText, writeAgentRecord } from '../../src/supervisor/records.js';
import { CLI } from '../helpers/headless.js';
import { teamHandoff } from '../fixtures/teamHandoff.js';

const SESSION = '66f12d30-cfc5-45d8-a79c-0451464ab8d1';

describe('the Gemini AfterAgent hook', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function setup(): Promise<{ root: string; worktree: string; handoff: string }> {
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
      socket: join(root, '.supervise', 'none.sock'),
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
});
