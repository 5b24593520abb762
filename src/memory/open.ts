/**
 * openMemory: a MemoryClient that opens nothing until its first call, then reaches the store
 * the cheapest safe way — a server directly; PGlite through its owner process when one is up;
 * otherwise by becoming the owner (`owner: 'self'`) or by starting `supervise memory serve`
 * (`owner: 'spawn'`, the default: PGlite's 300–500 MB then stay out of the caller's process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { makeEmbedder } from './embed.js';
import { openPglite, openPostgres } from './engine.js';
import { OwnerGone, RemoteMemory } from './client.js';
import { liveOwner, memoryPaths, OwnerServer, RPC_METHODS, takeOwnerLock, type MemoryPaths } from './owner.js';
import { MemoryStore } from './store.js';
import type { MemoryClient, MemorySettings } from './types.js';

export interface OpenMemoryOptions {
  settings: MemorySettings;
  env: NodeJS.ProcessEnv;
  /** Without a running owner: become it ('self') or start one ('spawn', default). */
  owner?: 'self' | 'spawn';
  /** Told about slow steps (first creation, re-embedding, waiting for the owner). */
  progress?: (text: string) => void;
  /** The built CLI that `owner: 'spawn'` runs (default: the package's dist/cli.js). */
  cliPath?: string;
}

interface Backend {
  call(method: string, args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/** How long a caller waits for an owner to start (a first creation without a template takes up to ~20 s). */
const OWNER_WAIT_MS = 120_000;

/** undefined when memory.store is off. Opens nothing heavy until first used (lazy). */
export function openMemory(opts: OpenMemoryOptions): MemoryClient | undefined {
  if (opts.settings.store === 'off') return undefined;
  let backend: Promise<Backend> | undefined;
  let closed = false;
  const call = async (method: string, args: unknown[]): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      if (closed) throw new SuperviseError('RuntimeError', 'the memory store was closed.');
      const current = (backend ??= connect(opts));
      current.catch(() => {
        if (backend === current) backend = undefined;
      });
      const b = await current;
      try {
        return await b.call(method, args);
      } catch (err) {
        // The owner closed before doing the call: find (or become) the next owner and send it there.
        if (!(err instanceof OwnerGone) || attempt >= 5) throw err;
        if (backend === current) backend = undefined;
      }
    }
  };
  const client = Object.fromEntries(RPC_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as MemoryClient;
  client.close = async () => {
    closed = true;
    const b = backend;
    backend = undefined;
    if (b) await (await b.catch(() => undefined))?.close();
  };
  return client;
}

async function connect(opts: OpenMemoryOptions): Promise<Backend> {
  const progress = opts.progress ?? (() => {});
  const url = opts.env.SUPERVISE_MEMORY_URL || opts.settings.url;
  if (url) {
    const store = await MemoryStore.open(await openPostgres(url), makeEmbedder(opts.settings.embedder, opts.env), progress);
    return direct(store, async () => store.close());
  }
  const paths = memoryPaths(opts.env);
  const started = Date.now();
  let child: ChildProcess | undefined;
  let told = false;
  for (;;) {
    const owner = liveOwner(paths);
    if (owner) {
      const remote = await RemoteMemory.open(owner.socket).catch(() => undefined);
      if (remote) return { call: (m, a) => remote.call(m, a), close: () => remote.close() };
    } else if (opts.owner === 'self') {
      const lock = takeOwnerLock(paths);
      if (lock) {
        const own = await becomeOwner(paths, lock, opts, progress);
        return direct(own.store, own.close);
      }
    } else if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (child) throw new SuperviseError('RuntimeError', `the memory store process exited before serving (${child.exitCode ?? child.signalCode}): ${logTail(paths)}`, {}, `See ${paths.log}.`);
      child = await spawnOwner(paths, opts);
    }
    if (Date.now() - started > OWNER_WAIT_MS) throw new SuperviseError('RuntimeError', `timed out waiting for the memory store in ${paths.dir} to open.`, {}, `See ${paths.log}.`);
    if (!told && Date.now() - started > 1500) {
      told = true;
      progress(`waiting for the memory store in ${paths.dir} to open (the first time takes 10–20 s)…`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function direct(store: MemoryStore, close: () => Promise<void>): Backend {
  const target = store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return { call: (m, a) => target[m]!(...a), close };
}

/**
 * Opens PGlite in this process, holding `lock`, and serves it to other processes meanwhile. The
 * socket listens before the (slow) open, so callers queue instead of polling.
 */
export async function becomeOwner(paths: MemoryPaths, lock: { release(): void }, opts: OpenMemoryOptions, progress: (text: string) => void, onIdle?: () => void): Promise<{ store: MemoryStore; server: OwnerServer; close(): Promise<void> }> {
  const storeP = openPglite(paths.data, opts.env, progress).then((sql) => MemoryStore.open(sql, makeEmbedder(opts.settings.embedder, opts.env), progress).catch(async (err) => {
    await sql.close();
    throw err;
  }));
  storeP.catch(() => {});
  let server: OwnerServer;
  try {
    server = await OwnerServer.listen(paths.socket, storeP, onIdle);
  } catch (err) {
    lock.release();
    await storeP.then((s) => s.close()).catch(() => {});
    throw err;
  }
  let store: MemoryStore;
  try {
    store = await storeP;
  } catch (err) {
    await server.close();
    lock.release();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await server.close();
      await store.close();
      // Only once the database is closed may the next owner open it.
      lock.release();
    })());
  return { store, server, close };
}

async function spawnOwner(paths: MemoryPaths, opts: OpenMemoryOptions): Promise<ChildProcess> {
  await mkdir(paths.dir, { recursive: true });
  const cli = opts.cliPath ?? join(packageRoot(), 'dist', 'cli.js');
  const log = openSync(paths.log, 'a');
  try {
    const child = spawn(process.execPath, [cli, 'memory', 'serve', '--parent', String(process.pid), '--embedder', JSON.stringify(opts.settings.embedder)], {
      env: opts.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.on('error', () => {});
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

function logTail(paths: MemoryPaths): string {
  try {
    return readFileSync(paths.log, 'utf8').trim().split('\n').slice(-3).join(' / ');
  } catch {
    return '(no log)';
  }
}
