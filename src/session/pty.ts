import { accessSync, constants, readSync, write as writeFd } from 'node:fs';
import * as nodePty from 'node-pty';
import type { Disposable } from './events.js';

/** How a PTY child ended, as the platform reports it: `signal` is a number, 0 or absent when none. */
export interface PtyExit {
  exitCode: number;
  signal?: number;
}

/** A child process running on a pseudo-terminal. */
export interface PtyProcess {
  readonly pid: number;
  /** Output from the child; Uint8Array chunks are UTF-8 bytes. */
  onData(cb: (data: string | Uint8Array) => void): Disposable;
  onExit(cb: (exit: PtyExit) => void): Disposable;
  /** Input for the child (UTF-8 encoded when a string). */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Sends `signal` (default SIGHUP) to the child's whole process group. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops reading output, so a child that writes faster than we parse blocks (flow control). */
  pause(): void;
  /** Reads output again after `pause`. */
  resume(): void;
}

export interface PtySpawnOptions {
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
}

/** Starts children on pseudo-terminals; tests may substitute a fake. */
export interface PtySpawner {
  spawn(file: string, args: string[], opts: PtySpawnOptions): PtyProcess;
}

/**
 * On Linux node-pty opens each PTY master without close-on-exec (forkpty), and its child closes
 * nothing before exec: every agent started later would hold the masters of those started before
 * it, able to type into their terminals and keeping them open, so that they never get their
 * hang-up when the supervisor dies. Node cannot set FD_CLOEXEC, so each agent starts under bash,
 * which closes every descriptor above 2 and execs the agent: same pid, same argv, a few
 * milliseconds more (bench: ~5 ms a start). `--posix` so that BASH_ENV is not read. dash
 * cannot close descriptors above 9, hence bash; without it an agent starts directly. macOS's
 * node-pty spawns with POSIX_SPAWN_CLOEXEC_DEFAULT and needs none of this.
 */
const CLOSE_FDS = 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec -- "$@"';

/** bash's path when agents need the launcher above (Linux), else undefined. */
export function fdClosingShell(platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux') return undefined;
  for (const path of ['/bin/bash', '/usr/bin/bash']) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next
    }
  }
  return undefined;
}

/** The real spawner over node-pty: the only place in the codebase that touches node-pty. */
export class NodePtySpawner implements PtySpawner {
  private readonly shell = fdClosingShell();

  spawn(file: string, args: string[], opts: PtySpawnOptions): PtyProcess {
    const [exe, argv] = this.shell ? [this.shell, ['--posix', '-c', CLOSE_FDS, 'supervise-launch', file, ...args]] : [file, args];
    const pty = nodePty.spawn(exe, argv, {
      name: opts.env.TERM ?? 'xterm-256color',
      cols: opts.cols,
      rows: opts.rows,
      cwd: opts.cwd,
      env: opts.env,
      // Raw bytes go straight to the terminal parser, which decodes UTF-8 itself: no string
      // decode per chunk, and no split multi-byte characters to worry about.
      encoding: null,
    });
    return new NodePtyProcess(pty);
  }
}

/** The slice of node-pty's private master stream that the fixes below need. */
interface PtySocket {
  destroy(err?: Error): unknown;
  resume(): unknown;
  on(event: 'end', cb: () => void): unknown;
  on(event: 'data', cb: (data: Uint8Array) => void): unknown;
}

class NodePtyProcess implements PtyProcess {
  private readonly dataListeners = new Set<(data: Uint8Array) => void>();
  private readonly fd: number | undefined;
  private readonly writer: FdWriter | undefined;
  private paused = false;
  private exited = false;

  constructor(private readonly pty: nodePty.IPty) {
    const fd = (pty as unknown as { fd?: unknown }).fd;
    this.fd = typeof fd === 'number' ? fd : undefined;
    this.writer = this.fd === undefined ? undefined : new FdWriter(this.fd);
    pty.onExit(() => {
      this.exited = true;
      this.writer?.close();
    });
    const socket = (pty as unknown as { _socket?: PtySocket })._socket;
    // Output straight from node-pty's stream, whose 'data' event its own onData relays through
    // two more emitters: a chunk arrives 30 times a second per streaming agent.
    if (socket && typeof socket.on === 'function') socket.on('data', (data: Uint8Array) => this.emitData(data));
    else pty.onData((data) => this.emitData(data as unknown as Uint8Array));
    if (socket) {
      this.readTailAtHangup(socket);
      this.keepTailWhilePaused(socket);
    }
  }

