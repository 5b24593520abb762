import { BLINK, BOLD, DIM, INVERSE, ITALIC, MODE_P16, MODE_P256, MODE_RGB, OVERLINE, STRIKETHROUGH, UNDERLINE } from './sgr.js';

const ESC = 0x1b;
const LBRACKET = 0x5b;
const SEMICOLON = 0x3b;

/**
 * Accumulates one frame as UTF-8 bytes (cursor moves, style changes, text), skipping redundant
 * escapes. A frame is thousands of cells: bytes in one buffer instead of a string per cell
 * keep the garbage collector out of the frame budget.
 */
export class FrameWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  private x = -1;
  private y = -1;
  private fg = -1;
  private bg = -1;
  private flags = -1;

  constructor(private readonly color: boolean) {}

  /** Starts a new frame (the buffer is kept: frames come 30 times a second). */
  reset(): void {
    this.len = 0;
    this.x = this.y = this.fg = this.bg = this.flags = -1;
  }

  /** The frame so far as bytes: a view of the buffer, which the next frame overwrites (see `release`). */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** The last view is still needed (queued in a stream): the next frame goes into a new buffer. */
  release(): void {
    this.buf = Buffer.allocUnsafe(this.buf.length);
  }

  /** The frame so far as a string. */
  text(): string {
    return this.buf.toString('utf8', 0, this.len);
  }

  /** Bytes in the frame so far. */
  get length(): number {
    return this.len;
  }

  /** Copies the frame's bytes from `start` on into `target` (large enough: `length - start`). */
  copySince(start: number, target: Buffer): void {
    this.buf.copy(target, 0, start, this.len);
  }

  /** The style on the terminal is unknown: the next `style` call writes one. */
  forgetStyle(): void {
    this.fg = this.bg = this.flags = -1;
  }

  /** Saves the column and style into `out` at `i` (four numbers), for `replay`. */
  saveState(out: Int32Array, i: number): void {
    out[i] = this.x;
    out[i + 1] = this.fg;
    out[i + 2] = this.bg;
    out[i + 3] = this.flags;
  }

  /** Writes `length` bytes this writer produced earlier, and takes the column and style they ended with. */
  replay(bytes: Buffer, length: number, state: Int32Array, i: number): void {
    this.reserve(length);
    bytes.copy(this.buf, this.len, 0, length);
    this.len += length;
    this.x = state[i]!;
    this.fg = state[i + 1]!;
    this.bg = state[i + 2]!;
    this.flags = state[i + 3]!;
  }

  /** Puts the cursor at absolute (x, y) unless it is there already. */
  moveTo(x: number, y: number): void {
    if (x === this.x && y === this.y) return;
    this.reserve(16);
    this.csi();
    if (y !== this.y) {
      this.number(y + 1);
      this.buf[this.len++] = SEMICOLON;
      this.number(x + 1);
      this.buf[this.len++] = 0x48; // H: cursor position
    } else {
      this.number(x + 1);
      this.buf[this.len++] = 0x47; // G: column
    }
    this.x = x;
    this.y = y;
  }

  /**
   * Selects a style: packed colours (mode and value) and SGR flags, written as one SGR that
   * starts with a reset. Without colour (NO_COLOR) colours are dropped and attributes stay.
   */
  style(fg: number, bg: number, flags: number): void {
    if (!this.color) fg = bg = 0;
    if (fg === this.fg && bg === this.bg && flags === this.flags) return;
    this.fg = fg;
    this.bg = bg;
    this.flags = flags;
    this.reserve(64);
    this.csi();
    this.buf[this.len++] = 0x30; // 0: reset
    if (flags !== 0) {
      if (flags & BOLD) this.param(1);
      if (flags & DIM) this.param(2);
      if (flags & ITALIC) this.param(3);
      if (flags & UNDERLINE) this.param(4);
      if (flags & BLINK) this.param(5);
      if (flags & INVERSE) this.param(7);
      if (flags & STRIKETHROUGH) this.param(9);
      if (flags & OVERLINE) this.param(53);
    }
    if (fg !== 0) this.color_(fg, 30, 90, 38);
    if (bg !== 0) this.color_(bg, 40, 100, 48);
    this.buf[this.len++] = 0x6d; // m
  }

  private color_(color: number, base: number, brightBase: number, extended: number): void {
    const mode = color & 0x3000000;
    const value = color & 0xffffff;
    if (mode === MODE_P16) this.param(value < 8 ? base + value : brightBase + (value - 8));
    else if (mode === MODE_P256) {
      this.param(extended);
      this.param(5);
      this.param(value);
    } else if (mode === MODE_RGB) {
      this.param(extended);
      this.param(2);
      this.param((value >> 16) & 0xff);
      this.param((value >> 8) & 0xff);
      this.param(value & 0xff);
    }
  }

  private param(n: number): void {
    this.buf[this.len++] = SEMICOLON;
    this.number(n);
  }

  /** Prints one character by code point, covering `width` columns; `exact` false when the terminal may count them differently. */
  codePoint(cp: number, width: number, exact: boolean): void {
    this.reserve(4);
    const b = this.buf;
    if (cp < 0x80) b[this.len++] = cp;
    else if (cp < 0x800) {
      b[this.len++] = 0xc0 | (cp >> 6);
      b[this.len++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      b[this.len++] = 0xe0 | (cp >> 12);
      b[this.len++] = 0x80 | ((cp >> 6) & 0x3f);
      b[this.len++] = 0x80 | (cp & 0x3f);
    } else {
      b[this.len++] = 0xf0 | (cp >> 18);
      b[this.len++] = 0x80 | ((cp >> 12) & 0x3f);
      b[this.len++] = 0x80 | ((cp >> 6) & 0x3f);
      b[this.len++] = 0x80 | (cp & 0x3f);
    }
    this.x = exact ? this.x + width : -1;
  }

  /** Prints `n` cells of printable ASCII, one every third word of `words` from index `i`. */
  asciiCells(words: Uint32Array, i: number, n: number): void {
    this.reserve(n);
    const b = this.buf;
    let len = this.len;
    for (let end = i + n * 3; i < end; i += 3) b[len++] = words[i]! & 0x7f;
    this.len = len;
    this.x += n;
  }

  /** Prints a string (a combined character) covering `width` columns, as `codePoint`. */
  chars(s: string, width: number, exact: boolean): void {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
    this.x = exact ? this.x + width : -1;
  }

  /** The terminal may not be where we think after what was just printed: the next move is explicit. */
  forgetColumn(): void {
    this.x = -1;
  }

  /** Erases `n` cells from the cursor in the current background (ECH); the cursor moves past them when `skip` (CUF). */
  erase(n: number, skip: boolean): void {
    this.reserve(16);
    this.csi();
    this.number(n);
    this.buf[this.len++] = 0x58; // X
    if (!skip) return;
    this.csi();
    this.number(n);
    this.buf[this.len++] = 0x43; // C
    this.x += n;
  }

  /**
   * Scrolls terminal rows `top` to `bottom` (0-based, inclusive) up by `n` lines, full width: a
   * scroll region (DECSTBM), scroll up (SU), the whole screen as region again. The lines it
   * brings in are blank on the default background; where the cursor is afterwards is unknown.
   */
  scrollUp(top: number, bottom: number, n: number): void {
    this.style(0, 0, 0);
    this.reserve(32);
    this.csi();
    this.number(top + 1);
    this.buf[this.len++] = SEMICOLON;
    this.number(bottom + 1);
    this.buf[this.len++] = 0x72; // r: scroll region
    this.csi();
    this.number(n);
    this.buf[this.len++] = 0x53; // S: scroll up
    this.csi();
    this.buf[this.len++] = 0x72;
    this.x = this.y = -1;
  }

  private csi(): void {
    this.buf[this.len++] = ESC;
    this.buf[this.len++] = LBRACKET;
  }

  private number(n: number): void {
    if (n >= 10) this.number(Math.floor(n / 10));
    this.buf[this.len++] = 0x30 + (n % 10);
  }

  /** Writes escape sequences or other ASCII text as is. */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
