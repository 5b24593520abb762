/**
 * Who a sync may nudge (SPEC §4.7), and how the sync reports it. The nudge is a line typed into an
 * agent's terminal, so it goes only where the agent's CLI says it waits for a prompt: typed into
 * a question, it would be read as the answer (with `[Y/n]`, Enter alone means yes). Pure.
 *
 * - never: nobody.
 * - idle (the default): an agent whose CLI says it waits for a new prompt. Claude Code: its hooks
 *   said idle (Stop accepted, or Notification idle_prompt). codex, gemini, aider: the preset's
 *   idle prompt on screen now. Never a custom agent: quiet output is not a prompt.
 * - always: every agent that is safely at a prompt, not only idle ones: as idle, plus a Claude
 *   Code agent its hooks report working (its prompt box takes a line and queues it), a codex,
 *   gemini or aider agent whose idle prompt shows whatever its status, and a custom agent whose
 *   last screen line is a bare prompt (`>`, `$` or `❯`).
 * - Whatever the setting: never an agent waiting for an answer (needs-input), nor one whose
 *   screen shows a question (y/n, [Y/n], "Do you want…", a choice menu, "Press Enter").
 */
import type { Notify, Preset } from '../config/types.js';
import { detectPrompt, showsQuestion } from '../agents/prompts.js';
import { isFinal, usesHooks, type AgentStatus } from '../agents/status.js';

/** The line typed into a nudged agent, Enter included. */
export const NUDGE_LINE = 'The team handoff was synced: re-read HANDOFF.md for what your teammates did and decided.\r';

/** The agent lines the conflict radar writes among its warnings (src/radar/publish.ts RADAR_NOTE). */
const RADAR_NOTE = /^(?:✗ conflicts with |⚠ \S+ imports )/u;

/**
 * The nudge for an agent with these warnings: NUDGE_LINE, plus what the conflict radar warns it
 * of (also in its Blockers), without the glyphs, on the same line. Codex takes a line written in
 * one go as a paste, where Enter only adds a line (docs/codex.md): it gets the line as a bracketed
 * paste, then Enter.
 */
export function nudgeLine(warnings: readonly string[], preset?: Preset): string {
  const notes = warnings.filter((w) => RADAR_NOTE.test(w)).map((w) => w.replace(/^[✗⚠]\s*/u, ''));
  const line = notes.length ? `${NUDGE_LINE.slice(0, -1)} Its Blockers warn you: ${notes.join('; ')}.\r` : NUDGE_LINE;
  return preset === 'codex' ? `\x1b[200~${line.slice(0, -1)}\x1b[201~\r` : line;
}

export interface NudgeInput {
  preset: Preset;
  status: AgentStatus;
  /** Claude Code's hooks have reported, so they alone drive its status (idle comes only from them). */
  hooks: boolean;
  /** The agent's screen now: its viewport's lines, top to bottom. */
  lines: string[];
  notify: Notify;
}

export interface NudgeDecision {
  nudge: boolean;
  /** Why, in a few words for the sync message: "custom agent", "asking a question"… */
  reason: string;
}

const NEVER = 'sync.notify is never';
const yes = (reason: string): NudgeDecision => ({ nudge: true, reason });
const no = (reason: string): NudgeDecision => ({ nudge: false, reason });

/** Whether a sync may type its nudge into this agent, and why. */
export function decideNudge({ preset, status, hooks, lines, notify }: NudgeInput): NudgeDecision {
  if (notify === 'never') return no(NEVER);
  if (isFinal(status)) return no('not running');
  if (showsQuestion(lines)) return no('asking a question');
  if (status === 'needs-input') return no('waiting for an answer');
  const always = notify === 'always';
  // Codex and Gemini fall back to their screens until a hook has come (their hooks may be off).
  if (usesHooks(preset) && (hooks || preset === 'claude')) {
    if (!hooks) return no('no hook report yet');
    if (status === 'idle') return yes('idle');
    return always && status === 'working' ? yes('working; its prompt queues the line') : no(status);
  }
  const prompt = detectPrompt(preset, lines) === 'idle';
  if (preset === 'custom') {
    if (!always) return no('custom agent');
    return prompt ? yes('at a prompt') : no('custom agent, no prompt on screen');
  }
  if (!prompt) return no(status === 'idle' ? 'quiet, no prompt on screen' : status);
  return always || status === 'idle' ? yes('at its prompt') : no(status);
}

/** A sync as it went: who was nudged, who was not and why. */
export interface SyncSummary {
  worktrees: number;
  nudged: string[];
  skipped: { agent: string; reason: string }[];
  conflicts: number;
}

/** The status-line report: "synced 3 worktrees, nudged 1: backend; not nudged: tests (custom agent)". */
export function syncMessage(s: SyncSummary): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [`synced ${plural(s.worktrees, 'worktree')}, nudged ${s.nudged.length}${s.nudged.length ? `: ${s.nudged.join(', ')}` : ''}`];
  if (s.skipped.length && s.skipped.every((k) => k.reason === NEVER)) parts.push(NEVER);
  else if (s.skipped.length) parts.push(`not nudged: ${s.skipped.map((k) => `${k.agent} (${k.reason})`).join(', ')}`);
  if (s.conflicts) parts.push(`${plural(s.conflicts, 'conflict')} flagged`);
  return parts.join('; ');
}
