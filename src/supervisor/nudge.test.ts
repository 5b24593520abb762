import { describe, expect, it } from 'vitest';
import { showsQuestion } from '../agents/prompts.js';
import { decideNudge, syncMessage, type NudgeInput } from './nudge.js';

const input = (over: Partial<NudgeInput> = {}): NudgeInput => ({ preset: 'claude', status: 'idle', hooks: true, lines: ['> '], notify: 'idle', ...over });
const decide = (over: Partial<NudgeInput> = {}) => decideNudge(input(over));

// Screens as the agents draw them.
const CLAUDE_PERMISSION = [
  '╭──────────────────────────────────────────────╮',
  '│ Edit file                                    │',
  '│ Do you want to make this edit to api.ts?     │',
  '│ ❯ 1. Yes                                     │',
  '│   2. Yes, allow all edits during this session│',
  '│   3. No, and tell Claude what to do (esc)    │',
  '╰──────────────────────────────────────────────╯',
];
const CLAUDE_IDLE = ['● Logout now revokes the token.', '', '╭────────────────────╮', '│ >                  │', '╰────────────────────╯', '  ? for shortcuts'];
const QUESTIONS: [string, string[]][] = [
  ['[Y/n]', ['Installing 3 packages', 'Apply the change? [Y/n] ']],
  ['(y/n)', ['? Allow edit to src/app.ts? (y/n) ']],
  ['Do you want…', ['Do you want to run npm test?', '', '']],
  ['a numbered menu', ['Pick one:', '❯ 1. Keep both', '  2. Take mine']],
  ['Press Enter', ['Logged in. Press Enter to continue…']],
  ["aider's (Y)es/(N)o", ['Add src/api.ts to the chat? (Y)es/(N)o/(D)on\'t ask again [Yes]: ']],
  ['a dialog in a box', CLAUDE_PERMISSION],
];

describe('showsQuestion', () => {
  it.each(QUESTIONS)('sees %s', (_, lines) => expect(showsQuestion(lines)).toBe(true));

  it('does not take a prompt, prose or a numbered list for a question', () => {
    expect(showsQuestion(CLAUDE_IDLE)).toBe(false);
    expect(showsQuestion(['Next steps:', '1. Review the diff', '2. Merge it', '> '])).toBe(false);
    expect(showsQuestion(['$ '])).toBe(false);
  });

  it('reads only the bottom of the screen', () => {
    expect(showsQuestion(['Apply? [Y/n]', 'you answered: y', ...Array.from({ length: 8 }, (_, i) => `log ${i}`), '> '])).toBe(false);
  });
});

describe('decideNudge', () => {
  it('nudges Claude Code when its hooks said idle', () => {
    expect(decide({ lines: CLAUDE_IDLE })).toEqual({ nudge: true, reason: 'idle' });
  });

  it('never nudges a custom agent by default: quiet output is not a prompt', () => {
    expect(decide({ preset: 'custom', hooks: false, status: 'idle', lines: ['> '] })).toEqual({ nudge: false, reason: 'custom agent' });
    expect(decide({ preset: 'custom', hooks: false, status: 'idle', lines: ['building…'] }).nudge).toBe(false);
  });

  it.each(QUESTIONS)('never types into a screen that shows %s, whatever the status or setting', (_, lines) => {
    for (const notify of ['idle', 'always'] as const) {
      for (const [preset, hooks] of [['claude', true], ['codex', false], ['custom', false]] as const) {
        for (const status of ['idle', 'working'] as const) {
          expect(decide({ preset, hooks, status, notify, lines: [...lines] })).toEqual({ nudge: false, reason: 'asking a question' });
        }
      }
    }
  });

  it('never nudges an agent waiting for an answer, even with notify always', () => {
    expect(decide({ status: 'needs-input', notify: 'always', lines: CLAUDE_IDLE })).toEqual({ nudge: false, reason: 'waiting for an answer' });
    expect(decide({ preset: 'codex', hooks: false, status: 'needs-input', notify: 'always', lines: ['▌ '] }).nudge).toBe(false);
  });

  it('waits for Claude Code’s first hook: before it, a dialog no hook reports may be up', () => {
    expect(decide({ hooks: false, status: 'starting', notify: 'always' })).toEqual({ nudge: false, reason: 'no hook report yet' });
  });

  it('nudges codex, gemini and aider at their idle prompt only', () => {
    expect(decide({ preset: 'codex', hooks: false, lines: ['done', '▌ '] })).toEqual({ nudge: true, reason: 'at its prompt' });
    expect(decide({ preset: 'gemini', hooks: false, lines: ['  Type your message or @path/to/file'] }).nudge).toBe(true);
    expect(decide({ preset: 'aider', hooks: false, lines: ['Applied edit to api.ts', '> '] }).nudge).toBe(true);
    expect(decide({ preset: 'aider', hooks: false, lines: ['Tokens: 2.1k sent'] })).toEqual({ nudge: false, reason: 'quiet, no prompt on screen' });
    expect(decide({ preset: 'codex', hooks: false, status: 'working', lines: ['▌ '] })).toEqual({ nudge: false, reason: 'working' });
  });

  it('always: every agent safely at a prompt, not only idle ones', () => {
    const always = { notify: 'always' } as const;
    expect(decide({ ...always, status: 'working', lines: CLAUDE_IDLE }).nudge).toBe(true);
    expect(decide({ ...always, preset: 'codex', hooks: false, status: 'working', lines: ['▌ '] }).nudge).toBe(true);
    expect(decide({ ...always, preset: 'custom', hooks: false, status: 'idle', lines: ['echo: hi', '> '] })).toEqual({ nudge: true, reason: 'at a prompt' });
    expect(decide({ ...always, preset: 'custom', hooks: false, status: 'idle', lines: ['compiling…'] })).toEqual({ nudge: false, reason: 'custom agent, no prompt on screen' });
    expect(decide({ ...always, preset: 'aider', hooks: false, status: 'working', lines: ['Thinking…'] }).nudge).toBe(false);
    expect(decide({ ...always, status: 'starting', lines: [] }).nudge).toBe(false);
  });

  it('never: nobody, and nothing that has ended', () => {
    expect(decide({ notify: 'never' })).toEqual({ nudge: false, reason: 'sync.notify is never' });
    expect(decide({ status: 'exited', notify: 'always' })).toEqual({ nudge: false, reason: 'not running' });
  });
});

describe('syncMessage', () => {
  it('names who was nudged and who was not, and why', () => {
    expect(
      syncMessage({ worktrees: 3, nudged: ['backend'], skipped: [{ agent: 'tests', reason: 'custom agent' }, { agent: 'web', reason: 'asking a question' }], conflicts: 0 }),
    ).toBe('synced 3 worktrees, nudged 1: backend; not nudged: tests (custom agent), web (asking a question)');
    expect(syncMessage({ worktrees: 1, nudged: [], skipped: [], conflicts: 2 })).toBe('synced 1 worktree, nudged 0; 2 conflicts flagged');
    expect(syncMessage({ worktrees: 2, nudged: [], skipped: [{ agent: 'a', reason: 'sync.notify is never' }, { agent: 'b', reason: 'sync.notify is never' }], conflicts: 0 })).toBe(
      'synced 2 worktrees, nudged 0; sync.notify is never',
    );
  });
});
