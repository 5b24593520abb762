import { constants } from 'node:os';
import { isDirectory, resolveCommand } from './command.js';
import { Emitter } from './events.js';
import type { Disposable } from './events.js';
import type { PtyExit, PtyProcess, PtySpawner } from './pty.js';
import { Screen } from './screen.js';
import type { ScreenOptions } from './screen.js';

/** How a run of the agent ended. */
export interface SessionExit {
  /** Null when the process was killed by a signal or never started. */
  exitCode: number | null;
  /** The signal's name, e.g. 'SIGKILL'. */
  signal: string | null;
  /** Why the process could not start, e.g. 'command not found: claude'. */
  message?: string;
}

export interface SessionOptions {
  spawner: PtySpawner;
  file: string;
  args: string[];
  /** The agent's worktree. */
  cwd: string;
  /** The agent's environment; terminal identity variables are set by `terminalEnv`. */
  env: Record<string, string>;
  cols: number;
  rows: number;
  scrollback?: number;
  /** After the process exits, output is still read until none came for this long (default 50 ms). */
  drainMs?: number;
  themeColors?: ScreenOptions['themeColors'];
  /**
   * Flow control, for when parsing is deferred (`deferParsing`, or a headless terminal without a
   * synchronous write): output is no longer read while the parser is more than `high` bytes
   * behind, and read again below `low` (defaults 1 MiB and 256 KiB), so an agent that floods
   * output blocks on its own writes instead of filling our memory. Output parsed as it is read
   * needs none: the agent waits on the terminal driver while we parse.
   */
  flowControl?: { high: number; low: number };
  deferParsing?: ScreenOptions['deferParsing'];
}

export interface StopOptions {
  /** How long to wait after SIGHUP before SIGTERM (default 2000 ms). */
  hangupMs?: number;
  /** How long to wait after SIGTERM before SIGKILL (default 2000 ms). */
  termMs?: number;
}

export interface SessionEvents {
  /** A raw output chunk, before parsing (output activity for status detection). */
  data: string | Uint8Array;
  /** Output has been parsed into the screen. */
  output: undefined;
  title: string;
  /** The run ended and its last output is on the screen. */
  exit: SessionExit;
}

type State = 'idle' | 'running' | 'draining' | 'exited';

const FLOW_CONTROL = { high: 1 << 20, low: 1 << 18 };
// However long output keeps trickling in after the exit, report the exit after this long.
const MAX_DRAIN_MS = 1000;

// Variables that describe the user's terminal, not the virtual one an agent runs in.
const OUTER_TERMINAL_VARS = [
  'TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'WINDOWID', 'TERMCAP', 'COLUMNS', 'LINES',
  'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'TERM_SESSION_ID', 'ITERM_SESSION_ID',
  'KITTY_WINDOW_ID', 'KITTY_PID', 'WEZTERM_PANE', 'WEZTERM_EXECUTABLE', 'ALACRITTY_WINDOW_ID',
  'VTE_VERSION', 'KONSOLE_VERSION', 'WT_SESSION',
];

/** `env` for a process in a session: it describes the virtual terminal (xterm, true colour), not the user's. */
export function terminalEnv(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  for (const name of OUTER_TERMINAL_VARS) delete out[name];
  out.TERM = 'xterm-256color';
  out.COLORTERM = 'truecolor';
  return out;
}

/** `os.constants.signals` backwards: 9 → 'SIGKILL'. */
export function signalName(signal: number): string {
  for (const [name, value] of Object.entries(constants.signals)) if (value === signal) return name;
  return `signal ${signal}`;
}

/**
 * One agent on a pseudo-terminal feeding a virtual screen. The agent's bytes go to the screen
 * only, never to the user's terminal; the terminal's answers to the agent's queries go back.
 */
export class Session extends Emitter<SessionEvents> {
  readonly screen: Screen;
  private readonly opts: SessionOptions;
  private readonly flow: { high: number; low: number };
  private args: string[];
  private env: Record<string, string>;
  private pty: PtyProcess | undefined;
  private dataSubscription: Disposable | undefined;
  private state: State = 'idle';
  private paused = false;
  private lastDataAt = 0;
  private stopping: Promise<SessionExit> | undefined;
  private disposed = false;
  private ptyEnded: Promise<void> = Promise.resolve();
  private endPty: () => void = () => {};
  private exitPromise!: Promise<SessionExit>;
  private resolveExit!: (exit: SessionExit) => void;

  constructor(opts: SessionOptions) {
    super();
    this.opts = { ...opts };
    this.flow = opts.flowControl ?? FLOW_CONTROL;
    this.args = opts.args;
    this.env = opts.env;
    this.screen = new Screen({
      cols: opts.cols,
      rows: opts.rows,
      scrollback: opts.scrollback,
      themeColors: opts.themeColors,
      deferParsing: opts.deferParsing,
    });
    this.screen.onResponse((data) => this.write(data));
    this.screen.onTitle((title) => this.emit('title', title));
    this.screen.onParsed(() => this.emit('output', undefined));
    this.newRun();
  }

  /** The current run's end (a new promise after `restart`). */
  get exited(): Promise<SessionExit> {
    return this.exitPromise;
  }

  /** The process id of the current run (also its process group id); kept after it ends. */
  get pid(): number | undefined {
    return this.pty?.pid;
  }

  /** Whether the agent process is alive. */
  get running(): boolean {
    return this.state === 'running';
  }

