/**
 * Capture at exit (SPEC §4.5): read the agent's handoff, tell whether it was updated, validate it,
 * fill Files Modified from git, keep the brief in `.supervise/history/` (always, even when
 * invalid) and merge it into the team handoff.
 */
import { join } from 'node:path';
import { parseHandoff } from '../handoff/parse.js';
import { SuperviseError } from '../errors.js';
import { historyFileName, writeHistory } from '../handoff/history.js';
import type { AgentHandoff, Bystander, Conflict, ValidationReport } from '../handoff/types.js';
import { validateHandoff } from '../handoff/validate.js';
import { loadEncoder } from '../handoff/tokens.js';
import { readWorktreeFile } from './readHandoff.js';
import { hashText, readMergedCopy, writeMergedCopy } from './records.js';
import { historyDir, mergeIntoTeam, type TeamContext } from './team.js';

export interface CaptureInput {
  agent: string;
  /** The history brief's name when not the agent's (a chain step's: `beta-build`). */
  historyName?: string;
  branch: string;
  worktree: string;
  /** Relative to the worktree. */
  handoffFile: string;
  injectedHash: string;
  /** The handoff as it was given to the agent, so an old copy cannot bring back what left the team's. */
  injectedText?: string;
  /** The agent updated its handoff before a sync overwrote it with the team's. */
  updatedBeforeSync?: boolean;
  /** Final status word for the team's Current State. */
  status: string;
  /** Files changed since base (from git), supervisor files already left out. */
  files: string[];
  /**
   * The other agents: their status line and changed files (for shared-file flags). A function is
   * asked at the moment the team handoff is written, so that captures finishing in any order
   * never write an older view of the others over a newer one.
   */
  others: Bystander[] | (() => Bystander[]);
}

export interface Capture {
  updated: boolean;
  report: ValidationReport;
  historyFile: string;
  conflicts: Conflict[];
  /** What is wrong with the handoff, for the team's Current State (see `handoffFlag`). */
  flag?: string;
  /** Set when the handoff could not be read (deleted by the agent, say). */
  missing: boolean;
}

export async function captureHandoff(team: TeamContext, input: CaptureInput): Promise<Capture> {
  // Counting needs the tokenizer's worker: wait for it here, not blocked inside a count.
  await loadEncoder(team.limits.encoding);
  // Only a regular file inside the worktree within the size limit; anything else counts as missing.
  const read = await readWorktreeFile(input.worktree, input.handoffFile, { keepOversizedAt: join(historyDir(team.root), historyFileName(`${input.agent}-refused-handoff`)) });
  const text = read.text;
  const changed = text !== undefined && hashText(text) !== input.injectedHash;
  const updated = text !== undefined && (changed || Boolean(input.updatedBeforeSync));
  const report = validateHandoff(text ?? '', team.limits);
  const historyFile = await writeHistory(historyDir(team.root), input.historyName ?? input.agent, briefText(input, text ?? (read.refused && `(${read.refused})`), updated, report));
  const flag = handoffFlag(text !== undefined, updated, report);
  // An unchanged copy of the team handoff adds nothing; the status line still records the stop.
  const handoff = parseHandoff(changed && text !== undefined ? text : '');
  const agent: AgentHandoff = { agent: input.agent, branch: input.branch, status: input.status, flag, handoff, files: input.files };
  if (input.injectedText !== undefined) agent.base = parseHandoff(input.injectedText);
  const last = await readMergedCopy(team.root, input.agent);
  if (last !== undefined) agent.merged = parseHandoff(last);
  const merged = await mergeIntoTeam(team, [agent], `${input.agent}-exit`, input.others);
  if (changed && text !== undefined) await writeMergedCopy(team.root, input.agent, text);
  // Recorded like a missing handoff (status line and history) above; the reason is the error.
  if (read.refused) throw new SuperviseError('InputError', read.refused);
  return { updated, report, flag, historyFile, conflicts: merged.conflicts, missing: text === undefined };
}

/** What the team's Current State says is wrong with a captured handoff, or undefined. */
export function handoffFlag(present: boolean, updated: boolean, report: ValidationReport): string | undefined {
  if (!present) return 'no handoff file';
  if (!updated) return 'handoff not updated';
  const error = report.findings.find((f) => f.severity === 'error');
  return report.valid ? undefined : `handoff invalid: ${error?.message ?? 'see supervise handoff check'}`;
}

/** The history brief: the agent's handoff as it left it, its validation, and the files it changed. */
function briefText(input: CaptureInput, text: string | undefined, updated: boolean, report: ValidationReport): string {
  const findings = report.findings.map((f) => `- ${f.severity}: ${f.message}`);
  return [
    `<!-- ${input.agent} on ${input.branch}, ${input.status}; handoff ${updated ? 'updated' : 'NOT updated'}; ${report.valid ? 'valid' : 'invalid'}, ${report.totalTokens}/${report.totalBudget} tokens -->`,
    '',
    (text ?? '(no handoff file)').trimEnd(),
    '',
    '## Files Modified',
    ...(input.files.length ? input.files.map((f) => `- ${f}`) : ['- (none)']),
    ...(findings.length ? ['', '## Validation', ...findings] : []),
    '',
  ].join('\n');
}
