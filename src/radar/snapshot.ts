/**
 * A worktree's state — commits, staged, unstaged and untracked work — as a commit object, made
 * without touching the agent's index or files: `git add -A` runs against a temporary index
 * (GIT_INDEX_FILE), and the tree it writes becomes a commit on top of the worktree's HEAD, which
 * `git merge-tree` can take. The supervisor's own files keep the version HEAD has.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { describe, type GitRunner } from '../git/run.js';

export interface Snapshot {
  /** The worktree's HEAD commit. */
  head: string;
  /** HEAD itself when nothing is uncommitted, else a commit of the working tree on top of it. */
  commit: string;
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

/** The worktree as a commit; `exclude` (repository-relative) keep HEAD's version. */
export async function snapshotWorktree(git: GitRunner, worktree: string, exclude: ReadonlySet<string> = new Set()): Promise<Snapshot> {
  let dir: string | undefined;
  try {
    const out = await git.run(worktree, ['rev-parse', '--path-format=absolute', 'HEAD', 'HEAD^{tree}', '--git-path', 'index']);
    const [head, headTree, indexPath] = out.stdout.split('\n').map((l) => l.trim());
    if (!head || !headTree || !indexPath) throw new Error('git rev-parse printed no HEAD');
    dir = await mkdtemp(join(tmpdir(), 'supervise-snapshot-'));
    const index = join(dir, 'index');
    const env = { ...gitEnv(), GIT_INDEX_FILE: index };
    // A copy of the worktree's own index keeps git's stat cache, so `add -A` hashes only what
    // changed, not every file of a big repository; it also keeps the skip-worktree marks that
    // hide the supervisor's files. Without one, start from HEAD.
    const copied = await copyFile(indexPath, index).then(
      () => true,
      () => false,
    );
    if (!copied) await git.run(worktree, ['read-tree', head], [0], env);
    await git.run(worktree, ['add', '-A'], [0], env);
    // Back to HEAD's version in the temporary index. Not an exclude pathspec on `add`: naming a
    // path git ignores (as the supervisor's worktrees do with these) fails the whole add.
    if (exclude.size) await git.run(worktree, ['reset', '-q', head, '--', ...[...exclude].map((p) => `:(literal)${p}`)], [0], env);
    const tree = (await git.run(worktree, ['write-tree'], [0], env)).stdout.trim();
    if (tree === headTree) return { head, commit: head };
    const commit = await git.run(worktree, ['commit-tree', tree, '-p', head, '-m', 'supervise: uncommitted work'], [0], { ...env, ...SNAPSHOT_IDENTITY });
    return { head, commit: commit.stdout.trim() };
  } catch (err) {
    if (err instanceof SuperviseError) throw err;
    throw new SuperviseError('GitError', `cannot read the work in ${worktree}: ${describe(err)}`);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
