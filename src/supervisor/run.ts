/** One agent as the supervisor keeps it: its config, the state it reports, and its session's bookkeeping. */
import type { AgentConfig } from '../config/types.js';
import type { Session } from '../session/session.js';
import { startingState, type AgentState } from './agentState.js';
import type { StepLaunch } from './launch.js';
import type { AgentLog } from './logs.js';
import type { QuietTimer } from './quiet.js';

export interface Run {
  config: AgentConfig;
  state: AgentState;
  session?: Session;
  injectedHash: string;
  injectedText?: string;
  /** The agent had updated its handoff when a sync overwrote it: that update counts at capture. */
  updatedBeforeSync: boolean;
  /** A hook has reported: from then on Claude Code's hooks alone drive its status. */
  hookSeen: boolean;
  stopRequested: boolean;
  quiet?: QuietTimer;
  typeAfterStart?: string;
  captured?: Promise<void>;
  /** The next launch continues an earlier run (Claude's --resume, SUPERVISE_RESUMED=1). */
  resumed?: boolean;
  /** What Claude Code's last Notification said it waits for. */
  asked?: string;
  /** When Claude Code's last Stop hook came: its transcript is written a little after. */
  lastStopAt?: number;
  /** Its output as plain text in `.supervise/logs/`. */
  log?: AgentLog;
  /** The chain step this session runs, if any. */
  step?: StepLaunch;
}

/** An agent known but not launched yet: `starting`, nothing injected. */
export function newRun(config: AgentConfig, worktree: string): Run {
  return { config, state: startingState(config, worktree), injectedHash: '', stopRequested: false, updatedBeforeSync: false, hookSeen: false };
}

/** Forgets a stopped run's session so it can be launched again: continuing its conversation, or `fresh` without it. */
export function resetRun(run: Run, fresh = false): void {
  run.session?.dispose();
  run.session = undefined;
  run.stopRequested = false;
  run.updatedBeforeSync = false;
  run.hookSeen = false;
  run.captured = undefined;
  // The same object, so whoever holds it sees the restart; the Claude session id is kept for --resume.
  Object.assign(run.state, startingState(run.config, run.state.worktree));
  run.resumed = !fresh;
  if (fresh) run.state.sessionId = undefined;
}
