import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { describe, GitExit, gitMessage, revision, type GitRunner } from './run.js';

/** How far a worktree has moved from its base: paths touched and lines added and removed. */
export interface DiffStat {
  /** Sorted, repository-relative paths. */
  files: string[];
  added: number;
  removed: number;
}

/** Untracked files bigger than this count as 0 lines, like binaries. */
const MAX_COUNTED_BYTES = 1024 * 1024;
/** Git's own binary test looks for a NUL byte in the first 8000 bytes. */
const BINARY_PROBE_BYTES = 8000;
/** Untracked files read at once. */
const READ_CONCURRENCY = 16;

/** Parse `git diff --numstat -z --no-renames`: `added\tremoved\tpath\0`, `-` for binaries. */
export function parseNumstat(out: string, exclude: ReadonlySet<string> = new Set()): DiffStat {
  const files: string[] = [];
  let added = 0;
  let removed = 0;
  for (const rec of out.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(rec);
    if (!m || exclude.has(m[3]!)) continue;
    if (m[1] !== '-') added += Number(m[1]);
    if (m[2] !== '-') removed += Number(m[2]);
    files.push(m[3]!);
  }
  return { files, added, removed };
}

/** Lines of a text file as git counts them (a last line without newline counts); 0 for binaries. */
export async function countLines(path: string): Promise<number> {
  let fh;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_COUNTED_BYTES || st.size === 0) return 0;
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    const data = buf.subarray(0, bytesRead);
    if (data.subarray(0, BINARY_PROBE_BYTES).includes(0)) return 0;
    let lines = 0;
    for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) lines++;
    return data.length > 0 && data[data.length - 1] !== 10 ? lines + 1 : lines;
  } catch {
    return 0; // vanished or unreadable between listing and reading: it will show next time
  } finally {
    await fh?.close();
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Tracked changes against the merge base of `baseCommit` and HEAD — commits, staged and
 * unstaged alike, as one diff against the working tree — plus untracked files outside
 * .gitignore, whose lines count as added. `worktree` must be the worktree's top directory;
 * `exclude` lists repository-relative paths left out (files the supervisor itself writes).
 */
export async function diffStat(git: GitRunner, worktree: string, baseCommit: string, exclude: ReadonlySet<string> = new Set()): Promise<DiffStat> {
  revision(baseCommit, 'base');
  const [tracked, untracked] = await Promise.all([
    trackedNumstat(git, worktree, baseCommit, exclude),
    git.run(worktree, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z']).catch((err: unknown) => {
      throw wrap(err, worktree);
    }),
  ]);
  const extra = untracked.stdout.split('\0').filter((p) => p !== '' && !p.endsWith('/') && !exclude.has(p));
  const lines = await mapLimit(extra, READ_CONCURRENCY, (p) => countLines(join(worktree, p)));
  const files = [...new Set([...tracked.files, ...extra])].sort();
  return { files, added: tracked.added + lines.reduce((a, b) => a + b, 0), removed: tracked.removed };
}

async function trackedNumstat(git: GitRunner, worktree: string, baseCommit: string, exclude: ReadonlySet<string>): Promise<DiffStat> {
  const args = ['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv'];
  try {
    return parseNumstat((await git.run(worktree, [...args, '--merge-base', baseCommit, '--'])).stdout, exclude);
  } catch (err) {
    // No merge base (unrelated history): compare with the base itself.
    if (!(err instanceof GitExit) || !/merge base/i.test(err.stderr)) throw wrap(err, worktree);
    const out = await git.run(worktree, [...args, baseCommit, '--']).catch((e: unknown) => {
      throw wrap(e, worktree);
    });
    return parseNumstat(out.stdout, exclude);
  }
}

function wrap(err: unknown, worktree: string): SuperviseError {
  if (err instanceof SuperviseError) return err;
  return new SuperviseError('GitError', `cannot read the changes in ${worktree}: ${describe(err)}`);
}

/**
 * Paths that would conflict if `a` and `b` were merged, from `git merge-tree --write-tree`
 * (git 2.38+), which merges in memory and touches neither the index nor any worktree.
 */
export async function mergeTreeConflicts(git: GitRunner, root: string, a: string, b: string): Promise<string[]> {
  const args = ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', revision(a, 'branch'), revision(b, 'branch')];
  let out;
  try {
    out = await git.run(root, args, [0, 1]);
  } catch (err) {
    if (err instanceof GitExit && err.code === 129) {
      throw new SuperviseError('GitError', 'this git cannot predict merge conflicts', {}, 'Install git 2.38 or newer.');
    }
    throw new SuperviseError('GitError', `cannot compare branches "${a}" and "${b}": ${describe(err)}`);
  }
  // Status 1 means conflicts, but git also exits 1 for a name it cannot resolve, printing no tree.
  if (out.code === 1 && !/^[0-9a-f]{40,64}\0/.test(out.stdout)) {
    throw new SuperviseError('GitError', `cannot compare branches "${a}" and "${b}": ${gitMessage(out.stderr)}`);
  }
  if (out.code === 0) return [];
  // First field is the tree id; the conflicted paths follow, NUL-separated.
  return [...new Set(out.stdout.split('\0').slice(1).filter(Boolean))].sort();
}
