/**
 * Which agents' terminals show where, and the size each agent's PTY should have. Pure: the
 * components draw the frames from it and the controller hands the insides to the compositor.
 */
import { computeLayout, contentOf, gridTiles, MIN_COLS, MIN_ROWS, type Rect } from './layout.js';
import type { AgentState } from '../supervisor/agentState.js';
import type { AppState } from './state/types.js';

export interface PaneSlot {
  /** The agent's name. */
  id: string;
  /** Index into state.agents. */
  index: number;
  frame: Rect;
  content: Rect;
}

/** Whether the agent has a terminal to show yet (else its pane says it is starting). */
export function hasTerminal(a: Pick<AgentState, 'status' | 'pid'>): boolean {
  return !(a.status === 'starting' && a.pid === undefined);
}

/** Below the smallest size the layout is designed for. */
export function tooSmall(state: Pick<AppState, 'cols' | 'rows'>): boolean {
  return state.cols < MIN_COLS || state.rows < MIN_ROWS;
}

/** Frames of the panes view (the selected agent, or every agent tiled), ignoring overlays. */
export function paneSlots(state: Pick<AppState, 'cols' | 'rows' | 'agents' | 'selected' | 'grid'>): PaneSlot[] {
  if (state.agents.length === 0) return [];
  const { paneArea } = computeLayout(state.cols, state.rows);
  if (state.grid && state.agents.length > 1) {
    return gridTiles(paneArea, state.agents.length).map((frame, index) => ({ id: state.agents[index]!.name, index, frame, content: contentOf(frame) }));
  }
  const index = Math.min(state.selected, state.agents.length - 1);
  return [{ id: state.agents[index]!.name, index, frame: paneArea, content: contentOf(paneArea) }];
}

/** The live panes on screen now: none while the handoff view, a dialog or a too-small notice covers them. */
export function visibleSlots(state: AppState): PaneSlot[] {
  if (state.handoff || state.diff || state.memory || state.dialog || tooSmall(state)) return [];
  return paneSlots(state);
}

/**
 * Every agent's PTY size: its tile in the grid, else the single pane's inside, so an agent not
 * on screen is ready to be shown without a resize. Overlays do not change it.
 */
export function agentSizes(state: Pick<AppState, 'cols' | 'rows' | 'agents' | 'selected' | 'grid'>): Map<string, { cols: number; rows: number }> {
  const single = contentOf(computeLayout(state.cols, state.rows).paneArea);
  const sizes = new Map<string, { cols: number; rows: number }>();
  for (const a of state.agents) sizes.set(a.name, { cols: Math.max(single.width, 2), rows: Math.max(single.height, 1) });
  if (state.grid) for (const slot of paneSlots(state)) sizes.set(slot.id, { cols: Math.max(slot.content.width, 2), rows: Math.max(slot.content.height, 1) });
  return sizes;
}
