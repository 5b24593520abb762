/** `supervise` and `supervise --headless`: load agents.yaml (found from any folder of the repository), then the TUI or status lines. */
import { SuperviseError } from '../errors.js';
import { configFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { claimRepository } from '../supervisor/lock.js';
import { selectAgents } from '../supervisor/resume.js';
import type { CommandArgs } from './table.js';

export async function runCommand({ values, io }: CommandArgs): Promise<number> {
  if (values.json && !values.headless) {
    throw new SuperviseError('UsageError', '--json only goes with --headless.', {}, 'Run `supervise --headless --json`.');
  }
  if (!values.headless && !(process.stdout.isTTY && process.stdin.isTTY)) {
    throw new SuperviseError('UsageError', 'the TUI needs a terminal, and standard output or input is not one.', {}, 'Run `supervise --headless` (add --json for NDJSON) to run the agents without it.');
  }
  const timeout = parseTimeout(values.timeout as string | undefined, Boolean(values.headless));
  const loaded = await loadConfig(await configFile(io.cwd, values.config as string | undefined));
  const lock = claimRepository(loaded.root, (text) => io.err(`supervise: ${text}`));
  const only = selectAgents(loaded.config.agents.map((a) => a.name), values.only as string | undefined);
  const fresh = Boolean(values.fresh);
  try {
    if (values.headless) {
      const { runHeadless } = await import('../supervisor/headless.js');
      return await runHeadless(loaded, io, { json: Boolean(values.json), timeout, fresh, only });
    }
    // The TUI's first frame goes up before the supervisor's code is even loaded (see runTui.ts).
    const { runTui } = await import('../ui/runTui.js');
    return await runTui(loaded, io, { fresh, only });
  } finally {
    // Everything is stopped and saved: let go now, not at exit, which a hung-up terminal can
    // abort before exit handlers run (the next start would call this run a crash).
    lock.release();
  }
}

function parseTimeout(raw: string | undefined, headless: boolean): number | undefined {
  if (raw === undefined) return undefined;
  if (!headless) throw new SuperviseError('UsageError', '--timeout only goes with --headless.', {}, 'Run `supervise --headless --timeout SECONDS`.');
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new SuperviseError('UsageError', `--timeout expects a number of seconds above 0, got "${raw}".`);
  return seconds;
}
