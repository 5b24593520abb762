/**
 * How the supervisor gives Codex its hooks: `-c` overrides on the command line, so they fire only
 * in sessions the supervisor starts and nothing is written into the user's `~/.codex` or the
 * worktree. Codex runs a hook only once it is trusted; a `-c` hook is trusted by a
 * `hooks.state."/<session-flags>/config.toml:<event>:<group>:<handler>".trusted_hash` override
 * holding the SHA-256 of the hook's identity (the same hash Codex's "Trust all" would save), so
 * no review screen shows and no other hook is trusted on the way (docs/codex.md).
 */
import { createHash } from 'node:crypto';

/** Codex hook events the supervisor listens to, with the `supervise hook` verb for each. */
export const CODEX_HOOKS = {
  SessionStart: 'session-start',
  UserPromptSubmit: 'user-prompt-submit',
  PermissionRequest: 'permission-request',
  PostToolUse: 'post-tool-use',
  Stop: 'stop',
  SessionEnd: 'session-end',
} as const;
export type CodexHookEvent = keyof typeof CODEX_HOOKS;

/** Seconds Codex waits for one of our hooks (a Stop check reads and validates the handoff). */
export const CODEX_HOOK_TIMEOUT = 120;

/**
 * The timeout Codex keeps for a hook of `event`: it holds SessionEnd hooks to 3 s whatever they
 * ask, and hashes what it keeps, so the trusted hash must be computed with the same number.
 */
export function codexHookTimeout(event: CodexHookEvent): number {
  return event === 'SessionEnd' ? 3 : CODEX_HOOK_TIMEOUT;
}

/** Where Codex files hooks given on the command line, in hook keys. */
const SESSION_FLAGS_SOURCE = '/<session-flags>/config.toml';

/** `PermissionRequest` → `permission_request`: the event as Codex names it in hook keys and hashes. */
export function codexEventLabel(event: CodexHookEvent): string {
  return event.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toLowerCase();
}

/**
 * The hash Codex trusts for one command hook without a matcher: SHA-256 of its identity as
 * compact JSON with sorted keys, `sha256:`-prefixed. It does not depend on where the hook is defined.
 */
export function codexHookHash(event: CodexHookEvent, command: string, timeout = codexHookTimeout(event)): string {
  const identity = { event_name: codexEventLabel(event), hooks: [{ async: false, command, timeout, type: 'command' }] };
  return `sha256:${createHash('sha256').update(JSON.stringify(identity)).digest('hex')}`;
}

/** A TOML basic string: JSON's escapes are all valid TOML. */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

/** The `-c` arguments that install and trust our hooks for one session, given each event's command. */
export function codexHookArgs(commands: Record<CodexHookEvent, string>): string[] {
  const args: string[] = [];
  const trust: string[] = [];
  for (const [event, command] of Object.entries(commands) as [CodexHookEvent, string][]) {
    args.push('-c', `hooks.${event}=[{hooks=[{type="command",command=${tomlString(command)},timeout=${codexHookTimeout(event)}}]}]`);
    const key = `${SESSION_FLAGS_SOURCE}:${codexEventLabel(event)}:0:0`;
    trust.push(`${tomlString(key)}={trusted_hash=${tomlString(codexHookHash(event, command))}}`);
  }
  args.push('-c', `hooks.state={${trust.join(',')}}`);
  return args;
}

/**
 * Everything the `codex` preset passes before the user's own arguments: our hooks, the worktree
 * trusted (the folder-trust screen would otherwise come first; a `-c` table, since a dotted key
 * cannot hold a path), the brief as developer instructions, and `--no-daemon` (otherwise the first
 * run copies the CLI into `~/.codex/packages` and leaves an app-server daemon running).
 */
export function codexLaunchArgs(opts: { worktree: string; brief: string; hookArgs: string[] }): string[] {
  return [
    '--no-daemon',
    '-c', `projects={${tomlString(opts.worktree)}={trust_level="trusted"}}`,
    '-c', `developer_instructions=${tomlString(opts.brief)}`,
    ...opts.hookArgs,
  ];
}

export type CodexHookVerb = (typeof CODEX_HOOKS)[CodexHookEvent];

/** Marks our commands, as in Claude Code's settings. */
const MARKER = '# handoff-supervisor';

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The shell command Codex runs for one hook: node + the built CLI, by absolute path. */
export function codexHookCommand(nodePath: string, cliPath: string, verb: CodexHookVerb, agent: string, root: string): string {
  return `${shellQuote(nodePath)} ${shellQuote(cliPath)} hook ${verb} --agent ${shellQuote(agent)} --root ${shellQuote(root)} ${MARKER}`;
}

/** The `-c` arguments for one agent's hooks. */
export function codexAgentHookArgs(nodePath: string, cliPath: string, agent: string, root: string): string[] {
  const commands = Object.fromEntries(
    Object.entries(CODEX_HOOKS).map(([event, verb]) => [event, codexHookCommand(nodePath, cliPath, verb, agent, root)]),
  ) as Record<CodexHookEvent, string>;
  return codexHookArgs(commands);
}
