/** What the supervisor knows about one agent: plain data for the TUI, headless lines and state.json. */
import type { AgentConfig, Preset } from '../config/types.js';
import { isFinal, type AgentStatus } from '../agents/status.js';
import type { ChainState } from '../chains/machine.js';
import type { Capture } from './capture.js';

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
  /** What the team's Current State says is wrong with its captured handoff (`handoff not updated`). */
  handoffFlag?: string;
  historyFile?: string;
  diff?: DiffSummary;
  warnings: string[];
  /** Its chain: the step running, the review round, why it stopped (SPEC §6). */
  chain?: ChainState;
  /** The agents it waits for (`after`) before it starts. */
  waiting?: string[];
}

/** One line for humans: `backend working`, `tests failed (signal SIGKILL)`. */
export function describe(a: AgentState): string {
  return `${a.name} ${a.status}${a.detail ? ` (${a.detail})` : ''}`;
}

/** `exited (exit 0)`: the status with its detail, for the team handoff's Current State. */
export function statusText(state: AgentState): string {
  return `${state.status}${state.detail ? ` (${state.detail})` : ''}`;
}

/**
 * The agent's line in the team's Current State as another merge should write it now: its status
 * and handoff flag; nothing while its own capture is under way, since that capture writes the
 * line (and a status without the flag it is about to get would wipe the flag out).
 */
export function teamLine(state: AgentState): { status?: string; flag?: string } {
  if (isFinal(state.status) && !state.handoffCaptured) return {};
  return { status: statusText(state), flag: state.handoffFlag };
}

export function addWarning(state: AgentState, warning: string): void {
  if (!state.warnings.includes(warning)) state.warnings.push(warning);
}

export function removeWarning(state: AgentState, warning: string): void {
  state.warnings = state.warnings.filter((w) => w !== warning);
}

/** Records a capture's outcome on the agent: flags, tokens, where its brief went. */
export function applyCapture(state: AgentState, cap: Capture): void {
  state.handoffUpdated = cap.updated;
  state.handoffValid = cap.report.valid;
  state.handoffTokens = cap.report.totalTokens;
  state.historyFile = cap.historyFile;
  state.handoffFlag = cap.flag;
  if (cap.updated) removeWarning(state, 'handoff not updated');
  else addWarning(state, 'handoff not updated');
  if (cap.updated && !cap.report.valid) addWarning(state, 'handoff invalid');
  if (cap.report.totalTokens > cap.report.totalBudget) addWarning(state, 'over budget');
}

/** An agent about to start: how it is before launch, and again at a restart (its session id aside). */
export function startingState(agent: AgentConfig, worktree: string): AgentState {
  return {
    name: agent.name,
    preset: agent.preset,
    task: agent.task,
    branch: agent.branch,
    worktree,
    status: 'starting',
    detail: undefined,
    startedAt: Date.now(),
    endedAt: undefined,
    exitCode: undefined,
    signal: undefined,
    handoffUpdated: undefined,
    handoffFlag: undefined,
    handoffCaptured: false,
    warnings: [],
  };
}
