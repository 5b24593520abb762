/**
 * Each agent's output kept as plain text in `.supervise/logs/<agent>.log`, in the TUI and in
 * headless mode. The PTY data is stripped of escape sequences line by line: a carriage return
 * that does not end a line, or an erase-line, starts the line over, so a spinner redrawn in place
 * leaves its last frame, not every one. The file is rotated at a size limit, keeping one `.1`.
 * Writes are batched and synchronous, so a shutdown's flush is on disk when it returns.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { supervisorDir } from './records.js';

export const LOG_LIMIT = 1024 * 1024;
const FLUSH_MS = 200;

export function logPath(root: string, agent: string): string {
  return join(supervisorDir(root), 'logs', `${agent}.log`);
}

type Mode = 'text' | 'esc' | 'csi' | 'osc' | 'oscEsc' | 'charset';

// The next character that is not printed as it is (C0 controls but tab).
const CONTROL = /[\x00-\x08\x0a-\x1f]/g;
// A CSI's final byte; an OSC's (or DCS, APC, PM) end: BEL or ESC.
const CSI_FINAL = /[@-~]/g;
const STRING_END = /[\x07\x1b]/g;

/** Turns terminal output into finished plain lines; keeps state across chunks. */
export class PlainLines {
  private mode: Mode = 'text';
  private line = '';
  private csi = '';
  private cr = false;

  /**
   * Feeds text; returns the lines it completed. Runs of printable text are appended in one
   * slice, and escape sequences skipped to their end by a search: agent output is mostly text.
   */
  feed(text: string): string[] {
    const out: string[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.mode) {
        case 'text': {
          CONTROL.lastIndex = i;
          const j = CONTROL.exec(text)?.index ?? n;
          if (j > i) {
            if (this.cr) {
              this.cr = false;
              this.line = '';
            }
            this.line += text.slice(i, j);
            i = j;
            break;
          }
          this.control(text.charCodeAt(i++), out);
          break;
        }
        case 'esc': {
          const ch = String.fromCodePoint(text.codePointAt(i)!);
          i += ch.length;
          if (ch === '[') (this.mode = 'csi'), (this.csi = '');
          else if (ch === ']' || ch === 'P' || ch === '_' || ch === '^') this.mode = 'osc';
          else if ('()*+'.includes(ch)) this.mode = 'charset';
          else this.mode = 'text';
          break;
        }
        case 'csi': {
          CSI_FINAL.lastIndex = i;
          const j = CSI_FINAL.exec(text)?.index ?? n;
          this.csi += text.slice(i, j);
          if (j === n) return out;
          this.mode = 'text';
          if (text[j] === 'K' && this.csi.replace(/\?/g, '') === '2') this.line = '';
          i = j + 1;
          break;
        }
        case 'osc': {
          STRING_END.lastIndex = i;
          const j = STRING_END.exec(text)?.index ?? n;
          if (j === n) return out;
          this.mode = text[j] === '\x07' ? 'text' : 'oscEsc';
          i = j + 1;
          break;
        }
        case 'oscEsc': {
          const ch = String.fromCodePoint(text.codePointAt(i)!);
          i += ch.length;
          this.mode = ch === '\\' ? 'text' : 'osc';
          break;
        }
        case 'charset': {
          i += String.fromCodePoint(text.codePointAt(i)!).length;
          this.mode = 'text';
          break;
        }
      }
    }
    return out;
  }

  /** The line being written, if any (at exit). */
  rest(): string | undefined {
    const line = this.line.trimEnd();
    this.line = '';
    return line ? line : undefined;
  }

  private control(c: number, out: string[]): void {
    if (c === 0x0a) {
      out.push(this.line.trimEnd());
      this.line = '';
      this.cr = false;
      return;
    }
    if (c === 0x0d) {
      this.cr = true;
      return;
    }
    if (this.cr) {
      this.cr = false;
      this.line = '';
    }
    if (c === 0x1b) this.mode = 'esc';
    else if (c === 0x08) this.line = this.line.slice(0, -1);
  }
}

/** One agent's log file. */
export class AgentLog {
  private readonly decoder = new StringDecoder('utf8');
  private readonly lines = new PlainLines();
  private buffer = '';
  private timer?: NodeJS.Timeout;
  private size: number;

  constructor(
    readonly path: string,
    private readonly limit = LOG_LIMIT,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      this.size = statSync(path).size;
    } catch {
      this.size = 0;
    }
  }

  /** A line of our own (`── resumed at …`), between the agent's lines. */
  note(text: string): void {
    this.push([text]);
  }

  /** Output from the agent's PTY. */
  write(data: string | Uint8Array): void {
    const text = typeof data === 'string' ? data : this.decoder.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    const done = this.lines.feed(text);
    if (done.length) this.push(done);
  }

  /** Writes what is buffered, including an unfinished last line (at the agent's exit and at shutdown). */
  flush(): void {
    const rest = this.lines.rest();
    if (rest !== undefined) this.buffer += `${rest}\n`;
    this.writeOut();
  }

  private push(lines: string[]): void {
    this.buffer += `${lines.join('\n')}\n`;
    this.timer ??= setTimeout(() => this.writeOut(), FLUSH_MS);
  }

  private writeOut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    try {
      if (this.size > 0 && this.size + Buffer.byteLength(text) > this.limit) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      appendFileSync(this.path, text);
      this.size += Buffer.byteLength(text);
    } catch {
      // A log that cannot be written must not stop the agent.
    }
  }
}
