import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../config/types.js';
import { GEMINI_HOOKS, GEMINI_SECRET_ENV, geminiEnv, geminiHookCommand, installGeminiSettings, mergeGeminiSettings, type GeminiHookEvent } from './geminiSettings.js';
import { buildLaunch, type LaunchContext } from './presets.js';
import { detectPrompt } from './prompts.js';
import { nextStatus, usesHooks } from './status.js';
import { quietVerdict } from '../supervisor/quiet.js';
import { ownFiles } from '../supervisor/ownFiles.js';

const commands = Object.fromEntries(
  Object.entries(GEMINI_HOOKS).map(([event, verb]) => [event, geminiHookCommand('/usr/bin/node', '/opt/supervise/dist/cli.js', verb, 'backend', '/repo')]),
) as Record<GeminiHookEvent, string>;

describe('Gemini workspace settings', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('adds one hook per event and keeps what the user has: other keys, their own hooks', () => {
    const user = {
      model: { name: 'gemini-2.5-flash' },
      hooks: { AfterAgent: [{ matcher: '*', hooks: [{ type: 'command' as const, command: 'my-linter' }] }], BeforeTool: [{ hooks: [{ type: 'command' as const, command: 'audit' }] }] },
    };
    const merged = mergeGeminiSettings(user, commands);
    expect(merged.model).toEqual({ name: 'gemini-2.5-flash' });
    const hooks = merged.hooks as Record<string, { hooks: { command: string; timeout?: number }[] }[]>;
    expect(Object.keys(hooks).sort()).toEqual([...Object.keys(GEMINI_HOOKS), 'BeforeTool'].sort());
    expect(hooks.AfterAgent!.map((m) => m.hooks[0]!.command)).toEqual(['my-linter', commands.AfterAgent]);
    expect(hooks.BeforeTool).toEqual(user.hooks.BeforeTool);
    expect(hooks.SessionEnd![0]!.hooks[0]).toMatchObject({ type: 'command', timeout: 120_000 });
    expect(commands.AfterAgent).toBe("'/usr/bin/node' '/opt/supervise/dist/cli.js' hook after-agent --agent 'backend' --root '/repo' # handoff-supervisor");
  });

  it('merging again replaces our hooks instead of adding copies', () => {
    const once = mergeGeminiSettings({}, commands);
    const twice = mergeGeminiSettings(once, commands);
    expect(twice).toEqual(once);
  });

  it('writes .gemini/settings.json in the worktree, and refuses a file that is not a JSON object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemini-settings-'));
    dirs.push(dir);
    const path = await installGeminiSettings(dir, commands);
    expect(path).toBe(join(dir, '.gemini', 'settings.json'));
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).hooks)).toEqual(Object.keys(GEMINI_HOOKS));
    mkdirSync(join(dir, 'bad', '.gemini'), { recursive: true });
    writeFileSync(join(dir, 'bad', '.gemini', 'settings.json'), '[1]');
    await expect(installGeminiSettings(join(dir, 'bad'), commands)).rejects.toThrow(/not a JSON object/);
    expect(readFileSync(join(dir, 'bad', '.gemini', 'settings.json'), 'utf8')).toBe('[1]');
  });

  it('is one of the supervisor’s own files, kept out of agent commits', () => {
    expect(ownFiles('HANDOFF.md').has('.gemini/settings.json')).toBe(true);
  });
});

describe('the gemini preset', () => {
  const agent: AgentConfig = { name: 'backend', task: 'Implement logout', preset: 'gemini', args: ['-m', 'gemini-2.5-pro'], branch: 'agent/backend', env: {}, after: [], review: { rounds: 3 } };
  const ctx: LaunchContext = {
    root: '/repo',
    worktree: '/repo/.supervise/worktrees/backend',
    handoffPath: '/repo/.supervise/worktrees/backend/HANDOFF.md',
    handoffFile: 'HANDOFF.md',
    brief: 'BRIEF',
    supervisorEnv: { SUPERVISE_SOCKET: '/s.sock', SUPERVISE_HOOK_SECRET: 'abc' },
    baseEnv: { PATH: '/bin', HOME: '/home/u' },
  };

  it('sends the brief and the task through -i, trusts the worktree, and gives hooks the secret under a name Gemini never redacts', () => {
    const launch = buildLaunch(agent, ctx);
    expect(launch.file).toBe('gemini');
    expect(launch.args).toEqual(['-m', 'gemini-2.5-pro', '-i', 'BRIEF\n\nYour task: Implement logout']);
    expect(launch.env[GEMINI_SECRET_ENV]).toBe('abc');
    expect(launch.env.GEMINI_CLI_TRUST_WORKSPACE).toBe('true');
    expect(launch.env.HOME).toBe('/home/u');
  });

  it('leaves a user’s own trust choice, and drops a stale secret', () => {
    expect(geminiEnv({ GEMINI_CLI_TRUST_WORKSPACE: 'false', [GEMINI_SECRET_ENV]: 'old' }, 'SUPERVISE_HOOK_SECRET')).toEqual({ GEMINI_CLI_TRUST_WORKSPACE: 'false' });
  });

  it('takes its status from hooks: BeforeAgent working, ToolPermission needs-input, AfterTool working, AfterAgent idle', () => {
    expect(usesHooks('gemini')).toBe(true);
    let s = nextStatus('starting', { type: 'hook', event: 'SessionStart' }, 'gemini');
    expect(s).toBe('working');
    s = nextStatus(s, { type: 'hook', event: 'Notification', notificationType: 'ToolPermission' }, 'gemini');
    expect(s).toBe('needs-input');
    expect(nextStatus(s, { type: 'output' }, 'gemini')).toBe('needs-input');
    s = nextStatus(s, { type: 'hook', event: 'AfterTool' }, 'gemini');
    expect(s).toBe('working');
    s = nextStatus(s, { type: 'hook', event: 'AfterAgent' }, 'gemini');
    expect(s).toBe('idle');
    expect(nextStatus(s, { type: 'hook', event: 'SessionEnd' }, 'gemini')).toBe('idle');
    expect(nextStatus(s, { type: 'hook', event: 'BeforeAgent' }, 'gemini')).toBe('working');
  });

  it('reads its screens as a fallback until a hook has come', () => {
    const approval = ['Allow execution of [Shell]?', '', '● 1. Allow once', '  2. Allow for this session', '  3. No, suggest changes (esc)'];
    const idle = [' > ✦ done', '', ' >   Type your message or @path/to/file', ' workspace (/directory)   sandbox   /model'];
    expect(detectPrompt('gemini', approval, 5)).toBe('needs-input');
    expect(detectPrompt('gemini', idle)).toBe('idle');
    expect(detectPrompt('gemini', ['⠦ Thinking... (esc to cancel, 2s)'])).toBeUndefined();
    expect(quietVerdict('gemini', false, 'working', idle)).toEqual({ type: 'prompt', waiting: 'idle' });
    expect(quietVerdict('gemini', true, 'working', idle)).toBeUndefined();
  });
});
