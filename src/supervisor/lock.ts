/**
 * One supervisor per repository: `.supervise/supervisor.lock`, created exclusively, holds the
 * owner's pid and start time and is removed at a clean exit. A second supervisor refuses before
 * creating anything; a lock left by one that died (pid gone, or reused by a process that is no
 * supervisor) is taken over. `supervise handoff …` never takes it: it works beside a supervisor.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { readCmdline, readProc } from './procfs.js';
import { supervisorDir } from './records.js';

export interface LockOwner {
  pid: number;
  /** Start time in clock ticks since boot (/proc), when known: tells the owner from a later process with its pid. */
  start?: string;
  /** The script the owner runs (argv[1]), to recognise it in /proc/PID/cmdline. */
  script?: string;
  startedAt: string;
}

export interface SupervisorLock {
  /** The owner of a stale lock this one replaced, if any. */
  readonly recovered?: LockOwner;
  /** Removes the lock if it is still ours (and .supervise/ if taking the lock created it, empty). Idempotent. */
  release(): void;
}

export function lockPath(root: string): string {
  return join(supervisorDir(root), 'supervisor.lock');
}

/** Takes the repository's supervisor lock, or throws (exit 2) naming the running supervisor. */
export function takeSupervisorLock(root: string, me: LockOwner = currentOwner()): SupervisorLock {
  const dir = supervisorDir(root);
  const madeDir = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const path = lockPath(root);
  const text = `${JSON.stringify(me)}\n`;
  let recovered: LockOwner | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path, text)) return held(path, text, madeDir ? dir : undefined, recovered);
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch {
      continue; // released meanwhile: try again
    }
    const owner = parseOwner(raw);
    if (owner && ownerRunning(owner)) {
      if (madeDir) removeEmptyDir(dir);
      const since = owner.startedAt ? `, started ${owner.startedAt.replace('T', ' ').slice(0, 19)} UTC` : '';
      throw new SuperviseError(
        'UsageError',
        `another supervisor is running in this repository (pid ${owner.pid}${since}).`,
        {},
        `Quit it first (q in its TUI, or kill ${owner.pid}); \`supervise handoff\` commands work beside it.`,
      );
    }
    if (removeIfUnchanged(path, raw)) recovered = owner ?? { pid: 0, startedAt: '' };
  }
  throw new SuperviseError('RuntimeError', `could not take ${path}: other supervisors keep starting here.`, {}, 'Start one supervisor at a time.');
}

/**
 * Takes the lock for a supervisor about to run in `root` (released when the process exits), and
 * says on `notice` when it replaced the stale lock of one that died.
 */
export function claimRepository(root: string, notice: (text: string) => void): SupervisorLock {
  const lock = takeSupervisorLock(root);
  const dead = lock.recovered;
  if (dead) {
    const who = dead.pid ? `the supervisor that ran here before (pid ${dead.pid})` : 'a supervisor that ran here before';
    notice(`${who} did not exit cleanly (its lock is stale); recovering and taking over.`);
  }
  return lock;
}

/** This process as a lock owner. */
export function currentOwner(): LockOwner {
  return { pid: process.pid, start: readProc(process.pid)?.start, script: process.argv[1], startedAt: new Date().toISOString() };
}

/** Whether the lock's owner still runs: same pid, same start time, and a supervise command line. */
export function ownerRunning(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const proc = readProc(owner.pid);
  if (proc?.zombie) return false;
  if (proc && owner.start && proc.start !== owner.start) return false;
  const argv = readCmdline(owner.pid);
  if (!argv || argv.length === 0) return true; // cannot tell: assume it is the owner
  return argv.some((a) => a === owner.script || basename(a) === 'supervise' || a.endsWith('/dist/cli.js'));
}

/**
 * An exclusive create whose content is there from the first instant: a hard link of a private
 * temporary file, which fails when the lock exists (like O_EXCL), so another supervisor never
 * reads a lock that is created but not yet written.
 */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Removes a stale lock, unless another supervisor replaced it since we read it: moved aside
 * first, the lock is checked and put back if it is no longer the stale one.
 */
function removeIfUnchanged(path: string, stale: string): boolean {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // gone already
  }
  const now = readFileSync(aside, 'utf8');
  if (now !== stale) {
    try {
      linkSync(aside, path);
    } catch {
      // a third supervisor took it meanwhile; it holds the lock now
    }
  }
  unlinkSync(aside);
  return now === stale;
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockOwner>;
    return typeof v.pid === 'number' && v.pid > 0 ? { startedAt: '', ...v, pid: v.pid } : undefined;
  } catch {
    return undefined;
  }
}

function held(path: string, text: string, madeDir: string | undefined, recovered: LockOwner | undefined): SupervisorLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // already gone
    }
    if (madeDir) removeEmptyDir(madeDir);
  };
  // An exit that skips the caller's cleanup still leaves no lock behind; only SIGKILL does.
  process.on('exit', release);
  return { recovered, release };
}

function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty: it holds the supervisor's files
  }
}
