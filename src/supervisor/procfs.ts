/** What Linux's /proc says about processes: groups, sessions, start times and command lines. */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcEntry {
  pid: number;
  pgrp: number;
  session: number;
  /** Exited but not yet reaped: it can run nothing any more. */
  zombie: boolean;
  /** Start time in clock ticks since boot: with the pid, identifies one process for good. */
  start: string;
}

/** /proc/<pid>/stat, or undefined when there is no such process (or no /proc). */
export function readProc(pid: number): ProcEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = f[0] ?? '';
  return { pid, pgrp: Number(f[2]), session: Number(f[3]), zombie: state === 'Z' || state === 'X', start: f[19] ?? '' };
}

/** Every process /proc lists; undefined when there is no /proc (not Linux). */
export function procTable(): ProcEntry[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const entries: ProcEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const e = readProc(Number(name));
    if (e) entries.push(e);
  }
  return entries;
}

/** The process's argv from /proc, or undefined when it cannot be read. */
export function readCmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}
