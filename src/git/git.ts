import { simpleGit } from 'simple-git';
import { SuperviseError } from '../errors.js';
import { createWorktrees } from './create.js';
import { diffStat, mergeTreeConflicts, type DiffStat } from './diff.js';
import { describe, GitExit, GitRunner, revision } from './run.js';
import { parseWorktreeList, planWorktrees, type WorktreeEntry, type WorktreeResult, type WorktreeSpec } from './worktrees.js';

export type { DiffStat } from './diff.js';
export type { WorktreeEntry, WorktreeResult, WorktreeSpec } from './worktrees.js';
export { GitRunner } from './run.js';

/** Absolute path of the repository's top level holding `dir`, or undefined when it is none. */
export async function repoRoot(dir: string): Promise<string | undefined> {
  try {
    const top = await simpleGit({ baseDir: dir }).revparse(['--show-toplevel']);
    return top.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether `git check-ref-format --branch` accepts `name`. */
export async function isValidBranchName(name: string, cwd: string): Promise<boolean> {
  try {
    await simpleGit({ baseDir: cwd }).raw(['check-ref-format', '--branch', name]);
    return true;
  } catch {
    return false;
  }
}

function gitError(message: string, hint?: string): SuperviseError {
  return new SuperviseError('GitError', message, {}, hint);
}

/** The repository the agents work in: its worktrees, their diffs, and merges between branches. */
export class GitRepo {
  /** Prefer `GitRepo.open`, which finds and checks the top level. */
  constructor(
    /** Absolute top level of the checkout `open` was given. */
    readonly root: string,
    private readonly git: GitRunner,
  ) {}

  /** Open the repository holding `dir`; a GitError when there is none. */
  static async open(dir: string, git: GitRunner = new GitRunner()): Promise<GitRepo> {
    const out = await git.run(dir, ['rev-parse', '--show-toplevel']).catch((err: unknown) => {
      if (err instanceof SuperviseError) throw err;
      return undefined;
    });
    const top = out?.stdout.trim();
    if (!top) {
      throw gitError(`not a git repository: ${dir}`, 'Run `git init` there and make a first commit, or start supervise inside a repository.');
    }
    return new GitRepo(top, git);
  }

  /** The checked-out branch of the main checkout; undefined when HEAD is detached. */
  async currentBranch(): Promise<string | undefined> {
    const out = await this.git.run(this.root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], [0, 1]);
    return out.code === 0 ? out.stdout.trim() || undefined : undefined;
  }

  /** The commit `base` names (default: the current branch, or HEAD when detached). */
  async resolveBase(base?: string): Promise<{ ref: string; commit: string }> {
    const ref = base ?? (await this.currentBranch()) ?? 'HEAD';
    const commit = ref.startsWith('-') ? undefined : await this.commitOf(ref);
    if (commit) return { ref, commit };
    if (!(await this.hasCommits())) {
      throw gitError(`the repository ${this.root} has no commits yet`, 'Make a first commit: the worktrees start from it.');
    }
    if (base === undefined) {
      throw gitError(`the current branch "${ref}" has no commits yet`, 'Set base in agents.yaml to a branch that has commits.');
    }
    const current = await this.currentBranch();
    throw gitError(
      `base "${base}" is not a branch or commit in ${this.root}`,
      `Set base in agents.yaml to an existing branch${current ? ` (the current branch is "${current}")` : ''}.`,
    );
  }

  /**
   * Create or reuse one worktree per spec, all or nothing: every spec is checked before
   * anything is made, and a failure while creating removes what this call created. In each
   * worktree, created or reused, `ownFiles` (repository-relative) are kept out of every commit.
   */
  async ensureWorktrees(specs: WorktreeSpec[], base: string, ownFiles: ReadonlySet<string> = new Set()): Promise<WorktreeResult[]> {
    const { commit } = await this.resolveBase(base);
    for (const spec of specs) {
      const ok = await this.git.run(this.root, ['check-ref-format', '--branch', spec.branch]).then(() => true, () => false);
      if (spec.branch.startsWith('-') || !ok) {
        throw gitError(`branch "${spec.branch}" for agent "${spec.name}" is not a valid git branch name`);
      }
    }
    const [worktrees, branches] = await Promise.all([this.worktrees(), this.branches()]);
    const steps = await planWorktrees(specs, { worktrees, branches });
    return createWorktrees(this.git, this.root, steps, commit, ownFiles);
  }

  /** Remove a worktree (refused when it has changes, unless `force`) and optionally its branch. */
  async removeWorktree(path: string, opts: { deleteBranch?: string; force?: boolean } = {}): Promise<void> {
    const args = ['worktree', 'remove', ...(opts.force ? ['--force'] : []), path];
    await this.git.run(this.root, args).catch((err: unknown) => {
      throw gitError(`could not remove the worktree ${path}: ${describe(err)}`, opts.force ? undefined : 'Commit or discard its changes first.');
    });
    if (opts.deleteBranch !== undefined) {
      const branch = revision(opts.deleteBranch, 'branch');
      await this.git.run(this.root, ['branch', '-D', branch]).catch((err: unknown) => {
        throw gitError(`could not delete the branch "${branch}": ${describe(err)}`);
      });
    }
  }

  /** Changes of a worktree since it left `baseCommit`: committed, staged, unstaged and untracked. */
  async diffStat(worktreePath: string, baseCommit: string, exclude?: ReadonlySet<string>): Promise<DiffStat> {
    return diffStat(this.git, worktreePath, baseCommit, exclude);
  }

  /** The sorted paths diffStat reports. */
  async changedFiles(worktreePath: string, baseCommit: string, exclude?: ReadonlySet<string>): Promise<string[]> {
    return (await diffStat(this.git, worktreePath, baseCommit, exclude)).files;
  }

  /** Paths that would conflict when merging `branchA` and `branchB`; [] when they merge cleanly. */
  async mergeTreeConflicts(branchA: string, branchB: string): Promise<string[]> {
    return mergeTreeConflicts(this.git, this.root, branchA, branchB);
  }

  /** Every worktree git knows for this repository, the main checkout first. */
  async worktrees(): Promise<WorktreeEntry[]> {
    return parseWorktreeList((await this.git.run(this.root, ['worktree', 'list', '--porcelain', '-z'])).stdout);
  }

  private async branches(): Promise<Set<string>> {
    const out = await this.git.run(this.root, ['for-each-ref', '--format=%(refname:strip=2)', 'refs/heads/']);
    return new Set(out.stdout.split('\n').filter(Boolean));
  }

  private async commitOf(rev: string): Promise<string | undefined> {
    const out = await this.git.run(this.root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], [0, 1, 128]);
    return out.code === 0 ? out.stdout.trim() : undefined;
  }

  private async hasCommits(): Promise<boolean> {
    const out = await this.git.run(this.root, ['rev-list', '-n', '1', '--all']).catch((err: unknown) => {
      if (err instanceof GitExit) return undefined;
      throw err;
    });
    return Boolean(out?.stdout.trim());
  }
}
