import xterm from '@xterm/headless';
import type { IBufferCell, IBufferLine, Terminal as XTerminal } from '@xterm/headless';
import { Emitter } from './events.js';
import type { Disposable } from './events.js';
import { lineRuns, lineSignature } from './runs.js';
import type { StyledRun } from './runs.js';
import { ModernWidths } from './width.js';

export type { Color, StyledRun } from './runs.js';

const { Terminal } = xterm;

/** What a pane shows: the viewport at the current scroll position, as plain data. */
export interface ScreenSnapshot {
  cols: number;
  rows: number;
  /** One entry per viewport row; each row's runs cover exactly `cols` columns. */
  lines: StyledRun[][];
  /** Viewport coordinates; `visible` is false when the agent hid it or it is scrolled out of view. */
  cursor: { x: number; y: number; visible: boolean };
  title: string;
  /** Lines scrolled back from the bottom; 0 when following the output. */
  viewportOffset: number;
}

export interface ScreenOptions {
  cols: number;
  rows: number;
  /** Lines kept above the viewport (default 2000; about 4 KB each at 200 columns). */
  scrollback?: number;
  /**
   * Colours to report when the agent asks for the terminal's foreground or background
   * (OSC 10 / OSC 11 queries), as `rgb:rrrr/gggg/bbbb` or `#rrggbb`. Unanswered when absent.
   */
  themeColors?: { foreground: string; background: string };
  /**
   * A line feed also returns the carriage, as a terminal driver makes it do for what a program
   * writes (default false: an agent's PTY driver has done that already).
   */
  convertEol?: boolean;
  /** Parse written data on the terminal's own timer, as when it has no synchronous write (default false). */
  deferParsing?: boolean;
}

interface ScreenEvents {
  /** The agent set the window title (OSC 0 / OSC 2). */
  title: string;
  /** Bytes the terminal answers to the agent's queries (DA, DSR, …): they belong to the PTY. */
  response: string;
  /** Some written data has been parsed; `version` has moved. */
  parsed: undefined;
}

/** An agent's virtual terminal: it parses the agent's output and publishes what it shows. */
export class Screen extends Emitter<ScreenEvents> {
  private readonly term: XTerminal;
  private readonly cell: IBufferCell;
  private cursorHidden = false;
  private titleText = '';
  private pending = 0;
  private changes = 0;
  private readonly parseNow: ((data: string | Uint8Array) => void) | undefined;

