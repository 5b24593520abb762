/**
 * What the TUI needs from the supervisor: the Supervisor class satisfies it, and tests pass a
 * fake of the same shape instead of running agents.
 */
import type { LoadedConfig } from '../config/types.js';
import type { AgentState } from '../supervisor/agentState.js';
import type { HandoffView, SupervisorEvents, SyncSummary } from '../supervisor/supervisor.js';
import type { Disposable } from '../session/events.js';
import type { Screen } from '../session/screen.js';

export type { HandoffView, SyncSummary };

/** The part of a Session the TUI draws and types into. */
export interface TuiSession {
  readonly screen: Screen;
  readonly running: boolean;
}

export interface TuiSupervisor {
  agents(): AgentState[];
  session(name: string): TuiSession | undefined;
  write(name: string, data: string): void;
  resize(name: string, cols: number, rows: number): void;
  stopAgent(name: string): Promise<void>;
  /** Continues the agent's conversation, or with `fresh` starts it over. */
  restartAgent(name: string, fresh?: boolean): Promise<void>;
  sync(): Promise<SyncSummary>;
  handoffView(): Promise<HandoffView>;
  /** agents.yaml as loaded: the diff view and landing (src/land/) work from it. */
  readonly config: LoadedConfig;
  shutdown(): Promise<void>;
  on<K extends keyof SupervisorEvents>(event: K, listener: (value: SupervisorEvents[K]) => void): Disposable;
}
