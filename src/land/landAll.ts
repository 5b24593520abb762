/**
 * `land --all`: land every agent in an order that avoids predicted conflicts. After each landing
 * every agent still waiting is checked again against the new head, and the first in config order
 * that merges cleanly goes next; when none can, it stops and says which one is first in line and
 * why. A dry run chains the same checks on merge commits made in memory (objects no ref points
 * at), so it predicts the order without moving base.
 */
import { join } from 'node:path';
import { withLock } from '../fsutil.js';
import { supervisorDir } from '../supervisor/records.js';
import { previewMerge, simulatedMerge } from './conflicts.js';
import { landLocked, mainProblems, planLand, type LandOptions, type LandPlan, type LandResult } from './land.js';
import { baseBranch, type LandContext } from './repo.js';

export interface LandAllResult {
  landed: LandResult[];
  /** Agents whose branches held nothing new. */
  nothing: string[];
  /** The agent it stopped at and why (its plan's problems), when it stopped early. */
  stopped?: LandPlan;
  /** Agents not landed because it stopped. */
  left: string[];
  /** The main checkout itself refuses: nothing was tried. */
  refused?: string[];
}

export async function landAll(ctx: LandContext, opts: LandOptions = {}, onLanded?: (r: LandResult) => void): Promise<LandAllResult> {
  if (opts.dryRun) return run(ctx, opts, onLanded);
  return withLock(join(supervisorDir(ctx.loaded.root), 'land.lock'), () => run(ctx, opts, onLanded), 60_000);
}

async function run(ctx: LandContext, opts: LandOptions, onLanded?: (r: LandResult) => void): Promise<LandAllResult> {
  const result: LandAllResult = { landed: [], nothing: [], left: [] };
  const base = await baseBranch(ctx);
  const refused = await mainProblems(ctx, base.name);
  if (refused.length) return { ...result, refused, left: ctx.loaded.config.agents.map((a) => a.name) };
  let waiting = ctx.loaded.config.agents.map((a) => a.name);
  let head = base.head;
  for (;;) {
    const plans: LandPlan[] = [];
    for (const name of waiting) plans.push(await planLand(ctx, name, opts, head));
    for (const p of plans.filter((p) => p.nothing && p.problems.length === 0)) result.nothing.push(p.agent);
    const pending = plans.filter((p) => !(p.nothing && p.problems.length === 0));
    waiting = pending.map((p) => p.agent);
    const next = pending.find((p) => p.problems.length === 0);
    if (!next) {
      if (pending[0]) return { ...result, stopped: pending[0], left: waiting };
      return result;
    }
    let landed: LandResult;
    if (opts.dryRun) {
      const preview = await previewMerge(ctx.git, ctx.loaded.root, head, next.tip!);
      landed = { plan: next };
      head = await simulatedMerge(ctx.git, ctx.loaded.root, preview, head, next.tip!);
    } else {
      landed = await landLocked(ctx, next.agent, opts);
      head = landed.commit ?? head;
    }
    result.landed.push(landed);
    onLanded?.(landed);
    waiting = waiting.filter((n) => n !== next.agent);
  }
}
