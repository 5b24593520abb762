/** The handoff view (the TUI's `h`): the team handoff as a sync would make it, and each agent's own. */
import type { Conflict, ValidationReport } from '../handoff/types.js';
import { validateHandoff } from '../handoff/validate.js';
import { loadEncoder } from '../handoff/tokens.js';
import { readAgentHandoffs, type SyncAgent } from './sync.js';
import { previewMerge, type TeamContext } from './team.js';

export interface HandoffView {
  /** The team handoff a sync would write; `compressed`: items it would move out or shorten. */
  team: { text: string; report: ValidationReport; conflicts: Conflict[]; compressed: number };
  agents: { name: string; text: string; report: ValidationReport; unchanged: boolean }[];
}

/** Reads every worktree and merges in memory; writes nothing. */
export async function buildHandoffView(team: TeamContext, agents: SyncAgent[]): Promise<HandoffView> {
  // Counting needs the tokenizer's worker: wait for it here, not blocked inside a count.
  await loadEncoder(team.limits.encoding);
  await team.radar?.refresh();
  const reads = await readAgentHandoffs(team.root, agents);
  const merged = await previewMerge(team, reads.map((r) => r.input));
  return {
    team: { text: merged.text, report: validateHandoff(merged.text, team.limits), conflicts: merged.conflicts, compressed: merged.removed },
    agents: reads.map((r) => ({ name: r.agent.agent, text: r.text, report: validateHandoff(r.text, team.limits), unchanged: r.unchanged })),
  };
}
