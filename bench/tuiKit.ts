/** Pieces of bench/tui.ts: temp repositories, the built TUI in a real PTY, process statistics, tmux. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import type { IPty } from 'node-pty';
import { packageRoot } from '../src/paths.js';

const { Terminal } = xterm;
export const FAKE_AGENT = join(packageRoot(), 'test', 'fake-agent.mjs');
// SUPERVISE_CLI: another build to measure (to compare two versions side by side).
export const CLI = process.env.SUPERVISE_CLI ?? join(packageRoot(), 'dist', 'cli.js');
// /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s on Linux.
const TICKS_PER_SECOND = 100;

const GIT_ENV = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A temp git repository with one commit and an agents.yaml of custom agents running the fake agent. */
export function makeRepo(agents: { name: string; args: string[] }[]): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'bench-tui-')));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# bench\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'initial commit');
  const quote = (s: string) => JSON.stringify(s);
  const yaml = [
    'version: 1',
    'project: Bench',
    'handoff: { enforce: off }',
    'agents:',
    ...agents.flatMap((a) => [
      `  - name: ${a.name}`,
      `    task: ${quote(`Bench task for ${a.name}`)}`,
      '    preset: custom',
      `    command: [${[process.execPath, FAKE_AGENT, ...a.args].map(quote).join(', ')}]`,
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'agents.yaml'), `${yaml}\n`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A program in a real PTY, its output replayed into a headless terminal of the same size. */
export class PtyScreen {
  readonly proc: IPty;
  readonly term: InstanceType<typeof Terminal>;
  readonly startedAt = performance.now();
  bytes = 0;
  /** When the last output arrived (ms, performance.now()). */
  lastDataAt = 0;
  /** Chrome renders by Ink: each is wrapped in a synchronized update (the compositor's start with a cursor save). */
  inkRenders = 0;
  /** Frames the compositor drew: each starts with one cursor save (DECSC). */
  saves = 0;
  parse = true;
  private exited = false;
  private readonly exitWaiters: (() => void)[] = [];

  constructor(file: string, args: string[], opts: { cwd: string; cols: number; rows: number; env?: Record<string, string> }) {
    this.term = new Terminal({ cols: opts.cols, rows: opts.rows, allowProposedApi: true, logLevel: 'off', scrollback: 0 });
    this.proc = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: opts.cols,
      rows: opts.rows,
      cwd: opts.cwd,
      env: { ...(process.env as Record<string, string>), TERM: 'xterm-256color', ...opts.env },
    });
    this.proc.onData((data) => {
      this.lastDataAt = performance.now();
      this.bytes += data.length;
      // Ink's renders come in a synchronized update; the compositor's frames that scroll do too, cursor saved first.
      for (let i = data.indexOf('\x1b[?2026h'); i !== -1; i = data.indexOf('\x1b[?2026h', i + 8)) if (!data.startsWith('\x1b7', i + 8)) this.inkRenders++;
      for (let i = data.indexOf('\x1b7'); i !== -1; i = data.indexOf('\x1b7', i + 2)) this.saves++;
      if (this.parse) this.term.write(data);
    });
    this.proc.onExit(() => {
      this.exited = true;
      for (const w of this.exitWaiters.splice(0)) w();
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** The whole screen as text. */
  text(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** Waits until `cond(screen text)` holds; resolves with when the output that made it hold arrived (ms since spawn). */
  async waitFor(cond: (text: string) => boolean, timeoutMs: number, what: string): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // Parsing is asynchronous: an empty write's callback runs once everything before it is parsed.
      await new Promise<void>((resolve) => this.term.write('', resolve));
      const arrived = this.lastDataAt;
      if (cond(this.text())) return arrived - this.startedAt;
      if (this.exited) throw new Error(`the program exited while waiting for ${what}:\n${this.text()}`);
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${this.text()}`);
      await sleep(5);
    }
  }

  /** Quits the TUI (q, then y to confirm), escalating to signals; resolves once it has exited. */
  async quit(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.proc.write('q');
    await sleep(200);
    this.proc.write('y');
    for (const [signal, wait] of [[undefined, 20_000], ['SIGTERM', 10_000], ['SIGKILL', 5_000]] as const) {
      if (signal) this.proc.kill(signal);
      if (await Promise.race([gone.then(() => true), sleep(wait).then(() => false)])) return;
    }
  }
}

/**
 * CPU seconds a process has used, all its threads (the JIT compiler's and the garbage collector's
 * too), not its children: the scheduler's nanosecond count per thread where the kernel keeps one,
 * else user + system time in 10 ms ticks (too coarse for 1 % over 10 s: ±0.1 %).
 */
export function cpuSeconds(pid: number): number {
  if (!existsSync(`/proc/${pid}/schedstat`)) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  }
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread has just ended
    }
  }
  return ns / 1e9;
}

/** How many times a process has gone to sleep (voluntary context switches of its main thread). */
export function sleeps(pid: number): number {
  const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** A process's resident memory in MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Percent of one core `pid` uses over `seconds`. */
export async function cpuPercent(pid: number, seconds: number): Promise<number> {
  return (await cpuPercents([pid], seconds))[0]!;
}

/** Percent of one core each of `pids` uses over the same `seconds`. */
export async function cpuPercents(pids: number[], seconds: number): Promise<number[]> {
  const c0 = pids.map(cpuSeconds);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  return pids.map((pid, i) => ((cpuSeconds(pid) - c0[i]!) / elapsed) * 100);
}

/** A private tmux server running `command` in a cols × rows window, with a client attached in a PTY. */
export class TmuxRun {
  readonly socket = `bench${process.pid}${Math.floor(Math.random() * 1e6)}`;
  readonly client: PtyScreen;
  readonly serverPid: number;
  private readonly socketPath: string;

  constructor(command: string, cols: number, rows: number) {
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    tmux('new-session', '-d', '-x', String(cols), '-y', String(rows), command, ';', 'set', '-g', 'status', 'off');
    this.serverPid = Number(tmux('display-message', '-p', '#{pid}').trim());
    this.socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
    this.client = new PtyScreen('tmux', ['-L', this.socket, 'attach'], { cwd: tmpdir(), cols, rows });
    this.client.parse = false;
  }

  kill(): void {
    try {
      execFileSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    this.client.proc.kill();
    rmSync(this.socketPath, { force: true });
  }
}
