/**
 * The team handoff at the repository root: read it, merge agents' handoffs into it, compress it
 * into its budget and write it back, atomically and under a lock so that agents stopping at the
 * same moment lose nothing. Items that leave the handoff go to `.supervise/history/`.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { withLock, writeFileAtomic } from '../fsutil.js';
import { historyFileName, renderRemoved, writeHistory } from '../handoff/history.js';
import { repointLine } from '../handoff/items.js';
import { mergeTeam, type TeamMergeResult } from '../handoff/team.js';
import { handoffTemplate } from '../handoff/template.js';
import type { AgentHandoff, Bystander, Conflict, HandoffLimits } from '../handoff/types.js';
import type { RadarSource } from '../radar/live.js';
import { supervisorDir } from './records.js';

export interface TeamContext {
  root: string;
  project: string;
  /** Absolute path of the team handoff. */
  teamPath: string;
  limits: HandoffLimits;
  /** The conflict radar, when one runs: its findings are flagged in every merge (see MergeOptions.radar). */
  radar?: RadarSource;
}

export interface TeamMerge {
  text: string;
  conflicts: Conflict[];
  /** How many items compression moved out or shortened (their full text is in `historyFile`). */
  removed: number;
  /** The team handoff was already this: nothing was written. */
  unchanged: boolean;
  historyFile?: string;
}

export function historyDir(root: string): string {
  return join(supervisorDir(root), 'history');
}

/** The lock every writer of the team handoff holds. */
export function lockPath(root: string): string {
  return join(supervisorDir(root), 'handoff.lock');
}

/** The team handoff's text, or the template when there is none yet. */
export async function readTeamText(ctx: TeamContext): Promise<string> {
  try {
    return await readFile(ctx.teamPath, 'utf8');
  } catch {
    return handoffTemplate({ project: ctx.project, branch: '(team)', agent: 'none yet' });
  }
}

/**
 * Merge into the team handoff in memory, compressing when over budget; writes nothing (the same
 * step `mergeIntoTeam` writes, so `handoff show` and `handoff merge` agree).
 * `historyFile` is the name the removed items will be kept under, which the handoff points at.
 */
export async function previewMerge(ctx: TeamContext, agents: AgentHandoff[], historyFile = historyFileName('compressed'), bystanders: Bystander[] = []): Promise<TeamMerge & { result: TeamMergeResult }> {
  const result = mergeTeam({
    teamText: await readTeamText(ctx),
    agents,
    bystanders,
    project: ctx.project,
    limits: ctx.limits,
    historyRef: relative(ctx.root, join(historyDir(ctx.root), historyFile)),
    radar: ctx.radar?.conflicts,
  });
  return { text: result.text, conflicts: result.conflicts, removed: result.compressed, unchanged: result.unchanged, result };
}

/**
 * Merge agents' handoffs into the team handoff and write it (atomic, locked); `label` names the
 * occasion in history. An unchanged team handoff is not written, and nothing goes to history.
 */
export async function mergeIntoTeam(ctx: TeamContext, agents: AgentHandoff[], label: string, bystanders: Bystander[] | (() => Bystander[]) = []): Promise<TeamMerge> {
  return withLock(lockPath(ctx.root), async () => {
    const fileName = historyFileName(`${label}-compressed`);
    const preview = await previewMerge(ctx, agents, fileName, typeof bystanders === 'function' ? bystanders() : bystanders);
    const { text, conflicts, removed, unchanged, result } = preview;
    if (unchanged) return { text, conflicts, removed: 0, unchanged };
    let historyFile: string | undefined;
    if (result.removed.length > 0) {
      const meta = { project: ctx.project, reason: `merged at ${label}`, source: relative(ctx.root, ctx.teamPath) };
      historyFile = await writeHistory(historyDir(ctx.root), label, renderRemoved(result.removed, meta), fileName);
    }
    await writeFileAtomic(ctx.teamPath, text);
    return { text, conflicts, removed, unchanged, historyFile };
  });
}

/**
 * The team handoff as an agent's worktree gets it: a history pointer names the history file by
 * its absolute path, since the worktree has no `.supervise/` of its own.
 */
export function worktreeCopy(root: string, teamText: string): string {
  return teamText
    .split('\n')
    .map((line) => repointLine(line, (ref) => (isAbsolute(ref) ? ref : join(root, ref))))
    .join('\n');
}
