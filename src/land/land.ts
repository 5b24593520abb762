/**
 * Landing (SPEC §8): merge an agent's branch into base in the main checkout, with a message from
 * its handoff. Everything is checked before anything changes; a refusal names the agent, the
 * files and what to do, and leaves base, the main checkout and the agent's worktree as they were.
 *
 * The main checkout counts as dirty when any tracked file has a staged or unstaged change, other
 * than unstaged changes to the supervisor's own files (the team HANDOFF.md, which the supervisor
 * rewrites all the time and which no agent branch carries). Not only the files the branch
 * touches: a `--squash` commit would take any staged change with it, and a merge over unrelated
 * edits leaves a checkout that is hard to read. Untracked files refuse a landing only where the
 * branch would create the same path.
 */
import { join } from 'node:path';
import { commitWorktree } from '../chains/commit.js';
import { SuperviseError } from '../errors.js';
import { withLock } from '../fsutil.js';
import { describe, revision } from '../git/run.js';
import { parseHandoff } from '../handoff/parse.js';
import type { Handoff } from '../handoff/types.js';
import { readWorktreeFile } from '../supervisor/readHandoff.js';
import { supervisorDir } from '../supervisor/records.js';
import { previewMerge } from './conflicts.js';
import { landMessage, workMessage } from './message.js';
import { recordLanded } from './record.js';
import { agentNamed, baseBranch, branchStat, branchTip, checkedOut, commitsBetween, nameFiles, ownOf, statusEntries, uncommittedWork, worktreeOf, type CommitInfo, type LandContext } from './repo.js';

export interface LandOptions {
  squash?: boolean;
  /** Commit the agent's uncommitted work first (its own files left out). */
  commit?: boolean;
  dryRun?: boolean;
}

/** What landing an agent would do now, and why it cannot when it cannot. */
export interface LandPlan {
  agent: string;
  branch: string;
  base: string;
  /** The base commit it would land on. */
  head: string;
  /** The branch's commit; undefined when the branch does not exist. */
  tip?: string;
  commits: CommitInfo[];
  files: string[];
  added: number;
  removed: number;
  /** Changed paths in the agent's worktree, not committed. */
  uncommitted: string[];
  /** Paths that would conflict with base's head. */
  conflicts: string[];
  /** Reasons it cannot land, each one sentence; [] when it can. */
  problems: string[];
  /** The branch holds nothing base lacks (and there is no uncommitted work to commit). */
  nothing: boolean;
  mode: 'merge' | 'squash';
  /** The agent's uncommitted work is committed first (`--commit`). */
  commitFirst: boolean;
  message: string;
}

export interface LandResult {
  plan: LandPlan;
  /** The new base commit; undefined for a dry run or when there was nothing to land. */
  commit?: string;
  /** The commit made of the agent's uncommitted work, with --commit. */
  workCommit?: string;
}

async function agentHandoff(ctx: LandContext, agent: string): Promise<Handoff | undefined> {
  const read = await readWorktreeFile(worktreeOf(ctx.loaded, agent), ctx.loaded.config.handoff.file);
  return read.text === undefined ? undefined : parseHandoff(read.text);
}

/** Problems of the main checkout itself, which no agent can land past. */
export async function mainProblems(ctx: LandContext, base: string): Promise<string[]> {
  const root = ctx.loaded.root;
  const on = await checkedOut(ctx);
  if (on !== base) {
    return [`the main checkout ${root} is ${on ? `on branch "${on}"` : 'on a detached HEAD'}, not on base "${base}": switch to it (git switch ${base}) and land again`];
  }
  const own = ownOf(ctx.loaded);
  const dirty = (await statusEntries(ctx, root, false)).filter((e) => !(own.has(e.path) && e.xy[0] === ' ')).map((e) => e.path);
  if (dirty.length) return [`the main checkout has uncommitted changes in ${nameFiles(dirty)}: commit or stash them and land again`];
  return [];
}

