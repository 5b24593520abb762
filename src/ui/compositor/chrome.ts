import type { Line } from '../state/styled.js';
import { BOLD, DIM, INVERSE, MODE_P16 } from './sgr.js';
import type { TextRow } from './types.js';
import type { FrameWriter } from './writer.js';

// Colour names as Ink (chalk) draws them, as 16-colour palette indexes.
const PALETTE: Record<string, number> = {
  black: 0,
  red: 1,
  green: 2,
  yellow: 3,
  blue: 4,
  magenta: 5,
  cyan: 6,
  white: 7,
  gray: 8,
  grey: 8,
  blackBright: 8,
  redBright: 9,
  greenBright: 10,
  yellowBright: 11,
  blueBright: 12,
  magentaBright: 13,
  cyanBright: 14,
  whiteBright: 15,
};

function key(line: Line): string {
  let k = '';
  for (const s of line) k += `${s.color ?? ''}|${s.bold ? 1 : 0}${s.dim ? 1 : 0}${s.inverse ? 1 : 0}|${s.text}\u0000`;
  return k;
}

// The terminal row of a drawn row's place (`x,y`).
const rowOf = (at: string): number => Number(at.slice(at.indexOf(',') + 1));

/**
 * A few rows of the chrome drawn by the compositor instead of Ink (the ticking clocks): each row
 * is written when its text changed, or after Ink repainted the chrome under it.
 */
export class ChromeRows {
  private rows: TextRow[] = [];
  private keys: string[] = [];
  private drawn = new Map<string, string>();

  /** The rows as they should read now; returns whether any differs from what was drawn. */
  set(rows: TextRow[]): boolean {
    this.rows = rows;
    this.keys = rows.map((r) => key(r.line));
    return rows.some((r, i) => this.drawn.get(`${r.x},${r.y}`) !== this.keys[i]);
  }

  /** The terminal's content under the rows is unknown: draw them all next time. */
  forget(): void {
    this.drawn.clear();
  }

  /** Whether a row was drawn on terminal row `y` (the terminal shows it there, not Ink's chrome). */
  drewOn(y: number): boolean {
    for (const at of this.drawn.keys()) if (rowOf(at) === y) return true;
    return false;
  }

  /** The terminal rows `top` to `bottom` moved: rows drawn on them are drawn again next time. */
  forgetRows(top: number, bottom: number): void {
    for (const at of [...this.drawn.keys()]) if (rowOf(at) >= top && rowOf(at) <= bottom) this.drawn.delete(at);
  }

  /** Writes the rows that changed; returns whether anything was written. */
  draw(w: FrameWriter, cols: number, rows: number): boolean {
    let wrote = false;
    this.rows.forEach((row, i) => {
      const at = `${row.x},${row.y}`;
      if (this.drawn.get(at) === this.keys[i]) return;
      this.drawn.set(at, this.keys[i]!);
      if (row.y >= rows || row.x >= cols) return;
      w.moveTo(row.x, row.y);
      let left = cols - row.x;
      for (const s of row.line) {
        if (left <= 0) break;
        const chars = [...s.text];
        const text = chars.length > left ? chars.slice(0, left).join('') : s.text;
        const n = Math.min(chars.length, left);
        const colour = s.color === undefined ? undefined : PALETTE[s.color];
        w.style(colour === undefined ? 0 : MODE_P16 | colour, 0, (s.bold ? BOLD : 0) | (s.dim ? DIM : 0) | (s.inverse ? INVERSE : 0));
        w.chars(text, n, true);
        left -= n;
      }
      wrote = true;
    });
    return wrote;
  }
}
