/**
 * `supervise watch --supervisor PID`: internal. The orphan watcher the supervisor starts with a
 * pipe on its standard input (see src/supervisor/watcher.ts); it exits when the pipe closes,
 * after ending the agents' process groups unless the supervisor said goodbye first.
 */
import { runWatcher } from '../supervisor/watcher.js';
import type { CommandArgs } from './table.js';

export async function watchCommand(_args: CommandArgs): Promise<number> {
  await runWatcher(process.stdin);
  return 0;
}
