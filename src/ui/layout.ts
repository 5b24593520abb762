/**
 * Where everything goes, from the terminal size alone: the sidebar, the pane area, grid tiles,
 * the status line and the key bar. Pure, so the Ink tree and the pane compositor (which draws
 * the live panes straight to the terminal) agree to the cell.
 */

/** 0-based terminal cells. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  cols: number;
  /**
   * Rows Ink draws: one fewer than the terminal has, because Ink clears and redraws the whole
   * screen on every frame once its output is as tall as the terminal.
   */
  height: number;
  sidebar: Rect;
  /** The frame around the focused pane, the handoff view or a dialog. */
  paneArea: Rect;
  statusRow: number;
  keyRow: number;
}

/** The smallest terminal the layout is designed for; below it the TUI asks for more room. */
export const MIN_COLS = 50;
export const MIN_ROWS = 12;

/** Sidebar width for a terminal width: the SPEC's 25 columns at 80, a little more when wide. */
export function sidebarWidth(cols: number): number {
  if (cols < 70) return 22;
  if (cols < 100) return 25;
  if (cols < 140) return 28;
  return 32;
}

/** The layout of a `cols` × `rows` terminal. */
export function computeLayout(cols: number, rows: number): Layout {
  const width = Math.max(cols, 1);
  const height = Math.max(rows - 1, 3);
  const mainHeight = Math.max(height - 2, 1);
  const side = Math.min(sidebarWidth(width), Math.max(width - 10, 1));
  return {
    cols: width,
    height,
    sidebar: { x: 0, y: 0, width: side, height: mainHeight },
    paneArea: { x: side, y: 0, width: Math.max(width - side, 1), height: mainHeight },
    statusRow: height - 2,
    keyRow: height - 1,
  };
}

/** The inside of a frame drawn with a one-cell border. */
export function contentOf(frame: Rect): Rect {
  return { x: frame.x + 1, y: frame.y + 1, width: Math.max(frame.width - 2, 1), height: Math.max(frame.height - 2, 1) };
}

/** Columns and rows of tiles for `n` panes in `area`: the arrangement whose tiles are largest at a terminal-like shape. */
export function gridShape(area: Pick<Rect, 'width' | 'height'>, n: number): { columns: number; rows: number } {
  let best = { columns: 1, rows: Math.max(n, 1) };
  let bestScore = -1;
  for (let columns = 1; columns <= Math.max(n, 1); columns++) {
    const rows = Math.ceil(n / columns);
    const w = Math.floor(area.width / columns) - 2;
    const h = Math.floor(area.height / rows) - 2;
    if (w < 1 || h < 1) continue;
    // A character cell is about twice as tall as wide: score the largest 3:1 (cells) box that fits.
    const score = Math.min(w, h * 3) * Math.min(h, w / 3);
    if (score > bestScore) {
      bestScore = score;
      best = { columns, rows };
    }
  }
  return best;
}

/** Frames of `n` tiles filling `area`, left to right then top to bottom; spare cells go to the last column and row. */
export function gridTiles(area: Rect, n: number): Rect[] {
  if (n <= 0) return [];
  const { columns, rows } = gridShape(area, n);
  const w = Math.floor(area.width / columns);
  const h = Math.floor(area.height / rows);
  const tiles: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % columns;
    const r = Math.floor(i / columns);
    const lastInRow = c === columns - 1 || i === n - 1;
    const lastRow = r === rows - 1;
    tiles.push({
      x: area.x + c * w,
      y: area.y + r * h,
      width: lastInRow ? area.x + area.width - (area.x + c * w) : w,
      height: lastRow ? area.height - r * h : h,
    });
  }
  return tiles;
}
