import { cha, cuf, cup, ech, sgr } from './sgr.js';

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

  /** Selects a style: packed colours (mode and value) and SGR flags. */
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
