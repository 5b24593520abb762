/** Process checks for tests. */
import { readFileSync } from 'node:fs';

/** Whether `pid` is a live process; a zombie (exited, not yet reaped by pid 1) counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
