/**
 * The git questions the radar asks, answered once per pair of commits: which files a commit
 * changed since it left another, and which would conflict if two commits were merged
 * (`git merge-tree --write-tree`, in memory: no index, no worktree touched).
 */
import { mergeTreeConflicts } from '../git/diff.js';
import { describe, revision, type GitRunner } from '../git/run.js';
import { SuperviseError } from '../errors.js';

export class MergeOracle {
  private readonly conflicts = new Map<string, Promise<string[]>>();
  private readonly changes = new Map<string, Promise<string[]>>();

  constructor(
    private readonly git: GitRunner,
    /** Where to run git: the repository's top level (worktrees share its objects). */
    private readonly root: string,
  ) {}

  /** Sorted paths that would conflict when merging commits `a` and `b`; [] when none. */
  predict(a: string, b: string): Promise<string[]> {
    const key = a < b ? `${a}\0${b}` : `${b}\0${a}`;
    return this.memo(this.conflicts, key, () => mergeTreeConflicts(this.git, this.root, a, b));
  }

  /** Sorted paths `commit` changed since its merge base with `since`, outside `exclude`. */
  changed(since: string, commit: string, exclude: ReadonlySet<string>): Promise<string[]> {
    return this.memo(this.changes, `${since}\0${commit}`, async () => {
      const args = ['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', '--merge-base', revision(since, 'base'), revision(commit, 'commit'), '--'];
      const out = await this.git.run(this.root, args).catch((err: unknown) => {
        throw new SuperviseError('GitError', `cannot list the changes of ${commit.slice(0, 12)}: ${describe(err)}`);
      });
      return [...new Set(out.stdout.split('\0').filter((p) => p && !exclude.has(p)))].sort();
    });
  }

  /** Commits are immutable, so answers hold forever; only the newest few hundred are kept. */
  private memo(cache: Map<string, Promise<string[]>>, key: string, make: () => Promise<string[]>): Promise<string[]> {
    let p = cache.get(key);
    if (p) return p;
    p = make();
    // A failure is not remembered: the next refresh asks again.
    p.catch(() => cache.delete(key));
    cache.set(key, p);
    if (cache.size > 512) cache.delete(cache.keys().next().value as string);
    return p;
  }
}
