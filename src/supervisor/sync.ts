/**
 * Sync (SPEC §4.7): merge every agent's current handoff into the team handoff, then write the
 * result into every worktree so each agent sees the others' state. Used by the sync key and by
 * `supervise handoff merge`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil.js';
import { parseHandoff } from '../handoff/parse.js';
import type { AgentHandoff, Conflict } from '../handoff/types.js';
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
  /** Agents whose handoff had news and was merged. */
  merged: string[];
  /** Agents whose worktree now holds the team handoff, with the hash written. */
  written: { agent: string; hash: string; text: string }[];
  removed: number;
  historyFile?: string;
}

export async function syncTeam(team: TeamContext, agents: SyncAgent[], opts: { writeWorktrees: boolean }): Promise<SyncResult> {
  const inputs: AgentHandoff[] = [];
  const present: SyncAgent[] = [];
  for (const a of agents) {
    const text = await readText(join(a.worktree, a.handoffFile));
    if (text === undefined) continue;
    present.push(a);
    const unchanged = a.injectedHash !== undefined && hashText(text) === a.injectedHash;
    const base = a.injectedText === undefined ? undefined : parseHandoff(a.injectedText);
    inputs.push({ agent: a.agent, branch: a.branch, status: a.status, handoff: parseHandoff(unchanged ? '' : text), base, files: a.files ?? [] });
  }
  const merged = await mergeIntoTeam(team, inputs, 'sync');
  const written: SyncResult['written'] = [];
  if (opts.writeWorktrees) {
    for (const a of present) {
      await writeFileAtomic(join(a.worktree, a.handoffFile), merged.text);
      written.push({ agent: a.agent, hash: hashText(merged.text), text: merged.text });
    }
  }
  return { text: merged.text, conflicts: merged.conflicts, merged: inputs.map((i) => i.agent), written, removed: merged.removed, historyFile: merged.historyFile };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
