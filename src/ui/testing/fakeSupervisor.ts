/** Test support: a supervisor of the TUI's interface that runs nothing and records what it was asked. */
import type { LoadedConfig } from '../../config/types.js';
import type { AgentState } from '../../supervisor/agentState.js';
import type { SupervisorEvents } from '../../supervisor/supervisor.js';
import { Emitter } from '../../session/events.js';
import { Screen } from '../../session/screen.js';
import type { HandoffView, SyncSummary, TuiSession, TuiSupervisor } from '../types.js';
import { handoffView } from './fixtures.js';

export class FakeSupervisor extends Emitter<SupervisorEvents> implements TuiSupervisor {
  readonly calls: string[] = [];
  readonly written: { name: string; data: string }[] = [];
  readonly sessions = new Map<string, { screen: Screen; running: boolean }>();
  view: HandoffView = handoffView();
  /** Never read by the fake: tests give the controller a fake landing (testing/fakeLanding.ts). */
  readonly config = {} as LoadedConfig;

  constructor(private readonly list: AgentState[]) {
    super();
    for (const a of list) this.sessions.set(a.name, { screen: new Screen({ cols: 80, rows: 24, scrollback: 100 }), running: true });
  }

  agents(): AgentState[] {
    return this.list;
  }

  session(name: string): TuiSession | undefined {
    return this.sessions.get(name);
  }

  write(name: string, data: string): void {
    this.written.push({ name, data });
  }

  resize(name: string, cols: number, rows: number): void {
    this.calls.push(`resize ${name} ${cols}x${rows}`);
  }

  async stopAgent(name: string): Promise<void> {
    this.calls.push(`stop ${name}`);
  }

  async restartAgent(name: string, fresh = false): Promise<void> {
    this.calls.push(`${fresh ? 'start over' : 'restart'} ${name}`);
  }

  async sync(): Promise<SyncSummary> {
    this.calls.push('sync');
    this.emit('message', 'synced 3 worktrees, nudged 2');
    return { worktrees: 3, nudged: ['a', 'b'], skipped: [], conflicts: 0 };
  }

  async handoffView(): Promise<HandoffView> {
    this.calls.push('handoffView');
    return this.view;
  }

  async shutdown(): Promise<void> {
    this.calls.push('shutdown');
  }

  /** Reports a status change, as the real supervisor does. */
  report(agent: AgentState): void {
    this.emit('status', agent);
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.screen.dispose();
  }
}
