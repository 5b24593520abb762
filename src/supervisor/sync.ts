/**
 * Sync (SPEC §4.7): merge every agent's current handoff into the team handoff, then write the
 * result into every worktree so each agent sees the others' state. Used by the sync key and by
 * `supervise handoff merge`.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil.js';
import { parseHandoff } from '../handoff/parse.js';
import { loadEncoder } from '../handoff/tokens.js';
import type { AgentHandoff, Conflict } from '../handoff/types.js';
import { readWorktreeFile } from './readHandoff.js';
import { hashText, readMergedCopy, writeMergedCopy } from './records.js';
import { mergeIntoTeam, worktreeCopy, type TeamContext } from './team.js';

/** The conflict radar that follows a supervisor; every sync refreshes it first (see syncTeam). */
export { watchRadar } from '../radar/live.js';

export interface SyncAgent {
  agent: string;
  branch: string;
  worktree: string;
  /** Relative to the worktree. */
  handoffFile: string;
  /** Hash of what was last written into the worktree; an unchanged handoff adds nothing. */
  injectedHash?: string;
  /** What was last written into the worktree, when known (see AgentHandoff.base). */
  injectedText?: string;
  status?: string;
  /** What is wrong with its captured handoff (`handoff not updated`), kept on its status line. */
  flag?: string;
  files?: string[];
}

export interface SyncResult {
  text: string;
  conflicts: Conflict[];
  /** Agents whose worktree holds a handoff, merged (an unchanged one adds nothing). */
  merged: string[];
  /** Of those, the agents whose handoff had changed since it was last written into the worktree. */
  changed: string[];
  /** Agents whose worktree now holds the team handoff, with the hash written. */
  written: { agent: string; hash: string; text: string }[];
  /** How many items compression moved out or shortened, kept in full in `historyFile`. */
  removed: number;
  /** The team handoff was already this: nothing was written to it. */
  unchanged: boolean;
  historyFile?: string;
}

export interface AgentRead {
  agent: SyncAgent;
  text: string;
  /** Same as what was last written into the worktree, or as last merged: it says nothing new. */
  unchanged: boolean;
  /** The merge input; an unchanged handoff is given as empty so it adds nothing. */
  input: AgentHandoff;
}

/** Each agent's handoff from its worktree (agents without one are left out). */
export async function readAgentHandoffs(root: string, agents: SyncAgent[]): Promise<AgentRead[]> {
  const reads: AgentRead[] = [];
  for (const a of agents) {
    // A handoff that is not a regular file inside the worktree within the limit is left out, like a missing one.
    const text = (await readWorktreeFile(a.worktree, a.handoffFile)).text;
    if (text === undefined) continue;
    const last = await readMergedCopy(root, a.agent);
    const unchanged = (a.injectedHash !== undefined && hashText(text) === a.injectedHash) || text === last;
    const input: AgentHandoff = { agent: a.agent, branch: a.branch, status: a.status, flag: a.flag, handoff: parseHandoff(unchanged ? '' : text), files: a.files ?? [] };
    if (a.injectedText !== undefined) input.base = parseHandoff(a.injectedText);
    if (last !== undefined) input.merged = parseHandoff(last);
    reads.push({ agent: a, text, unchanged, input });
  }
  return reads;
}

export async function syncTeam(team: TeamContext, agents: SyncAgent[], opts: { writeWorktrees: boolean }): Promise<SyncResult> {
  // Counting needs the tokenizer's worker: wait for it here, not blocked inside a count.
  await loadEncoder(team.limits.encoding);
  // The Blockers then warn of what the radar sees now, not at the last status change.
  await team.radar?.refresh();
  const reads = await readAgentHandoffs(team.root, agents);
  const merged = await mergeIntoTeam(team, reads.map((r) => r.input), 'sync');
  // What was merged is not news next time: `handoff merge` again must change nothing.
  for (const r of reads) if (!r.unchanged) await writeMergedCopy(team.root, r.agent.agent, r.text);
  const written: SyncResult['written'] = [];
  if (opts.writeWorktrees) {
    const copy = worktreeCopy(team.root, merged.text);
    for (const { agent: a } of reads) {
      await writeFileAtomic(join(a.worktree, a.handoffFile), copy);
      written.push({ agent: a.agent, hash: hashText(copy), text: copy });
    }
  }
  return { text: merged.text, conflicts: merged.conflicts, merged: reads.map((r) => r.agent.agent), changed: reads.filter((r) => !r.unchanged).map((r) => r.agent.agent), written, removed: merged.removed, unchanged: merged.unchanged, historyFile: merged.historyFile };
}
