/**
 * Sync (SPEC §4.7): merge every agent's current handoff into the team handoff, then write the
 * result into every worktree so each agent sees the others' state. Used by the sync key and by
 * `supervise handoff merge`.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil.js';
import { parseHandoff } from '../handoff/parse.js';
import type { AgentHandoff, Conflict } from '../handoff/types.js';
import { readWorktreeFile } from './readHandoff.js';
import { hashText } from './records.js';
import { mergeIntoTeam, type TeamContext } from './team.js';

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
  removed: number;
  historyFile?: string;
}

export interface AgentRead {
  agent: SyncAgent;
  text: string;
  /** Same as what was last written into the worktree: it says nothing new. */
  unchanged: boolean;
  /** The merge input; an unchanged handoff is given as empty so it adds nothing. */
  input: AgentHandoff;
}

/** Each agent's handoff from its worktree (agents without one are left out). */
export async function readAgentHandoffs(agents: SyncAgent[]): Promise<AgentRead[]> {
  const reads: AgentRead[] = [];
  for (const a of agents) {
    // A handoff that is not a regular file inside the worktree within the limit is left out, like a missing one.
    const text = (await readWorktreeFile(a.worktree, a.handoffFile)).text;
    if (text === undefined) continue;
    const unchanged = a.injectedHash !== undefined && hashText(text) === a.injectedHash;
    const base = a.injectedText === undefined ? undefined : parseHandoff(a.injectedText);
    const input = { agent: a.agent, branch: a.branch, status: a.status, handoff: parseHandoff(unchanged ? '' : text), base, files: a.files ?? [] };
    reads.push({ agent: a, text, unchanged, input });
  }
  return reads;
}

export async function syncTeam(team: TeamContext, agents: SyncAgent[], opts: { writeWorktrees: boolean }): Promise<SyncResult> {
  const reads = await readAgentHandoffs(agents);
  const merged = await mergeIntoTeam(team, reads.map((r) => r.input), 'sync');
  const written: SyncResult['written'] = [];
  if (opts.writeWorktrees) {
    for (const { agent: a } of reads) {
      await writeFileAtomic(join(a.worktree, a.handoffFile), merged.text);
      written.push({ agent: a.agent, hash: hashText(merged.text), text: merged.text });
    }
  }
  return { text: merged.text, conflicts: merged.conflicts, merged: reads.map((r) => r.agent.agent), changed: reads.filter((r) => !r.unchanged).map((r) => r.agent.agent), written, removed: merged.removed, historyFile: merged.historyFile };
}
