/**
 * Cells as three 32-bit words each, laid out the way @xterm/headless stores a buffer line
 * (content, foreground, background), so a screen line can be copied and compared in bulk.
 *
 * content: code point (bits 0-20), "combined" (bit 21: the characters are kept aside), width (22-23)
 * fg: colour (0-25, mode in 24-25), inverse, bold, underline, blink, invisible, strikethrough (26-31)
 * bg: colour (0-25), italic, dim (26-27), overline (30); bits 28-29 (BG_HIDDEN) are ignored
 */
import { BLINK, BOLD, DIM, INVERSE, ITALIC, OVERLINE, STRIKETHROUGH, UNDERLINE } from './sgr.js';

export const CODEPOINT_MASK = 0x1fffff;
export const IS_COMBINED = 0x200000;
export const WIDTH_SHIFT = 22;
export const COLOR_MASK = 0x3ffffff;
export const FG_INVERSE = 0x4000000;
export const FG_BOLD = 0x8000000;
export const FG_UNDERLINE = 0x10000000;
export const FG_BLINK = 0x20000000;
export const FG_INVISIBLE = 0x40000000;
export const FG_STRIKETHROUGH = 0x80000000;
export const BG_ITALIC = 0x4000000;
export const BG_DIM = 0x8000000;
export const BG_OVERLINE = 0x40000000;
/** Background bits the terminal's API does not show (extended attributes, protection): drawing ignores them. */
export const BG_HIDDEN = 0x30000000;

/** A content word no cell has (bits 24-31 are never set): what the terminal shows there is unknown. */
export const UNKNOWN = 0xffffffff;
/** An empty one-column cell. */
export const BLANK = 1 << WIDTH_SHIFT;

/** The width of a content word: 0 for the right half of a wide character, else 1 or 2. */
export function widthOf(content: number): number {
  return content === UNKNOWN ? 1 : (content >>> WIDTH_SHIFT) & 3;
}

/** The SGR flags (see sgr.ts) of a cell's foreground and background words. */
export function flagsOf(fg: number, bg: number): number {
  let flags = 0;
  if (fg & FG_BOLD) flags |= BOLD;
  if (bg & BG_DIM) flags |= DIM;
  if (bg & BG_ITALIC) flags |= ITALIC;
  if (fg & FG_UNDERLINE) flags |= UNDERLINE;
  if (fg & FG_BLINK) flags |= BLINK;
  if (fg & FG_INVERSE) flags |= INVERSE;
  if (fg & FG_STRIKETHROUGH) flags |= STRIKETHROUGH;
  if (bg & BG_OVERLINE) flags |= OVERLINE;
  return flags;
}

function blankCells(width: number): Uint32Array {
  const words = new Uint32Array(width * 3);
  for (let i = 0; i < words.length; i += 3) words[i] = BLANK;
  return words;
}

/** A rectangle of cells (row-major): what a pane shows on the terminal, or one row read from a screen. */
export class CellGrid {
  /** Three words per cell. */
  readonly words: Uint32Array;
  /** The characters of combined cells (a base with combining marks, or beyond one code point). */
  readonly combined: (string | undefined)[];
  /** Per row, 1 when it may hold combined cells; 0 when it holds none (their characters need no look). */
  readonly mayCombine: Uint8Array;
  // Each row's words as bytes, to compare rows natively.
  private readonly rowBytes: Buffer[];
  // A row of empty default cells, copied to blank a row.
  private blankRow: Uint32Array | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.words = new Uint32Array(width * height * 3);
    this.combined = new Array<string | undefined>(width * height);
    this.mayCombine = new Uint8Array(height);
    const rowSize = width * 3 * 4;
    this.rowBytes = Array.from({ length: height }, (_, y) => Buffer.from(this.words.buffer, y * rowSize, rowSize));
    this.forget();
  }

  /** Forgets what the terminal shows: every cell is drawn again. */
  forget(): void {
    for (let i = 0; i < this.words.length; i += 3) this.words[i] = UNKNOWN;
  }

  /** Whether row `y` holds the same cells as row `oy` of `other` (as wide). */
  sameRow(y: number, other: CellGrid, oy: number): boolean {
    if (!this.rowBytes[y]!.equals(other.rowBytes[oy]!)) return false;
    // The words match, combined flags included: the characters kept aside must match too.
    if (this.mayCombine[y] === 0) return true;
    const a = y * this.width;
    const b = oy * this.width;
    for (let x = 0; x < this.width; x++) {
      if (this.words[(a + x) * 3]! & IS_COMBINED && this.combined[a + x] !== other.combined[b + x]) return false;
    }
    return true;
  }

  /** Whether row `y` shows nothing: empty cells or spaces on the default background. */
  isBlank(y: number): boolean {
    const end = (y + 1) * this.width * 3;
    for (let i = y * this.width * 3; i < end; i += 3) {
      const cp = this.words[i]! & (CODEPOINT_MASK | IS_COMBINED);
      if ((cp !== 0 && cp !== 32) || this.words[i + 1] !== 0 || (this.words[i + 2]! & ~BG_HIDDEN) !== 0) return false;
    }
    return true;
  }

  /** Row `to` takes the cells of row `from`. */
  copyRow(from: number, to: number): void {
    const w = this.width;
    this.words.copyWithin(to * w * 3, from * w * 3, (from + 1) * w * 3);
    this.mayCombine[to] = this.mayCombine[from]!;
    if (this.mayCombine[from]) for (let x = 0; x < w; x++) this.combined[to * w + x] = this.combined[from * w + x];
  }

  /** Fills row `y` from column `from` on with empty default cells. */
  blank(y: number, from = 0): void {
    const blank = (this.blankRow ??= blankCells(this.width));
    this.words.set(from === 0 ? blank : blank.subarray(from * 3), (y * this.width + from) * 3);
  }

  /** Row 0 takes the cells of row `y` of `grid` from column `x` on (as many as this grid is wide). */
  takeRow(grid: CellGrid, y: number, x = 0): void {
    const w = this.width;
    const start = y * grid.width + x;
    this.words.set(grid.words.subarray(start * 3, (start + w) * 3));
    this.mayCombine[0] = grid.mayCombine[y]!;
    if (grid.mayCombine[y]) for (let k = 0; k < w; k++) this.combined[k] = grid.combined[start + k];
  }

  /** Cells `from` to `to` (exclusive) of row `y` take those of `row` (a one-row grid as wide). */
  setRow(y: number, row: CellGrid, from = 0, to = this.width): void {
    const base = y * this.width;
    // A whole row is copied without a view of it: frames copy rows by the hundred.
    if (from === 0 && to === row.width) this.words.set(row.words, base * 3);
    else this.words.set(row.words.subarray(from * 3, to * 3), (base + from) * 3);
    if (from === 0 && to === this.width) this.mayCombine[y] = row.mayCombine[0]!;
    if (row.mayCombine[0] === 0) return;
    this.mayCombine[y] = 1;
    for (let x = from; x < to; x++) if (row.words[x * 3]! & IS_COMBINED) this.combined[base + x] = row.combined[x];
  }

  /** The characters of cell `i` (flat index), as printed: a space for an empty cell. */
  charsAt(i: number): string {
    const content = this.words[i * 3]!;
    if (content & IS_COMBINED) return this.combined[i] ?? ' ';
    const cp = content & CODEPOINT_MASK;
    if (cp === 0) return widthOf(content) === 2 ? '  ' : ' ';
    return cp < 0x10000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
}
