/**
 * The hooks and permission rule the supervisor puts into a worktree's
 * `.claude/settings.local.json`, merged with what the user has there.
 */
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import { readWorktreeFile } from '../supervisor/readHandoff.js';

/** Claude Code hook events the supervisor listens to, with the `supervise hook` verb for each. */
export const CLAUDE_HOOKS = {
  SessionStart: 'session-start',
  UserPromptSubmit: 'user-prompt-submit',
  Stop: 'stop',
  Notification: 'notification',
  SessionEnd: 'session-end',
} as const;
export type ClaudeHookEvent = keyof typeof CLAUDE_HOOKS;
export type HookVerb = (typeof CLAUDE_HOOKS)[ClaudeHookEvent];

/** Marks our commands so a later merge replaces them instead of adding copies. */
const MARKER = '# handoff-supervisor';

interface HookCommand {
  type: 'command';
  command: string;
  timeout?: number;
}
interface HookMatcher {
  matcher?: string;
  hooks: HookCommand[];
}
type Settings = Record<string, unknown> & {
  hooks?: Record<string, HookMatcher[]>;
  permissions?: Record<string, unknown> & { allow?: string[] };
};

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The shell command Claude Code runs for one hook: node + the built CLI, by absolute path. */
export function hookCommand(nodePath: string, cliPath: string, verb: HookVerb, agent: string, root: string): string {
  return `${shellQuote(nodePath)} ${shellQuote(cliPath)} hook ${verb} --agent ${shellQuote(agent)} --root ${shellQuote(root)} ${MARKER}`;
}

/**
 * Permission rules that let the agent write and edit its handoff without a prompt. In Claude Code
 * an `Edit(...)` rule covers both Edit and Write (a `Write(...)` rule matches nothing), the path is
 * relative to the worktree, and reading inside the project needs no rule.
 */
export function handoffPermissions(handoffFile: string): string[] {
  return [`Edit(${handoffFile.replace(/^\.\//, '')})`];
}

/** The name the memory MCP server has for Claude Code: its tools are `mcp__supervise-memory__…`. */
export const MEMORY_MCP_SERVER = 'supervise-memory';
/** Permission rules that let the agent call the memory tools without a prompt. */
export const MEMORY_TOOL_RULES = [`mcp__${MEMORY_MCP_SERVER}__memory_search`, `mcp__${MEMORY_MCP_SERVER}__memory_add`];

/**
 * The memory MCP server (`supervise mcp`) as a Claude Code MCP config, written to
 * `.supervise/mcp/<agent>.json` beside the repository's other supervisor files (nothing in the
 * worktree, nothing in the user's settings), and the argument that hands it to Claude Code.
 * A server given with --mcp-config needs no approval, unlike a project's .mcp.json. The `=` form
 * keeps the option from taking the next word: --mcp-config takes several files.
 */
export async function claudeMcpArgs(root: string, agent: string, nodePath: string, cliPath: string): Promise<string[]> {
  const path = join(root, '.supervise', 'mcp', `${agent}.json`);
  const config = {
    mcpServers: {
      [MEMORY_MCP_SERVER]: { type: 'stdio', command: nodePath, args: [cliPath, 'mcp', '--root', root, '--agent', agent], env: { SUPERVISE_AGENT: agent } },
    },
  };
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
  return [`--mcp-config=${path}`];
}

/** Merges our hooks and permissions into existing settings (pure); `extraAllow` adds rules such as MEMORY_TOOL_RULES. */
export function mergeClaudeSettings(existing: Settings, commands: Record<ClaudeHookEvent, string>, handoffFile: string, extraAllow: readonly string[] = []): Settings {
  const hooks: Record<string, HookMatcher[]> = { ...(existing.hooks ?? {}) };
  for (const [event, command] of Object.entries(commands)) {
    const kept = (hooks[event] ?? [])
      .map((m) => ({ ...m, hooks: (m.hooks ?? []).filter((h) => !String(h.command ?? '').includes(MARKER)) }))
      .filter((m) => m.hooks.length > 0);
    hooks[event] = [...kept, { hooks: [{ type: 'command', command, timeout: 120 }] }];
  }
  const allow = [...(existing.permissions?.allow ?? [])];
  for (const rule of [...handoffPermissions(handoffFile), ...extraAllow]) if (!allow.includes(rule)) allow.push(rule);
  return { ...existing, hooks, permissions: { ...(existing.permissions ?? {}), allow } };
}

/** Reads, merges and atomically rewrites `<worktree>/.claude/settings.local.json`. */
export async function installClaudeSettings(worktree: string, commands: Record<ClaudeHookEvent, string>, handoffFile: string, extraAllow: readonly string[] = []): Promise<string> {
  const path = join(worktree, '.claude', 'settings.local.json');
  let existing: Settings = {};
  // The agent may have left a FIFO or a link there: a plain read could hang the supervisor.
  const read = await readWorktreeFile(worktree, join('.claude', 'settings.local.json'), { maxBytes: 1024 * 1024 });
  if (read.refused) throw new SuperviseError('InputError', `cannot merge hooks into ${path}: ${read.refused}.`, { file: path }, 'Remove it; it was left untouched.');
  const text = read.text;
  if (text !== undefined && text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      existing = parsed as Settings;
    } catch (err) {
      throw new SuperviseError('InputError', `cannot merge hooks into ${path}: it is not a JSON object (${(err as Error).message}).`, { file: path }, 'Fix or remove the file; it was left untouched.');
    }
  }
  await writeFileAtomic(path, `${JSON.stringify(mergeClaudeSettings(existing, commands, handoffFile, extraAllow), null, 2)}\n`);
  return path;
}
