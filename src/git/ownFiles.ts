/**
 * Keeping the supervisor's own files (the handoff, Claude Code's settings.local.json: the list is
 * src/supervisor/ownFiles.ts) out of every commit an agent makes in its worktree. Without this,
 * an agent's `git add -A && git commit` carries them onto its branch, and merging that branch
 * replaces the team handoff with the agent's stale copy (or fails on the untracked one).
 *
 * Two mechanisms, both confined to the agent's worktree, because the main checkout's team
 * HANDOFF.md must stay an ordinary file there:
 * - A file tracked on base is marked skip-worktree in the worktree's own index (every linked
 *   worktree has one): git takes the worktree copy as unchanged, whatever is written to it.
 * - A file not tracked there is ignored through a per-worktree `core.excludesFile`
 *   (`git config --worktree`, which needs `extensions.worktreeConfig` in the repository).
 *   Not `$GIT_COMMON_DIR/info/exclude`: the main checkout reads it too, so an untracked team
 *   HANDOFF.md would vanish from its `git status` and `git add -A`, and a checkout or merge
 *   bringing a HANDOFF.md would overwrite it without a word (git takes ignored files as
 *   expendable). Since that per-worktree setting replaces the user's own excludes file in the
 *   worktree, the user's patterns are copied after ours.
 *
 * What an agent's git commands then do with these files (checked in ownFiles.test.ts):
 *   git add -A, git add .   leave them out and succeed
 *   git commit -a           leaves them out: it stages tracked changes only, and skip-worktree
 *                           hides those
 *   git add HANDOFF.md      refuses, exit 1: "ignored by one of your .gitignore files" when
 *                           untracked, "outside of your sparse-checkout definition" when tracked
 *   git add -f / --sparse   the deliberate ways round, which do stage it
 * Both hold through `git reset [--hard]`, `git stash`, `git checkout -b` and the supervisor
 * rewriting the file, as they concern the path and the index entry, not the content. The price:
 * `git merge`/`git rebase` of a base that changed a tracked own file since the worktree was made
 * refuses ("local changes would be overwritten").
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join, posix, resolve } from 'node:path';
import { SuperviseError } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import { describe, type GitRunner } from './run.js';

/** Our excludes file, in the worktree's own git directory (removed with the worktree). */
const EXCLUDE_FILE = 'supervise-exclude';

function gitError(message: string): SuperviseError {
  return new SuperviseError('GitError', message);
}

const split0 = (out: string): string[] => out.split('\0').filter(Boolean);
const literal = (path: string): string => `:(literal)${path}`;

/** `text` as a gitignore pattern matching only itself. */
function escapePattern(text: string): string {
  return text.replace(/[\\*?[\]!# ]/g, (c) => `\\${c}`);
}

/**
 * Patterns for `files`, anchored at the worktree's top, plus the temp files writeFileAtomic
 * (src/fsutil.ts) renames into them, which an agent's `git add -A` could otherwise catch
 * half-way through a sync.
 */
export function excludePatterns(files: Iterable<string>): string[] {
  return [...files].flatMap((file) => {
    const dir = posix.dirname(file);
    const at = dir === '.' ? '/' : `/${escapePattern(dir)}/`;
    return [`/${escapePattern(file)}`, `${at}${escapePattern(`.${posix.basename(file)}.`)}*.tmp`];
  });
}

/**
 * Turn on per-worktree config for the repository, once. As git's own `git sparse-checkout init`
 * does, core.bare and core.worktree move from the shared config to the main checkout's own:
 * with the extension on, linked worktrees would read them too (a bare repository with
 * worktrees would have every worktree taken for bare).
 */
export async function enableWorktreeConfig(git: GitRunner, root: string): Promise<void> {
  try {
    const common = (await git.run(root, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).stdout.trim();
    const shared = ['config', '--file', join(common, 'config')];
    const on = await git.run(root, [...shared, '--type=bool', '--get', 'extensions.worktreeConfig'], [0, 1]);
    if (on.stdout.trim() === 'true') return;
    const bare = await git.run(root, [...shared, '--type=bool', '--get', 'core.bare'], [0, 1]);
    const worktree = await git.run(root, [...shared, '--get', 'core.worktree'], [0, 1]);
    const moves: [string, string][] = [];
    if (bare.stdout.trim() === 'true') moves.push(['core.bare', 'true']);
    if (worktree.code === 0) moves.push(['core.worktree', worktree.stdout.trim()]);
    for (const [key, value] of moves) {
      await git.run(root, ['config', '--file', join(common, 'config.worktree'), key, value]);
      await git.run(root, [...shared, '--unset', key]);
    }
    await git.run(root, [...shared, 'extensions.worktreeConfig', 'true']);
  } catch (err) {
    throw gitError(`could not turn on per-worktree config in ${root}: ${describe(err)}`);
  }
}

/**
 * The user's own excludes file (core.excludesFile, else git's XDG default) as text to copy
 * into ours, with a line saying where it came from; '' when there is none.
 */
export async function userExcludes(git: GitRunner, root: string): Promise<string> {
  const set = await git.run(root, ['config', '--path', '--get', 'core.excludesFile'], [0, 1]).catch(() => undefined);
  const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const path = set?.code === 0 && set.stdout.trim() ? resolve(root, set.stdout.trim()) : join(xdg, 'git', 'ignore');
  // Run from inside an agent's worktree, the setting is ours: copying it would nest it.
  if (basename(path) === EXCLUDE_FILE) return '';
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined || text.trim() === '') return '';
  return `# Copied from ${path}, which this file stands in for here:\n${text.endsWith('\n') ? text : `${text}\n`}`;
}

/**
 * Keep `files` out of every commit made in `worktree` (see the top of this file); idempotent.
 * Needs enableWorktreeConfig first; `inherited` is userExcludes' text.
 */
export async function keepOutOfCommits(git: GitRunner, worktree: string, files: ReadonlySet<string>, inherited: string): Promise<void> {
  if (files.size === 0) return;
  const specs = [...files].map(literal);
  try {
    const gitDir = (await git.run(worktree, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
    // Staged in an earlier session, a file would ride on the next commit despite skip-worktree.
    const staged = split0((await git.run(worktree, ['diff', '--cached', '--name-only', '-z', 'HEAD', '--', ...specs])).stdout);
    if (staged.length > 0) await git.run(worktree, ['reset', '-q', 'HEAD', '--', ...staged.map(literal)]);
    const tracked = split0((await git.run(worktree, ['ls-files', '-z', '--', ...specs])).stdout);
    if (tracked.length > 0) await git.run(worktree, ['update-index', '--skip-worktree', '--', ...tracked]);
    const excludes = join(gitDir, EXCLUDE_FILE);
    const ours = '# Written by supervise: the files it writes here are never the agent\'s work.\n';
    await writeFileAtomic(excludes, `${ours}${excludePatterns(files).join('\n')}\n${inherited}`);
    await git.run(worktree, ['config', '--worktree', 'core.excludesFile', excludes]);
  } catch (err) {
    throw gitError(`could not keep the supervisor's files out of commits in ${worktree}: ${describe(err)}`);
  }
}
