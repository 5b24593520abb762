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

/** A rectangle of cells (row-major): what a pane shows on the terminal, or one row read from a screen. */
export class CellGrid {
  /** Three words per cell. */
  readonly words: Uint32Array;
  /** The characters of combined cells (a base with combining marks, or beyond one code point). */
  readonly combined: (string | undefined)[];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.words = new Uint32Array(width * height * 3);
    this.combined = new Array<string | undefined>(width * height);
    this.forget();
  }

  /** Forgets what the terminal shows: every cell is drawn again. */
  forget(): void {
    for (let i = 0; i < this.words.length; i += 3) this.words[i] = UNKNOWN;
  }

  /** Fills row `y` from column `from` on with empty default cells. */
  blank(y: number, from = 0): void {
    const start = (y * this.width + from) * 3;
    const end = (y + 1) * this.width * 3;
    for (let i = start; i < end; i += 3) {
      this.words[i] = BLANK;
      this.words[i + 1] = 0;
      this.words[i + 2] = 0;
    }
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