  get pid(): number {
    return this.pty.pid;
  }

  onData(cb: (data: string | Uint8Array) => void): Disposable {
    this.dataListeners.add(cb);
    return { dispose: () => this.dataListeners.delete(cb) };
  }

  onExit(cb: (exit: PtyExit) => void): Disposable {
    return this.pty.onExit(cb);
  }

  write(data: string): void {
    if (this.exited) return;
    if (this.writer) this.writer.write(Buffer.from(data, 'utf8'));
    else this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exited) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The terminal closed a moment before the exit was reported.
    }
  }

  kill(signal: NodeJS.Signals = 'SIGHUP'): void {
    // The child is a session leader (forkpty calls setsid), so its pid is also its process
    // group id: signalling the group reaches what the agent started in the foreground too.
    try {
      process.kill(-this.pty.pid, signal);
      return;
    } catch {
      // No such group: fall through.
    }
    // Once reaped, the pid may belong to an unrelated process: never signal it then.
    if (this.exited) return;
    try {
      process.kill(this.pty.pid, signal);
    } catch {
      // Already gone.
    }
  }

  pause(): void {
    if (this.paused || this.exited) return;
    this.paused = true;
    this.pty.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pty.resume();
  }

  private emitData(data: Uint8Array): void {
    for (const cb of this.dataListeners) cb(data);
  }

  /**
   * When the child closes the terminal, libuv sees a hang-up after a short read and reports
   * end-of-file at once. A PTY master hands out at most about 4 KB per read, so kilobytes of
   * the child's last output may still be waiting in the kernel: read them before the stream
   * closes. The child has gone, so these reads end quickly (EIO when empty).
   */
  private readTailAtHangup(socket: PtySocket): void {
    const fd = this.fd;
    if (fd === undefined) return;
    socket.on('end', () => {
      // The terminal is hung up: input can no longer be delivered.
      this.writer?.close();
      const buf = Buffer.allocUnsafe(65536);
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, buf, 0, buf.length, null);
        } catch {
          return; // EIO: all read.
        }
        if (n <= 0) return;
        this.emitData(Buffer.from(buf.subarray(0, n)));
      }
    });
  }

  /**
   * When the child exits, node-pty waits 200 ms for end-of-file on the master and then destroys
   * it, dropping whatever is still unread. End-of-file never comes while we hold the stream
   * paused for flow control, so the child's last output would be lost: resume reading instead
   * and give the kernel buffer the same grace period to empty.
   */
  private keepTailWhilePaused(socket: PtySocket): void {
    const destroy = socket.destroy.bind(socket);
    socket.destroy = (err?: Error) => {
      if (err !== undefined || !this.paused) {
        // The descriptor is about to close; a late write could hit whatever reuses its number.
        this.writer?.close();
        return destroy(err);
      }
      this.paused = false;
      socket.resume();
      setTimeout(() => destroy(), 200).unref();
      return socket;
    };
  }
}

/**
 * Writes input to the master in order, retrying when the kernel buffer is full. node-pty's own
 * writer reports a failed write (EIO once the child has gone) with console.error, which would
 * land on the user's terminal; here a write that fails for any other reason is simply dropped
 * with the rest of the queue, since the child can no longer read it.
 */
class FdWriter {
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;

  constructor(private readonly fd: number) {}

  write(buf: Buffer): void {
    if (this.closed || buf.length === 0) return;
    this.queue.push(buf);
    if (!this.busy) this.next();
  }

  /** Drops pending input and refuses more. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private next(): void {
    const head = this.queue[0];
    if (!head || this.closed) {
      this.busy = false;
      return;
    }
    this.busy = true;
    writeFd(this.fd, head, 0, head.length, null, (err, written) => {
      if (err?.code === 'EAGAIN') {
        setTimeout(() => this.next(), 5);
        return;
      }
      if (err) {
        this.close();
        this.busy = false;
        return;
      }
      if (written < head.length) this.queue[0] = head.subarray(written);
      else this.queue.shift();
      this.next();
    });
  }
}
