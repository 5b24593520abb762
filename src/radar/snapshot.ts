/**
 * A worktree's state — commits, staged, unstaged and untracked work — as a commit object, made
 * without touching the agent's index or files: `git add -A` runs against a temporary index
 * (GIT_INDEX_FILE), and the tree it writes becomes a commit on top of the worktree's HEAD, which
 * `git merge-tree` can take. The supervisor's own files are left out. Three git calls: a radar
 * refresh makes one snapshot per agent, and on a busy machine each process start counts.
 */
import { copyFile, mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SuperviseError } from '../errors.js';
import { describe, type GitRunner } from '../git/run.js';

export interface Snapshot {
  /** A commit of the working tree whose parent is the worktree's HEAD. */
  commit: string;
  /** The branch HEAD named as the snapshot was made (`refs/heads/agent/alpha`); undefined when detached or unread. */
  ref?: string;
}

/**
 * Fixed names and dates make the snapshot of an unchanged worktree the same commit every time,
 * so results keyed by commit stay valid until something really changes.
 */
const SNAPSHOT_IDENTITY = {
  GIT_AUTHOR_NAME: 'supervise',
  GIT_AUTHOR_EMAIL: 'supervise@localhost',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_NAME: 'supervise',
  GIT_COMMITTER_EMAIL: 'supervise@localhost',
  GIT_COMMITTER_DATE: '@0 +0000',
};

/**
 * What git needs of the environment: simple-git refuses a given environment holding variables
 * that run programs (EDITOR, PAGER…), and git's own GIT_* (GIT_DIR from a hook, say) would
 * point it elsewhere.
 */
function gitEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(?:PATH|HOME|USER|LOGNAME|TMPDIR|TEMP|TMP|LANG|LC_\w+|XDG_CONFIG_HOME|SYSTEMROOT)$/i.test(k)) out[k] = v;
  }
  return out;
}

/**
 * An exclude pathspec matching `path` alone. A glob, not a literal name: git fails the whole
 * `add` when a literal pathspec names a file it ignores, as the supervisor's worktrees ignore
 * these; a pattern that only matches it is not reported.
 */
export function excludeSpec(path: string): string {
  const chars = [...path].map((c) => (/[*?[\]\\]/.test(c) ? `\\${c}` : c));
  const last = chars.pop() ?? '';
  return `:(exclude,glob)${chars.join('')}${/^[\w.-]$/.test(last) ? `[${last}]` : last}`;
}

/** The worktree's own git folder: `.git` is a folder in a main checkout, a `gitdir:` file in a linked one. */
async function gitDirOf(git: GitRunner, worktree: string): Promise<string> {
  const dotGit = join(worktree, '.git');
  try {
    if ((await stat(dotGit)).isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, 'utf8'));
    if (m) return resolve(worktree, (m[1] as string).trim());
  } catch {
    // not the usual layout: ask git
  }
  return (await git.run(worktree, ['rev-parse', '--path-format=absolute', '--git-dir'])).stdout.trim();
}

/**
 * Copies the worktree's index with its modification time. Git trusts an entry's cached stat
 * only when the file is older than the index file; a copy dated now would make a same-size edit
 * made in the second the index was written look unchanged ("racy git"), and the radar would miss it.
 */
async function copyIndex(from: string, to: string): Promise<boolean> {
  try {
    const { atime, mtime } = await stat(from);
    await copyFile(from, to);
    await utimes(to, atime, mtime);
    return true;
  } catch {
    return false;
  }
}

/** The worktree as a commit; `exclude` (repository-relative) keep HEAD's version. */
export async function snapshotWorktree(git: GitRunner, worktree: string, exclude: ReadonlySet<string> = new Set()): Promise<Snapshot> {
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'supervise-snapshot-'));
    const index = join(dir, 'index');
    const env = { ...gitEnv(), GIT_INDEX_FILE: index };
    // A copy of the worktree's own index keeps git's stat cache, so `add -A` hashes only what
    // changed, not every file of a big repository; it also keeps the skip-worktree marks that
    // hide the supervisor's files. Without one, start from HEAD.
    const gitDir = await gitDirOf(git, worktree);
    const ref = await readFile(join(gitDir, 'HEAD'), 'utf8').then(
      (t) => /^ref:\s*(refs\/\S+)/.exec(t)?.[1],
      () => undefined,
    );
    const copied = await copyIndex(join(gitDir, 'index'), index);
    if (!copied) await git.run(worktree, ['read-tree', 'HEAD'], [0], env);
    await git.run(worktree, ['add', '-A', '--', '.', ...[...exclude].map(excludeSpec)], [0], env);
    const tree = (await git.run(worktree, ['write-tree'], [0], env)).stdout.trim();
    const commit = await git.run(worktree, ['commit-tree', tree, '-p', 'HEAD', '-m', 'supervise: uncommitted work'], [0], { ...env, ...SNAPSHOT_IDENTITY });
    return { commit: commit.stdout.trim(), ...(ref ? { ref } : {}) };
  } catch (err) {
    if (err instanceof SuperviseError) throw err;
    throw new SuperviseError('GitError', `cannot read the work in ${worktree}: ${describe(err)}`);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
