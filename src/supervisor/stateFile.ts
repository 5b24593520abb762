/**
 * `.supervise/state.json`: the agents' last known state, saved atomically on every change.
 * Saves are coalesced: while one is being written, further changes collapse into one more save.
 */
import { writeFileAtomic } from '../fsutil.js';
import type { AgentState } from './agentState.js';

export interface SavedState {
  savedAt: string;
  pid: number;
  agents: AgentState[];
}

export class StateFile {
  private writing?: Promise<void>;
  private pending?: AgentState[];

  constructor(readonly path: string) {}

  /** Saves `agents`; the returned promise resolves once this state (or a later one) is on disk. */
  save(agents: AgentState[]): Promise<void> {
    this.pending = agents.map((a) => ({ ...a, warnings: [...a.warnings] }));
    this.writing ??= this.drain();
    return this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const agents = this.pending;
        this.pending = undefined;
        const state: SavedState = { savedAt: new Date().toISOString(), pid: process.pid, agents };
        await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`);
      }
    } finally {
      this.writing = undefined;
    }
  }
}
