/** Test support: a string sink for frames, and an outer terminal that replays them. */
import xterm from '@xterm/headless';
import type { IBufferCell, IBufferLine, Terminal as XTerminal } from '@xterm/headless';
import { Screen } from '../../session/screen.js';
import { ModernWidths } from '../../session/width.js';
import type { Rect, TerminalOutput } from './types.js';

const { Terminal } = xterm;

/** A TerminalOutput that keeps every write. */
export class Sink implements TerminalOutput {
  readonly writes: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {}
  write(s: string | Uint8Array): void {
    this.writes.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8'));
  }
  /** Everything written since the last call. */
  take(): string {
    const all = this.writes.join('');
    this.writes.length = 0;
    return all;
  }
}

/**
 * A headless terminal standing for the user's, with the same character widths as the agents'
 * screens; a line feed also returns the carriage, as the terminal driver makes it do.
 */
export function outerTerminal(cols: number, rows: number): XTerminal {
  const term = new Terminal({ cols, rows, allowProposedApi: true, logLevel: 'off', scrollback: 0, convertEol: true });
  const widths = new ModernWidths();
  term.unicode.register(widths);
  term.unicode.activeVersion = widths.version;
  return term;
}

/** Writes `data` to `term` and waits until it is parsed. */
export function feed(term: XTerminal | Screen, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

/** A screen of `cols` × `rows` showing `data`. */
export async function screenWith(cols: number, rows: number, data: string): Promise<Screen> {
  const screen = new Screen({ cols, rows, scrollback: 200 });
  await feed(screen, data);
  return screen;
}

/** One cell as comparable data: characters, width, colours and attributes. */
export function describeCell(line: IBufferLine | undefined, x: number, cell?: IBufferCell): string {
  const c = line?.getCell(x, cell);
  if (!c) return ' |1|0|0|0';
  const flags = [c.isBold(), c.isDim(), c.isItalic(), c.isUnderline(), c.isInverse(), c.isStrikethrough()]
    .map((f) => (f ? 1 : 0))
    .join('');
  const chars = c.getWidth() === 0 ? '' : c.getChars() || ' ';
  return `${chars}|${c.getWidth()}|${c.getFgColorMode() | c.getFgColor()}|${c.getBgColorMode() | c.getBgColor()}|${flags}`;
}

/** The cells of `rect` in the outer terminal, row by row. */
export function regionCells(term: XTerminal, rect: Rect): string[][] {
  const buffer = term.buffer.active;
  const rows: string[][] = [];
  for (let y = 0; y < rect.height; y++) {
    const line = buffer.getLine(buffer.viewportY + rect.y + y);
    const row: string[] = [];
    for (let x = 0; x < rect.width; x++) row.push(describeCell(line, rect.x + x));
    rows.push(row);
  }
  return rows;
}

/** The viewport cells of `screen`, `width` × `height` from its top-left corner. */
export function screenCells(screen: Screen, width: number, height: number): string[][] {
  const rows: string[][] = [];
  for (let y = 0; y < height; y++) {
    const line = screen.viewportLine(y);
    const row: string[] = [];
    for (let x = 0; x < width; x++) row.push(describeCell(line, x));
    rows.push(row);
  }
  return rows;
}

/** The text of the outer terminal's row `y`. */
export function rowText(term: XTerminal, y: number): string {
  const buffer = term.buffer.active;
  return buffer.getLine(buffer.viewportY + y)?.translateToString(false) ?? '';
}
