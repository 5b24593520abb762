import type { CellGrid } from './grid.js';
import {
  BG_OVERLINE,
  CODEPOINT_MASK,
  COLOR_MASK,
  FG_INVERSE,
  FG_INVISIBLE,
  FG_STRIKETHROUGH,
  FG_UNDERLINE,
  IS_COMBINED,
  WIDTH_SHIFT,
  flagsOf,
  widthOf,
} from './grid.js';
import type { FrameWriter } from './writer.js';

// Unchanged cells between two changes are rewritten when there are this few of them: cheaper
// than a cursor move.
const MAX_GAP = 4;
// A run of blanks at least this long is erased (ECH) rather than printed.
const MIN_ERASE = 8;
const FG_SHOWS_ON_BLANK = FG_INVERSE | FG_UNDERLINE | FG_STRIKETHROUGH;
// The content word of a one-column cell whose character is code point 0 (add the code point).
const ONE_WIDE = 1 << WIDTH_SHIFT;

function sameCell(row: CellGrid, x: number, shown: CellGrid, k: number): boolean {
  const nw = row.words;
  const sw = shown.words;
  const i = x * 3;
  const j = k * 3;
  const content = nw[i]!;
  return (
    content === sw[j] &&
    nw[i + 1] === sw[j + 1] &&
    nw[i + 2] === sw[j + 2] &&
    ((content & IS_COMBINED) === 0 || row.combined[x] === shown.combined[k])
  );
}

/**
 * Writes the cells of `row` (a one-row grid) that differ from row `y` of `shown` into `w`, at
 * terminal origin (ox, oy + y), and records them in `shown`. Returns whether it wrote.
 */
export function diffRow(shown: CellGrid, y: number, row: CellGrid, w: FrameWriter, ox: number, oy: number): boolean {
  const width = shown.width;
  const base = y * width;
  const nw = row.words;
  const sw = shown.words;
  let wrote = false;
  let x = 0;
  while (x < width) {
    while (x < width && sameCell(row, x, shown, base + x)) x++;
    if (x === width) break;
    // A wide character is drawn whole: widen the span over both halves, old and new.
    let start = x;
    if (start > 0 && (widthOf(nw[start * 3]!) === 0 || widthOf(sw[(base + start) * 3]!) === 0)) start--;
    let end = x + 1;
    for (let k = x + 1, gap = 0; k < width; k++) {
      if (!sameCell(row, k, shown, base + k)) {
        end = k + 1;
        gap = 0;
      } else if (++gap > MAX_GAP) break;
    }
    if (end < width && (widthOf(nw[(end - 1) * 3]!) === 2 || widthOf(sw[(base + end - 1) * 3]!) === 2)) end++;
    emitSpan(row, start, end, w, ox, oy + y);
    shown.setRow(y, row, start, end);
    wrote = true;
    x = end;
  }
  return wrote;
}

/**
 * Writes every cell of `row` at terminal origin (ox, oy + y), whatever `shown` holds there, and
 * records them as row `y` of `shown`: for a row that changed throughout, cheaper than a diff.
 */
export function drawRow(shown: CellGrid, y: number, row: CellGrid, w: FrameWriter, ox: number, oy: number): void {
  emitSpan(row, 0, row.width, w, ox, oy + y);
  shown.setRow(y, row);
}

// An empty or space cell on the default background, showing nothing: runs of them are erased.
// (Erasing fills with the current background only where the terminal has "background colour
// erase"; coloured blanks are printed, which works everywhere.)
function isBlank(content: number, fg: number, bg: number): boolean {
  const cp = content & (CODEPOINT_MASK | IS_COMBINED);
  return (
    (cp === 0 || cp === 32 || ((fg & FG_INVISIBLE) !== 0 && (content & IS_COMBINED) === 0)) &&
    widthOf(content) === 1 &&
    (fg & FG_SHOWS_ON_BLANK) === 0 &&
    (bg & (COLOR_MASK | BG_OVERLINE)) === 0
  );
}

// Emoji and symbols whose width terminals disagree on (CJK ideographs they agree on).
function ambiguousWide(cp: number): boolean {
  return cp < 0x2e80 || cp >= 0x1f000;
}

