import type { IBufferCell, IBufferLine } from '@xterm/headless';

/** A colour from the agent: an entry of the 256-colour palette, or true colour. */
export type Color = { mode: 'palette'; index: number } | { mode: 'rgb'; r: number; g: number; b: number };

/** Adjacent cells of one style. Each character covers one column, a wide one (CJK, emoji) two. */
export interface StyledRun {
  text: string;
  fg?: Color;
  bg?: Color;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strikethrough?: boolean;
}

const BOLD = 1;
const DIM = 2;
const ITALIC = 4;
const UNDERLINE = 8;
const INVERSE = 16;
const STRIKETHROUGH = 32;
const INVISIBLE = 64;

function flagsOf(cell: IBufferCell): number {
  return (
    (cell.isBold() ? BOLD : 0) |
    (cell.isDim() ? DIM : 0) |
    (cell.isItalic() ? ITALIC : 0) |
    (cell.isUnderline() ? UNDERLINE : 0) |
    (cell.isInverse() ? INVERSE : 0) |
    (cell.isStrikethrough() ? STRIKETHROUGH : 0) |
    (cell.isInvisible() ? INVISIBLE : 0)
  );
}

// Colour modes folded into small integers: 0 default, 1 palette, 2 true colour.
function fgMode(cell: IBufferCell): number {
  return cell.isFgRGB() ? 2 : cell.isFgPalette() ? 1 : 0;
}

function bgMode(cell: IBufferCell): number {
  return cell.isBgRGB() ? 2 : cell.isBgPalette() ? 1 : 0;
}

function toColor(mode: number, value: number): Color | undefined {
  if (mode === 1) return { mode: 'palette', index: value };
  if (mode === 2) return { mode: 'rgb', r: (value >> 16) & 0xff, g: (value >> 8) & 0xff, b: value & 0xff };
  return undefined;
}

function makeRun(text: string, fgM: number, fg: number, bgM: number, bg: number, flags: number): StyledRun {
  const run: StyledRun = { text };
  const fgColor = toColor(fgM, fg);
  const bgColor = toColor(bgM, bg);
  if (fgColor) run.fg = fgColor;
  if (bgColor) run.bg = bgColor;
  if (flags & BOLD) run.bold = true;
  if (flags & DIM) run.dim = true;
  if (flags & ITALIC) run.italic = true;
  if (flags & UNDERLINE) run.underline = true;
  if (flags & INVERSE) run.inverse = true;
  if (flags & STRIKETHROUGH) run.strikethrough = true;
  return run;
}

/**
 * One buffer line as runs of equal style covering `cols` columns. A wide character stands for
 * its two columns, so the empty cell after it is skipped; `cell` is reused to avoid allocation.
 */
export function lineRuns(line: IBufferLine, cols: number, cell: IBufferCell): StyledRun[] {
  const runs: StyledRun[] = [];
  let text = '';
  let fgM = 0;
  let fg = 0;
  let bgM = 0;
  let bg = 0;
  let flags = 0;
  for (let x = 0; x < cols; x++) {
    if (!line.getCell(x, cell)) break;
    const width = cell.getWidth();
    if (width === 0) continue;
    const cFlags = flagsOf(cell);
    const cFgM = fgMode(cell);
    const cFg = cFgM === 0 ? 0 : cell.getFgColor();
    const cBgM = bgMode(cell);
    const cBg = cBgM === 0 ? 0 : cell.getBgColor();
    if (text !== '' && (cFlags !== flags || cFgM !== fgM || cFg !== fg || cBgM !== bgM || cBg !== bg)) {
      runs.push(makeRun(text, fgM, fg, bgM, bg, flags));
      text = '';
    }
    flags = cFlags;
    fgM = cFgM;
    fg = cFg;
    bgM = cBgM;
    bg = cBg;
    const chars = cell.getChars();
    text += chars === '' || cFlags & INVISIBLE ? ' '.repeat(width) : chars;
  }
  if (text !== '') runs.push(makeRun(text, fgM, fg, bgM, bg, flags));
  return runs;
}

/** FNV-1a over the cells' code points, widths, colours and attributes. */
export function lineSignature(line: IBufferLine, cols: number, cell: IBufferCell): number {
  let h = 0x811c9dc5;
  const mix = (v: number): void => {
    h = Math.imul(h ^ v, 0x01000193);
  };
  for (let x = 0; x < cols; x++) {
    if (!line.getCell(x, cell)) break;
    mix(cell.getCode());
    mix(cell.getWidth() | (flagsOf(cell) << 2) | (fgMode(cell) << 10) | (bgMode(cell) << 12));
    mix(cell.getFgColor());
    mix(cell.getBgColor());
  }
  return h >>> 0;
}
