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

/**
 * Writes the cells of `row` (a one-row grid) that differ from row `y` of `shown` into `w`, at
 * terminal origin (ox, oy + y), and records them in `shown`. Returns whether it wrote.
 */
export function diffRow(shown: CellGrid, y: number, row: CellGrid, w: FrameWriter, ox: number, oy: number): boolean {
  const width = shown.width;
  const base = y * width;
  const nw = row.words;
  const sw = shown.words;
  const b3 = base * 3;
  const same = (x: number): boolean => {
    const i = x * 3;
    const content = nw[i]!;
    return (
      content === sw[b3 + i] &&
      nw[i + 1] === sw[b3 + i + 1] &&
      nw[i + 2] === sw[b3 + i + 2] &&
      ((content & IS_COMBINED) === 0 || row.combined[x] === shown.combined[base + x])
    );
  };
  let wrote = false;
  let x = 0;
  while (x < width) {
    if (same(x)) {
      x++;
      continue;
    }
    // A wide character is drawn whole: widen the span over both halves, old and new.
    let start = x;
    if (start > 0 && (widthOf(nw[start * 3]!) === 0 || widthOf(sw[b3 + start * 3]!) === 0)) start--;
    let end = x + 1;
    for (let k = x + 1, gap = 0; k < width; k++) {
      if (!same(k)) {
        end = k + 1;
        gap = 0;
      } else if (++gap > MAX_GAP) break;
    }
    if (end < width && (widthOf(nw[(end - 1) * 3]!) === 2 || widthOf(sw[b3 + (end - 1) * 3]!) === 2)) end++;
    emitSpan(row, start, end, w, ox, oy + y);
    sw.set(nw.subarray(start * 3, end * 3), b3 + start * 3);
    for (let i = start; i < end; i++) if (nw[i * 3]! & IS_COMBINED) shown.combined[base + i] = row.combined[i];
    wrote = true;
    x = end;
  }
  return wrote;
}

function isBlank(content: number, fg: number, bg: number): boolean {
  return (
    (content & IS_COMBINED) === 0 &&
    ((content & CODEPOINT_MASK) === 0 || (content & CODEPOINT_MASK) === 32 || (fg & FG_INVISIBLE) !== 0) &&
    widthOf(content) === 1 &&
    (fg & FG_SHOWS_ON_BLANK) === 0 &&
    (bg & BG_OVERLINE) === 0
  );
}

// Emoji and symbols whose width terminals disagree on (CJK ideographs they agree on).
function ambiguousWide(s: string): boolean {
  const cp = s.codePointAt(0) ?? 0;
  return cp < 0x2e80 || cp >= 0x1f000 || s.length > 2;
}

function emitSpan(row: CellGrid, start: number, end: number, w: FrameWriter, ox: number, ty: number): void {
  const words = row.words;
  let x = start;
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
    if (isBlank(content, fg, bg)) {
      let j = x + 1;
      while (j < end && words[j * 3 + 2] === bg && isBlank(words[j * 3]!, words[j * 3 + 1]!, bg)) j++;
      if (j - x >= MIN_ERASE) {
        w.moveTo(ox + x, ty);
        w.style(0, bg & COLOR_MASK, 0);
        w.erase(j - x, j < end);
        x = j;
        continue;
      }
    }
    const invisible = (fg & FG_INVISIBLE) !== 0;
    const text = invisible ? (cw === 2 ? '  ' : ' ') : row.charsAt(x);
    const flags = flagsOf(fg, bg);
    const combined = (content & IS_COMBINED) !== 0;
    const wideRisk = cw === 2 && ambiguousWide(text);
    if (wideRisk) {
      // Should the terminal draw it one column wide, its right half still shows a blank.
      w.moveTo(ox + x + 1, ty);
      w.style(fg & COLOR_MASK, bg & COLOR_MASK, flags);
      w.text(' ', 1, true);
    }
    w.moveTo(ox + x, ty);
    w.style(fg & COLOR_MASK, bg & COLOR_MASK, flags);
    w.text(text, cw, !combined && !wideRisk);
    x += cw;
  }
}
