/**
 * Style flags and colour modes shared by the grid (which reads them from the terminal's words)
 * and the writer (which turns them into SGR sequences), and the frame's bracketing escapes.
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

export const MODE_P16 = 0x1000000;
export const MODE_P256 = 0x2000000;
export const MODE_RGB = 0x3000000;

/** DECSC / DECRC: save and restore the cursor position and attributes around a frame. */
export const SAVE_CURSOR = '\x1b7';
export const RESTORE_CURSOR = '\x1b8';
export const RESET_STYLE = '\x1b[0m';
