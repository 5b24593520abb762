/**
 * An agent's changes against base for the diff view (`d`): what landing it would bring, plus
 * what it has not committed yet (untracked files as new), the supervisor's own files left out,
 * and the commits its branch has that base lacks. Plain text: the UI colours and pages it.
 */
import { join } from 'node:path';
import { exists } from '../fsutil.js';
import { diffStat, parseNumstat } from '../git/diff.js';
import { revision } from '../git/run.js';
import { agentNamed, baseBranch, branchTip, commitsBetween, ownOf, worktreeOf, type CommitInfo, type LandContext } from './repo.js';

/** Lines of diff kept for the view; the rest is counted, not shown. */
const MAX_LINES = 20_000;
/** Untracked files shown in full; more are listed by name only. */
const MAX_NEW_FILES = 50;

export interface AgentDiff {
  agent: string;
  branch: string;
  base: string;
  commits: CommitInfo[];
  files: string[];
  added: number;
  removed: number;
  /** Unified diff lines, committed and uncommitted together. */
  lines: string[];
  /** Lines left out past the limit. */
  omitted: number;
}

const noPager: string[] = [];
const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames'];

export async function agentDiff(ctx: LandContext, name: string): Promise<AgentDiff> {
  const agent = agentNamed(ctx.loaded, name);
  const base = await baseBranch(ctx);
  const worktree = worktreeOf(ctx.loaded, name);
  const own = ownOf(ctx.loaded);
  const excludes = [...own].map((f) => `:(top,exclude,literal)${f}`);
  const out: AgentDiff = { agent: name, branch: agent.branch, base: base.name, commits: [], files: [], added: 0, removed: 0, lines: [], omitted: 0 };
  let text: string;
  if (await exists(join(worktree, '.git'))) {
    const [tracked, stat, commits] = await Promise.all([
      ctx.git.run(worktree, [...noPager, ...diffArgs, '--merge-base', revision(base.head, 'base'), '--', ':/', ...excludes]),
      diffStat(ctx.git, worktree, base.head, own),
      commitsBetween(ctx, base.head, 'HEAD', worktree),
    ]);
    Object.assign(out, { files: stat.files, added: stat.added, removed: stat.removed, commits });
    text = tracked.stdout + (await untrackedDiffs(ctx, worktree, own));
  } else {
    const tip = await branchTip(ctx, agent.branch);
    if (!tip) return out;
    const range = `${base.head}...${tip}`;
    const [tracked, numstat, commits] = await Promise.all([
      ctx.git.run(ctx.loaded.root, [...noPager, ...diffArgs, range, '--', ':/', ...excludes]),
      ctx.git.run(ctx.loaded.root, ['diff', '--numstat', '-z', '--no-renames', range, '--']),
      commitsBetween(ctx, base.head, tip),
    ]);
    Object.assign(out, parseNumstat(numstat.stdout, own), { commits });
    text = tracked.stdout;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  out.lines = lines.slice(0, MAX_LINES);
  out.omitted = Math.max(0, lines.length - MAX_LINES);
  return out;
}

/** New files as diffs against nothing, so they read like the rest. */
async function untrackedDiffs(ctx: LandContext, worktree: string, own: ReadonlySet<string>): Promise<string> {
  const listed = await ctx.git.run(worktree, ['ls-files', '--others', '--exclude-standard', '--full-name', '-z']);
  const files = listed.stdout.split('\0').filter((p) => p !== '' && !own.has(p));
  let text = '';
  for (const file of files.slice(0, MAX_NEW_FILES)) {
    const d = await ctx.git.run(worktree, [...noPager, ...diffArgs, '--no-index', '--', '/dev/null', file], [0, 1]);
    text += d.stdout;
  }
  const more = files.slice(MAX_NEW_FILES);
  if (more.length) text += `${more.map((f) => `new file (not shown): ${f}`).join('\n')}\n`;
  return text;
}
