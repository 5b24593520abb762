/**
 * Per-agent run records in `.supervise/agents/<name>.json`: what a hook process needs to know
 * about the agent whose worktree it runs in (what was injected, the budgets, where to report)
 * without parsing agents.yaml again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Enforce } from '../config/types.js';
import type { HandoffLimits } from '../handoff/types.js';
import { writeFileAtomic } from '../fsutil.js';

export interface AgentRecord {
  agent: string;
  branch: string;
  worktree: string;
  /** Handoff path relative to the worktree. */
  handoffFile: string;
  /** sha256 of the handoff as injected (or last synced) into the worktree. */
  injectedHash: string;
  /** The agent had updated its handoff before a sync overwrote it (so unchanged since then is fine). */
  updatedBeforeSync?: boolean;
  enforce: Enforce;
  limits: HandoffLimits;
  /** The team handoff at the repository root. */
  teamHandoffPath: string;
  socket: string;
}

export function supervisorDir(root: string): string {
  return join(root, '.supervise');
}

export function recordPath(root: string, agent: string): string {
  return join(supervisorDir(root), 'agents', `${agent}.json`);
}

/** The agent's handoff as it was last merged into the team handoff (see AgentHandoff.merged). */
function mergedCopyPath(root: string, agent: string): string {
  return join(supervisorDir(root), 'agents', `${agent}.merged.md`);
}

export async function readMergedCopy(root: string, agent: string): Promise<string | undefined> {
  try {
    return await readFile(mergedCopyPath(root, agent), 'utf8');
  } catch {
    return undefined;
  }
}

export async function writeMergedCopy(root: string, agent: string, text: string): Promise<void> {
  await writeFileAtomic(mergedCopyPath(root, agent), text);
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function writeAgentRecord(root: string, rec: AgentRecord): Promise<void> {
  await writeFileAtomic(recordPath(root, rec.agent), `${JSON.stringify(rec, null, 2)}\n`);
}

/** The record, or undefined when this agent was not started by a supervisor. */
export async function readAgentRecord(root: string, agent: string): Promise<AgentRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(root, agent), 'utf8')) as AgentRecord;
  } catch {
    return undefined;
  }
}
