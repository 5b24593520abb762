import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../config/types.js';
import { mergeClaudeSettings, hookCommand, handoffPermissions } from './claudeSettings.js';
import { buildLaunch, type LaunchContext } from './presets.js';
import { detectPrompt } from './prompts.js';
import { nextStatus } from './status.js';
import { stopVerdict } from './stopCheck.js';

const agent = (over: Partial<AgentConfig> = {}): AgentConfig => ({
  name: 'backend',
  task: 'Implement logout',
  preset: 'claude',
  args: ['--model', 'sonnet'],
  branch: 'agent/backend',
  env: { LOG_LEVEL: 'debug' },
  after: [],
  review: { rounds: 3 },
  ...over,
});

const ctx: LaunchContext = {
  root: '/repo',
  worktree: '/repo/.supervise/worktrees/backend',
  handoffPath: '/repo/.supervise/worktrees/backend/HANDOFF.md',
  handoffFile: 'HANDOFF.md',
  brief: 'BRIEF',
  supervisorEnv: { SUPERVISE_SOCKET: '/repo/.supervise/supervisor.sock' },
  baseEnv: { PATH: '/bin', CLAUDECODE: '1', HOME: '/home/u' },
};

describe('buildLaunch', () => {
  it('claude: brief in --append-system-prompt, args, the task last; --resume on restart', () => {
    expect(buildLaunch(agent(), ctx)).toMatchObject({ file: 'claude', args: ['--append-system-prompt', 'BRIEF', '--model', 'sonnet', 'Implement logout'] });
    const id = '0b6f2c1e-8d3a-4f5b-9c7d-1e2f3a4b5c6d';
    const resumed = buildLaunch(agent(), { ...ctx, resumeSessionId: id });
    expect(resumed.args.slice(0, 2)).toEqual(['--resume', id]);
    expect(resumed.args.at(-1)).toMatch(/re-read/);
  });

  it('codex and gemini: resume their own session when resumed with a known id, start afresh otherwise', () => {
    const id = '0b6f2c1e-8d3a-4f5b-9c7d-1e2f3a4b5c6d';
    const codex = agent({ preset: 'codex', args: [] });
    expect(buildLaunch(codex, { ...ctx, resumed: true, resumeSessionId: id }).args.slice(0, 2)).toEqual(['resume', id]);
    expect(buildLaunch(codex, { ...ctx, resumed: true, resumeSessionId: id }).env.SUPERVISE_RESUMED).toBe('1');
    expect(buildLaunch(codex, { ...ctx, resumed: true, resumeSessionId: '--yolo' }).args).not.toContain('resume');
    expect(buildLaunch(codex, { ...ctx, resumeSessionId: id }).args).not.toContain('resume');
    const gemini = agent({ preset: 'gemini', args: [] });
    expect(buildLaunch(gemini, { ...ctx, resumed: true, resumeSessionId: id }).args.slice(0, 2)).toEqual(['--resume', id]);
    expect(buildLaunch(gemini, { ...ctx, resumed: true, resumeSessionId: '--yolo' }).args).not.toContain('--resume');
    expect(buildLaunch(gemini, { ...ctx, resumeSessionId: id }).args).not.toContain('--resume');
  });

  it('claude: a session id that is not a UUID is never passed to --resume (it starts afresh)', () => {
    for (const bad of ['--dangerously-skip-permissions', '-x', 'abc', `${'0'.repeat(8)}-0000-0000-0000-000000000000 --x`]) {
      const l = buildLaunch(agent(), { ...ctx, resumeSessionId: bad });
      expect(l.args).not.toContain('--resume');
      expect(l.args).not.toContain(bad);
      expect(l.args.at(-1)).toBe('Implement logout');
    }
  });

  it('codex, gemini and aider each get the context their way', () => {
    const codex = buildLaunch(agent({ preset: 'codex', args: [] }), { ...ctx, hookArgs: ['-c', 'hooks.Stop=[]'] }).args;
    expect(codex).toEqual(expect.arrayContaining(['--no-daemon', 'developer_instructions="BRIEF"', 'hooks.Stop=[]']));
    expect(codex.at(-1)).toBe('Implement logout');
    expect(buildLaunch(agent({ preset: 'gemini', args: [] }), ctx).args).toEqual(['-i', expect.stringMatching(/BRIEF[\s\S]*Implement logout/)]);
    // Without a brief (as when only its command is checked) aider's files are not written (aiderSettings.test.ts).
    const aider = buildLaunch(agent({ preset: 'aider', args: [] }), { ...ctx, brief: '' });
    expect(aider.args).toEqual(expect.arrayContaining(['--file', 'HANDOFF.md', '--load', '--read', '--notifications-command']));
    expect(aider.typeAfterStart).toBeUndefined();
  });

  it('custom: placeholders filled in argv, never a shell; environment set', () => {
    const l = buildLaunch(agent({ preset: 'custom', args: [], command: ['./my-agent', '--task', '{task}', '--h={handoff_file}'] }), ctx);
    expect(l.file).toBe('./my-agent');
    expect(l.args).toEqual(['--task', 'Implement logout', `--h=${ctx.handoffPath}`]);
    expect(l.env).toMatchObject({
      SUPERVISE_AGENT: 'backend',
      SUPERVISE_TASK: 'Implement logout',
      SUPERVISE_HANDOFF_FILE: ctx.handoffPath,
      SUPERVISE_ROOT: '/repo',
      SUPERVISE_SOCKET: '/repo/.supervise/supervisor.sock',
      LOG_LEVEL: 'debug',
      HOME: '/home/u',
    });
    expect(l.env.CLAUDECODE).toBeUndefined();
  });
});