function emitSpan(row: CellGrid, start: number, end: number, w: FrameWriter, ox: number, ty: number): void {
  const words = row.words;
  // Consecutive cells mostly share a style: compare the raw words before decoding them.
  let styledFg = -1;
  let styledBg = -1;
  let x = start;
  w.moveTo(ox + x, ty);
  while (x < end) {
    const i = x * 3;
    const content = words[i]!;
    const fg = words[i + 1]!;
    const bg = words[i + 2]!;
    const cw = widthOf(content);
    if (cw === 0) {
      x++;
      continue;
    }
    const cp = content & CODEPOINT_MASK;
    if ((cp === 0 || cp === 32 || (fg & FG_INVISIBLE) !== 0) && isBlank(content, fg, bg)) {
      const j = blankRunEnd(words, x + 1, end);
      if (j - x >= MIN_ERASE) {
        w.moveTo(ox + x, ty);
        w.style(0, 0, 0);
        styledFg = styledBg = -1;
        w.erase(j - x, j < end);
        x = j;
        continue;
      }
    }
    if (fg !== styledFg || bg !== styledBg) {
      w.style(fg & COLOR_MASK, bg & COLOR_MASK, flagsOf(fg, bg));
      styledFg = fg;
      styledBg = bg;
    }
    if (cw === 1 && (content & IS_COMBINED) === 0 && (fg & FG_INVISIBLE) === 0) {
      w.moveTo(ox + x, ty);
      if (cp > 32 && cp < 127) {
        // Most of a log line: printable ASCII in one style, written as a run.
        const run = asciiRun(words, x, end, fg, bg);
        w.asciiCells(words, i, run);
        x += run;
        continue;
      }
      w.codePoint(cp === 0 ? 32 : cp, 1, true);
      x++;
      continue;
    }
    emitOther(row, x, content, fg, w, ox, ty);
    x += cw;
  }
}

// Where the run of blank cells from `x` on ends. Most blanks are the terminal's default empty
// cell or a plain space: those words are compared as they are, the rest decoded (a row is mostly
// blank past its text, and this loop runs over every such cell of every new row).
function blankRunEnd(words: Uint32Array, x: number, end: number): number {
  let j = x;
  for (let i = j * 3; j < end; j++, i += 3) {
    const c = words[i]!;
    if ((c === ONE_WIDE || c === ONE_WIDE + 32) && words[i + 1] === 0 && (words[i + 2]! & (COLOR_MASK | BG_OVERLINE)) === 0) continue;
    if (!isBlank(c, words[i + 1]!, words[i + 2]!)) break;
  }
  return j;
}

// How many cells from `x` on are printable ASCII in style (fg, bg); single spaces between them
// count, two blanks end the run (they may start a run worth erasing).
function asciiRun(words: Uint32Array, x: number, end: number, fg: number, bg: number): number {
  let j = x + 1;
  for (; j < end; j++) {
    const i = j * 3;
    const c = words[i]!;
    if (words[i + 1] !== fg || words[i + 2] !== bg) break;
    if (c > ONE_WIDE + 32 && c < ONE_WIDE + 127) continue;
    if (c !== ONE_WIDE + 32 || j + 1 >= end) break;
    const after = words[i + 3]!;
    if (!(after > ONE_WIDE + 32 && after < ONE_WIDE + 127) || words[i + 4] !== fg || words[i + 5] !== bg) break;
  }
  return j - x;
}

// Wide, combined and invisible cells.
function emitOther(row: CellGrid, x: number, content: number, fg: number, w: FrameWriter, ox: number, ty: number): void {
  const cw = widthOf(content);
  const combined = (content & IS_COMBINED) !== 0;
  const invisible = (fg & FG_INVISIBLE) !== 0;
  const cp = content & CODEPOINT_MASK;
  if (cw === 2 && (combined || invisible || ambiguousWide(cp))) {
    // Should the terminal draw it one column wide, its right half still shows a blank.
    w.moveTo(ox + x + 1, ty);
    w.codePoint(32, 1, true);
    w.moveTo(ox + x, ty);
    if (invisible || cp === 0) w.ascii('  ');
    else if (combined) w.chars(row.combined[x] ?? ' ', cw, false);
    else w.codePoint(cp, cw, false);
    w.forgetColumn();
    return;
  }
  w.moveTo(ox + x, ty);
  if (invisible) w.chars(cw === 2 ? '  ' : ' ', cw, true);
  else if (combined) w.chars(row.combined[x] ?? ' ', cw, false);
  else w.codePoint(cp === 0 ? 32 : cp, cw, true);
}
