/** Text as the components draw it: lines of styled segments, built by pure functions. */

export interface Seg {
  text: string;
  /** A chalk colour name; dropped when colour is off. */
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export type Line = Seg[];

/** Columns a line takes (the TUI's own text is single-width). */
export function lineWidth(line: Line): number {
  let w = 0;
  for (const s of line) w += [...s.text].length;
  return w;
}

/** A plain segment. */
export function seg(text: string, style: Omit<Seg, 'text'> = {}): Seg {
  return { text, ...style };
}
