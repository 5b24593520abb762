/**
 * One process owns a PGlite data folder (two that open it lose writes silently). The owner holds
 * `owner.lock` beside the data folder and serves the MemoryClient methods on a unix socket, one
 * JSON object a line; every other process goes through it. A lock whose process is gone is
 * taken over.
 */
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SuperviseError, type ErrorKind } from '../errors.js';
import { currentOwner, ownerRunning, type LockOwner } from '../supervisor/lock.js';

export interface MemoryPaths {
  /** The memory folder: the lock and socket live here, beside the database's own folder. */
  dir: string;
  data: string;
  lock: string;
  socket: string;
  log: string;
}

/** $SUPERVISE_MEMORY_DIR, else $XDG_DATA_HOME/handoff-supervisor/memory, else ~/.local/share/…. */
export function memoryPaths(env: NodeJS.ProcessEnv): MemoryPaths {
  const dir = env.SUPERVISE_MEMORY_DIR || join(env.XDG_DATA_HOME || join(env.HOME || tmpdir(), '.local', 'share'), 'handoff-supervisor', 'memory');
  let socket = join(dir, 'owner.sock');
  // A unix socket's path is limited to about 107 bytes: a deep folder gets one in the temp folder.
  if (Buffer.byteLength(socket) > 100) socket = join(tmpdir(), `supervise-memory-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.sock`);
  return { dir, data: join(dir, 'pgdata'), lock: join(dir, 'owner.lock'), socket, log: join(dir, 'owner.log') };
}

export interface OwnerRecord extends LockOwner {
  socket: string;
}

/** The live owner of the folder, if any. */
export function liveOwner(paths: MemoryPaths): OwnerRecord | undefined {
  const rec = readOwner(paths.lock);
  return rec && ownerRunning(rec) ? rec : undefined;
}

function readOwner(lock: string): (OwnerRecord & { raw: string }) | undefined {
  let raw: string;
  try {
    raw = readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(raw) as OwnerRecord;
    return typeof v.pid === 'number' && typeof v.socket === 'string' ? { ...v, raw } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the folder's lock, or returns undefined when a live process holds it. The lock's content
 * is there from its first instant (a hard link of a written file), and a stale one is moved
 * aside and checked before removal, so two takers never both win.
 */
export function takeOwnerLock(paths: MemoryPaths): { release(): void } | undefined {
  mkdirSync(paths.dir, { recursive: true });
  const text = `${JSON.stringify({ ...currentOwner(), socket: paths.socket })}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = `${paths.lock}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    try {
      linkSync(tmp, paths.lock);
      const release = () => {
        process.off('exit', release);
        try {
          if (readFileSync(paths.lock, 'utf8') === text) unlinkSync(paths.lock);
        } catch {
          // gone already
        }
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
    const held = readOwner(paths.lock);
    if (held && ownerRunning(held)) return undefined;
    const aside = `${paths.lock}.${process.pid}.stale`;
    try {
      renameSync(paths.lock, aside);
    } catch {
      continue;
    }
    const now = readFileSync(aside, 'utf8');
    if (held && now !== held.raw) {
      try {
        linkSync(aside, paths.lock); // another taker's fresh lock: put it back
      } catch {
        // a third one holds it now
      }
    }
    unlinkSync(aside);
  }
  return undefined;
}

interface Request {
  id: number;
  method: string;
  args: unknown[];
}
type Reply = { id: number; result: unknown } | { id: number; error: { kind: ErrorKind; message: string; hint?: string } };

/** What an owner answers: the MemoryClient methods, never close. */
export const RPC_METHODS = ['add', 'addMany', 'search', 'markUsed', 'list', 'get', 'forget', 'exportAll', 'importAll', 'stats'] as const;

/** Serves `target`'s methods on the socket; requests wait for `target` while it opens. */
export class OwnerServer {
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private closing = false;
  private drained?: () => void;

  private constructor(
    private readonly server: Server,
    private readonly onIdle: () => void,
  ) {}

  static async listen(socketPath: string, target: Promise<object>, onIdle: () => void = () => {}): Promise<OwnerServer> {
    try {
      unlinkSync(socketPath); // left by an owner that died: we hold the lock now
    } catch {
      // none
    }
    let self: OwnerServer | undefined;
    const server = createServer((socket) => self!.accept(socket, target));
    self = new OwnerServer(server, onIdle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    return self;
  }

  get clients(): number {
    return this.sockets.size;
  }

  private accept(socket: Socket, target: Promise<object>): void {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (!this.sockets.size) this.onIdle();
    });
    createInterface({ input: socket }).on('error', () => {}).on('line', (line) => {
      void this.answer(line, target).then((reply) => {
        if (reply && !socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
      });
    });
  }

  private async answer(line: string, target: Promise<object>): Promise<Reply | undefined> {
    let req: Request;
    try {
      req = JSON.parse(line) as Request;
    } catch {
      return undefined;
    }
    if (this.closing) return { id: req.id, error: { kind: 'RuntimeError', message: CLOSING } };
    if (!(RPC_METHODS as readonly string[]).includes(req.method)) return { id: req.id, error: { kind: 'UsageError', message: `unknown memory method ${req.method}` } };
    this.inFlight++;
    try {
      const t = (await target) as Record<string, (...a: unknown[]) => Promise<unknown>>;
      // JSON has no undefined: an omitted argument arrives as null, and undefined leaves as null.
      const args = (req.args ?? []).map((a) => (a === null ? undefined : a));
      return { id: req.id, result: (await t[req.method]!(...args)) ?? null };
    } catch (err) {
      const e = err as SuperviseError;
      return { id: req.id, error: { kind: e instanceof SuperviseError ? e.kind : 'RuntimeError', message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }

  /** Stops taking requests, lets those under way finish, then disconnects every client. */
  async close(): Promise<void> {
    this.closing = true;
    this.server.close();
    if (this.inFlight) await new Promise<void>((resolve) => (this.drained = resolve));
    for (const s of this.sockets) s.destroy();
  }
}

/** The answer an owner gives once it is closing: the caller finds the next owner and retries. */
export const CLOSING = 'the memory store owner is closing';
