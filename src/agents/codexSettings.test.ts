import { describe, expect, it } from 'vitest';
import { nudgeLine } from '../supervisor/nudge.js';
import { codexAgentHookArgs, codexEventLabel, codexHookArgs, codexHookHash, codexLaunchArgs } from './codexSettings.js';

describe('codex hook trust', () => {
  it('names events as Codex does in its hook keys', () => {
    expect(codexEventLabel('PermissionRequest')).toBe('permission_request');
    expect(codexEventLabel('SessionEnd')).toBe('session_end');
    expect(codexEventLabel('Stop')).toBe('stop');
  });

  it('hashes a hook exactly as Codex 0.171.0 saved it after "Trust all and continue"', () => {
    // Both values were copied from the [hooks.state] table the real CLI wrote (docs/codex.md).
    const command = `{ tr -d '\\n'; echo; } >> /tmp/cx-exp-dPXT2b/hooks.jsonl`;
    expect(codexHookHash('Stop', command, 600)).toBe('sha256:7a75744b10ce6cf97dd17eff0f001b4bf8dc304ec4aba55dc24bbfc5253c199a');
    // SessionEnd hooks are held to 3 s whatever they ask, and the default here follows.
    const end = `{ tr -d '\\n'; echo; } >> /tmp/cx-exp-J50pqL/hooks.jsonl`;
    expect(codexHookHash('SessionEnd', end)).toBe('sha256:226fcfedab0b18464528845d51daf572366137f6524e579d4442f39cd863a083');
  });

  it('gives each event its hook and trusts exactly those, as -c overrides', () => {
    const args = codexHookArgs({ SessionStart: 'a', UserPromptSubmit: 'b', PermissionRequest: 'c', PostToolUse: 'd', Stop: "say 'hi' \"there\"", SessionEnd: 'f' });
    const values = args.filter((_, i) => args[i - 1] === '-c');
    expect(values).toHaveLength(7);
    expect(values).toContain(`hooks.Stop=[{hooks=[{type="command",command="say 'hi' \\"there\\"",timeout=120}]}]`);
    expect(values).toContain('hooks.SessionEnd=[{hooks=[{type="command",command="f",timeout=3}]}]');
    const state = values.at(-1)!;
    expect(state.startsWith('hooks.state={')).toBe(true);
    expect(state).toContain(`"/<session-flags>/config.toml:stop:0:0"={trusted_hash="${codexHookHash('Stop', "say 'hi' \"there\"")}"}`);
    expect(state.match(/trusted_hash/g)).toHaveLength(6);
  });

  it('calls `supervise hook VERB` with the agent and root quoted for the shell', () => {
    const args = codexAgentHookArgs('/usr/bin/node', "/opt/it's/cli.js", 'be', '/r');
    expect(args.join(' ')).toContain(`command="'/usr/bin/node' '/opt/it'\\\\''s/cli.js' hook permission-request --agent 'be' --root '/r' # handoff-supervisor"`);
  });

  it('launches without the daemon, with the worktree trusted and the brief as developer instructions', () => {
    const args = codexLaunchArgs({ worktree: '/w/t', brief: 'line "1"\nline 2', hookArgs: ['-c', 'x=1'] });
    expect(args).toEqual(['--no-daemon', '-c', 'projects={"/w/t"={trust_level="trusted"}}', '-c', 'developer_instructions="line \\"1\\"\\nline 2"', '-c', 'x=1']);
  });
});

describe('typing a line into Codex', () => {
  it('the sync nudge goes in as a bracketed paste followed by Enter, for codex only', () => {
    const plain = nudgeLine([]);
    expect(plain.endsWith('\r')).toBe(true);
    expect(nudgeLine([], 'codex')).toBe(`\x1b[200~${plain.slice(0, -1)}\x1b[201~\r`);
    expect(nudgeLine(['✗ conflicts with api in src/x.ts'], 'codex')).toMatch(/^\x1b\[200~[^\r]*conflicts with api in src\/x\.ts\.\x1b\[201~\r$/);
    expect(nudgeLine([], 'claude')).toBe(plain);
  });
});
