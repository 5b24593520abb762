/**
 * Reading a file an agent controls (its HANDOFF.md, its Claude settings) without trusting it:
 * only a regular file inside the worktree, never through a symbolic or hard link, never blocking on a
 * FIFO or device, and never more than a size limit. The agent may have replaced the file with
 * any of those, by mistake or to make the supervisor hang, copy another file into history, or
 * run out of memory.
 */
import { constants } from 'node:fs';
import { mkdir, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/**
 * The largest handoff read. A handoff within its 500-token budget is 2–3 KiB; 32 KiB (~8 000
 * tokens) is ten times that, and keeps capture of the worst text within it (one regex piece per
 * 64-letter word, which js-tiktoken merges slowly) well under a second.
 */
export const MAX_HANDOFF_BYTES = 32 * 1024;
/** How much of a refused oversized file is kept in history (so a runaway agent cannot fill the disk). */
export const MAX_KEPT_BYTES = 16 * 1024 * 1024;

export interface SafeRead {
  /** The file's text; undefined when it is missing or was refused. */
  text?: string;
  /** Why it was not read, as one sentence; undefined when it was read or is simply missing. */
  refused?: string;
}

export interface SafeReadOptions {
  maxBytes?: number;
  /** Where to keep a copy of a regular file refused for its size, as it was (up to MAX_KEPT_BYTES). */
  keepOversizedAt?: string;
}

const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/** Reads `file` (relative to `worktree`) when it is a regular file inside it within the limit. */
export async function readWorktreeFile(worktree: string, file: string, opts: SafeReadOptions = {}): Promise<SafeRead> {
  const maxBytes = opts.maxBytes ?? MAX_HANDOFF_BYTES;
  const path = resolve(worktree, file);
  if (!inside(worktree, path)) return { refused: `${file} is outside the worktree: not read` };
  let fh: FileHandle;
  try {
    // A folder on the way may be a link out of the worktree; O_NOFOLLOW covers the last step only.
    const [realRoot, realDir] = [await realpath(worktree), await realpath(dirname(path))];
    if (realDir !== realRoot && !inside(realRoot, realDir)) return { refused: `${file} is in a folder linked from outside the worktree: not read` };
    fh = await open(path, FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    if (code === 'ELOOP') return { refused: `${file} is a symbolic link: not read` };
    return { refused: `${file} could not be read (${code ?? (err as Error).message})` };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { refused: `${file} is not a regular file: not read` };
    // A hard link is another name of a file that may live outside the worktree.
    if (st.nlink > 1) return { refused: `${file} is a hard link (${st.nlink} names): not read` };
    if (!(await openedInside(fh, worktree))) return { refused: `${file} is outside the worktree: not read` };
    if (st.size > maxBytes) return { refused: await oversized(fh, file, st.size, maxBytes, opts.keepOversizedAt) };
    // Bounded even if the file grows after the stat: one byte more than allowed tells.
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > maxBytes) return { refused: await oversized(fh, file, n, maxBytes, opts.keepOversizedAt) };
    }
    return { text: buf.toString('utf8', 0, n) };
  } finally {
    await fh.close();
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Where the open descriptor really points (Linux); elsewhere the checks before opening stand. */
async function openedInside(fh: FileHandle, worktree: string): Promise<boolean> {
  let real: string;
  try {
    real = await readlink(`/proc/self/fd/${fh.fd}`);
  } catch {
    return true;
  }
  return inside(await realpath(worktree), real);
}

async function oversized(fh: FileHandle, file: string, size: number, maxBytes: number, keepAt: string | undefined): Promise<string> {
  const what = `${file} is ${size > maxBytes + 1 ? `${kib(size)}, ` : ''}over the limit of ${kib(maxBytes)}: not read`;
  if (!keepAt) return what;
  try {
    await keepCopy(fh, keepAt);
    return `${what}; kept as it was in ${keepAt}`;
  } catch (err) {
    return `${what}; keeping a copy failed (${(err as Error).message})`;
  }
}

/** Copies from the open descriptor (not the path, which may have changed since), in chunks. */
async function keepCopy(fh: FileHandle, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  const out = await open(dest, 'wx', 0o600);
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let pos = 0; pos < MAX_KEPT_BYTES; ) {
      const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, MAX_KEPT_BYTES - pos), pos);
      if (bytesRead === 0) return;
      await out.write(chunk, 0, bytesRead);
      pos += bytesRead;
    }
  } finally {
    await out.close();
  }
}

function kib(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KiB`;
}

