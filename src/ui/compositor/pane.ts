import { screenCursor } from './cursor.js';
import { diffRow, drawRow } from './diff.js';
import { CellGrid, FG_INVERSE, widthOf } from './grid.js';
import type { RowReader } from './read.js';
import { RowCache } from './rowcache.js';
import type { PaneSpec, Rect } from './types.js';
import type { Scroll } from './mirror.js';
import type { FrameWriter } from './writer.js';

const NO_SCREEN = -2;
/** Rows `top` to `bottom`, inclusive. */
interface Rows {
  top: number;
  bottom: number;
}
const NO_ROWS: Rows = { top: 0, bottom: -1 };
// Rows that must have moved for a frame to scroll the terminal instead of drawing them again.
const MIN_MOVED_ROWS = 2;

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
  /** The terminal scroll the last draw made (terminal rows), if it made one. */
  scrolled: Scroll | undefined;
  private readonly shown: CellGrid;
  // The rows to show, read from the screen before any is drawn; and one of them at a time.
  private readonly next: CellGrid;
  private readonly row: CellGrid;
  private readonly cache: RowCache;
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
    this.next = new CellGrid(this.clip.width, this.clip.height);
    this.row = new CellGrid(this.clip.width, 1);
    this.cache = new RowCache(this.clip.height);
  }

  /** Whether what this view drew is still on screen under `spec` in a terminal of this size. */
  keeps(spec: PaneSpec, cols: number, rows: number): boolean {
    return spec.screen === this.spec.screen && sameRect(clipRect(spec.rect, cols, rows), this.clip);
  }

  /** The terminal's content under the pane is unknown (overdrawn): draw every cell next time. */
  forget(): void {
    this.shown.forget();
    this.cache.clear();
    this.drawnVersion = -1;
  }

  /**
   * Writes the cells that changed since the last draw; returns whether anything was written.
   * With `canScroll` (nothing else shares the pane's rows, and the chrome on them can be put
   * back), rows that moved up together are moved by the terminal's scroll region.
   */
  draw(w: FrameWriter, canScroll = false): boolean {
    const { clip, next, row, shown } = this;
    this.scrolled = undefined;
    if (clip.width === 0 || clip.height === 0) return false;
    const screen = this.spec.screen;
    const cursor = this.cursorIndex();
    const version = screen ? screen.version : NO_SCREEN;
    if (version === this.drawnVersion && cursor === this.drawnCursor) return false;
    const cursorY = cursor < 0 ? -1 : Math.floor(cursor / clip.width);
    const lines = screen ? screen.viewportLines() : [];
    const cols = screen ? screen.cols : 0;
    for (let y = 0; y < clip.height; y++) {
      if (y < lines.length) this.reader.read(lines[y], cols, row);
      else row.blank(0);
      if (y === cursorY) markCursor(row, cursor - y * clip.width);
      next.setRow(y, row);
    }
    // The rows a scroll of the terminal brought in, blank (the rows that moved are in place).
    const fresh = canScroll ? this.scroll(w) : NO_ROWS;
    let wrote = fresh !== NO_ROWS;
    // How far up this frame's rows moved: 0 while not looked for, -1 when they did not.
    let shift = 0;
    for (let y = 0; y < clip.height; y++) {
      if (next.sameRow(y, shown, y)) continue;
      row.takeRow(next, y);
      wrote = true;
      if (shift === 0 && fresh === NO_ROWS) shift = this.findShift(y);
      const from = y + shift;
      if (shift > 0 && from < clip.height && this.cache.has(from) && row.sameRow(0, shown, from)) {
        // A row that only moved: the bytes that drew it, at its new place.
        w.moveTo(clip.x, clip.y + y);
        this.cache.replay(from, w);
        shown.copyRow(from, y);
        this.cache.move(from, y);
      } else if (shift > 0 || (y >= fresh.top && y <= fresh.bottom)) {
        // The pane scrolled: a row that did not move, or one the terminal's scroll brought in
        // blank, is new throughout, and moves next.
        w.moveTo(clip.x, clip.y + y);
        w.forgetStyle();
        const start = w.length;
        drawRow(shown, y, row, w, clip.x, clip.y);
        this.cache.record(y, w, start);
      } else {
        diffRow(shown, y, row, w, clip.x, clip.y);
        this.cache.drop(y);
      }
    }
    this.drawnVersion = version;
    this.drawnCursor = cursor;
    return wrote;
  }

  // When a block of the rows to show is what the terminal shows lower down (output that
  // streamed up), scrolls that block up into place, full width; returns the pane rows the
  // scroll brought in (NO_ROWS when it did not scroll).
  private scroll(w: FrameWriter): Rows {
    const { clip, next, shown } = this;
    const h = clip.height;
    // The first changed row with something on it says how far the rows moved (as findShift).
    let y = 0;
    while (y < h && (next.sameRow(y, shown, y) || next.isBlank(y))) y++;
    let from = y + 1;
    while (from < h && !next.sameRow(y, shown, from)) from++;
    if (y >= h || from >= h) return NO_ROWS;
    const n = from - y;
    let top = y;
    while (top > 0 && next.sameRow(top - 1, shown, top - 1 + n) && !next.sameRow(top - 1, shown, top - 1)) top--;
    let end = y + 1;
    while (end + n < h && next.sameRow(end, shown, end + n)) end++;
    if (end - top < MIN_MOVED_ROWS) return NO_ROWS;
    const bottom = end - 1 + n;
    w.scrollUp(clip.y + top, clip.y + bottom, n);
    for (let k = top; k <= bottom; k++) {
      if (k + n <= bottom) {
        shown.copyRow(k + n, k);
        this.cache.move(k + n, k);
      } else {
        shown.blank(k);
        this.cache.drop(k);
      }
    }
    this.scrolled = { top: clip.y + top, bottom: clip.y + bottom, n };
    return { top: end, bottom };
  }

  // How far up the rows moved, judged by changed row y (in this.row): the distance to the row it
  // was, -1 when it was none, 0 (judge by the next changed row) when it is blank.
  private findShift(y: number): number {
    if (this.row.isBlank(0)) return 0;
    for (let from = y + 1; from < this.clip.height; from++) if (this.row.sameRow(0, this.shown, from)) return from - y;
    return -1;
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
