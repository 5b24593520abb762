/**
 * Cell styles packed into small integers, and the escape sequences that select them.
 *
 * A colour is packed the way @xterm/headless reports it: its mode in bits 24-25 (0 default,
 * 1 the 16-colour palette, 2 the 256-colour palette, 3 true colour) over the index or 0xRRGGBB.
 */

export const BOLD = 1;
export const DIM = 2;
export const ITALIC = 4;
export const UNDERLINE = 8;
export const BLINK = 16;
export const INVERSE = 32;
export const STRIKETHROUGH = 64;
export const OVERLINE = 128;
/** Attributes that show on a blank cell: a run of blanks carrying one cannot be erased instead. */
export const VISIBLE_ON_BLANK = UNDERLINE | INVERSE | STRIKETHROUGH | OVERLINE;

export const MODE_P16 = 0x1000000;
export const MODE_P256 = 0x2000000;
export const MODE_RGB = 0x3000000;
const MODE_MASK = 0x3000000;
const VALUE_MASK = 0xffffff;

const ESC = '\x1b[';

function colorParams(color: number, base: number, brightBase: number, extended: number): string {
  const mode = color & MODE_MASK;
  const value = color & VALUE_MASK;
  if (mode === MODE_P16) return `;${value < 8 ? base + value : brightBase + (value - 8)}`;
  if (mode === MODE_P256) return `;${extended};5;${value}`;
  if (mode === MODE_RGB) return `;${extended};2;${(value >> 16) & 0xff};${(value >> 8) & 0xff};${value & 0xff}`;
  return '';
}

/**
 * The SGR sequence selecting exactly this style from any previous one (it starts with a reset).
 * Without colour (NO_COLOR) colours are dropped; attributes such as inverse stay, so the
 * cursor and selections remain visible.
 */
export function sgr(fg: number, bg: number, flags: number, color: boolean): string {
  let s = `${ESC}0`;
  if (flags !== 0) {
    if (flags & BOLD) s += ';1';
    if (flags & DIM) s += ';2';
    if (flags & ITALIC) s += ';3';
    if (flags & UNDERLINE) s += ';4';
    if (flags & BLINK) s += ';5';
    if (flags & INVERSE) s += ';7';
    if (flags & STRIKETHROUGH) s += ';9';
    if (flags & OVERLINE) s += ';53';
  }
  if (color) {
    if (fg !== 0) s += colorParams(fg, 30, 90, 38);
    if (bg !== 0) s += colorParams(bg, 40, 100, 48);
  }
  return `${s}m`;
}

/** Cursor position (CUP) for 0-based terminal coordinates. */
export function cup(x: number, y: number): string {
  return `${ESC}${y + 1};${x + 1}H`;
}

/** Cursor to a 0-based column of the current row (CHA). */
export function cha(x: number): string {
  return `${ESC}${x + 1}G`;
}

/** Erases `n` characters from the cursor on, in the current background, without moving it (ECH). */
export function ech(n: number): string {
  return `${ESC}${n}X`;
}

/** Moves the cursor `n` columns right (CUF). */
export function cuf(n: number): string {
  return `${ESC}${n}C`;
}

/** DECSC / DECRC: save and restore the cursor position and attributes around a frame. */
export const SAVE_CURSOR = '\x1b7';
export const RESTORE_CURSOR = '\x1b8';
export const RESET_STYLE = `${ESC}0m`;
