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

/** Turns terminal output into finished plain lines; keeps state across chunks. */
export class PlainLines {
  private mode: Mode = 'text';
  private line = '';
  private csi = '';
  private cr = false;

  /** Feeds text; returns the lines it completed. */
  feed(text: string): string[] {
    const out: string[] = [];
    for (const ch of text) {
      switch (this.mode) {
        case 'text':
          this.text(ch, out);
          break;
        case 'esc':
          if (ch === '[') (this.mode = 'csi'), (this.csi = '');
          else if (ch === ']' || ch === 'P' || ch === '_' || ch === '^') this.mode = 'osc';
          else if ('()*+'.includes(ch)) this.mode = 'charset';
          else this.mode = 'text';
          break;
        case 'csi':
          if (ch >= '@' && ch <= '~') {
            this.mode = 'text';
            if (ch === 'K' && this.csi.replace(/\?/g, '') === '2') this.line = '';
          } else this.csi += ch;
          break;
        case 'osc':
          if (ch === '\x07') this.mode = 'text';
          else if (ch === '\x1b') this.mode = 'oscEsc';
          break;
        case 'oscEsc':
          this.mode = ch === '\\' ? 'text' : 'osc';
          break;
        case 'charset':
          this.mode = 'text';
          break;
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

  private text(ch: string, out: string[]): void {
    if (ch === '\n') {
      out.push(this.line.trimEnd());
      this.line = '';
      this.cr = false;
      return;
    }
    if (ch === '\r') {
      this.cr = true;
      return;
    }
    if (this.cr) {
      this.cr = false;
      this.line = '';
    }
    if (ch === '\x1b') this.mode = 'esc';
    else if (ch === '\b') this.line = this.line.slice(0, -1);
    else if (ch === '\t' || ch >= ' ') this.line += ch;
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
