/** A MemoryClient that sends each call to the owner of the store over its unix socket. */
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { SuperviseError, type ErrorKind } from '../errors.js';
import { CLOSING } from './owner.js';

/** The owner went away before answering: the call was not done, and may be sent to the next owner. */
export class OwnerGone extends Error {}

export class RemoteMemory {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private gone = false;

  private constructor(private readonly socket: Socket) {
    // readline passes the socket's errors on: a reset owner is a closed connection, not a crash.
    const lines = createInterface({ input: socket }).on('error', () => {});
    lines.on('line', (line) => {
      let reply: { id: number; result?: unknown; error?: { kind: ErrorKind; message: string; hint?: string } };
      try {
        reply = JSON.parse(line);
      } catch {
        return;
      }
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (!this.pending.size) socket.unref();
      if (!reply.error) p.resolve(reply.result ?? undefined);
      else if (reply.error.message === CLOSING) p.reject(new OwnerGone(CLOSING));
      else p.reject(new SuperviseError(reply.error.kind, reply.error.message, {}, reply.error.hint));
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.gone = true;
      for (const p of this.pending.values()) p.reject(new OwnerGone('the memory store owner went away'));
      this.pending.clear();
    });
  }

  /** Connects to the socket; rejects when nobody listens there (yet). */
  static open(path: string): Promise<RemoteMemory> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.unref();
        resolve(new RemoteMemory(socket));
      });
    });
  }

  get closed(): boolean {
    return this.gone;
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    if (this.gone) return Promise.reject(new OwnerGone('the memory store owner went away'));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // An idle connection never keeps its process alive; one waiting for an answer does.
      this.socket.ref();
      this.socket.write(`${JSON.stringify({ id, method, args })}\n`);
    });
  }

  async close(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
  }
}
