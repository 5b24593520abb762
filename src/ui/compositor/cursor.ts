import type { Terminal as XTerminal } from '@xterm/headless';
import type { Screen } from '../../session/screen.js';

/** The agent's cursor in viewport coordinates; `visible` is false when hidden or scrolled out of view. */
export interface ScreenCursor {
  x: number;
  y: number;
  visible: boolean;
}

// Screen publishes its cursor only inside snapshot(), which builds every row's runs: far too
// much work per frame. Until Screen has a cursor accessor of its own, read the same fields it
// reads (its terminal and its hidden-cursor flag), and fall back to snapshot() if they move.
interface ScreenInternals {
  term?: XTerminal;
  cursorHidden?: boolean;
  cursor?: ScreenCursor;
}

/** Where the agent's cursor is, cheaply. */
export function screenCursor(screen: Screen): ScreenCursor {
  const inner = screen as unknown as ScreenInternals;
  if (inner.cursor && typeof inner.cursor.x === 'number') return inner.cursor;
  const term = inner.term;
  if (!term || typeof inner.cursorHidden !== 'boolean') return screen.snapshot().cursor;
  const buffer = term.buffer.active;
  const y = buffer.baseY + buffer.cursorY - buffer.viewportY;
  return {
    x: Math.min(buffer.cursorX, term.cols - 1),
    y,
    visible: !inner.cursorHidden && y >= 0 && y < term.rows,
  };
}
