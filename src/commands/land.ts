/** `supervise land AGENT|--all [--squash] [--commit] [--dry-run]`. */
import { relative } from 'node:path';
import { exists } from '../fsutil.js';
import { configFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { SuperviseError } from '../errors.js';
import { landAgent, refusal, type LandPlan, type LandResult } from '../land/land.js';
import { landAll } from '../land/landAll.js';
import { landContext, nameFiles, plural } from '../land/repo.js';
import { paint, type Io } from './io.js';
import type { CommandArgs } from './table.js';

/** What a plan would do, as lines for a person (used by --dry-run). */
export function describePlan(plan: LandPlan): string[] {
  const how = plan.mode === 'squash' ? 'one squashed commit' : 'a merge commit (--no-ff)';
  const lines = [`${plan.agent}: would land ${plan.branch} into ${plan.base} as ${how}`];
  if (plan.commitFirst) lines.push(`  first commit its uncommitted work: ${nameFiles(plan.uncommitted)}`);
  lines.push(`  ${plural(plan.commits.length, 'commit')}, ${plural(plan.files.length, 'file')} +${plan.added} -${plan.removed}${plan.files.length ? `: ${nameFiles(plan.files)}` : ''}`);
  lines.push('  message:', ...plan.message.split('\n').map((l) => `    ${l}`));
  return lines;
}

function landedLine(r: LandResult, io: Io): string {
  const c = paint(io);
  const p = r.plan;
  const work = r.workCommit ? ` (its uncommitted work committed first as ${r.workCommit.slice(0, 7)})` : '';
  return `${c.green('✓')} landed ${p.agent}: ${p.branch} into ${p.base} as ${r.commit?.slice(0, 7)}, ${plural(p.files.length, 'file')} +${p.added} -${p.removed}${work}`;
}

const SYNC_NOTE = 'A supervisor running here sees the base move and syncs its agents within a few seconds.';

export async function landCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const all = Boolean(values.all);
  const name = positionals[0];
  if (all === (name !== undefined)) {
    throw new SuperviseError('UsageError', all ? '--all lands every agent: name no agent with it.' : 'name the agent to land, or give --all.', {}, 'See `supervise land --help`.');
  }
  const loaded = await loadConfig(await configFile(io.cwd, values.config as string | undefined));
  const ctx = landContext(loaded);
  const opts = { squash: Boolean(values.squash), commit: Boolean(values.commit), dryRun: Boolean(values['dry-run']) };
  const c = paint(io);
  const team = relative(io.cwd, loaded.handoffPath) || loaded.handoffPath;
  if (!all) {
    const result = await landAgent(ctx, name!, opts);
    const { plan } = result;
    if (plan.problems.length) throw refusal(plan);
    if (plan.nothing) {
      io.out(`${plan.agent} has nothing to land: ${plan.branch} holds nothing ${plan.base} lacks`);
      return 0;
    }
    if (opts.dryRun) {
      const record = (await exists(loaded.handoffPath)) ? `; landing would add a "Landed:" line to ${team}` : '';
      io.out([...describePlan(plan), c.dim(`(dry run: nothing changed${record})`)].join('\n'));
      return 0;
    }
    io.out(landedLine(result, io));
    io.err(c.dim(SYNC_NOTE));
    return 0;
  }
  const result = await landAll(ctx, opts, (r) => io.out(opts.dryRun ? describePlan(r.plan).join('\n') : landedLine(r, io)));
  if (result.refused) throw new SuperviseError('RuntimeError', `cannot land any agent: ${result.refused.join('; ')}.`);
  for (const n of result.nothing) io.out(c.dim(`${n}: nothing to land`));
  if (opts.dryRun) io.out(c.dim('(dry run: nothing changed)'));
  else if (result.landed.length) io.err(c.dim(SYNC_NOTE));
  if (!result.stopped) return 0;
  const stop = refusal(result.stopped).message;
  const left = result.left.filter((n) => n !== result.stopped!.agent);
  const rest = left.length ? ` Not landed either: ${left.join(', ')}.` : '';
  throw new SuperviseError('RuntimeError', `stopped after ${plural(result.landed.length, 'landing')}: ${stop}${rest}`);
}
