import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SuperviseError } from '../errors.js';
import { claimRepository, currentOwner, lockPath, takeSupervisorLock, type LockOwner } from './lock.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'supervise-lock-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function plant(owner: Partial<LockOwner> | string): void {
  mkdirSync(join(root, '.supervise'), { recursive: true });
  writeFileSync(lockPath(root), typeof owner === 'string' ? owner : JSON.stringify(owner));
}

function refusal(fn: () => unknown): SuperviseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SuperviseError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('takeSupervisorLock', () => {
  it('holds pid and start time; a second supervisor is refused, naming the pid; release removes it', () => {
    const lock = takeSupervisorLock(root);
    const saved = JSON.parse(readFileSync(lockPath(root), 'utf8')) as LockOwner;
    expect(saved).toMatchObject({ pid: process.pid, start: currentOwner().start });
    expect(lock.recovered).toBeUndefined();

    const err = refusal(() => takeSupervisorLock(root, { ...currentOwner(), pid: 999_999 }));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(readFileSync(lockPath(root), 'utf8')).toBe(`${JSON.stringify(saved)}\n`);

    lock.release();
    expect(existsSync(lockPath(root))).toBe(false);
    lock.release(); // idempotent
  });

  it('leaves no .supervise folder behind when it made it and nothing else was written there', () => {
    takeSupervisorLock(root).release();
    expect(existsSync(join(root, '.supervise'))).toBe(false);
  });

  it('takes over the lock of a supervisor whose pid is gone', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    plant({ pid: dead, startedAt: '2026-01-01T00:00:00.000Z' });
    const lock = takeSupervisorLock(root);
    expect(lock.recovered?.pid).toBe(dead);
    expect(JSON.parse(readFileSync(lockPath(root), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over when the pid now belongs to another process: another start time, or not a supervise', async () => {
    plant({ ...currentOwner(), start: '1' });
    takeSupervisorLock(root).release();

    const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      plant({ pid: sleeper.pid!, startedAt: '' });
      const lock = takeSupervisorLock(root);
      expect(lock.recovered?.pid).toBe(sleeper.pid);
      lock.release();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over an unreadable lock, and says so', () => {
    plant('{"pid":');
    const notices: string[] = [];
    const lock = claimRepository(root, (t) => notices.push(t));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/did not exit cleanly/);
    lock.release();
  });

  it('never removes a lock that another supervisor holds now', () => {
    const lock = takeSupervisorLock(root);
    writeFileSync(lockPath(root), JSON.stringify({ pid: 12345, startedAt: '' }));
    lock.release();
    expect(existsSync(lockPath(root))).toBe(true);
  });
});