/** Plan landing `name` on `head` (default: base's head now); changes nothing. */
export async function planLand(ctx: LandContext, name: string, opts: LandOptions = {}, head?: string): Promise<LandPlan> {
  const agent = agentNamed(ctx.loaded, name);
  const base = await baseBranch(ctx);
  const onto = head ?? base.head;
  const tip = await branchTip(ctx, agent.branch);
  const handoff = await agentHandoff(ctx, name);
  const msg = { agent: name, branch: agent.branch, task: agent.task, handoff };
  const plan: LandPlan = {
    agent: name,
    branch: agent.branch,
    base: base.name,
    head: onto,
    tip,
    commits: [],
    files: [],
    added: 0,
    removed: 0,
    uncommitted: [],
    conflicts: [],
    problems: [],
    nothing: false,
    mode: opts.squash ? 'squash' : 'merge',
    commitFirst: false,
    message: landMessage(msg),
  };
  if (!tip) {
    plan.problems.push(`${name} has no branch "${agent.branch}" yet: run the supervisor first`);
    return plan;
  }
  plan.problems.push(...(await mainProblems(ctx, base.name)));
  plan.commits = await commitsBetween(ctx, onto, tip);
  Object.assign(plan, await branchStat(ctx, onto, tip));
  plan.uncommitted = await uncommittedWork(ctx, name);
  if (plan.uncommitted.length && !opts.commit) {
    plan.problems.push(`${name} has uncommitted work in ${nameFiles(plan.uncommitted)}: commit it in ${worktreeOf(ctx.loaded, name)}, or land with --commit to commit it first`);
  }
  plan.commitFirst = plan.uncommitted.length > 0 && Boolean(opts.commit);
  plan.nothing = plan.commits.length === 0 && !plan.commitFirst;
  if (plan.nothing) return plan;
  plan.conflicts = (await previewMerge(ctx.git, ctx.loaded.root, onto, tip)).conflicts;
  if (plan.conflicts.length) {
    plan.problems.push(`merging ${agent.branch} into ${base.name} would conflict in ${nameFiles(plan.conflicts)}: merge ${base.name} into ${agent.branch} in the agent's worktree and resolve them, then land again`);
  }
  const own = [...ownOf(ctx.loaded)].map((f) => `:(top,literal)${f}`);
  const carried = (await ctx.git.run(ctx.loaded.root, ['diff', '--name-only', '-z', `${onto}...${tip}`, '--', ...own])).stdout.split('\0').filter(Boolean);
  if (carried.length) {
    plan.problems.push(`${agent.branch} changes the supervisor's own ${nameFiles(carried)} (force-added), which landing would bring over the team's: remove ${carried.length === 1 ? 'it' : 'them'} from the branch (git rm --cached, then commit) and land again`);
  }
  const untracked = await untrackedInTheWay(ctx, plan.files);
  if (untracked.length) plan.problems.push(`untracked files in the main checkout would be overwritten: ${nameFiles(untracked)}; move them away and land again`);
  return plan;
}

async function untrackedInTheWay(ctx: LandContext, files: string[]): Promise<string[]> {
  if (files.length === 0) return [];
  const out = await ctx.git.run(ctx.loaded.root, ['ls-files', '--others', '-z', '--', ...files.map((f) => `:(literal)${f}`)]);
  return out.stdout.split('\0').filter(Boolean);
}

/** The refusal for a plan with problems: one sentence naming the agent. */
export function refusal(plan: LandPlan): SuperviseError {
  return new SuperviseError('RuntimeError', `cannot land ${plan.agent}: ${plan.problems.join('; ')}.`);
}

function landLock(ctx: LandContext): string {
  return join(supervisorDir(ctx.loaded.root), 'land.lock');
}

