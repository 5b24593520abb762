import type { CellGrid } from './grid.js';
import { widthOf } from './grid.js';
import { cha, cuf, cup, ech, sgr, VISIBLE_ON_BLANK } from './sgr.js';

// Unchanged cells between two changes are rewritten when there are this few of them: cheaper
// than a cursor move.
const MAX_GAP = 4;
// A run of blanks at least this long is erased (ECH) rather than printed.
const MIN_ERASE = 8;
const FLAG_MASK = (1 << 12) - 1;

/** Accumulates one frame: cursor moves, style changes and text, skipping redundant escapes. */
export class FrameWriter {
  out = '';
  private x = -1;
  private y = -1;
  private fg = -1;
  private bg = -1;
  private flags = -1;

  constructor(private readonly color: boolean) {}

  /** Puts the cursor at absolute (x, y) unless it is there already. */
  moveTo(x: number, y: number): void {
    if (x === this.x && y === this.y) return;
    this.out += y === this.y ? cha(x) : cup(x, y);
    this.x = x;
    this.y = y;
  }

  style(fg: number, bg: number, flags: number): void {
    if (!this.color) fg = bg = 0;
    if (fg === this.fg && bg === this.bg && flags === this.flags) return;
    this.out += sgr(fg, bg, flags, this.color);
    this.fg = fg;
    this.bg = bg;
    this.flags = flags;
  }

  /** Prints text covering `width` columns; `exact` false when the terminal may count them differently. */
  text(s: string, width: number, exact: boolean): void {
    this.out += s;
    this.x = exact ? this.x + width : -1;
  }

  /** Erases `n` cells from the cursor in the current background; the cursor moves past them when `skip`. */
  erase(n: number, skip: boolean): void {
    this.out += ech(n);
    if (skip) {
      this.out += cuf(n);
      this.x += n;
    }
  }
}

function isAscii(s: string): boolean {
  return s.length === 1 && s.charCodeAt(0) < 0x7f;
}

// Emoji and symbols whose width terminals disagree on (CJK ideographs they agree on).
function ambiguousWide(s: string): boolean {
  const cp = s.codePointAt(0) ?? 0;
  return cp < 0x2e80 || cp >= 0x1f000 || s.length > 2;
}

/**
 * Writes the cells of `row` (row 0 of a one-row grid) that differ from row `y` of `shown` into
 * `w`, at terminal origin (ox, oy + y), and records them in `shown`. Returns whether it wrote.
 */
export function diffRow(shown: CellGrid, y: number, row: CellGrid, w: FrameWriter, ox: number, oy: number): boolean {
  const width = shown.width;
  const base = y * width;
  const { chars, fg, bg, attr } = row;
  const same = (x: number): boolean =>
    attr[x] === shown.attr[base + x] &&
    fg[x] === shown.fg[base + x] &&
    bg[x] === shown.bg[base + x] &&
    chars[x] === shown.chars[base + x];
  let wrote = false;
  let x = 0;
  while (x < width) {
    if (same(x)) {
      x++;
      continue;
    }
    // A wide character is drawn whole: widen the span over both halves, old and new.
    let start = x;
    if (start > 0 && (widthOf(attr[start]!) === 0 || widthOf(shown.attr[base + start]!) === 0)) start--;
    let end = x + 1;
    for (let k = x + 1, gap = 0; k < width; k++) {
      if (!same(k)) {
        end = k + 1;
        gap = 0;
      } else if (++gap > MAX_GAP) break;
    }
    if (end < width && (widthOf(attr[end - 1]!) === 2 || widthOf(shown.attr[base + end - 1]!) === 2)) end++;
    emitSpan(row, start, end, w, ox, oy + y);
    for (let i = start; i < end; i++) {
      shown.chars[base + i] = chars[i]!;
      shown.fg[base + i] = fg[i]!;
      shown.bg[base + i] = bg[i]!;
      shown.attr[base + i] = attr[i]!;
    }
    wrote = true;
    x = end;
  }
  return wrote;
}

function emitSpan(row: CellGrid, start: number, end: number, w: FrameWriter, ox: number, ty: number): void {
  const { chars, fg, bg, attr } = row;
  let i = start;
  while (i < end) {
    const a = attr[i]!;
    const cw = widthOf(a);
    if (cw === 0) {
      i++;
      continue;
    }
    const text = chars[i]!;
    const flags = a & FLAG_MASK;
    if (text === ' ' && (flags & VISIBLE_ON_BLANK) === 0) {
      const b = bg[i]!;
      let j = i + 1;
      while (j < end && chars[j] === ' ' && bg[j] === b && ((attr[j]! & FLAG_MASK) & VISIBLE_ON_BLANK) === 0) j++;
      if (j - i >= MIN_ERASE) {
        w.moveTo(ox + i, ty);
        w.style(0, b, 0);
        w.erase(j - i, j < end);
        i = j;
        continue;
      }
    }
    if (cw === 2 && ambiguousWide(text)) {
      // Should the terminal draw it one column wide, its right half still shows a blank.
      w.moveTo(ox + i + 1, ty);
      w.style(fg[i]!, bg[i]!, flags);
      w.text(' ', 1, true);
    }
    w.moveTo(ox + i, ty);
    w.style(fg[i]!, bg[i]!, flags);
    w.text(text, cw, isAscii(text) || (cw === 2 && !ambiguousWide(text)) || (cw === 1 && text.length === 1));
    i += cw;
  }
}
