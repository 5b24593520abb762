/** `supervise clean AGENT [--dry-run]`: remove a landed agent's worktree and branch. */
import { configFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { SuperviseError } from '../errors.js';
import { cleanAgent } from '../land/clean.js';
import { landContext } from '../land/repo.js';
import { paint } from './io.js';
import type { CommandArgs } from './table.js';

export async function cleanCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const loaded = await loadConfig(await configFile(io.cwd, values.config as string | undefined));
  const name = positionals[0];
  if (name === undefined) {
    throw new SuperviseError('UsageError', 'name the agent to clean.', {}, 'See `supervise clean --help`.');
  }
  const dryRun = Boolean(values['dry-run']);
  const plan = await cleanAgent(landContext(loaded), name, { dryRun });
  const what = [plan.worktree ? `worktree ${plan.worktree}` : undefined, plan.hasBranch ? `branch ${plan.branch}` : undefined].filter(Boolean).join(' and ');
  if (!what) io.out(`${name} has no worktree or branch: nothing to clean`);
  else if (dryRun) io.out(`would remove ${name}'s ${what} (everything in them is on ${plan.base}); nothing changed`);
  else io.out(`${paint(io).green('✓')} removed ${name}'s ${what}`);
  return 0;
}
