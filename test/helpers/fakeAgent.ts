/** Running the fake agent (test/fake-agent.mjs) under a real PTY, for tests. */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import { waitFor, type WaitOptions } from './wait.js';

/** Absolute path of the fake agent executable. */
export const FAKE_AGENT = fileURLToPath(new URL('../fake-agent.mjs', import.meta.url));

/** Makes `<binDir>/claude` a symlink to the fake agent; put binDir first on PATH. */
export function installClaudeShim(binDir: string): string {
  const link = join(binDir, 'claude');
  if (!existsSync(link)) symlinkSync(FAKE_AGENT, link);
  return link;
}

/** Parses an NDJSON file, ignoring a trailing line still being written; [] when missing. */
export function readNdjson<T = Record<string, unknown>>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Removes escape sequences (CSI, OSC, charset selections) so tests can match what is printed. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g, '');
}

export interface PtyExit {
  exitCode: number;
  signal: number;
}

/** One process under a PTY, with its whole output kept. */
export class PtyRun {
  output = '';
  bytes = 0;
  readonly exited: Promise<PtyExit>;
  private readonly proc: pty.IPty;
  private exitValue: PtyExit | undefined;

  constructor(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; cols?: number; rows?: number }) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env[k] = v;
    this.proc = pty.spawn(file, args, { cwd: opts.cwd, env, cols: opts.cols ?? 100, rows: opts.rows ?? 30, name: 'xterm-256color' });
    this.proc.onData((d) => {
      this.output += d;
      this.bytes += Buffer.byteLength(d);
    });
    this.exited = new Promise((resolve) => {
      this.proc.onExit((e) => {
        this.exitValue = { exitCode: e.exitCode, signal: e.signal ?? 0 };
        resolve(this.exitValue);
      });
    });
  }

  /** The output without escape sequences. */
  get text(): string {
    return stripAnsi(this.output);
  }

  get pid(): number {
    return this.proc.pid;
  }

  get exit(): PtyExit | undefined {
    return this.exitValue;
  }

  write(data: string): void {
    this.proc.write(data);
  }

  kill(signal?: string): void {
    this.proc.kill(signal);
  }

  /** Resolves once the output, escape sequences removed, contains `text` (or matches it). */
  async waitForOutput(text: string | RegExp, opts: WaitOptions = {}): Promise<void> {
    const found = (): boolean => (typeof text === 'string' ? this.text.includes(text) : text.test(this.text));
    await waitFor(found, { message: () => `output ${String(text)}; got:\n${this.text.slice(-2000)}`, ...opts });
  }

  /** Closes the terminal under the process, as when the supervisor goes away. */
  hangUp(): void {
    // node-pty's UnixTerminal has destroy(); its public IPty type does not list it.
    (this.proc as unknown as { destroy(): void }).destroy();
  }

  /** Kills the process if it is still running and waits for it. */
  async dispose(): Promise<void> {
    if (!this.exitValue) {
      try {
        this.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
      await this.exited;
    }
  }
}

/** Runs the fake agent with node under a PTY. */
export function runFakeAgent(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; cols?: number; rows?: number }): PtyRun {
  return new PtyRun(process.execPath, [FAKE_AGENT, ...args], opts);
}
