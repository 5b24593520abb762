/** The TUI's whole state and the actions that change it (reduced in reducer.ts, drawn by components/). */
import type { Budget } from '../../config/types.js';
import type { AgentState } from '../../supervisor/agentState.js';
import type { AgentDiff, LandPlan } from '../../land/service.js';
import type { HandoffView } from '../types.js';
import type { WhyRecord } from '../../memory/why.js';
import type { Line } from './styled.js';

export type MessageLevel = 'info' | 'warn' | 'error';

export interface Message {
  text: string;
  level: MessageLevel;
  /** Grows with every message, so a timer clears only the message it was set for. */
  seq: number;
}

/** What `r` and `x` do to an agent; asked first while it runs. */
export type AgentAction = 'restart' | 'stop';

/** A modal layer over everything: it gets every key until it closes. */
export type Dialog = { kind: 'quit'; running: number } | { kind: 'agent'; action: AgentAction; agent: string } | LandDialogState | { kind: 'help' };

/** `m`: landing an agent, asked with its plan (undefined while it is being checked). */
export interface LandDialogState {
  kind: 'land';
  agent: string;
  plan?: LandPlan;
  error?: string;
}

/** The diff view (`d`): one agent's changes against base. */
export interface DiffPanel {
  agent: string;
  status: 'loading' | 'ready' | 'error';
  data?: AgentDiff;
  /** The header, commits and diff as styled lines, built once when loaded. */
  lines: Line[];
  error?: string;
  /** First body line shown. */
  scroll: number;
}

export interface HandoffPanel {
  status: 'loading' | 'ready' | 'error';
  data?: HandoffView;
  error?: string;
  /** 0 is the team handoff, then one tab per agent in data.agents order. */
  tab: number;
  /** First body line shown. */
  scroll: number;
}

/** One search result in the memory view. */
export interface MemoryRow {
  id: string;
  kind: string;
  text: string;
  score: number;
  project?: string;
  agent?: string;
}

/** The memory view (`M`): what the agent was given from memory, and a search box. */
export interface MemoryPanel {
  agent: string;
  status: 'loading' | 'ready' | 'error';
  /** The agent's last injection record; undefined when it has none yet. */
  record?: WhyRecord;
  error?: string;
  /** The search box's text, and whether keys go into it. */
  query: string;
  typing: boolean;
  search?: { query: string; status: 'searching' | 'ready' | 'error'; rows: MemoryRow[]; error?: string };
  /** First body line shown. */
  scroll: number;
}

export interface AppState {
  cols: number;
  rows: number;
  color: boolean;
  project: string;
  budget: Budget;
  agents: AgentState[];
  /** Index into agents of the focused agent. */
  selected: number;
  grid: boolean;
  /** Keys go to the selected agent until the detach key. */
  attached: boolean;
  /** The handoff view, when open (it covers the pane area). */
  handoff?: HandoffPanel;
  /** The diff view, when open (it covers the pane area). */
  diff?: DiffPanel;
  /** The memory view, when open (it covers the pane area). */
  memory?: MemoryPanel;
  dialog?: Dialog;
  message?: Message;
  /** Clock for elapsed times: moved by the controller only while an agent runs. */
  now: number;
  /** Agents whose pane is scrolled back (not following the output). */
  scrolledBack: string[];
  /** `starting` until the supervisor has launched every agent. */
  phase: 'starting' | 'running';
}

export type Action =
  | { type: 'resize'; cols: number; rows: number }
  /** The supervisor's list, e.g. once it has started (replaces the placeholders). */
  | { type: 'agents'; agents: AgentState[] }
  /** One agent changed. */
  | { type: 'agent'; agent: AgentState }
  | { type: 'select'; index: number }
  | { type: 'move'; delta: number }
  | { type: 'toggleGrid' }
  | { type: 'attach' }
  | { type: 'detach' }
  | { type: 'openHandoff' }
  | { type: 'closeHandoff' }
  | { type: 'handoffLoaded'; data: HandoffView }
  | { type: 'handoffFailed'; error: string }
  | { type: 'handoffTab'; delta: number }
  | { type: 'handoffScroll'; delta: number }
  | { type: 'openDiff'; agent: string }
  | { type: 'diffLoaded'; agent: string; data: AgentDiff }
  | { type: 'diffFailed'; agent: string; error: string }
  | { type: 'diffScroll'; delta: number }
  | { type: 'closeDiff' }
  | { type: 'openMemory'; agent: string }
  | { type: 'memoryLoaded'; agent: string; record?: WhyRecord; error?: string }
  | { type: 'memoryTyping'; typing: boolean }
  | { type: 'memoryQuery'; query: string }
  | { type: 'memorySearch'; query: string }
  | { type: 'memoryResults'; query: string; rows?: MemoryRow[]; error?: string }
  | { type: 'memoryScroll'; delta: number }
  | { type: 'closeMemory' }
  | { type: 'askLand'; agent: string }
  | { type: 'landPlanned'; agent: string; plan?: LandPlan; error?: string }
  | { type: 'openHelp' }
  | { type: 'askQuit'; running: number }
  /** Ask before restarting or stopping a running agent. */
  | { type: 'askAgent'; action: AgentAction; agent: string }
  | { type: 'closeDialog' }
  | { type: 'message'; text: string; level: MessageLevel }
  | { type: 'clearMessage'; seq: number }
  | { type: 'tick'; now: number }
  | { type: 'scrolledBack'; agent: string; back: boolean }
  | { type: 'started' };
