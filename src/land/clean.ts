/**
 * `supervise clean AGENT`: remove an agent's worktree and branch once everything in them is on
 * base. Refused, naming what, while the worktree has uncommitted changes (other than the
 * supervisor's own files) or the branch has commits whose changes base lacks. A branch landed
 * with --squash has commits base does not reach, but merging it into base changes nothing:
 * that counts as on base.
 */
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { exists } from '../fsutil.js';
import { describe, revision } from '../git/run.js';
import { supervisorDir } from '../supervisor/records.js';
import { StateFile } from '../supervisor/stateFile.js';
import { previewMerge } from './conflicts.js';
import { agentNamed, baseBranch, branchTip, commitsBetween, nameFiles, plural, uncommittedWork, worktreeOf, type LandContext } from './repo.js';

export interface CleanPlan {
  agent: string;
  branch: string;
  base: string;
  worktree?: string;
  /** The branch exists. */
  hasBranch: boolean;
  /** Reasons it cannot be removed; [] when it can. */
  problems: string[];
}

export async function planClean(ctx: LandContext, name: string): Promise<CleanPlan> {
  const agent = agentNamed(ctx.loaded, name);
  const base = await baseBranch(ctx);
  const path = worktreeOf(ctx.loaded, name);
  const worktree = (await exists(path)) ? path : undefined;
  const tip = await branchTip(ctx, agent.branch);
  const plan: CleanPlan = { agent: name, branch: agent.branch, base: base.name, worktree, hasBranch: tip !== undefined, problems: [] };
  const pid = await runningPid(ctx, name);
  if (pid !== undefined) plan.problems.push(`it is still running (pid ${pid}); stop it first`);
  if (worktree) {
    const work = await uncommittedWork(ctx, name);
    if (work.length) plan.problems.push(`its worktree ${worktree} has uncommitted changes in ${nameFiles(work)}`);
  }
  if (tip) {
    const commits = await commitsBetween(ctx, base.head, tip);
    if (commits.length) {
      const merged = await previewMerge(ctx.git, ctx.loaded.root, base.head, tip);
      const baseTree = (await ctx.git.run(ctx.loaded.root, ['rev-parse', `${base.head}^{tree}`])).stdout.trim();
      if (merged.conflicts.length || merged.tree !== baseTree) {
        const list = commits.slice(0, 3).map((c) => `${c.short} "${c.subject}"`).join(', ');
        plan.problems.push(`${agent.branch} has ${plural(commits.length, 'commit')} not on ${base.name} (${list}${commits.length > 3 ? ', …' : ''})`);
      }
    }
  }
  return plan;
}

/** The agent's process id when the last saved state says it runs and that process is alive. */
async function runningPid(ctx: LandContext, name: string): Promise<number | undefined> {
  const saved = await new StateFile(join(supervisorDir(ctx.loaded.root), 'state.json')).load();
  const pid = saved?.agents.find((a) => a.name === name)?.pid;
  if (typeof pid !== 'number' || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Remove the worktree and branch (or say what stops it); `dryRun` only plans. */
export async function cleanAgent(ctx: LandContext, name: string, opts: { dryRun?: boolean } = {}): Promise<CleanPlan> {
  const plan = await planClean(ctx, name);
  if (plan.problems.length) {
    throw new SuperviseError('RuntimeError', `cannot clean ${name}: ${plan.problems.join('; ')}.`, {}, `Land it first (supervise land ${name}), or commit or discard that work yourself.`);
  }
  if (opts.dryRun) return plan;
  const root = ctx.loaded.root;
  try {
    // Checked above: what is left in the worktree is the supervisor's own files, which git may count as changes.
    if (plan.worktree) await ctx.git.run(root, ['worktree', 'remove', '--force', plan.worktree]);
    if (plan.hasBranch) await ctx.git.run(root, ['branch', '-D', revision(plan.branch, 'branch')]);
  } catch (err) {
    throw new SuperviseError('RuntimeError', `cleaning ${name} failed: ${describe(err)}.`);
  }
  return plan;
}
