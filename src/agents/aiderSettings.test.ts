import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../config/types.js';
import { AIDER_RESUME_MESSAGE, aiderDir, aiderHookCommand, aiderLoadText, aiderReply } from './aiderSettings.js';
import { buildLaunch, type LaunchContext } from './presets.js';
import { detectPrompt } from './prompts.js';
import { nextStatus, usesHooks } from './status.js';

const agent = (over: Partial<AgentConfig> = {}): AgentConfig =>
  ({ name: 'backend', preset: 'aider', task: 'Implement logout\nwith token invalidation', args: ['--model', 'sonnet'], branch: 'agent/backend', env: {}, ...over }) as AgentConfig;

describe('the aider preset', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const ctx = (over: Partial<LaunchContext> = {}): LaunchContext => {
    const root = mkdtempSync(join(tmpdir(), 'aider-preset-'));
    dirs.push(root);
    return { root, worktree: join(root, 'wt'), handoffPath: join(root, 'wt', 'HANDOFF.md'), handoffFile: 'HANDOFF.md', brief: 'BRIEF', supervisorEnv: {}, baseEnv: {}, ...over };
  };

  it('edits the handoff, reads the brief, starts from /code in a --load file, reports turn ends, never commits; the user\'s flags come last', () => {
    const c = ctx();
    const dir = aiderDir(c.root, 'backend');
    const l = buildLaunch(agent(), c);
    expect(l.file).toBe('aider');
    expect(l.typeAfterStart).toBeUndefined();
    const value = (flag: string): string | undefined => l.args[l.args.indexOf(flag) + 1];
    expect(value('--file')).toBe('HANDOFF.md');
    expect(value('--read')).toBe(join(dir, 'brief.md'));
    expect(value('--load')).toBe(join(dir, 'start.aider'));
    expect(value('--chat-history-file')).toBe(join(dir, 'chat.history.md'));
    expect(value('--notifications-command')).toContain(' hook turn-end --agent ');
    expect(l.args).toEqual(expect.arrayContaining(['--add-gitignore-files', '--notifications', '--no-auto-commits', '--no-dirty-commits', '--no-gitignore']));
    expect(l.args).not.toContain('--restore-chat-history');
    expect(l.args.slice(-2)).toEqual(['--model', 'sonnet']);
    expect(readFileSync(join(dir, 'brief.md'), 'utf8')).toBe('BRIEF\n');
    expect(readFileSync(join(dir, 'start.aider'), 'utf8')).toBe('/code Implement logout with token invalidation\n');
  });

  it('a resumed aider restores its chat and starts by re-reading, with no refusal left from before; checking its command writes nothing', () => {
    const c = ctx({ resumed: true });
    mkdirSync(aiderDir(c.root, 'backend'), { recursive: true });
    writeFileSync(join(aiderDir(c.root, 'backend'), 'refused'), 'earlier session\n');
    expect(buildLaunch(agent(), c).args).toContain('--restore-chat-history');
    expect(existsSync(join(aiderDir(c.root, 'backend'), 'refused'))).toBe(false);
    expect(readFileSync(join(aiderDir(c.root, 'backend'), 'start.aider'), 'utf8')).toBe(`/code ${AIDER_RESUME_MESSAGE}\n`);
    const check = ctx({ brief: '' });
    expect(buildLaunch(agent(), check).file).toBe('aider');
    expect(existsSync(join(check.root, '.supervise'))).toBe(false);
  });

  it('quotes every part of its turn-end command for the shell', () => {
    expect(aiderHookCommand("/opt/my node/node", "/it's/cli.js", 'a b', '/r')).toBe(
      `'/opt/my node/node' '/it'\\''s/cli.js' hook turn-end --agent 'a b' --root '/r' # handoff-supervisor`,
    );
    expect(aiderLoadText('one\r\n  two\nthree ')).toBe('/code one two three\n');
    expect(aiderReply('line 1\n- line 2\x1b[201~')).toBe('\x1b[200~line 1\n- line 2[201~\x1b[201~\r');
  });

  it('status: idle from its turn-end hook, working again once the user types, prompts with an edit format', () => {
    expect(usesHooks('aider')).toBe(true);
    expect(nextStatus('working', { type: 'hook', event: 'Stop' }, 'aider')).toBe('idle');
    expect(nextStatus('idle', { type: 'input' }, 'aider')).toBe('working');
    expect(nextStatus('idle', { type: 'input' }, 'codex')).toBe('idle');
    expect(nextStatus('idle', { type: 'output' }, 'aider')).toBe('idle');
    for (const prompt of ['> ', 'ask> ', 'diff-fenced> ', 'multi> ', 'architect multi> ']) expect(detectPrompt('aider', ['HANDOFF.md', prompt])).toBe('idle');
    expect(detectPrompt('aider', ['logout.ts', 'Create new file? (Y)es/(N)o [Yes]: '])).toBe('needs-input');
    expect(detectPrompt('aider', ['Add src/a.ts to the chat? (Y)es/(N)o/(D)on\'t ask again [Yes]: '])).toBe('needs-input');
    expect(detectPrompt('aider', ['> /code Implement logout'])).toBeUndefined();
  });
});
