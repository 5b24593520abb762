/**
 * Telling the radar that a worktree changed, from the file system: an agent (or the user) edits
 * files without any status change, and the radar must see it then, not at the next sync. One
 * non-recursive watch per folder git knows of (tracked or not ignored), so `node_modules` and
 * build output are never watched; a folder created later is watched once git would not ignore
 * it. Watches never keep the process alive. When the system runs out of watches, the folders
 * watched so far stay watched and status changes still refresh the radar.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { GitRunner } from '../git/run.js';

/** More folders than this in one worktree: the rest go unwatched. */
const MAX_FOLDERS = 4000;

/** A watch set up by this module; `close` ends it. */
export interface Watch {
  close(): void;
}

/** Calls `changed` whenever something changes in `worktree`'s folders; resolves once they are watched. */
export async function watchWorktree(git: GitRunner, worktree: string, changed: () => void): Promise<Watch> {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  let full = false;

  const add = (folder: string): void => {
    if (closed || full || watchers.has(folder)) return;
    if (watchers.size >= MAX_FOLDERS) {
      full = true;
      return;
    }
    let w: FSWatcher;
    try {
      w = watch(join(worktree, folder), { persistent: false }, (event, name) => {
        changed();
        if (event === 'rename' && name) void maybeFolder(posix.join(folder, String(name)));
      });
    } catch (err) {
      // ENOSPC: the system's inotify watches are used up; ENOENT: it went away meanwhile.
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') full = true;
      return;
    }
    w.on('error', () => {
      w.close();
      watchers.delete(folder);
    });
    watchers.set(folder, w);
  };

  // Every folder holding files git lists under `under` (all of the worktree for '.'), and those between.
  const addListed = async (under: string): Promise<void> => {
    const listed = await git.run(worktree, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', under]).catch(() => ({ stdout: '' }));
    const folders = new Set<string>();
    for (const file of listed.stdout.split('\0')) {
      for (let dir = posix.dirname(file); file && dir !== '.' && dir !== under && !folders.has(dir); dir = posix.dirname(dir)) folders.add(dir);
    }
    for (const folder of folders) add(folder);
  };

  // A name that appeared: watched, with the folders already in it, when it is a folder git does
  // not ignore (nor a .git).
  const maybeFolder = async (folder: string): Promise<void> => {
    if (closed || watchers.has(folder) || posix.basename(folder) === '.git') return;
    const isDir = await stat(join(worktree, folder)).then((s) => s.isDirectory(), () => false);
    if (!isDir) return;
    const ignored = await git.run(worktree, ['check-ignore', '-q', '--', folder], [0, 1]).then((o) => o.code === 0, () => true);
    if (ignored) return;
    add(folder);
    await addListed(folder);
  };

  if (!(await stat(worktree)).isDirectory()) throw new Error(`${worktree} is not a folder`);
  add('.');
  await addListed('.');
  return {
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/**
 * Calls `changed` when the branch `ref` names moves in the repository at `root` (a landing, a
 * pull): its loose ref file, or packed-refs, is written. Only those names count, so git's own
 * lock and index files, and the radar's own git calls, wake nothing.
 */
export async function watchBranch(git: GitRunner, root: string, ref: string, changed: () => void): Promise<Watch> {
  const [common, full] = await Promise.all([
    git.run(root, ['rev-parse', '--path-format=absolute', '--git-common-dir']).then((o) => o.stdout.trim()),
    git.run(root, ['rev-parse', '--symbolic-full-name', ref]).then((o) => o.stdout.trim()),
  ]);
  const watchers: FSWatcher[] = [];
  const on = (folder: string, names: string[]): void => {
    try {
      const w = watch(folder, { persistent: false }, (_event, name) => {
        if (name && names.includes(String(name))) changed();
      });
      w.on('error', () => w.close());
      watchers.push(w);
    } catch {
      // a detached base (a commit) or a folder not there: status changes still refresh the radar
    }
  };
  if (full.startsWith('refs/')) on(join(common, posix.dirname(full)), [posix.basename(full)]);
  on(common, ['packed-refs']);
  return {
    close() {
      for (const w of watchers) w.close();
    },
  };
}
