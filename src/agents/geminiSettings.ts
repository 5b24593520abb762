/**
 * The hooks the supervisor puts into a worktree's `.gemini/settings.json` (the Gemini CLI's
 * workspace settings), merged with what the user has there. Never `~/.gemini`: the user's
 * provider, model and auth stay theirs.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import { GEMINI_WORKSPACE_SETTINGS } from '../supervisor/ownFiles.js';
import { readWorktreeFile } from '../supervisor/readHandoff.js';

/** Gemini CLI hook events the supervisor listens to, with the `supervise hook` verb for each. */
export const GEMINI_HOOKS = {
  SessionStart: 'session-start',
  BeforeAgent: 'before-agent',
  AfterAgent: 'after-agent',
  AfterTool: 'after-tool',
  Notification: 'notification',
  SessionEnd: 'session-end',
} as const;
export type GeminiHookEvent = keyof typeof GEMINI_HOOKS;
export type GeminiHookVerb = (typeof GEMINI_HOOKS)[GeminiHookEvent];

/**
 * The hook secret under a name the Gemini CLI never redacts: with environment redaction on (a
 * user setting, and always under GitHub Actions) its hooks lose every variable named like a
 * secret, except those starting with GEMINI_CLI_.
 */
export const GEMINI_SECRET_ENV = 'GEMINI_CLI_SUPERVISE_HOOK_SECRET';

/** Marks our commands so a later merge replaces them instead of adding copies (the same mark as Claude's). */
const MARKER = '# handoff-supervisor';
/** Milliseconds, unlike Claude Code's seconds; a Stop check reads and validates one small file. */
const HOOK_TIMEOUT_MS = 120_000;

interface HookCommand {
  type: 'command';
  command: string;
  timeout?: number;
  [key: string]: unknown;
}
interface HookMatcher {
  matcher?: string;
  hooks: HookCommand[];
  [key: string]: unknown;
}
type Settings = Record<string, unknown> & { hooks?: Record<string, unknown> };

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The shell command the Gemini CLI runs for one hook: node + the built CLI, by absolute path. */
export function geminiHookCommand(nodePath: string, cliPath: string, verb: GeminiHookVerb, agent: string, root: string): string {
  return `${shellQuote(nodePath)} ${shellQuote(cliPath)} hook ${verb} --agent ${shellQuote(agent)} --root ${shellQuote(root)} ${MARKER}`;
}

/** The environment additions a Gemini agent needs: its secret where hooks still see it, and a trusted worktree. */
export function geminiEnv(env: Record<string, string>, secretEnv: string): Record<string, string> {
  const out = { ...env };
  if (out[secretEnv]) out[GEMINI_SECRET_ENV] = out[secretEnv];
  else delete out[GEMINI_SECRET_ENV];
  // An untrusted folder's workspace settings, our hooks among them, are ignored. The worktree is
  // the user's own repository, checked out by the supervisor; a user may still say "false".
  out.GEMINI_CLI_TRUST_WORKSPACE ??= 'true';
  return out;
}

/** Merges our hooks into existing workspace settings (pure); the user's hooks and other keys stay. */
export function mergeGeminiSettings(existing: Settings, commands: Record<GeminiHookEvent, string>): Settings {
  const hooks: Record<string, unknown> = { ...(isObject(existing.hooks) ? existing.hooks : {}) };
  for (const [event, command] of Object.entries(commands)) {
    const current = Array.isArray(hooks[event]) ? (hooks[event] as HookMatcher[]) : [];
    const kept = current
      .map((m) => ({ ...m, hooks: (Array.isArray(m?.hooks) ? m.hooks : []).filter((h) => !String(h?.command ?? '').includes(MARKER)) }))
      .filter((m) => m.hooks.length > 0);
    hooks[event] = [...kept, { hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT_MS }] }];
  }
  return { ...existing, hooks };
}

/** Reads, merges and atomically rewrites `<worktree>/.gemini/settings.json`. */
export async function installGeminiSettings(worktree: string, commands: Record<GeminiHookEvent, string>): Promise<string> {
  const path = join(worktree, GEMINI_WORKSPACE_SETTINGS);
  // The agent may have left a FIFO or a link there: a plain read could hang the supervisor.
  const read = await readWorktreeFile(worktree, GEMINI_WORKSPACE_SETTINGS, { maxBytes: 1024 * 1024 });
  if (read.refused) throw new SuperviseError('InputError', `cannot merge hooks into ${path}: ${read.refused}.`, { file: path }, 'Remove it; it was left untouched.');
  let existing: Settings = {};
  if (read.text !== undefined && read.text.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(read.text);
      if (!isObject(parsed)) throw new Error('not an object');
      existing = parsed as Settings;
    } catch (err) {
      throw new SuperviseError('InputError', `cannot merge hooks into ${path}: it is not a JSON object (${(err as Error).message}).`, { file: path }, 'Fix or remove the file; it was left untouched.');
    }
  }
  await writeFileAtomic(path, `${JSON.stringify(mergeGeminiSettings(existing, commands), null, 2)}\n`);
  return path;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return Boolean(v) && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The Gemini CLI sets `stop_hook_active` only when the turn after a refusal ends without a tool
 * call; after one that used tools it reports false again, so a refusal could repeat until its
 * turn limit. The hook remembers the turn it refused (session and original prompt, hashed) in
 * the supervisor's folder, and lets that turn end the next time: refused once, never in a loop.
 */
export function geminiTurnFile(root: string, agent: string): string {
  return join(root, '.supervise', 'agents', `${agent}.gemini-refused`);
}

function turnKey(sessionId: unknown, prompt: unknown): string {
  return createHash('sha256').update(`${String(sessionId)}\n${String(prompt)}`).digest('hex');
}

/** Whether this turn (session and prompt) was refused before. */
export async function geminiRefusedBefore(root: string, agent: string, sessionId: unknown, prompt: unknown): Promise<boolean> {
  try {
    return (await readFile(geminiTurnFile(root, agent), 'utf8')).trim() === turnKey(sessionId, prompt);
  } catch {
    return false;
  }
}

/** Remembers that this turn was refused once; best effort, since a hook must never break the agent. */
export async function rememberGeminiRefusal(root: string, agent: string, sessionId: unknown, prompt: unknown): Promise<void> {
  await writeFileAtomic(geminiTurnFile(root, agent), `${turnKey(sessionId, prompt)}\n`).catch(() => {});
}

/**
 * The Gemini CLI fires SessionEnd two or three times on one /quit, each in its own hook process:
 * only the first of a launch (its session and hook secret, hashed) is reported. Creating the
 * mark with O_EXCL decides the race between them.
 */
export async function firstGeminiSessionEnd(root: string, agent: string, sessionId: unknown, secret: string): Promise<boolean> {
  const key = createHash('sha256').update(`${String(sessionId)}\n${secret}`).digest('hex').slice(0, 16);
  try {
    await (await open(join(root, '.supervise', 'agents', `${agent}.gemini-ended-${key}`), 'wx')).close();
    return true;
  } catch (err) {
    // Only a mark that is already there means "reported"; any other failure reports anyway.
    return (err as NodeJS.ErrnoException).code !== 'EEXIST';
  }
}
