/**
 * The team handoff at the repository root: read it, merge agents' handoffs into it, compress it
 * into its budget and write it back, atomically and under a lock so that agents stopping at the
 * same moment lose nothing. Items that leave the handoff go to `.supervise/history/`.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { withLock, writeFileAtomic } from '../fsutil.js';
import { compressHandoff } from '../handoff/compress.js';
import { historyFileName, renderRemoved, writeHistory } from '../handoff/history.js';
import { mergeHandoffs } from '../handoff/merge.js';
import { parseHandoff } from '../handoff/parse.js';
import { renderHandoff } from '../handoff/render.js';
import { handoffTemplate } from '../handoff/template.js';
import type { AgentHandoff, Bystander, Conflict, HandoffLimits } from '../handoff/types.js';
import { validateHandoff } from '../handoff/validate.js';
import { supervisorDir } from './records.js';

export interface TeamContext {
  root: string;
  project: string;
  /** Absolute path of the team handoff. */
  teamPath: string;
  limits: HandoffLimits;
}

export interface TeamMerge {
  text: string;
  conflicts: Conflict[];
  /** Items moved out by compression, and where they went. */
  removed: number;
  historyFile?: string;
}

export function historyDir(root: string): string {
  return join(supervisorDir(root), 'history');
}

function lockPath(root: string): string {
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

type Removed = ReturnType<typeof compressHandoff>['removed'];

/**
 * Merge into the team handoff in memory, compressing when over budget; writes nothing.
 * `historyFile` is the name the removed items will be kept under, which the handoff points at.
 */
export async function previewMerge(ctx: TeamContext, agents: AgentHandoff[], historyFile = historyFileName('compressed'), bystanders: Bystander[] = []): Promise<TeamMerge & { removedItems: Removed }> {
  const team = parseHandoff(await readTeamText(ctx));
  const merged = mergeHandoffs(team, agents, { project: ctx.project, bystanders });
  let text = renderHandoff(merged.handoff);
  const historyRef = relative(ctx.root, join(historyDir(ctx.root), historyFile));
  // Merging drops superseded items (old status lines, finished steps): they go to history too.
  let removedItems: Removed = [...merged.removed];
  if (!validateHandoff(text, ctx.limits).valid) {
    const compressed = compressHandoff(merged.handoff, ctx.limits, { historyRef });
    removedItems = [...removedItems, ...compressed.removed];
    text = renderHandoff(compressed.handoff);
  }
  const removed = removedItems.reduce((n, s) => n + s.items.length, 0);
  return { text, conflicts: merged.conflicts, removed, removedItems };
}

/** Merge agents' handoffs into the team handoff and write it (atomic, locked); `label` names the occasion in history. */
export async function mergeIntoTeam(ctx: TeamContext, agents: AgentHandoff[], label: string, bystanders: Bystander[] = []): Promise<TeamMerge> {
  return withLock(lockPath(ctx.root), async () => {
    const fileName = historyFileName(`${label}-compressed`);
    const { text, conflicts, removed, removedItems } = await previewMerge(ctx, agents, fileName, bystanders);
    let historyFile: string | undefined;
    if (removed > 0) {
      const meta = { project: ctx.project, reason: `compressed at ${label}`, source: relative(ctx.root, ctx.teamPath) };
      historyFile = await writeHistory(historyDir(ctx.root), label, renderRemoved(removedItems, meta), fileName);
    }
    await writeFileAtomic(ctx.teamPath, text);
    return { text, conflicts, removed, historyFile };
  });
}
