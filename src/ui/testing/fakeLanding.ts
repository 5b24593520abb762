/** Test support: landing of the TUI's interface with canned diffs and plans, recording what it was asked. */
import type { AgentDiff, Landing, LandPlan, LandResult } from '../../land/service.js';

export function fakePlan(agent: string, over: Partial<LandPlan> = {}): LandPlan {
  return {
    agent,
    branch: `agent/${agent}`,
    base: 'main',
    head: 'a'.repeat(40),
    tip: 'b'.repeat(40),
    commits: [{ sha: 'c'.repeat(40), short: 'ccccccc', subject: `${agent}: work` }],
    files: ['src/api.ts'],
    added: 3,
    removed: 1,
    uncommitted: [],
    conflicts: [],
    problems: [],
    nothing: false,
    mode: 'merge',
    commitFirst: false,
    message: `Implement ${agent}\n\nLanded from agent/${agent}.`,
    ...over,
  };
}

export function fakeDiff(agent: string, lines: string[]): AgentDiff {
  return { agent, branch: `agent/${agent}`, base: 'main', commits: [{ sha: 'd'.repeat(40), short: 'ddddddd', subject: `${agent}: add api` }], files: ['src/api.ts'], added: 1, removed: 1, lines, omitted: 0 };
}

export class FakeLanding implements Landing {
  readonly calls: string[] = [];
  readonly diffs = new Map<string, AgentDiff>();
  readonly plans = new Map<string, LandPlan>();

  async diff(agent: string): Promise<AgentDiff> {
    this.calls.push(`diff ${agent}`);
    return this.diffs.get(agent) ?? fakeDiff(agent, []);
  }

  async plan(agent: string, opts: { commit?: boolean } = {}): Promise<LandPlan> {
    this.calls.push(`plan ${agent}${opts.commit ? ' --commit' : ''}`);
    return this.plans.get(agent) ?? fakePlan(agent);
  }

  async land(agent: string, opts: { commit?: boolean } = {}): Promise<LandResult> {
    this.calls.push(`land ${agent}${opts.commit ? ' --commit' : ''}`);
    return { plan: this.plans.get(agent) ?? fakePlan(agent), commit: 'e'.repeat(40) };
  }
}
