// `supervise hook turn-end` as aider runs it, without aider: its notifications command goes through
// `sh -c` with aider's terminal as stdin, so the hook must never read stdin; node and the CLI by
// paths holding spaces and quotes survive the shell; a turn end with the handoff unchanged is
// refused once (reported with our reason, exit 0, nothing printed), the next one is let through,
// and the one after that is a new turn, refused again. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aiderDir, aiderHookCommand } from '../../src/agents/aiderSettings.js';
import { HookChannel, type HookReport } from '../../src/supervisor/channel.js';
import { hashText, writeAgentRecord } from '../../src/supervisor/records.js';
import { CLI } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';
import { teamHandoff } from '../fixtures/teamHandoff.js';

describe('supervise hook turn-end as aider runs it', () => {
  const dirs: string[] = [];
  let channel: HookChannel | undefined;
  afterEach(async () => {
    await channel?.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reports a refused turn end once through a shell, reading no stdin, then lets the next one go', async () => {
    const root = mkdtempSync(join(tmpdir(), "aider hook 'root' "));
    dirs.push(root);
    // node and the CLI under a folder whose name needs quoting.
    const odd = join(root, "bin dir's");
    mkdirSync(odd);
    symlinkSync(process.execPath, join(odd, 'node'));
    symlinkSync(CLI, join(odd, 'cli.js'));
    const worktree = join(root, '.supervise', 'worktrees', 'backend');
    mkdirSync(worktree, { recursive: true });
    const handoff = teamHandoff('Hook', 'Implement logout');
    writeFileSync(join(worktree, 'HANDOFF.md'), handoff);
    const reports: HookReport[] = [];
    channel = await HookChannel.listen(join(root, '.supervise', 'supervisor.sock'), { onReport: (r) => reports.push(r), onRefused: (m) => reports.push({ agent: 'refused', event: 'Stop', message: m }) });
    await writeAgentRecord(root, {
      agent: 'backend',
      branch: 'agent/backend',
      worktree,
      handoffFile: 'HANDOFF.md',
      injectedHash: hashText(handoff),
      enforce: 'block',
      limits: { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' },
      teamHandoffPath: join(root, 'HANDOFF.md'),
      socket: channel.path,
    });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, ...channel.agentEnv('backend', true) };
    const command = aiderHookCommand(join(odd, 'node'), join(odd, 'cli.js'), 'backend', root);

    // As aider's subprocess.run(command, shell=True, capture_output=True): stdin inherited and
    // never closed here, so a hook that read it would hang.
    const turnEnd = (): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn('sh', ['-c', command], { cwd: worktree, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });

    const first = await turnEnd();
    expect(first).toEqual({ code: 0, stdout: '', stderr: '' });
    await waitFor(() => reports.length === 1, { message: 'the first report' });
    expect(reports[0]).toMatchObject({ agent: 'backend', event: 'Stop', blocked: true, handoffNotUpdated: true });
    expect(reports[0]!.blockReason).toMatch(/^HANDOFF\.md is unchanged since your session started\. Update it in the template before you stop: sections Current State/);
    expect(existsSync(join(aiderDir(root, 'backend'), 'refused'))).toBe(true);

    // The turn that answered the refusal ends: let through (still reported as not updated).
    expect((await turnEnd()).code).toBe(0);
    await waitFor(() => reports.length === 2, { message: 'the second report' });
    expect(reports[1]).toMatchObject({ event: 'Stop', blocked: false, handoffNotUpdated: true });
    expect(existsSync(join(aiderDir(root, 'backend'), 'refused'))).toBe(false);

    // A later turn is a new one: refused again.
    await turnEnd();
    await waitFor(() => reports.length === 3, { message: 'the third report' });
    expect(reports[2]).toMatchObject({ blocked: true });
  }, 30_000);
});
