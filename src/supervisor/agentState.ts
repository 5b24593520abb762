/** What the supervisor knows about one agent: plain data for the TUI, headless lines and state.json. */
import type { Preset } from '../config/types.js';
import type { AgentStatus } from '../agents/status.js';

export interface DiffSummary {
  files: string[];
  added: number;
  removed: number;
}

export interface AgentState {
  name: string;
  preset: Preset;
  task: string;
  branch: string;
  worktree: string;
  status: AgentStatus;
  /** Why, in a few words: `exit 0`, `signal SIGKILL`, `command not found: X`. */
  detail?: string;
  startedAt: number;
  endedAt?: number;
  pid?: number;
  /** Claude Code's session id, for --resume on restart. */
  sessionId?: string;
  exitCode?: number | null;
  signal?: string | null;
  /** Set at capture: whether the agent changed its handoff, and whether it is valid. */
  handoffUpdated?: boolean;
  handoffValid?: boolean;
  /** Tokens of the agent's handoff now (refreshed on capture and sync). */
  handoffTokens?: number;
  handoffCaptured: boolean;
  historyFile?: string;
  diff?: DiffSummary;
  warnings: string[];
}

/** One line for humans: `backend working`, `tests failed (signal SIGKILL)`. */
export function describe(a: AgentState): string {
  return `${a.name} ${a.status}${a.detail ? ` (${a.detail})` : ''}`;
}
