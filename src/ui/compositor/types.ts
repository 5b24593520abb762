import type { Screen } from '../../session/screen.js';
import type { Line } from '../state/styled.js';

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
  write(s: string | Uint8Array): void;
  columns: number;
  rows: number;
  /** Bytes written but not taken by the terminal yet (a stream's queue). */
  readonly writableLength?: number;
}

/** A row of chrome text the compositor draws over Ink's frame: `line` from (x, y). */
export interface TextRow {
  x: number;
  y: number;
  line: Line;
}
