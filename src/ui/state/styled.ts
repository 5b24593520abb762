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

/** The first `width` columns of a line; the last kept character becomes `…` when something was cut. */
export function clipLine(line: Line, width: number): Line {
  if (lineWidth(line) <= width) return line;
  const out: Line = [];
  let left = Math.max(width - 1, 0);
  for (const s of line) {
    if (left <= 0) break;
    const chars = [...s.text];
    out.push({ ...s, text: chars.slice(0, left).join('') });
    left -= Math.min(chars.length, left);
  }
  if (width > 0) out.push(seg('…', { dim: true }));
  return out;
}

/** `left`, spaces, then `right` flush with `width`; `left` is clipped to make room. */
export function justify(left: Line, right: Line, width: number): Line {
  const rw = lineWidth(right);
  if (rw >= width) return clipLine(right, width);
  const l = clipLine(left, Math.max(width - rw - 1, 0));
  const gap = width - lineWidth(l) - rw;
  return [...l, seg(' '.repeat(Math.max(gap, 0))), ...right];
}

/** Plain text of a line (for tests and width checks). */
export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}
