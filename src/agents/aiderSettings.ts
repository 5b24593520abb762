/**
 * How the supervisor runs aider (docs/aider.md). Aider has no hooks: its `--notifications-command`
 * runs, through a shell, when aider waits for input after a model request; that command is our
 * turn-end report. Its brief goes in read-only (`--read`), its handoff in the chat as a file it
 * may edit, its task as `/code <task>` in a `--load` file. Those files live in the supervisor's
 * own folder, `.supervise/agents/<agent>.aider/`, beside the agent's run record: never in the
 * worktree, so nothing of ours can ride on the agent's commits. Aider never commits: the
 * supervisor captures and lands the work.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Preset } from '../config/types.js';
import { writeFileAtomic } from '../fsutil.js';
import { packageRoot } from '../paths.js';
import type { Session } from '../session/session.js';
import { detectPrompt } from './prompts.js';

/** The `supervise hook` verb aider's notifications command runs, and the event it reports: a turn end, as Claude Code's Stop. */
export const AIDER_HOOKS = { Stop: 'turn-end' } as const;
export type AiderHookVerb = (typeof AIDER_HOOKS)['Stop'];

/** The message a resumed aider starts with (its chat history is restored). */
export const AIDER_RESUME_MESSAGE = 'The team handoff was refreshed: re-read the brief and the handoff in this chat and continue your task.';

/** Marks our command, as in the other CLIs' settings. */
const MARKER = '# handoff-supervisor';

/** The supervisor's folder for one aider agent: brief, load file, chat and input history, refusal mark. */
export function aiderDir(root: string, agent: string): string {
  return join(root, '.supervise', 'agents', `${agent}.aider`);
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command aider runs through `sh -c` at a turn end: node and the built CLI by absolute path,
 * every part quoted (paths may hold spaces or quotes). It reads no stdin (aider's terminal).
 */
export function aiderHookCommand(nodePath: string, cliPath: string, agent: string, root: string): string {
  return `${shellQuote(nodePath)} ${shellQuote(cliPath)} hook ${AIDER_HOOKS.Stop} --agent ${shellQuote(agent)} --root ${shellQuote(root)} ${MARKER}`;
}

/** `/code <task>` on one line: a `--load` file runs one command a line, and a plain line is no command. */
export function aiderLoadText(message: string): string {
  return `/code ${message.replace(/\s*[\r\n]+\s*/g, ' ').trim()}\n`;
}

export interface AiderLaunchInput {
  root: string;
  agent: string;
  /** The handoff, relative to the worktree (aider's cwd). */
  handoffFile: string;
  brief: string;
  task: string;
  resumed?: boolean;
  /** How the turn-end command calls back; by default this node and this package's built CLI. */
  nodePath?: string;
  cliPath?: string;
}

/**
 * Everything the `aider` preset passes before the user's own arguments (which come last, so a
 * user's flag wins). Writes the brief and the load file when there is a brief to give (a launch;
 * checking the command builds no brief and writes nothing).
 */
export function aiderLaunchArgs(input: AiderLaunchInput): string[] {
  const dir = aiderDir(input.root, input.agent);
  const briefFile = join(dir, 'brief.md');
  const loadFile = join(dir, 'start.aider');
  if (input.brief) {
    // A refusal left by an earlier session must not let this one's first turn end through.
    rmSync(refusalMark(input.root, input.agent), { force: true });
    writeFileAtomicSync(briefFile, `${input.brief.trimEnd()}\n`);
    writeFileAtomicSync(loadFile, aiderLoadText(input.resumed ? AIDER_RESUME_MESSAGE : input.task));
  }
  const command = aiderHookCommand(input.nodePath ?? process.execPath, input.cliPath ?? join(packageRoot(), 'dist', 'cli.js'), input.agent, input.root);
  return [
    // The handoff is a file of the chat, which aider may edit: a --read file is "READ ONLY … Do
    // not edit" in its prompt. The worktree's git excludes hide it, hence --add-gitignore-files.
    '--file', input.handoffFile,
    '--add-gitignore-files',
    '--read', briefFile,
    '--load', loadFile,
    '--notifications',
    '--notifications-command', command,
    // The supervisor commits and lands; aider's own commits would add the handoff by name.
    '--no-auto-commits',
    '--no-dirty-commits',
    // Otherwise aider asks at start whether to add .aider* to .gitignore, and edits it.
    '--no-gitignore',
    '--chat-history-file', join(dir, 'chat.history.md'),
    '--input-history-file', join(dir, 'input.history'),
    ...(input.resumed ? ['--restore-chat-history'] : []),
  ];
}

/** A sync write that a reader never sees half of (the launch is synchronous). */
function writeFileAtomicSync(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function refusalMark(root: string, agent: string): string {
  return join(aiderDir(root, agent), 'refused');
}

/**
 * Whether the turn ending now answers a refusal: aider cannot be held at a turn end, so a refused
 * turn end is answered by typing our reason as its next message, and the turn end after that one
 * is let through. Taking the mark (unlink) decides it once, even against a second hook process.
 */
export async function takeAiderRefusal(root: string, agent: string): Promise<boolean> {
  try {
    await unlink(refusalMark(root, agent));
    return true;
  } catch {
    return false;
  }
}

/** Remembers that this turn end was refused; best effort, since a hook must never break the agent. */
export async function rememberAiderRefusal(root: string, agent: string): Promise<void> {
  await writeFileAtomic(refusalMark(root, agent), `${new Date().toISOString()}\n`).catch(() => {});
}

/** What aider gets typed after a refused turn end: our reason as one bracketed paste (it keeps its lines), then Enter. */
export function aiderReply(reason: string): string {
  return `\x1b[200~${reason.replaceAll('\x1b', '')}\x1b[201~\r`;
}

/** The parts of a turn-end report the reply needs. */
export interface TurnEndReport {
  blocked?: boolean;
  blockReason?: string;
}

/** How long a refusal waits for aider's prompt before it is dropped (aider may still be busy, or ask). */
export const REPLY_WAIT_MS = 60_000;

/**
 * After a refused turn end of an aider agent: types the reason into its PTY as the next message,
 * once its prompt is on screen. Aider runs the report before it draws its prompt, and the same
 * command fires when it asks a question instead (then nothing is typed: an answer would be taken
 * from it). Resolves whether the reply was typed. Any other preset or report: nothing.
 */
export function replyToTurnEnd(preset: Preset, report: TurnEndReport, session: Session | undefined, waitMs = REPLY_WAIT_MS): Promise<boolean> {
  if (preset !== 'aider' || !report.blocked || !report.blockReason || !session?.running) return Promise.resolve(false);
  const reply = aiderReply(report.blockReason);
  return new Promise((resolve) => {
    let done = false;
    const finish = (typed: boolean): void => {
      if (done) return;
      done = true;
      output.dispose();
      exit.dispose();
      clearTimeout(timer);
      resolve(typed);
    };
    const check = (): void => {
      if (!session.running) return finish(false);
      // The bottom line decides: aider's prompt, or a question it asks instead.
      const waiting = detectPrompt('aider', session.screen.viewportText(), 1);
      if (waiting === 'needs-input') return finish(false);
      if (waiting !== 'idle') return;
      session.write(reply);
      finish(true);
    };
    const output = session.on('output', check);
    const exit = session.on('exit', () => finish(false));
    const timer = setTimeout(() => finish(false), waitMs);
    timer.unref?.();
    check();
  });
}
