// openMemory on PGlite: lazy, the store in an owner process of its own (never the caller's),
// other clients going through it, a restarted owner found again, and the owner leaving with
// its parent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPlace, type TestPlace } from '../../test/helpers/memory.js';
import { alive } from '../../test/helpers/process.js';
import { waitFor } from '../../test/helpers/wait.js';
import { openMemory } from './index.js';
import { liveOwner, memoryPaths } from './owner.js';
import type { MemorySettings } from './types.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const SETTINGS: MemorySettings = { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } };

describe('openMemory on the local store', () => {
  let place: TestPlace;
  const owners = new Set<number>();

  beforeAll(async () => {
    place = await freshPlace('pglite');
  });
  afterAll(async () => {
    for (const pid of owners) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await place.remove();
  });

  it('is undefined when memory is off', () => {
    expect(openMemory({ settings: { ...SETTINGS, store: 'off' }, env: place.env })).toBeUndefined();
  });

  it('opens nothing until used, then serves from an owner process of its own that other clients share', async () => {
    const paths = memoryPaths(place.env);
    const a = openMemory({ settings: SETTINGS, env: place.env })!;
    expect(liveOwner(paths)).toBeUndefined();
    const { id } = await a.add({ kind: 'pattern', text: 'Open the embedded database lazily, off the first frame' });
    const owner = liveOwner(paths)!;
    owners.add(owner.pid);
    expect(owner.pid).not.toBe(process.pid);
    expect(readFileSync(`/proc/${owner.pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['memory', 'serve', '--parent', String(process.pid)]));

    // A client that would own the folder itself goes through the running owner instead.
    const b = openMemory({ settings: SETTINGS, env: place.env, owner: 'self' })!;
    expect((await b.get(id))?.text).toBe('Open the embedded database lazily, off the first frame');
    expect(await b.get('m000000000000')).toBeUndefined();
    expect((await b.search('embedded database', undefined)).map((h) => h.id)).toEqual([id]);
    expect(liveOwner(paths)?.pid).toBe(owner.pid);
    await b.close();

    // The owner goes away between calls: the next call finds (here: starts) the next one.
    process.kill(owner.pid, 'SIGTERM');
    await waitFor(() => !alive(owner.pid), { timeout: 30_000, message: 'the owner to exit' });
    expect((await a.search('embedded database first frame'))[0]?.id).toBe(id);
    const next = liveOwner(paths)!;
    owners.add(next.pid);
    expect(next.pid).not.toBe(owner.pid);
    await a.close();
    process.kill(next.pid, 'SIGTERM');
    await waitFor(() => !alive(next.pid), { timeout: 30_000, message: 'the second owner to exit' });
  }, 180_000);

  it('leaves once the process it serves is gone and no client is connected', async () => {
    const parent = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const owner = spawn(process.execPath, [CLI, 'memory', 'serve', '--parent', String(parent.pid)], { env: place.env, stdio: 'ignore' });
    owners.add(owner.pid!);
    const paths = memoryPaths(place.env);
    await waitFor(() => liveOwner(paths)?.pid === owner.pid, { timeout: 60_000, message: 'the owner to take the lock' });
    const client = openMemory({ settings: SETTINGS, env: place.env })!;
    expect((await client.stats()).engine).toBe('pglite');
    parent.stdin!.end();
    await waitFor(() => !alive(parent.pid!), { message: 'the parent to exit' });
    // Still serving its connected client…
    expect((await client.stats()).count).toBeGreaterThan(0);
    expect(alive(owner.pid!)).toBe(true);
    // …and gone once that client leaves.
    await client.close();
    await waitFor(() => !alive(owner.pid!), { timeout: 30_000, message: 'the owner to exit after its parent and last client' });
    expect(liveOwner(paths)).toBeUndefined();
  }, 180_000);
});
