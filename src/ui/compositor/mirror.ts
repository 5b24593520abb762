import type { IBufferLine } from '@xterm/headless';
import { diffRow } from './diff.js';
import { BG_HIDDEN, CellGrid, WIDTH_SHIFT } from './grid.js';
import { RowReader } from './read.js';
import { RowCache } from './rowcache.js';
import type { FrameWriter } from './writer.js';

// Ink wraps each render in a synchronized update (DEC mode 2026) when the output is a TTY.
export const BEGIN_SYNC = '\x1b[?2026h';
export const END_SYNC = '\x1b[?2026l';

/** A terminal emulator for the chrome alone (src/session/screen.ts's Screen fits). */
export interface MirrorScreen {
  readonly cols: number;
  readonly rows: number;
  /** Grows whenever what it shows may have changed. */
  readonly version: number;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  viewportLines(): (IBufferLine | undefined)[];
}

// The content word of a plain space (one column wide).
const SPACE = (1 << WIDTH_SHIFT) | 32;

/**
 * Row 0 of `now` as a blank line, where `want` has plain spaces (Ink pads with them) taken as
 * they are: both show nothing, and need not be written.
 */
function blankUnder(now: CellGrid, want: CellGrid): void {
  now.blank(0);
  const nw = now.words;
  const ww = want.words;
  for (let i = 0; i < ww.length; i += 3) {
    if (ww[i] === SPACE && ww[i + 1] === 0 && (ww[i + 2]! & ~BG_HIDDEN) === 0) {
      nw[i] = SPACE;
      nw[i + 2] = ww[i + 2]!;
    }
  }
}

// Characters of Ink's output kept unparsed at most (a few dozen frames).
const MAX_PENDING = 1 << 20;

const BLANK_LINE = -1;
const UNKNOWN_LINE = -2;

/** Terminal rows `top` to `bottom` (inclusive) scrolled up by `n`, full width. */
export interface Scroll {
  top: number;
  bottom: number;
  n: number;
}

/**
 * What Ink has drawn, replayed into a terminal emulator of the same size: the chrome as the user
 * sees it. A pane can then scroll with the terminal's own scroll region, which spans the full
 * width, and the chrome cells that moved with it are put back from here: streaming output
 * costs the new lines and a few chrome cells instead of every row of the pane.
 *
 * Ink writes every frame whole (incremental rendering is off), each in a synchronized update:
 * the mirror is trusted once it has seen a whole one, and again after each resize.
 */
export class ChromeMirror {
  private trusted = false;
  private begun = false;
  private readonly reader = new RowReader();
  // The chrome's cells (read from the screen when it changed) and one row of them being read.
  private cells!: CellGrid;
  private cellsVersion = -1;
  private row!: CellGrid;
  // By width of the part being put back: one row of what the terminal shows, one of what it should.
  private readonly parts = new Map<number, [now: CellGrid, want: CellGrid]>();
  // The bytes that put back each row's chrome over a blank line, for these cells and pane columns:
  // streaming brings in blank lines at the same rows frame after frame.
  private overBlank!: RowCache;
  private overBlankFor = '';
  // What Ink wrote since the last parse.
  private readonly pending: string[] = [];
  private pendingBytes = 0;

  constructor(private readonly screen: MirrorScreen) {
    this.size(screen.cols, screen.rows);
  }

  /** Whether it shows what Ink has drawn on a terminal of this size. */
  shows(cols: number, rows: number): boolean {
    return this.trusted && this.screen.cols === cols && this.screen.rows === rows;
  }

  /**
   * Ink wrote `text` to a terminal of `cols` × `rows`. It is parsed when next needed, not now:
   * between Ink's frame and the panes drawn over it, the terminal shows Ink's blank pane.
   */
  note(text: string, cols: number, rows: number): void {
    if (this.screen.cols !== cols || this.screen.rows !== rows) {
      // What Ink wrote for the old size is drawn over by its next whole frame.
      this.pending.length = this.pendingBytes = 0;
      this.screen.resize(cols, rows);
      this.size(cols, rows);
      this.trusted = this.begun = false;
    }
    if (text === BEGIN_SYNC) {
      this.begun = true;
      // While no pane scrolls, Ink's frames would pile up: parsed before the next one starts.
      if (this.pendingBytes > MAX_PENDING) this.parse();
    }
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (text === END_SYNC && this.begun) this.trusted = true;
  }

  /**
   * The terminal just scrolled `s`: the chrome cells on those rows, outside columns `x0` to `x1`
   * (exclusive, the pane), moved with it. Writes the ones that now differ from the chrome, where
   * `overdrawn(y)` says that row y showed something else than the chrome (the compositor's own).
   */
  repair(w: FrameWriter, s: Scroll, x0: number, x1: number, overdrawn: (y: number) => boolean): void {
    const cells = this.read();
    const key = `${this.cellsVersion}:${x0}:${x1}`;
    if (key !== this.overBlankFor) {
      this.overBlank.clear();
      this.overBlankFor = key;
    }
    for (let y = s.top; y <= s.bottom; y++) {
      // What row y shows now: the chrome of the row that moved onto it, a blank line the scroll
      // brought in, or something the compositor drew there (unknown).
      const from = y + s.n;
      const source = from > s.bottom ? BLANK_LINE : overdrawn(from) ? UNKNOWN_LINE : from;
      // Ink fills the pane's frame with blanks: when the whole rows match, the chrome does.
      if (source === from && cells.sameRow(y, cells, from)) continue;
      if (source !== BLANK_LINE) {
        this.repairParts(w, y, source, x0, x1);
        continue;
      }
      w.moveTo(0, y);
      if (this.overBlank.has(y)) {
        this.overBlank.replay(y, w);
        continue;
      }
      w.forgetStyle();
      const start = w.length;
      this.repairParts(w, y, source, x0, x1);
      this.overBlank.record(y, w, start);
    }
  }

  private repairParts(w: FrameWriter, y: number, source: number, x0: number, x1: number): void {
    this.repairPart(w, y, source, 0, x0);
    this.repairPart(w, y, source, x1, this.cells.width - x1);
  }

  // Columns x to x + width of row y, which shows `source`.
  private repairPart(w: FrameWriter, y: number, source: number, x: number, width: number): void {
    if (width <= 0) return;
    let part = this.parts.get(width);
    if (!part) this.parts.set(width, (part = [new CellGrid(width, 1), new CellGrid(width, 1)]));
    const [now, want] = part;
    want.takeRow(this.cells, y, x);
    if (source === BLANK_LINE) blankUnder(now, want);
    else if (source === UNKNOWN_LINE) now.forget();
    else now.takeRow(this.cells, source, x);
    diffRow(now, 0, want, w, x, y);
  }

  // Everything kept per row or column starts afresh at this size.
  private size(cols: number, rows: number): void {
    this.cells = new CellGrid(cols, rows);
    this.cellsVersion = -1;
    this.row = new CellGrid(cols, 1);
    this.overBlank = new RowCache(rows);
    this.overBlankFor = '';
    this.parts.clear();
  }

  private parse(): void {
    for (const text of this.pending) this.screen.write(text);
    this.pending.length = this.pendingBytes = 0;
  }

  private read(): CellGrid {
    this.parse();
    if (this.cellsVersion === this.screen.version) return this.cells;
    const lines = this.screen.viewportLines();
    for (let y = 0; y < this.cells.height; y++) {
      this.reader.read(lines[y], this.screen.cols, this.row);
      this.cells.setRow(y, this.row);
    }
    this.cellsVersion = this.screen.version;
    return this.cells;
  }
}
