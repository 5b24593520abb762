/**
 * `.supervise/state.json`: the agents' last known state, saved atomically on every change and
 * read back at the next start (SPEC §9). Saves are coalesced: while one is being written, further
 * changes collapse into one more save.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fsutil.js';
import type { AgentState } from './agentState.js';

export interface SavedState {
  savedAt: string;
  pid: number;
  /** Written by a shutdown that stopped every agent and captured its handoff; absent after a crash. */
  cleanShutdown?: boolean;
  agents: AgentState[];
}

export class StateFile {
  private writing?: Promise<void>;
  private pending?: AgentState[];
  private clean = false;
  /** Saved agents this run does not include (see `--only`): kept as they were. */
  private carried: AgentState[] = [];

  constructor(readonly path: string) {}

  /** The state a previous supervisor left, or undefined when there is none or it is unreadable. */
  async load(): Promise<SavedState | undefined> {
    try {
      const value = JSON.parse(await readFile(this.path, 'utf8')) as Partial<SavedState>;
      if (!value || !Array.isArray(value.agents)) return undefined;
      const agents = value.agents.filter((a): a is AgentState => Boolean(a) && typeof a.name === 'string' && typeof a.status === 'string');
      return { savedAt: String(value.savedAt ?? ''), pid: Number(value.pid), cleanShutdown: value.cleanShutdown === true, agents };
    } catch {
      return undefined;
    }
  }

  /** Agents to keep in the file unchanged alongside the ones this run saves. */
  carry(agents: AgentState[]): void {
    this.carried = agents;
  }

  /**
   * Saves `agents`; the returned promise resolves once this state (or a later one) is on disk.
   * `clean` marks the shutdown as clean, and the mark stays for any later save.
   */
  save(agents: AgentState[], opts: { clean?: boolean } = {}): Promise<void> {
    if (opts.clean) this.clean = true;
    this.pending = agents.map((a) => ({ ...a, warnings: [...a.warnings] }));
    this.writing ??= this.drain();
    return this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const names = new Set(this.pending.map((a) => a.name));
        const agents = [...this.pending, ...this.carried.filter((a) => !names.has(a.name))];
        this.pending = undefined;
        const state: SavedState = { savedAt: new Date().toISOString(), pid: process.pid, ...(this.clean ? { cleanShutdown: true } : {}), agents };
        await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`);
      }
    } finally {
      this.writing = undefined;
    }
  }
}