describe('mergeClaudeSettings', () => {
  const commands = { SessionStart: 'A # handoff-supervisor', UserPromptSubmit: 'U # handoff-supervisor', Stop: 'B # handoff-supervisor', Notification: 'C # handoff-supervisor', SessionEnd: 'D # handoff-supervisor' };

  it("keeps the user's settings and hooks, adds ours once, and allows editing the handoff", () => {
    const user = { model: 'opus', hooks: { Stop: [{ matcher: '', hooks: [{ type: 'command' as const, command: 'say done' }] }] }, permissions: { allow: ['Bash(ls)'], deny: ['Read(.env)'] } };
    const once = mergeClaudeSettings(user, commands, 'HANDOFF.md');
    const twice = mergeClaudeSettings(once, commands, 'HANDOFF.md');
    expect(twice).toEqual(once);
    expect(once.model).toBe('opus');
    expect(once.hooks!.Stop).toEqual([user.hooks.Stop[0], { hooks: [{ type: 'command', command: 'B # handoff-supervisor', timeout: 120 }] }]);
    expect(once.permissions).toEqual({ allow: ['Bash(ls)', ...handoffPermissions('HANDOFF.md')], deny: ['Read(.env)'] });
  });

  it('allows the handoff with the one rule Claude Code honours for Write and Edit: Edit(<path relative to the worktree>)', () => {
    expect(handoffPermissions('HANDOFF.md')).toEqual(['Edit(HANDOFF.md)']);
    expect(handoffPermissions('./docs/HANDOFF.md')).toEqual(['Edit(docs/HANDOFF.md)']);
    expect(handoffPermissions('HANDOFF.md').some((r) => r.startsWith('Write('))).toBe(false);
  });

  it('quotes paths for the shell', () => {
    expect(hookCommand('/usr/bin/node', "/opt/it's here/cli.js", 'stop', 'be', '/r')).toBe(
      `'/usr/bin/node' '/opt/it'\\''s here/cli.js' hook stop --agent 'be' --root '/r' # handoff-supervisor`,
    );
  });
});

describe('nextStatus', () => {
  it('claude follows its hooks, not its output', () => {
    let s = nextStatus('starting', { type: 'hook', event: 'SessionStart' }, 'claude');
    expect(s).toBe('working');
    s = nextStatus(s, { type: 'hook', event: 'Notification', notificationType: 'permission_prompt' }, 'claude');
    expect(s).toBe('needs-input');
    expect(nextStatus(s, { type: 'output' }, 'claude')).toBe('needs-input');
    expect(nextStatus(s, { type: 'quiet' }, 'claude')).toBe('needs-input');
    expect(nextStatus(s, { type: 'input' }, 'claude')).toBe('working');
    expect(nextStatus('working', { type: 'hook', event: 'Stop' }, 'claude')).toBe('idle');
  });

  it('others follow output and prompts; exits are final', () => {
    expect(nextStatus('starting', { type: 'output' }, 'aider')).toBe('working');
    expect(nextStatus('working', { type: 'quiet' }, 'custom')).toBe('idle');
    expect(nextStatus('working', { type: 'prompt', waiting: 'needs-input' }, 'codex')).toBe('needs-input');
    expect(nextStatus('working', { type: 'exit', exitCode: 0, signal: null, stopRequested: false }, 'codex')).toBe('exited');
    expect(nextStatus('working', { type: 'exit', exitCode: 1, signal: null, stopRequested: false }, 'codex')).toBe('failed');
    expect(nextStatus('working', { type: 'exit', exitCode: null, signal: 'SIGKILL', stopRequested: false }, 'codex')).toBe('failed');
    expect(nextStatus('idle', { type: 'exit', exitCode: 129, signal: null, stopRequested: true }, 'codex')).toBe('stopped');
    expect(nextStatus('failed', { type: 'output' }, 'codex')).toBe('failed');
  });
});

describe('detectPrompt', () => {
  it('finds a question or an idle prompt in the last lines', () => {
    expect(detectPrompt('custom', ['working…', 'Allow edit to src/app.ts? (y/n) ', '', ''])).toBe('needs-input');
    expect(detectPrompt('aider', ['done', '> '])).toBe('idle');
    expect(detectPrompt('custom', ['still compiling'])).toBeUndefined();
  });
});

describe('stopVerdict', () => {
  const limits = { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' as const };
  const base = { handoffFile: 'HANDOFF.md', limits, enforce: 'block' as const, stopHookActive: false };

  it('blocks an unchanged handoff, naming the file and the template', () => {
    const v = stopVerdict({ ...base, text: 'x', unchanged: true });
    expect(v).toMatchObject({ block: true, notUpdated: true });
    expect(v.reason).toMatch(/HANDOFF\.md is unchanged.*Current State, Completed, In Progress, Blockers, Next Steps, Key Decisions.*100 tokens each and 500 in total/s);
  });

  it('blocks an invalid one listing the errors, and never blocks twice or outside block mode', () => {
    const v = stopVerdict({ ...base, text: '# HANDOFF - x\n\n## Current State\n- ok\n', unchanged: false });
    expect(v.block).toBe(true);
    expect(v.reason).toMatch(/missing required section "Blockers"/);
    expect(stopVerdict({ ...base, text: 'x', unchanged: true, stopHookActive: true }).block).toBe(false);
    expect(stopVerdict({ ...base, text: 'x', unchanged: true, enforce: 'warn' })).toMatchObject({ block: false, notUpdated: true });
  });
});