  /** Starts the agent; a missing command or worktree ends the run at once with a message. */
  start(): void {
    if (this.state !== 'idle') throw new Error('session already started');
    const { file, cwd, cols, rows } = this.opts;
    const env = terminalEnv(this.env);
    const problem = !isDirectory(cwd)
      ? `working directory not found: ${cwd}`
      : resolveCommand(file, env, cwd) === undefined
        ? `command not found: ${file}`
        : undefined;
    if (problem) return this.failToStart(problem);
    let pty: PtyProcess;
    try {
      pty = this.opts.spawner.spawn(file, this.args, { cwd, env, cols, rows });
    } catch (err) {
      return this.failToStart(`could not start ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.pty = pty;
    this.state = 'running';
    this.lastDataAt = Date.now();
    this.ptyEnded = new Promise((resolve) => (this.endPty = resolve));
    this.dataSubscription = pty.onData(this.onData);
    // Never unsubscribed: the exit of a disposed session still settles `exited`.
    pty.onExit((e) => this.onPtyExit(pty, e));
  }

  /** Types into the agent (ignored once it has exited). */
  write(data: string): void {
    if (this.state === 'running') this.pty?.write(data);
  }

  /** Resizes the PTY and the screen together. */
  resize(cols: number, rows: number): void {
    this.opts.cols = cols;
    this.opts.rows = rows;
    this.screen.resize(cols, rows);
    if (this.state === 'running') this.pty?.resize(cols, rows);
  }

  /** Sends `signal` to the agent's process group. */
  signal(signal: NodeJS.Signals): void {
    if (this.state === 'running') this.pty?.kill(signal);
  }

  /**
   * Ends the agent: SIGHUP, then SIGTERM after `hangupMs`, then SIGKILL after `termMs`, each to
   * its whole process group. Resolves with the exit once the last output is on the screen.
   */
  stop(opts: StopOptions = {}): Promise<SessionExit> {
    if (this.state === 'idle') this.finish({ exitCode: null, signal: null, message: 'stopped before start' });
    if (this.state !== 'running') return this.exited;
    this.stopping ??= this.escalate(opts.hangupMs ?? 2000, opts.termMs ?? 2000);
    return this.stopping;
  }

  /**
   * Stops the agent if it runs, then starts it again in the same screen (its earlier output
   * stays in the scrollback), with new arguments or environment when given: a fresh handoff.
   */
  async restart(next: { args?: string[]; env?: Record<string, string> } = {}, stop?: StopOptions): Promise<void> {
    if (this.state === 'running') await this.stop(stop);
    else if (this.state === 'draining') await this.exited;
    if (next.args) this.args = next.args;
    if (next.env) this.env = next.env;
    // Leave the previous run's alternate screen and modes (mouse, bracketed paste) behind.
    this.screen.write('\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[!p\r\n');
    this.newRun();
    this.start();
  }

  /** Kills the agent's process group if it still runs and releases the screen. */
  dispose(): void {
    if (this.state === 'running') this.pty?.kill('SIGKILL');
    this.disposed = true;
    this.unsubscribe();
    this.removeAllListeners();
    this.screen.dispose();
  }

  private newRun(): void {
    this.state = 'idle';
    this.stopping = undefined;
    this.pty = undefined;
    this.exitPromise = new Promise((resolve) => (this.resolveExit = resolve));
  }

  private readonly onData = (chunk: string | Uint8Array): void => {
    this.lastDataAt = Date.now();
    if (this.hasListeners('data')) this.emit('data', chunk);
    this.screen.write(chunk, this.onChunkParsed);
    if (!this.paused && this.state === 'running' && this.screen.pendingBytes > this.flow.high) {
      this.paused = true;
      this.pty?.pause();
    }
  };

  private readonly onChunkParsed = (): void => {
    if (this.paused && this.screen.pendingBytes < this.flow.low) {
      this.paused = false;
      this.pty?.resume();
    }
  };

  private onPtyExit(pty: PtyProcess, e: PtyExit): void {
    if (pty !== this.pty || this.state !== 'running') return;
    this.state = 'draining';
    this.endPty();
    // Nothing can block on its writes any more: read everything that is left.
    this.paused = false;
    pty.resume();
    const exit: SessionExit = e.signal
      ? { exitCode: null, signal: signalName(e.signal) }
      : { exitCode: e.exitCode, signal: null };
    const exitAt = Date.now();
    const drainMs = this.opts.drainMs ?? 50;
    const settle = (): void => {
      const now = Date.now();
      const wait = Math.max(this.lastDataAt, exitAt) + drainMs - now;
      const left = exitAt + MAX_DRAIN_MS - now;
      if (wait > 0 && left > 0) {
        setTimeout(settle, Math.min(wait, left));
        return;
      }
      this.unsubscribe();
      if (this.disposed) return this.finish(exit);
      void this.screen.flush().then(() => this.finish(exit));
    };
    settle();
  }

  private async escalate(hangupMs: number, termMs: number): Promise<SessionExit> {
    const pty = this.pty;
    if (!pty) return this.exited;
    pty.kill('SIGHUP');
    if (!(await this.endsWithin(hangupMs))) {
      pty.kill('SIGTERM');
      if (!(await this.endsWithin(termMs))) pty.kill('SIGKILL');
    }
    const exit = await this.exited;
    // Whatever the agent left behind in its process group goes with it.
    pty.kill('SIGKILL');
    return exit;
  }

  private endsWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.ptyEnded.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private failToStart(message: string): void {
    this.state = 'draining';
    // Asynchronous like any other exit, so listeners added right after start() hear it.
    setImmediate(() => this.finish({ exitCode: null, signal: null, message }));
  }

  private finish(exit: SessionExit): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.unsubscribe();
    this.resolveExit(exit);
    this.emit('exit', exit);
  }

  private unsubscribe(): void {
    this.dataSubscription?.dispose();
    this.dataSubscription = undefined;
  }
}