  constructor(opts: ScreenOptions) {
    super();
    this.term = new Terminal({
      cols: opts.cols,
      rows: opts.rows,
      scrollback: opts.scrollback ?? 2000,
      allowProposedApi: true,
      logLevel: 'off',
      // The line the cursor is on reflows too, as tmux does: an agent's long prompt line would
      // otherwise be cut at the narrower width and never come back when the pane grows.
      reflowCursorLine: true,
      convertEol: opts.convertEol ?? false,
    });
    const widths = new ModernWidths();
    this.term.unicode.register(widths);
    this.term.unicode.activeVersion = widths.version;
    this.cell = this.term.buffer.normal.getNullCell();
    this.term.onData((data) => this.emit('response', data));
    this.term.onTitleChange((title) => {
      this.titleText = title;
      this.emit('title', title);
    });
    this.term.onWriteParsed(() => {
      this.changes++;
      this.emit('parsed', undefined);
    });
    this.trackCursorVisibility();
    if (opts.themeColors) this.answerColorQueries(opts.themeColors);
    this.parseNow = opts.deferParsing ? undefined : synchronousWrite(this.term);
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  get title(): string {
    return this.titleText;
  }

  /** Grows whenever a snapshot could differ from the previous one (output parsed, resize, scroll). */
  get version(): number {
    return this.changes;
  }

  /** Bytes written but not parsed yet (always 0 unless parsing is deferred). */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Terminal modes set by the agent (cursor keys, bracketed paste, mouse): input encoding needs them. */
  get modes(): XTerminal['modes'] {
    return this.term.modes;
  }

  /** Feeds agent output (UTF-8 bytes or a string); `cb` runs once it is parsed. */
  write(data: string | Uint8Array, cb?: () => void): void {
    if (this.parseNow) {
      this.parseNow(data);
      this.changes++;
      this.emit('parsed', undefined);
      cb?.();
      return;
    }
    const size = data.length;
    this.pending += size;
    this.term.write(data, () => {
      this.pending -= size;
      cb?.();
    });
  }

  /** Resolves once everything written so far is parsed. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  resize(cols: number, rows: number): void {
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.term.resize(cols, rows);
    this.changes++;
  }

  /** Scrolls the viewport by `n` lines (negative: back into the scrollback). */
  scrollLines(n: number): void {
    this.term.scrollLines(n);
    this.changes++;
  }

  /** Follows the output again. */
  scrollToBottom(): void {
    this.term.scrollToBottom();
    this.changes++;
  }

  /** The whole viewport as styled runs, with the cursor and title. */
  snapshot(): ScreenSnapshot {
    const buffer = this.term.buffer.active;
    const { cols, rows } = this.term;
    const lines: StyledRun[][] = [];
    for (let y = 0; y < rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      lines.push(line ? lineRuns(line, cols, this.cell) : [{ text: ' '.repeat(cols) }]);
    }
    const cursorY = buffer.baseY + buffer.cursorY - buffer.viewportY;
    return {
      cols,
      rows,
      lines,
      cursor: {
        x: Math.min(buffer.cursorX, cols - 1),
        y: cursorY,
        visible: !this.cursorHidden && cursorY >= 0 && cursorY < rows,
      },
      title: this.titleText,
      viewportOffset: buffer.baseY - buffer.viewportY,
    };
  }

  /** Viewport row `y` as the terminal's own line (valid until the next write is parsed). */
  viewportLine(y: number): IBufferLine | undefined {
    const buffer = this.term.buffer.active;
    return buffer.getLine(buffer.viewportY + y);
  }

  /** The viewport's rows as the terminal's own lines, top to bottom (valid until the next write is parsed). */
  viewportLines(): (IBufferLine | undefined)[] {
    const buffer = this.term.buffer.active;
    const top = buffer.viewportY;
    const lines: (IBufferLine | undefined)[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(top + y));
    return lines;
  }

  /** The viewport's rows as plain text, trailing blanks trimmed (what prompt detection reads). */
  viewportText(): string[] {
    const lines: string[] = [];
    for (const line of this.viewportLines()) lines.push(line?.translateToString(true) ?? '');
    return lines;
  }

  /** Viewport row `y` as styled runs. */
  lineRuns(y: number): StyledRun[] {
    const line = this.viewportLine(y);
    return line ? lineRuns(line, this.term.cols, this.cell) : [{ text: ' '.repeat(this.term.cols) }];
  }

  /** A hash of viewport row `y` (characters and styles): a changed hash means a changed row. */
  lineSignature(y: number): number {
    const line = this.viewportLine(y);
    return line ? lineSignature(line, this.term.cols, this.cell) : 0;
  }

  /** Calls `cb` with each new title. */
  onTitle(cb: (title: string) => void): Disposable {
    return this.on('title', cb);
  }

  /** Calls `cb` with each answer the terminal sends back to the agent. */
  onResponse(cb: (data: string) => void): Disposable {
    return this.on('response', cb);
  }

  /** Calls `cb` after written data has been parsed (at most once per parsing slice). */
  onParsed(cb: () => void): Disposable {
    return this.on('parsed', cb);
  }

  dispose(): void {
    this.removeAllListeners();
    this.term.dispose();
  }

  // The headless terminal keeps cursor visibility private, so watch the sequences that set it;
  // each hook returns false to let the terminal handle the sequence as usual.
  private trackCursorVisibility(): void {
    const { parser } = this.term;
    parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) => {
      if (params.includes(25)) this.cursorHidden = false;
      return false;
    });
    parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => {
      if (params.includes(25)) this.cursorHidden = true;
      return false;
    });
    // Full reset (RIS) and soft reset (DECSTR) show the cursor again.
    parser.registerEscHandler({ final: 'c' }, () => {
      this.cursorHidden = false;
      return false;
    });
    parser.registerCsiHandler({ intermediates: '!', final: 'p' }, () => {
      this.cursorHidden = false;
      return false;
    });
  }

  private answerColorQueries(colors: { foreground: string; background: string }): void {
    const answer = (ident: number, color: string) => (data: string) => {
      if (data !== '?') return false;
      this.emit('response', `\x1b]${ident};${toXParseColor(color)}\x1b\\`);
      return true;
    };
    this.term.parser.registerOscHandler(10, answer(10, colors.foreground));
    this.term.parser.registerOscHandler(11, answer(11, colors.background));
  }
}

/**
 * The headless terminal's synchronous write, when its version has one. The public `write()` parses
 * on a timer, so every chunk of agent output wakes the process a second time; a wake-up costs
 * about 0.1 ms of CPU, a sixth of what streaming costs in all. The method is private and marked
 * unreliable because an asynchronous parser hook can't pause it; a Screen registers only
 * synchronous hooks. Without it, `write()` is used and only the wake-ups come back.
 */
function synchronousWrite(term: XTerminal): ((data: string | Uint8Array) => void) | undefined {
  const core = (term as unknown as { _core?: { writeSync?: unknown } })._core;
  const writeSync = core?.writeSync;
  return typeof writeSync === 'function' ? (data) => writeSync.call(core, data) : undefined;
}

/** `#rrggbb` → `rgb:rrrr/gggg/bbbb` (the form xterm answers in); anything else is passed through. */
function toXParseColor(color: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgb:${m[1]}${m[1]}/${m[2]}${m[2]}/${m[3]}${m[3]}`;
}
