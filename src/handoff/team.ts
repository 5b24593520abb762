/**
 * The team merge as one pure step: merge agents' handoffs into the team handoff, compress the
 * result when it is over budget, and recognise a fixed point. Used by the sync, capture and
 * `supervise handoff merge|show`, so all of them produce the same text from the same state.
 */
import { compressHandoff } from './compress.js';
import { mergeHandoffs } from './merge.js';
import { parseHandoff } from './parse.js';
import { renderHandoff } from './render.js';
import type { AgentHandoff, Bystander, Conflict, HandoffLimits, RemovedItems } from './types.js';
import { validateHandoff } from './validate.js';

export interface TeamMergeInput {
  /** The team handoff as it is now. */
  teamText: string;
  agents: AgentHandoff[];
  bystanders?: Bystander[];
  project: string;
  limits: HandoffLimits;
  /** Where items moved out will be kept, as the handoff should name it. */
  historyRef: string;
  /** What the conflict radar predicts now (see MergeOptions.radar). */
  radar?: Conflict[];
}

export interface TeamMergeResult {
  text: string;
  conflicts: Conflict[];
  /** What left, to be written to history: superseded by the merge, or moved out by compression. */
  removed: RemovedItems[];
  /** How many items compression moved out or shortened (0 when none), so callers can say so. */
  compressed: number;
  /** The team handoff is byte for byte what it was: nothing to write, nothing left it. */
  unchanged: boolean;
}

export function mergeTeam(input: TeamMergeInput): TeamMergeResult {
  const merged = mergeHandoffs(parseHandoff(input.teamText), input.agents, { project: input.project, bystanders: input.bystanders ?? [], radar: input.radar });
  let text = renderHandoff(merged.handoff);
  let removed = merged.removed;
  let compressed = 0;
  if (!validateHandoff(text, input.limits).valid) {
    const c = compressHandoff(merged.handoff, input.limits, { historyRef: input.historyRef });
    text = renderHandoff(c.handoff);
    removed = [...removed, ...c.removed];
    compressed = c.removed.filter((g) => g.reason !== 'the history before this one').reduce((n, g) => n + g.items.length, 0);
  }
  // The same text again means no item left it: what the merge dropped was regenerated (status
  // lines, ⚠ flags) or never part of it, so there is nothing for history either.
  if (text === input.teamText) return { text, conflicts: merged.conflicts, removed: [], compressed: 0, unchanged: true };
  return { text, conflicts: merged.conflicts, removed, compressed, unchanged: false };
}
