/** The one reducer of TUI state: every change the app makes goes through here. Pure. */
import { isFinal } from '../../agents/status.js';
import type { Budget } from '../../config/types.js';
import type { AgentState } from '../../supervisor/agentState.js';
import { diffBodyRows, diffLines } from './diffLines.js';
import { handoffBodyRows, handoffLines, handoffTabs } from './handoffLines.js';
import { memoryBodyRows, memoryLines, memoryWidth } from './memoryLines.js';
import type { Action, AppState } from './types.js';

/** The state before the supervisor has reported anything: one `starting` entry per configured agent. */
export function initialState(opts: {
  cols: number;
  rows: number;
  color: boolean;
  project: string;
  budget: Budget;
  agents: AgentState[];
  now: number;
}): AppState {
  return {
    cols: opts.cols,
    rows: opts.rows,
    color: opts.color,
    project: opts.project,
    budget: opts.budget,
    agents: opts.agents.map(copyAgent),
    selected: 0,
    grid: false,
    attached: false,
    now: opts.now,
    scrolledBack: [],
    phase: 'starting',
  };
}

/** The supervisor mutates its AgentState objects in place; the UI keeps its own copies. */
export function copyAgent(a: AgentState): AgentState {
  return { ...a, warnings: [...a.warnings], diff: a.diff ? { ...a.diff, files: [...a.diff.files] } : undefined };
}

/** Whether the agent's process may be running (keys can reach it). */
export function isLive(a: Pick<AgentState, 'status'>): boolean {
  return !isFinal(a.status);
}

/** The focused agent, if any. */
export function selectedAgent(state: AppState): AgentState | undefined {
  return state.agents[state.selected];
}

