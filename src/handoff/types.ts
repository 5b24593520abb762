/** The HANDOFF.md data model (SPEC §3). Everything in src/handoff is pure functions over these. */
import type { Budget, Encoding } from '../config/types.js';

/** Required sections, in the order the template writes them. */
export const SECTION_NAMES = [
  'Current State',
  'Completed',
  'In Progress',
  'Blockers',
  'Next Steps',
  'Key Decisions',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Sections of the wave brief (templates/WAVE.md). */
export const WAVE_SECTION_NAMES = [
  'Discovered',
  'Decisions',
  'Mistakes to Avoid',
  'Pattern to Follow',
  'Files Modified',
] as const;

export type ItemMarker = 'bullet' | 'numbered' | 'checkbox';

export interface HandoffItem {
  /** The item's text without its marker, trimmed; continuation lines joined with a space. */
  text: string;
  marker: ItemMarker;
  /** For checkbox items: `[x]` is true, `[ ]` is false. */
  checked?: boolean;
  /**
   * The agent(s) an item came from, once merged: one name, or several joined by ", " when
   * agents reported the same item. Rendered as a ` (@backend)` / ` (@backend, @tests)` suffix,
   * which the parser reads back.
   */
  agent?: string;
}

export interface HandoffSection {
  /** Canonical name when it matches a known section (case/spacing-insensitive), else as written. */
  name: string;
  /** True when `name` is one of SECTION_NAMES. */
  known: boolean;
  items: HandoffItem[];
  /** Non-item prose lines kept verbatim (trimmed), so nothing a writer put there is lost. */
  text: string[];
  /** 1-based line of the heading in the source (0 when built in memory). */
  line: number;
}

export interface Handoff {
  /** The text after `# HANDOFF - `, or the whole H1 when it has another form; '' when absent. */
  title: string;
  /** Non-blank lines before the first `##` heading (other than the title), kept verbatim (trimmed). */
  preamble?: string[];
  sections: HandoffSection[];
}

export interface HandoffLimits {
  budget: Budget;
  encoding: Encoding;
}

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** The section concerned, or undefined for the whole file. */
  section?: string;
  line?: number;
  message: string;
}

export interface SectionReport {
  name: string;
  status: 'present' | 'missing' | 'out-of-order' | 'unknown';
  tokens: number;
  budget: number;
}

export interface ValidationReport {
  valid: boolean;
  totalTokens: number;
  totalBudget: number;
  sections: SectionReport[];
  findings: Finding[];
}

/** One agent's handoff as input to a merge. */
export interface AgentHandoff {
  agent: string;
  branch: string;
  /**
   * What its process is doing, for its Current State line (`working`, `exited (exit 0)`). When
   * undefined, the line keeps the status and flag the team handoff already gives it.
   */
  status?: string;
  /** With `status`: what is wrong with its handoff (`handoff not updated`), or undefined for nothing. */
  flag?: string;
  /** Its worktree copy; empty when it says nothing new (unchanged since it was written or merged). */
  handoff: Handoff;
  /**
   * The team handoff as it was given to the agent at the start of its session, when known. Items
   * still there unchanged are the team's, not the agent's, so an item the team handoff has since
   * moved to history is not brought back by an old copy.
   */
  base?: Handoff;
  /**
   * Its copy as it was last merged into the team handoff. Those items are already in (or have
   * since left) the team handoff, so they are not news: what the team moved to history stays there.
   */
  merged?: Handoff;
  /** Files the agent changed (from git), for the shared-files flag. */
  files?: string[];
}

/**
 * An agent that takes no part in a merge (its handoff is not read) but is running beside those
 * that do: its status line is refreshed and its changed files count for the shared-file flag.
 */
export interface Bystander {
  agent: string;
  branch: string;
  status?: string;
  flag?: string;
  files?: string[];
}

export interface Conflict {
  /** merge-conflict and contract come from the conflict radar (src/radar), not from the handoffs. */
  kind: 'contradiction' | 'shared-file' | 'merge-conflict' | 'contract';
  /** The agents involved. */
  agents: string[];
  /**
   * For a contradiction: the two items; for a shared file: the path; for a radar conflict: what
   * its flag says after the agents (`src/api.ts`, `carol imports src/api.ts, changed by alpha`).
   */
  subject: string;
  detail: string;
}

/** Items that left a handoff, to be written to `.supervise/history/` (see history.ts). */
export interface RemovedItems {
  section: string;
  /** Why they left, in a few words ("over budget", "completed by backend"). */
  reason: string;
  items: HandoffItem[];
}

export interface MergeResult {
  handoff: Handoff;
  conflicts: Conflict[];
  /**
   * Input items that are not in the merged handoff in any form (stale, superseded or folded
   * into a Current State line), so nothing leaves without a trace.
   */
  removed: RemovedItems[];
}

export interface CompressResult {
  handoff: Handoff;
  /** Items that left the handoff, by section, to be written to history. */
  removed: RemovedItems[];
  /** Tokens before and after. */
  before: number;
  after: number;
  /** True when every section and the total are within budget. */
  withinBudget: boolean;
  /** When not within budget: why it could not get there. */
  reason?: string;
}
