import type { IBufferCell, IBufferLine } from '@xterm/headless';
import {
  BLANK,
  CODEPOINT_MASK,
  FG_BLINK,
  FG_BOLD,
  FG_INVERSE,
  FG_INVISIBLE,
  FG_STRIKETHROUGH,
  FG_UNDERLINE,
  BG_DIM,
  BG_HIDDEN,
  BG_ITALIC,
  BG_OVERLINE,
  IS_COMBINED,
  WIDTH_SHIFT,
  widthOf,
} from './grid.js';
import { CellGrid } from './grid.js';

// Lines compared cell by cell against the public API before the bulk copy is trusted.
const LINES_TO_VERIFY = 16;

/** The terminal's own storage behind an IBufferLine (not part of its API: checked before use). */
interface LineInternals {
  _line?: { _data?: unknown; _combined?: Record<number, string> };
}

/**
 * Reads screen lines into one-row grids. Reading 10,000 cells through the terminal's cell API
 * costs a few hundred microseconds, a large share of a frame's budget at 30 frames per second;
 * copying the line's own word array is nearly free. The copy is used once it has matched the
 * API on the first lines with content, and never if its layout ever differs.
 */
export class RowReader {
  /** Whether lines are copied in bulk: undefined while still checking, false when the API is used. */
  bulk: boolean | undefined;
  private verified = 0;
  private cell: IBufferCell | undefined;
  private checkRow: CellGrid | undefined;

  /** `api` reads every cell through the terminal's API (the reference the bulk copy is checked against). */
  constructor(mode: 'auto' | 'api' = 'auto') {
    if (mode === 'api') this.bulk = false;
  }

  /** Row 0 of `row` (as wide as the clip) from `line` of a `cols`-column screen; blank past either. */
  read(line: IBufferLine | undefined, cols: number, row: CellGrid): void {
    const w = row.width;
    const n = line ? Math.min(cols, w, line.length) : 0;
    row.mayCombine[0] = 0;
    if (n > 0) {
      if (this.bulk === false || !this.readBulk(line!, n, row)) this.readApi(line!, n, row);
      else if (this.bulk === undefined) this.verify(line!, n, row);
    }
    if (n < w) row.blank(0, n);
    // A wide character whose right half is clipped away cannot be drawn: a blank instead.
    const last = (w - 1) * 3;
    if (w > 0 && widthOf(row.words[last]!) === 2) row.words[last] = BLANK;
  }

  // Background bits the API does not show stay in the copy: drawing ignores them.
  private readBulk(line: IBufferLine, n: number, row: CellGrid): boolean {
    const inner = (line as unknown as LineInternals)._line;
    const data = inner?._data;
    if (!(data instanceof Uint32Array) || data.length < n * 3) return false;
    const words = row.words;
    words.set(data.length === n * 3 ? data : data.subarray(0, n * 3), 0);
    // The line keeps the characters of its combined cells aside: none kept, none to look for.
    const aside = inner?._combined;
    if (!aside || !hasKeys(aside)) return true;
    row.mayCombine[0] = 1;
    for (let x = 0, i = 0; x < n; x++, i += 3) if (words[i]! & IS_COMBINED) row.combined[x] = aside[x] ?? ' ';
    return true;
  }

  private readApi(line: IBufferLine, n: number, row: CellGrid): void {
    const words = row.words;
    row.mayCombine[0] = 0;
    for (let x = 0, i = 0; x < n; x++, i += 3) {
      const c = line.getCell(x, this.cell);
      if (!c) {
        row.blank(0, x);
        return;
      }
      this.cell = c;
      const chars = c.getChars();
      const cp = chars === '' ? 0 : chars.codePointAt(0)!;
      const combined = chars.length > (cp > 0xffff ? 2 : 1);
      words[i] = (c.getWidth() << WIDTH_SHIFT) | (combined ? IS_COMBINED : cp & CODEPOINT_MASK);
      if (combined) {
        row.combined[x] = chars;
        row.mayCombine[0] = 1;
      }
      if (c.isAttributeDefault()) {
        words[i + 1] = 0;
        words[i + 2] = 0;
        continue;
      }
      const fgMode = c.getFgColorMode();
      const bgMode = c.getBgColorMode();
      words[i + 1] =
        (fgMode === 0 ? 0 : fgMode | c.getFgColor()) |
        (c.isInverse() ? FG_INVERSE : 0) |
        (c.isBold() ? FG_BOLD : 0) |
        (c.isUnderline() ? FG_UNDERLINE : 0) |
        (c.isBlink() ? FG_BLINK : 0) |
        (c.isInvisible() ? FG_INVISIBLE : 0) |
        (c.isStrikethrough() ? FG_STRIKETHROUGH : 0);
      words[i + 2] =
        (bgMode === 0 ? 0 : bgMode | c.getBgColor()) |
        (c.isItalic() ? BG_ITALIC : 0) |
        (c.isDim() ? BG_DIM : 0) |
        (c.isOverline() ? BG_OVERLINE : 0);
    }
  }

  // The bulk copy must say what the API says, cell for cell (combined cells: their characters).
  private verify(line: IBufferLine, n: number, row: CellGrid): void {
    const copy = row.words;
    let blank = true;
    for (let i = 0; i < n * 3 && blank; i += 3) blank = (copy[i]! & CODEPOINT_MASK) === 0 && copy[i + 1] === 0 && (copy[i + 2]! & ~BG_HIDDEN) === 0;
    if (blank) return;
    if (this.checkRow?.width !== row.width) this.checkRow = new CellGrid(row.width, 1);
    const api = this.checkRow;
    this.readApi(line, n, api);
    for (let x = 0; x < n; x++) {
      const i = x * 3;
      const same =
        copy[i] === api.words[i] &&
        copy[i + 1] === api.words[i + 1] &&
        (copy[i + 2]! & ~BG_HIDDEN) === api.words[i + 2] &&
        (!(copy[i]! & IS_COMBINED) || row.combined[x] === api.combined[x]);
      if (!same) {
        this.bulk = false;
        row.words.set(api.words.subarray(0, n * 3));
        for (let k = 0; k < n; k++) row.combined[k] = api.combined[k];
        row.mayCombine[0] = api.mayCombine[0]!;
        return;
      }
    }
    if (++this.verified >= LINES_TO_VERIFY) this.bulk = true;
  }
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