/** Land one agent (see the top of this file); a dry run only plans. Throws a RuntimeError on refusal. */
export async function landAgent(ctx: LandContext, name: string, opts: LandOptions = {}): Promise<LandResult> {
  if (opts.dryRun) return { plan: await planLand(ctx, name, opts) };
  return withLock(landLock(ctx), () => landLocked(ctx, name, opts), 60_000);
}

/** landAgent for a caller already holding the land lock. */
export async function landLocked(ctx: LandContext, name: string, opts: LandOptions): Promise<LandResult> {
  let plan = await planLand(ctx, name, opts);
  if (plan.problems.length) throw refusal(plan);
  if (plan.nothing) return { plan };
  let workCommit: string | undefined;
  if (plan.commitFirst) {
    workCommit = await commitWork(ctx, plan);
    // The new commit may conflict where the committed part did not; it stays on the branch.
    plan = await planLand(ctx, name, opts);
    if (plan.problems.length) {
      const err = refusal(plan);
      throw new SuperviseError('RuntimeError', `${err.message.replace(/\.$/, '')} (its work is now committed on ${plan.branch} as ${workCommit.slice(0, 7)}).`);
    }
  }
  const commit = await merge(ctx, plan);
  await recordLanded(ctx.loaded, `Landed: ${name} (${plan.branch}) into ${plan.base} as ${commit.slice(0, 7)}${plan.mode === 'squash' ? ' (squashed)' : ''}`);
  return { plan, commit, workCommit };
}

/** Commits the agent's uncommitted work in its worktree, the supervisor's own files left out. */
async function commitWork(ctx: LandContext, plan: LandPlan): Promise<string> {
  const worktree = worktreeOf(ctx.loaded, plan.agent);
  const own = [...ownOf(ctx.loaded)];
  const staged = (await ctx.git.run(worktree, ['diff', '--cached', '--name-only', '-z', '--', ...own.map((f) => `:(literal)${f}`)])).stdout.split('\0').filter(Boolean);
  if (staged.length) {
    throw new SuperviseError('RuntimeError', `cannot commit ${plan.agent}'s work: the supervisor's own ${nameFiles(staged)} is staged in ${worktree}; unstage it (git restore --staged ${staged.join(' ')}) and land again.`);
  }
  const agent = agentNamed(ctx.loaded, plan.agent);
  const message = workMessage({ agent: plan.agent, branch: plan.branch, task: agent.task, handoff: await agentHandoff(ctx, plan.agent) });
  // As a chain's commit step does it: an own file that is ignored there must not be named to git add.
  const done = await commitWorktree(ctx.git, worktree, new Set(own), message).catch((err: unknown) => {
    throw new SuperviseError('RuntimeError', `cannot commit ${plan.agent}'s work in ${worktree}: ${describe(err)}.`);
  });
  return done.hash ?? (await ctx.git.run(worktree, ['rev-parse', 'HEAD'])).stdout.trim();
}

async function merge(ctx: LandContext, plan: LandPlan): Promise<string> {
  const { root } = ctx.loaded;
  const branch = revision(plan.branch, 'branch');
  try {
    if (plan.mode === 'merge') {
      await ctx.git.run(root, ['merge', '--no-ff', '--no-edit', '-q', '-m', plan.message, branch]);
    } else {
      await ctx.git.run(root, ['merge', '--squash', '-q', branch]);
      await ctx.git.run(root, ['commit', '-q', '-m', plan.message]);
    }
  } catch (err) {
    // Put the main checkout back as it was: the checks passed, so this is a hook or a race.
    const undo = plan.mode === 'merge' ? ['merge', '--abort'] : ['reset', '-q', '--merge'];
    await ctx.git.run(root, undo).catch(() => undefined);
    throw new SuperviseError('RuntimeError', `landing ${plan.agent} failed and was undone: ${describe(err)}.`);
  }
  return (await ctx.git.run(root, ['rev-parse', 'HEAD'])).stdout.trim();
}
