import type { IBufferCell, IBufferLine } from '@xterm/headless';
import { BLINK, BOLD, DIM, INVERSE, ITALIC, OVERLINE, STRIKETHROUGH, UNDERLINE } from './sgr.js';

/** Cell attributes: style flags in the low bits, the cell's width (0, 1 or 2) from this bit on. */
export const WIDTH_SHIFT = 12;
/** An attribute no real cell has: the terminal's content there is unknown. */
export const UNKNOWN = -1;
const NARROW = 1 << WIDTH_SHIFT;

/** The width (0 for the right half of a wide character, 1 or 2) of packed attributes. */
export function widthOf(attr: number): number {
  return attr === UNKNOWN ? 1 : (attr >> WIDTH_SHIFT) & 3;
}

/** A rectangle of cells in flat arrays (row-major): what a pane shows, or one row read from a screen. */
export class CellGrid {
  readonly chars: string[];
  readonly fg: Int32Array;
  readonly bg: Int32Array;
  readonly attr: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const size = width * height;
    this.chars = new Array<string>(size).fill(' ');
    this.fg = new Int32Array(size);
    this.bg = new Int32Array(size);
    this.attr = new Int32Array(size).fill(UNKNOWN);
  }

  /** Forgets what the terminal shows: every cell is drawn again. */
  forget(): void {
    this.attr.fill(UNKNOWN);
  }

  /** Fills row `y` from column `from` on with default blanks. */
  blank(y: number, from = 0): void {
    const base = y * this.width;
    for (let x = from; x < this.width; x++) {
      this.chars[base + x] = ' ';
      this.fg[base + x] = 0;
      this.bg[base + x] = 0;
      this.attr[base + x] = NARROW;
    }
  }
}

function flagsOf(cell: IBufferCell): number {
  return (
    (cell.isBold() ? BOLD : 0) |
    (cell.isDim() ? DIM : 0) |
    (cell.isItalic() ? ITALIC : 0) |
    (cell.isUnderline() ? UNDERLINE : 0) |
    (cell.isBlink() ? BLINK : 0) |
    (cell.isInverse() ? INVERSE : 0) |
    (cell.isStrikethrough() ? STRIKETHROUGH : 0) |
    (cell.isOverline() ? OVERLINE : 0)
  );
}

/**
 * Reads one screen line into row 0 of `row` (its width is the clip width), reusing `cell`;
 * columns past the line or the screen are blank, and a wide character whose right half is
 * clipped away becomes a blank. Returns the cell object to reuse next time.
 */
export function readRow(
  line: IBufferLine | undefined,
  cols: number,
  row: CellGrid,
  cell: IBufferCell | undefined,
): IBufferCell | undefined {
  const w = row.width;
  const n = line ? Math.min(cols, w) : 0;
  const { chars, fg, bg, attr } = row;
  let x = 0;
  for (; x < n; x++) {
    const c = line!.getCell(x, cell);
    if (!c) break;
    cell = c;
    let width = c.getWidth();
    let text = c.getChars();
    let flags = 0;
    if (c.isAttributeDefault()) {
      fg[x] = 0;
      bg[x] = 0;
    } else {
      // A default colour reads as -1: keep it 0 so that it packs to "default".
      const fgMode = c.getFgColorMode();
      const bgMode = c.getBgColorMode();
      fg[x] = fgMode === 0 ? 0 : fgMode | c.getFgColor();
      bg[x] = bgMode === 0 ? 0 : bgMode | c.getBgColor();
      flags = flagsOf(c);
      if (c.isInvisible()) text = '';
    }
    if (width === 0) {
      // The right half of a wide character, drawn with it; at column 0 it has lost its left half.
      if (x === 0) width = 1;
      text = width === 0 ? '' : ' ';
    } else if (width === 2 && x === w - 1) {
      width = 1;
      text = ' ';
    } else if (text === '') {
      text = width === 2 ? '  ' : ' ';
    }
    chars[x] = text;
    attr[x] = flags | (width << WIDTH_SHIFT);
  }
  if (x < w) row.blank(0, x);
  return cell;
}
