import type { Screen } from '../../session/screen.js';

/** 0-based terminal cells: the content area of a pane (inside its border). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One live pane: which agent screen shows where. */
export interface PaneSpec {
  id: string;
  rect: Rect;
  /** Undefined while the agent has no terminal: the rect is kept blank. */
  screen: Screen | undefined;
  /** Attached: show the agent's cursor. */
  showCursor: boolean;
}

/** Where frames go: the user's terminal (process.stdout satisfies it). */
export interface TerminalOutput {
  write(s: string): void;
  columns: number;
  rows: number;
}
