/** The git questions landing and cleaning ask, over the git adapter (argv only). */
import { join } from 'node:path';
import type { AgentConfig, LoadedConfig } from '../config/types.js';
import { SuperviseError } from '../errors.js';
import { exists } from '../fsutil.js';
import { parseNumstat, type DiffStat } from '../git/diff.js';
import { GitRunner, revision } from '../git/run.js';
import { ownFiles } from '../supervisor/ownFiles.js';

/** What landing works with: the loaded agents.yaml and one git runner. */
export interface LandContext {
  loaded: LoadedConfig;
  git: GitRunner;
}

export function landContext(loaded: LoadedConfig, git: GitRunner = new GitRunner()): LandContext {
  return { loaded, git };
}

export interface CommitInfo {
  sha: string;
  short: string;
  subject: string;
}

/** The configured agent; a UsageError (exit 2) naming the known ones otherwise. */
export function agentNamed(loaded: LoadedConfig, name: string): AgentConfig {
  const agent = loaded.config.agents.find((a) => a.name === name);
  if (agent) return agent;
  const known = loaded.config.agents.map((a) => a.name).join(', ') || 'none';
  throw new SuperviseError('UsageError', `no agent named "${name}" in ${loaded.file}.`, {}, `Agents: ${known}.`);
}

export function worktreeOf(loaded: LoadedConfig, agent: string): string {
  return join(loaded.worktreeRoot, agent);
}

/** The supervisor's own files, which are never an agent's work. */
export function ownOf(loaded: LoadedConfig): ReadonlySet<string> {
  return ownFiles(loaded.config.handoff.file);
}

/** The commit a branch points at, or undefined when there is no such branch. */
export async function branchTip(ctx: LandContext, branch: string): Promise<string | undefined> {
  const out = await ctx.git.run(ctx.loaded.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${revision(branch, 'branch')}^{commit}`], [0, 1, 128]);
  return out.code === 0 ? out.stdout.trim() : undefined;
}

/** The branch the main checkout is on, or undefined when HEAD is detached. */
export async function checkedOut(ctx: LandContext): Promise<string | undefined> {
  const out = await ctx.git.run(ctx.loaded.root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], [0, 1]);
  return out.code === 0 ? out.stdout.trim() || undefined : undefined;
}

/** The base branch landing merges into: agents.yaml's base, else the branch the main checkout is on. */
export async function baseBranch(ctx: LandContext): Promise<{ name: string; head: string }> {
  const name = ctx.loaded.config.base ?? (await checkedOut(ctx));
  if (!name) {
    throw new SuperviseError('RuntimeError', `the main checkout ${ctx.loaded.root} has no branch checked out (detached HEAD) and agents.yaml names no base.`, {}, 'Switch to the base branch (git switch main) and try again.');
  }
  const head = await branchTip(ctx, name);
  if (!head) {
    throw new SuperviseError('RuntimeError', `base "${name}" is not a branch: landing merges into a branch.`, {}, 'Set base in agents.yaml to a branch.');
  }
  return { name, head };
}

/** Paths with changes in a checkout: `git status` entries (XY, path), ignored files left out. */
export async function statusEntries(ctx: LandContext, dir: string, untracked: boolean): Promise<{ xy: string; path: string }[]> {
  const args = ['status', '--porcelain=v1', '-z', '--no-renames', `--untracked-files=${untracked ? 'all' : 'no'}`];
  const out = await ctx.git.run(dir, args);
  return out.stdout
    .split('\0')
    .filter((r) => r.length > 3)
    .map((r) => ({ xy: r.slice(0, 2), path: r.slice(3) }));
}

/** An agent's uncommitted work: changed and untracked paths in its worktree, its own files left out. */
export async function uncommittedWork(ctx: LandContext, agent: string): Promise<string[]> {
  const worktree = worktreeOf(ctx.loaded, agent);
  if (!(await exists(join(worktree, '.git')))) return [];
  const own = ownOf(ctx.loaded);
  return (await statusEntries(ctx, worktree, true)).map((e) => e.path).filter((p) => !own.has(p)).sort();
}

/** Commits on `tip` that `head` lacks, newest first. */
export async function commitsBetween(ctx: LandContext, head: string, tip: string, cwd = ctx.loaded.root): Promise<CommitInfo[]> {
  const out = await ctx.git.run(cwd, ['log', '--format=%H%x1f%h%x1f%s', `${revision(head, 'base')}..${revision(tip, 'branch')}`, '--']);
  return out.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [sha = '', short = '', subject = ''] = l.split('\x1f');
      return { sha, short, subject };
    });
}

/** What `tip` changed since it left `head` (their merge base), the supervisor's own files left out. */
export async function branchStat(ctx: LandContext, head: string, tip: string): Promise<DiffStat> {
  const args = ['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', `${revision(head, 'base')}...${revision(tip, 'branch')}`, '--'];
  return parseNumstat((await ctx.git.run(ctx.loaded.root, args)).stdout, ownOf(ctx.loaded));
}

/** `n thing`/`n things`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A list of paths for a sentence, the first few named. */
export function nameFiles(files: readonly string[], max = 5): string {
  const shown = files.slice(0, max).join(', ');
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}