/** The next state after `action`; the same object when nothing changed. */
export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'resize':
      if (action.cols === state.cols && action.rows === state.rows) return state;
      return clampHandoff({ ...state, cols: action.cols, rows: action.rows });
    case 'agents': {
      const agents = action.agents.map(copyAgent);
      return withAttachCheck({ ...state, agents, selected: Math.min(state.selected, Math.max(agents.length - 1, 0)) });
    }
    case 'agent': {
      const i = state.agents.findIndex((a) => a.name === action.agent.name);
      const agents = i < 0 ? [...state.agents, copyAgent(action.agent)] : state.agents.map((a, j) => (j === i ? copyAgent(action.agent) : a));
      return withAttachCheck({ ...state, agents });
    }
    case 'select':
      if (action.index < 0 || action.index >= state.agents.length || action.index === state.selected) return state;
      return { ...state, selected: action.index, attached: false };
    case 'move': {
      const n = state.agents.length;
      if (n === 0) return state;
      return { ...state, selected: (((state.selected + action.delta) % n) + n) % n, attached: false };
    }
    case 'toggleGrid':
      return { ...state, grid: !state.grid };
    case 'attach': {
      const a = selectedAgent(state);
      if (!a || !isLive(a) || state.handoff || state.memory || state.dialog) return state;
      return { ...state, attached: true, scrolledBack: state.scrolledBack.filter((n) => n !== a.name) };
    }
    case 'detach':
      return state.attached ? { ...state, attached: false } : state;
    case 'openHandoff':
      return { ...state, attached: false, diff: undefined, memory: undefined, handoff: { status: 'loading', tab: state.handoff?.tab ?? 0, scroll: state.handoff?.scroll ?? 0, data: state.handoff?.data } };
    case 'closeHandoff':
      return state.handoff ? { ...state, handoff: undefined } : state;
    case 'handoffLoaded':
      if (!state.handoff) return state;
      return clampHandoff({ ...state, handoff: { ...state.handoff, status: 'ready', data: action.data, error: undefined } });
    case 'handoffFailed':
      if (!state.handoff) return state;
      return { ...state, handoff: { ...state.handoff, status: 'error', error: action.error } };
    case 'handoffTab': {
      if (!state.handoff) return state;
      const n = handoffTabs(state.handoff.data, state.agents).length;
      const tab = (((state.handoff.tab + action.delta) % n) + n) % n;
      return { ...state, handoff: { ...state.handoff, tab, scroll: 0 } };
    }
    case 'handoffScroll':
      if (!state.handoff) return state;
      return clampHandoff({ ...state, handoff: { ...state.handoff, scroll: state.handoff.scroll + action.delta } });
    case 'openDiff':
      return { ...state, attached: false, handoff: undefined, memory: undefined, diff: { agent: action.agent, status: 'loading', lines: [], scroll: 0 } };
    case 'diffLoaded':
    case 'diffFailed': {
      if (state.diff?.agent !== action.agent) return state;
      if (action.type === 'diffFailed') return { ...state, diff: { ...state.diff, status: 'error', error: action.error } };
      return { ...state, diff: { ...state.diff, status: 'ready', data: action.data, lines: diffLines(action.data) } };
    }
    case 'diffScroll': {
      if (!state.diff) return state;
      const max = Math.max(0, state.diff.lines.length - diffBodyRows(state.cols, state.rows));
      const scroll = Math.min(Math.max(state.diff.scroll + action.delta, 0), max);
      return scroll === state.diff.scroll ? state : { ...state, diff: { ...state.diff, scroll } };
    }
    case 'closeDiff':
      return state.diff ? { ...state, diff: undefined } : state;
    case 'openMemory':
      return { ...state, attached: false, handoff: undefined, diff: undefined, memory: { agent: action.agent, status: 'loading', query: state.memory?.query ?? '', typing: false, search: state.memory?.search, scroll: 0 } };
    case 'memoryLoaded':
      if (state.memory?.agent !== action.agent) return state;
      return { ...state, memory: { ...state.memory, status: action.error ? 'error' : 'ready', record: action.record, error: action.error } };
    case 'memoryTyping':
      return state.memory && state.memory.typing !== action.typing ? { ...state, memory: { ...state.memory, typing: action.typing } } : state;
    case 'memoryQuery':
      return state.memory ? { ...state, memory: { ...state.memory, query: action.query } } : state;
    case 'memorySearch':
      return state.memory ? { ...state, memory: { ...state.memory, typing: false, search: { query: action.query, status: 'searching', rows: [] } } } : state;
    case 'memoryResults': {
      const m = state.memory;
      if (m?.search?.query !== action.query) return state;
      const search = { query: action.query, status: action.error ? ('error' as const) : ('ready' as const), rows: action.rows ?? [], error: action.error };
      return { ...state, memory: { ...m, search } };
    }
    case 'memoryScroll': {
      const m = state.memory;
      if (!m) return state;
      const max = Math.max(0, memoryLines(m, memoryWidth(state.cols, state.rows)).length - memoryBodyRows(state.cols, state.rows));
      const scroll = Math.min(Math.max(m.scroll + action.delta, 0), max);
      return scroll === m.scroll ? state : { ...state, memory: { ...m, scroll } };
    }
    case 'closeMemory':
      return state.memory ? { ...state, memory: undefined } : state;
    case 'askLand':
      return { ...state, attached: false, dialog: { kind: 'land', agent: action.agent } };
    case 'landPlanned':
      if (state.dialog?.kind !== 'land' || state.dialog.agent !== action.agent) return state;
      return { ...state, dialog: { ...state.dialog, plan: action.plan, error: action.error } };
    case 'openHelp':
      return state.dialog ? state : { ...state, dialog: { kind: 'help' } };
    case 'askQuit':
      return { ...state, attached: false, dialog: { kind: 'quit', running: action.running } };
    case 'askAgent':
      return { ...state, attached: false, dialog: { kind: 'agent', action: action.action, agent: action.agent } };
    case 'closeDialog':
      return state.dialog ? { ...state, dialog: undefined } : state;
    case 'message':
      return { ...state, message: { text: action.text, level: action.level, seq: (state.message?.seq ?? 0) + 1 } };
    case 'clearMessage':
      return state.message?.seq === action.seq ? { ...state, message: undefined } : state;
    case 'tick':
      return action.now === state.now ? state : { ...state, now: action.now };
    case 'scrolledBack': {
      const has = state.scrolledBack.includes(action.agent);
      if (has === action.back) return state;
      return { ...state, scrolledBack: action.back ? [...state.scrolledBack, action.agent] : state.scrolledBack.filter((n) => n !== action.agent) };
    }
    case 'started':
      return state.phase === 'running' ? state : { ...state, phase: 'running' };
  }
}

/** An agent that has ended can take no more keys: leave attach mode. */
function withAttachCheck(state: AppState): AppState {
  if (!state.attached) return state;
  const a = selectedAgent(state);
  return a && isLive(a) ? state : { ...state, attached: false };
}

/** Keep the handoff view's scroll inside its text after a resize, a load or a scroll. */
function clampHandoff(state: AppState): AppState {
  const panel = state.handoff;
  if (!panel) return state;
  const lines = handoffLines(panel, state.cols).length;
  const max = Math.max(0, lines - handoffBodyRows(state.cols, state.rows));
  const scroll = Math.min(Math.max(panel.scroll, 0), max);
  return scroll === panel.scroll ? state : { ...state, handoff: { ...panel, scroll } };
}
