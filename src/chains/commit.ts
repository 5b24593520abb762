/**
 * The commit step (SPEC §6): the supervisor, not the agent, commits the worktree's changes with
 * its own files left out, in a message built from the handoff, and writes the hash back into the
 * handoff's Current State. Deploy's exit code goes there the same way.
 */
import { SuperviseError } from '../errors.js';
import { describe, type GitRunner } from '../git/run.js';
import { parseHandoff } from '../handoff/parse.js';
import { renderHandoff } from '../handoff/render.js';
import type { Handoff, HandoffItem } from '../handoff/types.js';

/** Agent settings folders the supervisor writes into a worktree; never part of the work. */
export const AGENT_SETTINGS_DIRS = ['.claude', '.codex', '.gemini'];

const DECIDED_AGAINST = /\bagainst\b|\bnot\b|\brejected\b/i;

function sectionItems(h: Handoff, name: string): string[] {
  const section = h.sections.find((s) => s.known && s.name === name);
  return (section?.items ?? []).map((i) => i.text.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/**
 * Subject: the task. Body: Completed, Key Decisions and the Blockers that say what was decided
 * against, as the handoff words them.
 */
export function commitMessage(task: string, handoff: Handoff, agent: string): string {
  const subject = task.replace(/\s+/g, ' ').trim() || `Work of ${agent}`;
  const parts: string[] = [];
  const add = (title: string, list: string[]) => {
    if (list.length) parts.push([`${title}:`, ...list.map((t) => `- ${t}`)].join('\n'));
  };
  add('Completed', sectionItems(handoff, 'Completed'));
  add('Key decisions', sectionItems(handoff, 'Key Decisions'));
  add('Decided against', sectionItems(handoff, 'Blockers').filter((t) => DECIDED_AGAINST.test(t)));
  return [subject, ...parts, `Committed by supervise at the end of ${agent}'s chain.`].join('\n\n');
}

export interface CommitResult {
  /** The new commit, or undefined when there was nothing to commit. */
  hash?: string;
  files: string[];
  message: string;
}

/**
 * Stages every change in `worktree` except `own` files and the agent settings folders, and
 * commits it. Nothing staged is not an error: the result has no hash.
 */
export async function commitWorktree(git: GitRunner, worktree: string, own: ReadonlySet<string>, message: string): Promise<CommitResult> {
  // Own files are ignored or skip-worktree there already (src/git/ownFiles.ts), and naming an
  // ignored file even in an exclude pathspec makes `git add` fail: only the folders are named.
  const excluded = AGENT_SETTINGS_DIRS.map((d) => `:(top,exclude,literal)${d}`);
  const ownSpecs = [...own].map((f) => `:(top,literal)${f}`);
  try {
    await git.run(worktree, ['add', '-A', '--', ':/', ...excluded]);
    // What an agent staged of the supervisor's files must not ride along.
    const staged = (await git.run(worktree, ['diff', '--cached', '--name-only', '-z', '--', ...ownSpecs])).stdout.split('\0').filter(Boolean);
    if (staged.length) await git.run(worktree, ['reset', '-q', '--', ...staged.map((f) => `:(top,literal)${f}`)]);
    const files = (await git.run(worktree, ['diff', '--cached', '--name-only', '-z'])).stdout.split('\0').filter(Boolean);
    if (!files.length) return { files, message };
    await git.run(worktree, ['commit', '-q', '-m', message]);
    const hash = (await git.run(worktree, ['rev-parse', 'HEAD'])).stdout.trim();
    return { hash, files, message };
  } catch (err) {
    throw new SuperviseError('RuntimeError', `could not commit the work in ${worktree}: ${describe(err)}`, {}, 'Fix the repository state there and press r to retry the commit step.');
  }
}

/**
 * The handoff with `- <key>: <value>` in Current State, replacing an earlier line of that key
 * and dropping the lines of the keys in `drop` (what the step has made stale).
 */
export function setStateLine(text: string, key: string, value: string, drop: string[] = []): string {
  const handoff = parseHandoff(text);
  const item: HandoffItem = { text: `${key}: ${value}`, marker: 'bullet' };
  const stale = new RegExp(`^(?:${[key, ...drop].join('|')})\\s*:`, 'i');
  const section = handoff.sections.find((s) => s.known && s.name === 'Current State');
  if (section) section.items = [...section.items.filter((i) => !stale.test(i.text)), item];
  else handoff.sections.unshift({ name: 'Current State', known: true, items: [item], text: [], line: 0 });
  return renderHandoff(handoff);
}
