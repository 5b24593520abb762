import { describe, expect, it } from 'vitest';
import type { AgentState } from './agentState.js';
import { finishedState, planMessage, planStart, selectAgents } from './resume.js';
import type { SavedState } from './stateFile.js';

function agent(name: string, over: Partial<AgentState> = {}): AgentState {
  return { name, preset: 'custom', task: 't', branch: `agent/${name}`, worktree: `/w/${name}`, status: 'working', startedAt: 0, handoffCaptured: false, warnings: [], ...over };
}
const clean = { status: 'exited', exitCode: 0, detail: 'exit 0', handoffCaptured: true, handoffUpdated: true, handoffValid: true } as const;
const saved = (agents: AgentState[], cleanShutdown = false): SavedState => ({ savedAt: '', pid: 42, cleanShutdown, agents });

describe('planStart', () => {
  it('leaves a cleanly finished agent finished, resumes the others, starts the new ones', () => {
    const prev = saved([agent('a', clean), agent('b', { status: 'stopped', handoffCaptured: true }), agent('c', { ...clean, handoffUpdated: false, handoffFlag: 'handoff not updated' })], true);
    const plan = planStart(['a', 'b', 'c', 'd'], prev, { fresh: false, previousAlive: false });
    expect(plan.agents.map((p) => [p.name, p.decision])).toEqual([['a', 'finished'], ['b', 'resume'], ['c', 'resume'], ['d', 'start']]);
    expect(plan.crashed).toBe(false);
    expect(planMessage(plan)).toBe('resuming b, c where they left off; a finished cleanly in an earlier run and is not rerun (--fresh starts every agent over).');
  });

  it('--fresh starts every agent', () => {
    const plan = planStart(['a', 'b'], saved([agent('a', clean), agent('b')]), { fresh: true, previousAlive: false });
    expect(plan.agents.map((p) => p.decision)).toEqual(['start', 'start']);
    expect(planMessage(plan)).toBeUndefined();
  });

  it('a crash: agents running, no clean shutdown, the old supervisor gone', () => {
    const prev = saved([agent('a', clean), agent('b', { status: 'working' })]);
    expect(planStart(['a', 'b'], prev, { fresh: false, previousAlive: false })).toMatchObject({ crashed: true, interrupted: ['b'] });
    expect(planStart(['a', 'b'], prev, { fresh: false, previousAlive: true }).crashed).toBe(false);
    expect(planStart(['a', 'b'], { ...prev, cleanShutdown: true }, { fresh: false, previousAlive: false }).crashed).toBe(false);
    expect(planStart(['a'], undefined, { fresh: false, previousAlive: false }).crashed).toBe(false);
  });
});

describe('selectAgents', () => {
  it('takes known names, refuses unknown ones naming the known', () => {
    expect(selectAgents(['a', 'b'], undefined)).toBeUndefined();
    expect(selectAgents(['a', 'b'], 'b, a,b')).toEqual(['b', 'a']);
    expect(() => selectAgents(['a', 'b'], 'a,zz')).toThrow(/no agent called "zz"/);
    try {
      selectAgents(['a', 'b'], 'zz');
    } catch (err) {
      expect((err as { hint: string; exitCode: number }).hint).toBe('The agents in agents.yaml are: a, b.');
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

it('finishedState keeps the last result and forgets the process', () => {
  const s = finishedState(agent('a', { ...clean, pid: 7, worktree: '/old' }), agent('a'));
  expect(s).toMatchObject({ status: 'exited', exitCode: 0, pid: undefined, worktree: '/w/a', detail: 'exit 0, earlier run' });
  // Start after start, it says so once.
  expect(finishedState(finishedState(s, agent('a')), agent('a')).detail).toBe('exit 0, earlier run');
});
