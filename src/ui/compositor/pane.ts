import { screenCursor } from './cursor.js';
import { diffRow } from './diff.js';
import { CellGrid, FG_INVERSE, widthOf } from './grid.js';
import type { RowReader } from './read.js';
import type { PaneSpec, Rect } from './types.js';
import type { FrameWriter } from './writer.js';

const NO_SCREEN = -2;

/** The part of `rect` inside a terminal of `cols` × `rows` (empty when it starts outside). */
export function clipRect(rect: Rect, cols: number, rows: number): Rect {
  if (rect.x < 0 || rect.y < 0) return { x: 0, y: 0, width: 0, height: 0 };
  return {
    x: rect.x,
    y: rect.y,
    width: Math.max(0, Math.min(rect.width, cols - rect.x)),
    height: Math.max(0, Math.min(rect.height, rows - rect.y)),
  };
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** One pane: its spec, and what the terminal shows inside its (clipped) rect. */
export class PaneView {
  readonly clip: Rect;
  private readonly shown: CellGrid;
  private readonly row: CellGrid;
  private drawnVersion = -1;
  private drawnCursor = -1;

  constructor(
    public spec: PaneSpec,
    cols: number,
    rows: number,
    private readonly reader: RowReader,
  ) {
    this.clip = clipRect(spec.rect, cols, rows);
    this.shown = new CellGrid(this.clip.width, this.clip.height);
    this.row = new CellGrid(this.clip.width, 1);
  }

  /** Whether what this view drew is still on screen under `spec` in a terminal of this size. */
  keeps(spec: PaneSpec, cols: number, rows: number): boolean {
    return spec.screen === this.spec.screen && sameRect(clipRect(spec.rect, cols, rows), this.clip);
  }

  /** The terminal's content under the pane is unknown (overdrawn): draw every cell next time. */
  forget(): void {
    this.shown.forget();
    this.drawnVersion = -1;
  }

  /** Writes the cells that changed since the last draw; returns whether anything was written. */
  draw(w: FrameWriter): boolean {
    const { clip, row, shown } = this;
    if (clip.width === 0 || clip.height === 0) return false;
    const screen = this.spec.screen;
    const cursor = this.cursorIndex();
    const version = screen ? screen.version : NO_SCREEN;
    if (version === this.drawnVersion && cursor === this.drawnCursor) return false;
    const cursorY = cursor < 0 ? -1 : Math.floor(cursor / clip.width);
    let wrote = false;
    const rows = screen ? screen.rows : 0;
    const cols = screen ? screen.cols : 0;
    for (let y = 0; y < clip.height; y++) {
      if (screen && y < rows) this.reader.read(screen.viewportLine(y), cols, row);
      else row.blank(0);
      if (y === cursorY) markCursor(row, cursor - y * clip.width);
      if (diffRow(shown, y, row, w, clip.x, clip.y)) wrote = true;
    }
    this.drawnVersion = version;
    this.drawnCursor = cursor;
    return wrote;
  }

  // The agent's cursor as an index into the clip (-1: not drawn).
  private cursorIndex(): number {
    const screen = this.spec.screen;
    if (!screen || !this.spec.showCursor) return -1;
    const c = screenCursor(screen);
    if (!c.visible || c.x >= this.clip.width || c.y >= this.clip.height || c.x < 0 || c.y < 0) return -1;
    return c.y * this.clip.width + c.x;
  }
}

// The cursor is drawn as an inverted cell (the whole character when it sits on a wide one's right half).
function markCursor(row: CellGrid, x: number): void {
  if (x > 0 && widthOf(row.words[x * 3]!) === 0) x--;
  row.words[x * 3 + 1] = row.words[x * 3 + 1]! ^ FG_INVERSE;
}
