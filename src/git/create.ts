import { lstat, mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SuperviseError } from '../errors.js';
import { enableWorktreeConfig, keepOutOfCommits, userExcludes } from './ownFiles.js';
import { describe, type GitRunner } from './run.js';
import type { WorktreeResult, WorktreeStep } from './worktrees.js';

/** What one `git worktree add` left behind, so a rollback can take exactly that away. */
interface Created {
  path: string;
  /** The branch, when this call created it. */
  newBranch: string | undefined;
  /** The highest directory that did not exist before, when git had to make some. */
  firstMissing: string | undefined;
  /** The path was an empty directory before; git removes it with the worktree, so it is put back. */
  wasEmptyDir: boolean;
}

async function present(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** The highest ancestor of `path` (or `path` itself) that does not exist yet. */
async function firstMissingDir(path: string): Promise<string | undefined> {
  let missing: string | undefined;
  for (let dir = path; !(await present(dir)); dir = dirname(dir)) {
    missing = dir;
    if (dirname(dir) === dir) break;
  }
  return missing;
}

/** Remove the empty directories from `path` up to `top`, stopping at the first that is not empty. */
async function removeEmptyDirs(path: string, top: string): Promise<void> {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return;
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}

/**
 * Carry out a plan: `git worktree add` for each step to create, one after another (git locks
 * its metadata), then keep `ownFiles` out of the commits made in every worktree, created or
 * reused. If a step fails, everything this call made is taken away again — worktrees,
 * branches and parent directories — and a GitError naming the agent is thrown.
 */
export async function createWorktrees(
  git: GitRunner,
  root: string,
  steps: WorktreeStep[],
  baseCommit: string,
  ownFiles: ReadonlySet<string> = new Set(),
): Promise<WorktreeResult[]> {
  // Before anything is created, so a repository that refuses it is left as it was.
  let inherited = '';
  if (ownFiles.size > 0) {
    await enableWorktreeConfig(git, root);
    inherited = await userExcludes(git, root);
  }
  const stale = new Set(steps.flatMap((s) => (s.kind === 'create' ? s.stale : [])));
  for (const path of stale) {
    await git.run(root, ['worktree', 'remove', '--force', path]).catch((err: unknown) => {
      throw new SuperviseError('GitError', `could not clear the stale worktree registration ${path}: ${describe(err)}`, {}, 'Run git worktree prune, then start again.');
    });
  }

  const done: Created[] = [];
  const results: WorktreeResult[] = [];
  for (const step of steps) {
    const { name, branch, path } = step.spec;
    if (step.kind === 'reuse') {
      results.push({ name, branch, path, created: false });
      continue;
    }
    const created: Created = {
      path,
      newBranch: step.branchExists ? undefined : branch,
      firstMissing: await firstMissingDir(path),
      wasEmptyDir: await present(path),
    };
    const args = step.branchExists
      ? ['worktree', 'add', path, branch]
      : ['worktree', 'add', '-b', branch, path, baseCommit];
    try {
      await git.run(root, args);
    } catch (err) {
      // The failed add may have got part way (a branch made, a directory begun): undo that too.
      const left = await rollback(git, root, [...done, created], true);
      const cause = describe(err);
      throw new SuperviseError(
        'GitError',
        `could not create the worktree for agent "${name}" at ${path}: ${cause}`,
        {},
        left.length === 0
          ? 'Nothing was created; fix the cause and start again.'
          : `Cleaning up failed; remove by hand: ${left.join(', ')}.`,
      );
    }
    done.push(created);
    results.push({ name, branch, path, created: true });
  }
  for (const r of results) {
    try {
      await keepOutOfCommits(git, r.path, ownFiles, inherited);
    } catch (err) {
      const left = await rollback(git, root, done, false);
      if (left.length === 0) throw err;
      throw new SuperviseError('GitError', (err as Error).message, {}, `Cleaning up failed; remove by hand: ${left.join(', ')}.`);
    }
  }
  return results;
}

/**
 * Undo created worktrees in reverse order; returns what could not be removed. The last entry
 * is the add that failed when `lastFailed` is set: git may or may not have made its branch or
 * directory, so missing pieces there are not an error.
 */
async function rollback(git: GitRunner, root: string, created: Created[], lastFailed: boolean): Promise<string[]> {
  const left: string[] = [];
  for (let i = created.length - 1; i >= 0; i--) {
    const c = created[i]!;
    const failed = lastFailed && i === created.length - 1;
    const removed = await git.run(root, ['worktree', 'remove', '--force', c.path]).then(
      () => true,
      () => false,
    );
    if (!removed && !failed) {
      left.push(`worktree ${c.path}`);
      continue;
    }
    // A failed add that left a directory it made (it did not exist before the plan allowed it).
    if (failed && !c.wasEmptyDir && (await present(c.path))) await rm(c.path, { recursive: true, force: true });
    if (c.newBranch !== undefined) {
      const out = await git.run(root, ['branch', '-D', c.newBranch], [0, 1]).catch(() => undefined);
      if (!out || (out.code !== 0 && !failed)) left.push(`branch ${c.newBranch}`);
    }
    if (c.wasEmptyDir) await mkdir(c.path, { recursive: true }).catch(() => undefined);
    else if (c.firstMissing !== undefined) await removeEmptyDirs(c.path, c.firstMissing);
  }
  return left;
}
