/**
 * The orphan watcher (SPEC §4.8, §9): a small process tied to the supervisor's life by a pipe on
 * its standard input. The supervisor tells it each agent's pid as the agent starts (`+PID`) and
 * stops (`-PID`). node-pty's forkpty makes every agent a session leader, and the bash launcher
 * execs in place, so an agent's pid is its session and process group id. When the pipe closes
 * without `exit` — the supervisor died, even by SIGKILL — the watcher hangs up, terminates, then
 * kills every process group of those sessions that is still there, within 2 s, and exits. The
 * terminal's own hang-up is not enough: an agent that ignores SIGHUP and never writes to its
 * terminal outlives it, and so does every agent while some process holds a copy of its master.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, readdirSync, readlinkSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isFinal } from '../agents/status.js';
import type { AgentState } from './agentState.js';
import { procTable, readProc } from './procfs.js';

export interface ReapOptions {
  /** Wait after SIGHUP before SIGTERM (default 500 ms). */
  hangupMs?: number;
  /** Wait after SIGTERM before SIGKILL (default 700 ms). */
  termMs?: number;
  /** Wait after SIGKILL for the kernel to finish (default 300 ms). */
  killMs?: number;
  pollMs?: number;
}

/** The supervisor's end: spawns the watcher and tells it which agents run. */
export class OrphanWatcher {
  private closed = false;

  private constructor(private readonly child: ChildProcess) {}

  /**
   * Starts `supervise watch` (the built CLI at `cliPath`) in a session of its own, so that
   * neither the terminal's signals nor a kill of the supervisor's group reach it. Start it before
   * the first PTY: a child inherits node-pty's masters (it closes any it finds, all the same).
   */
  static start(nodePath: string, cliPath: string): OrphanWatcher {
    const child = spawn(nodePath, [cliPath, 'watch', '--supervisor', String(process.pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      cwd: '/',
    });
    // A watcher that failed to start, or was killed, must not take the supervisor down with it.
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    // Neither the process nor the pipe keeps the supervisor alive: its exit is the signal.
    child.unref();
    (child.stdin as unknown as Socket | null)?.unref?.();
    return new OrphanWatcher(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Follows the agents' pids through a supervisor's status events: a pid that appears is added,
   * one that goes (the agent exited, or was restarted under a new pid) is removed. Status events
   * are emitted synchronously as a session starts and ends, so nothing runs unwatched.
   */
  follow(source: { on(event: 'status', cb: (a: Pick<AgentState, 'name' | 'pid' | 'status'>) => void): unknown }): this {
    const pids = new Map<string, number>();
    source.on('status', ({ name, status, pid: reported }) => {
      // A finished agent runs nothing, whatever pid an earlier run left in its state.
      const pid = isFinal(status) ? undefined : reported;
      const before = pids.get(name);
      if (before === pid) return;
      if (before !== undefined) this.remove(before);
      if (pid === undefined) pids.delete(name);
      else {
        pids.set(name, pid);
        this.add(pid);
      }
    });
    return this;
  }

  /** An agent started: its session is the watcher's to end if the supervisor dies. */
  add(pid: number): void {
    this.send(`+${pid}`);
  }

  /** An agent ended: forget it, so its pid, once reused, is never signalled. */
  remove(pid: number): void {
    this.send(`-${pid}`);
  }

  /** A clean shutdown: the watcher exits without signalling anything. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.send('exit');
    this.closed = true;
    this.child.stdin?.end();
  }

  private send(line: string): void {
    const stdin = this.child.stdin;
    if (this.closed || !stdin || stdin.destroyed || !stdin.writable) return;
    stdin.write(`${line}\n`);
  }
}

/**
 * The watcher's side: reads the supervisor's lines until the pipe closes. Resolves with
 * `released` after `exit`, else with `reaped` once every watched session is gone.
 */
export function runWatcher(input: Readable, opts: ReapOptions = {}): Promise<'released' | 'reaped'> {
  closeInheritedMasters();
  // Each watched session with its leader's start time, to tell it from a later process with its pid.
  const sessions = new Map<number, string | undefined>();
  let released = false;
  input.on('error', () => {}); // a broken pipe is a closed one
  const lines = createInterface({ input });
  lines.on('line', (raw) => {
    const line = raw.trim();
    if (line === 'exit') {
      released = true;
      lines.close();
      input.destroy();
      return;
    }
    const m = /^([+-])(\d+)$/.exec(line);
    if (!m) return;
    const pid = Number(m[2]);
    if (m[1] === '+') sessions.set(pid, readProc(pid)?.start);
    else sessions.delete(pid);
  });
  return new Promise((resolve) => {
    lines.on('close', () => {
      if (released) return resolve('released');
      void reapSessions(sessions, opts).then(() => resolve('reaped'));
    });
  });
}

/**
 * HUP, then TERM, then KILL to every live process group of the given sessions (keyed by leader
 * pid, valued by the leader's start time), moving on as soon as all are gone.
 */
export async function reapSessions(sessions: ReadonlyMap<number, string | undefined>, opts: ReapOptions = {}): Promise<void> {
  const ours = [...sessions].filter(([sid, start]) => ownSession(sid, start)).map(([sid]) => sid);
  const poll = opts.pollMs ?? 20;
  const steps: [NodeJS.Signals, number][] = [
    ['SIGHUP', opts.hangupMs ?? 500],
    ['SIGTERM', opts.termMs ?? 700],
    ['SIGKILL', opts.killMs ?? 300],
  ];
  for (const [signal, wait] of steps) {
    const groups = liveGroups(ours);
    if (groups.length === 0) return;
    for (const g of groups) signalGroup(g, signal);
    const deadline = Date.now() + wait;
    while (Date.now() < deadline && liveGroups(ours).length > 0) await new Promise((r) => setTimeout(r, poll));
  }
}

/**
 * Whether session `sid` is still the agent's. A session id is not reused while any process of
 * the session lives, so: leader gone, the members (if any) are ours; leader present, it must be
 * the process we registered (same start time), else the pid is a newcomer's and ours is empty.
 */
function ownSession(sid: number, start: string | undefined): boolean {
  const now = readProc(sid);
  if (!now) return true;
  return start !== undefined && now.start === start;
}

/** Process groups, other than zombies, in the given sessions; without /proc, the leaders' groups that answer. */
function liveGroups(sessions: number[]): number[] {
  const table = procTable();
  if (!table) return sessions.filter((g) => signalGroup(g, 0));
  const wanted = new Set(sessions);
  return [...new Set(table.filter((p) => !p.zombie && wanted.has(p.session)).map((p) => p.pgrp))];
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  if (pgid <= 1) return false; // never the whole system
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** PTY masters inherited from the supervisor (node-pty opens them without close-on-exec) would keep terminals from hanging up. */
function closeInheritedMasters(): void {
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return;
  }
  for (const name of fds) {
    const fd = Number(name);
    if (fd <= 2) continue;
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === '/dev/ptmx') closeSync(fd);
    } catch {
      // closed meanwhile
    }
  }
}
