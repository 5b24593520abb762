import { describe, expect, it } from 'vitest';
import { agent, handoffView } from '../testing/fixtures.js';
import { initialState, reducer } from './reducer.js';
import type { Action, AppState } from './types.js';

function state(over: Partial<AppState> = {}): AppState {
  return {
    ...initialState({
      cols: 120,
      rows: 36,
      color: false,
      project: 'Demo',
      budget: { total: 500, section: 100 },
      agents: [agent('backend'), agent('frontend', { status: 'idle' }), agent('tests', { status: 'exited', exitCode: 0 })],
      now: 1000,
    }),
    ...over,
  };
}

function run(s: AppState, ...actions: Action[]): AppState {
  return actions.reduce(reducer, s);
}

describe('reducer', () => {
  it('selects agents by index and wraps when moving', () => {
    expect(run(state(), { type: 'select', index: 2 }).selected).toBe(2);
    expect(run(state(), { type: 'select', index: 7 }).selected).toBe(0);
    expect(run(state(), { type: 'move', delta: -1 }).selected).toBe(2);
    expect(run(state(), { type: 'move', delta: 1 }, { type: 'move', delta: 1 }, { type: 'move', delta: 1 }).selected).toBe(0);
  });

  it('attaches only to a live agent and detaches on select', () => {
    const attached = run(state(), { type: 'attach' });
    expect(attached.attached).toBe(true);
    expect(run(attached, { type: 'select', index: 1 }).attached).toBe(false);
    expect(run(state({ selected: 2 }), { type: 'attach' }).attached).toBe(false);
  });

  it('leaves attach mode when the attached agent ends', () => {
    const attached = run(state(), { type: 'attach' });
    const ended = run(attached, { type: 'agent', agent: agent('backend', { status: 'exited', exitCode: 0 }) });
    expect(ended.attached).toBe(false);
    expect(ended.agents[0]!.status).toBe('exited');
  });

  it('copies agent records, so later mutation by the supervisor does not leak in', () => {
    const live = agent('backend', { warnings: ['x'], diff: { files: ['a.ts'], added: 1, removed: 0 } });
    const next = run(state(), { type: 'agent', agent: live });
    live.warnings.push('y');
    live.diff!.files.push('b.ts');
    expect(next.agents[0]!.warnings).toEqual(['x']);
    expect(next.agents[0]!.diff!.files).toEqual(['a.ts']);
    expect(next.agents[0]).not.toBe(live);
  });

  it('adds an agent it did not know and keeps the selection in range when the list shrinks', () => {
    expect(run(state(), { type: 'agent', agent: agent('docs') }).agents.map((a) => a.name)).toEqual(['backend', 'frontend', 'tests', 'docs']);
    expect(run(state({ selected: 2 }), { type: 'agents', agents: [agent('solo')] }).selected).toBe(0);
  });

  it('opens the handoff view loading, keeps the tab on reload, and cycles tabs', () => {
    const open = run(state({ attached: true }), { type: 'openHandoff' });
    expect(open.handoff?.status).toBe('loading');
    expect(open.attached).toBe(false);
    const loaded = run(open, { type: 'handoffLoaded', data: handoffView() }, { type: 'handoffTab', delta: 1 });
    expect(loaded.handoff?.tab).toBe(1);
    expect(run(loaded, { type: 'handoffTab', delta: -2 }).handoff?.tab).toBe(3);
    const reopened = run(loaded, { type: 'openHandoff' });
    expect(reopened.handoff?.tab).toBe(1);
    expect(reopened.handoff?.data).toBeDefined();
    expect(run(loaded, { type: 'closeHandoff' }).handoff).toBeUndefined();
  });

  it('keeps the handoff scroll inside the text', () => {
    const loaded = run(state({ rows: 14 }), { type: 'openHandoff' }, { type: 'handoffLoaded', data: handoffView() });
    expect(run(loaded, { type: 'handoffScroll', delta: -5 }).handoff?.scroll).toBe(0);
    const far = run(loaded, { type: 'handoffScroll', delta: 10_000 }).handoff!.scroll;
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(100);
    expect(run(loaded, { type: 'handoffScroll', delta: 10_000 }, { type: 'handoffScroll', delta: 1 }).handoff?.scroll).toBe(far);
  });

  it('asks before quitting and closes dialogs', () => {
    const asking = run(state({ attached: true }), { type: 'askQuit', running: 2 });
    expect(asking.dialog).toEqual({ kind: 'quit', running: 2 });
    expect(asking.attached).toBe(false);
    expect(run(asking, { type: 'closeDialog' }).dialog).toBeUndefined();
    expect(run(asking, { type: 'openHelp' }).dialog?.kind).toBe('quit');
  });

  it('asks before restarting or stopping a running agent, out of attach mode', () => {
    const asking = run(state({ attached: true }), { type: 'askAgent', action: 'restart', agent: 'backend' });
    expect(asking.dialog).toEqual({ kind: 'agent', action: 'restart', agent: 'backend' });
    expect(asking.attached).toBe(false);
    expect(run(asking, { type: 'closeDialog' }).dialog).toBeUndefined();
    expect(run(state(), { type: 'askAgent', action: 'stop', agent: 'tests' }).dialog).toEqual({ kind: 'agent', action: 'stop', agent: 'tests' });
  });

  it('clears a message only for the timer that set it', () => {
    const one = run(state(), { type: 'message', text: 'synced', level: 'info' });
    const two = run(one, { type: 'message', text: 'again', level: 'info' });
    expect(run(two, { type: 'clearMessage', seq: one.message!.seq }).message?.text).toBe('again');
    expect(run(two, { type: 'clearMessage', seq: two.message!.seq }).message).toBeUndefined();
  });

  it('returns the same object for actions that change nothing', () => {
    const s = state();
    expect(reducer(s, { type: 'resize', cols: 120, rows: 36 })).toBe(s);
    expect(reducer(s, { type: 'detach' })).toBe(s);
    expect(reducer(s, { type: 'tick', now: 1000 })).toBe(s);
    expect(reducer(s, { type: 'scrolledBack', agent: 'backend', back: false })).toBe(s);
  });

  it('tracks scrolled-back panes and starts running once', () => {
    const back = run(state(), { type: 'scrolledBack', agent: 'backend', back: true });
    expect(back.scrolledBack).toEqual(['backend']);
    expect(run(back, { type: 'attach' }).scrolledBack).toEqual([]);
    expect(run(state(), { type: 'started' }).phase).toBe('running');
  });
});
