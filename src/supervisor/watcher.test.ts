import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { alive } from '../../test/helpers/process.js';
import { waitFor } from '../../test/helpers/wait.js';
import type { AgentStatus } from '../agents/status.js';
import { Emitter } from '../session/events.js';
import type { AgentState } from './agentState.js';
import { readProc } from './procfs.js';
import { OrphanWatcher, reapSessions, runWatcher } from './watcher.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

/**
 * A stand-in agent in a session of its own (as node-pty starts one) that ignores SIGHUP and
 * SIGTERM, with a background job in a second process group of the same session (job control).
 * Resolves with the leader's pid and the job's.
 */
async function deafSession(): Promise<{ leader: number; job: number }> {
  const child = spawn('bash', ['-c', 'set -m; trap "" HUP TERM; sleep 1000 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  child.unref();
  const job = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  started.push(child.pid!, job);
  expect(readProc(job)?.session).toBe(child.pid);
  expect(readProc(job)?.pgrp).not.toBe(child.pid);
  return { leader: child.pid!, job };
}

describe('runWatcher', () => {
  it('when the pipe closes without a goodbye, ends every process group of each watched session', async () => {
    const a = await deafSession();
    const b = await deafSession();
    const pipe = new PassThrough();
    const done = runWatcher(pipe, { hangupMs: 100, termMs: 100 });
    pipe.write(`+${a.leader}\n+${b.leader}\n`);
    pipe.end();
    expect(await done).toBe('reaped');
    const all = [a.leader, a.job, b.leader, b.job];
    await waitFor(() => all.every((p) => !alive(p)), { timeout: 5000, message: () => `still alive: ${all.filter(alive).join(', ')}` });
  });

  it('forgets a session the supervisor removed, and signals nothing after `exit`', async () => {
    const a = await deafSession();
    const b = await deafSession();
    const removed = new PassThrough();
    const first = runWatcher(removed, { hangupMs: 50, termMs: 50 });
    removed.end(`+${a.leader}\n+${b.leader}\n-${a.leader}\n`);
    expect(await first).toBe('reaped');
    await waitFor(() => !alive(b.leader) && !alive(b.job), { timeout: 5000, message: 'the session still watched to end' });
    expect(alive(a.leader) && alive(a.job)).toBe(true);

    const released = new PassThrough();
    const second = runWatcher(released, { hangupMs: 50, termMs: 50 });
    released.write(`+${a.leader}\nexit\n`);
    expect(await second).toBe('released');
    expect(alive(a.leader) && alive(a.job)).toBe(true);
  });
});

describe('reapSessions', () => {
  it('never signals a session whose leader pid now belongs to another process', async () => {
    const a = await deafSession();
    await reapSessions(new Map([[a.leader, 'not-its-start-time']]), { hangupMs: 50, termMs: 50, killMs: 50 });
    expect(alive(a.leader) && alive(a.job)).toBe(true);
    await reapSessions(new Map([[a.leader, readProc(a.leader)!.start]]), { hangupMs: 50, termMs: 50 });
    await waitFor(() => !alive(a.leader) && !alive(a.job), { timeout: 5000, message: 'the session to end' });
  });
});

class StatusEvents extends Emitter<{ status: Pick<AgentState, 'name' | 'pid' | 'status'> }> {
  send(state: Pick<AgentState, 'name' | 'pid' | 'status'>): void {
    this.emit('status', state);
  }
}

describe('OrphanWatcher', () => {
  it('runs in a session of its own and is told each running agent, then goodbye', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watcher-'));
    try {
      // A stand-in for the built CLI: copies what it is told to a file.
      const script = join(dir, 'cli.mjs');
      const log = join(dir, 'told.txt');
      writeFileSync(script, `import { createWriteStream } from 'node:fs';\nprocess.stdin.pipe(createWriteStream(${JSON.stringify(log)}));\n`);
      const events = new StatusEvents();
      const watcher = OrphanWatcher.start(process.execPath, script).follow(events);
      expect(readProc(watcher.pid!)?.session).toBe(watcher.pid);
      const send = (name: string, status: AgentStatus, pid?: number) => events.send({ name, status, pid });
      send('a', 'starting', 101);
      send('a', 'working', 101);
      send('b', 'starting', 202);
      send('a', 'exited');
      send('c', 'exited', 303); // a finished agent restored with an old pid
      send('a', 'starting', 104); // restarted
      watcher.close();
      await waitFor(() => !alive(watcher.pid!), { message: 'the stand-in to end' });
      expect(readFileSync(log, 'utf8')).toBe('+101\n+202\n-101\n+104\nexit\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
