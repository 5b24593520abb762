/** Landing as the TUI uses it, through the supervisor: the diff view's data, the `m` dialog's plan, the landing. */
import type { LoadedConfig } from '../config/types.js';
import { GitRunner } from '../git/run.js';
import { agentDiff, type AgentDiff } from './diff.js';
import { landAgent, planLand, type LandPlan, type LandResult } from './land.js';
import type { LandContext } from './repo.js';

export type { AgentDiff } from './diff.js';
export type { LandPlan, LandResult } from './land.js';

export interface Landing {
  /** The agent's changes against base, committed and not, and its commits. */
  diff(agent: string): Promise<AgentDiff>;
  /** What landing it now would do, or why it cannot; changes nothing. `commit`: its uncommitted work would be committed first. */
  plan(agent: string, opts?: { commit?: boolean }): Promise<LandPlan>;
  /** Land it (a merge commit); rejects with a SuperviseError saying why when it cannot. */
  land(agent: string, opts?: { commit?: boolean }): Promise<LandResult>;
}

export class LandingService implements Landing {
  private readonly ctx: LandContext;

  constructor(loaded: LoadedConfig, git: GitRunner = new GitRunner()) {
    this.ctx = { loaded, git };
  }

  diff(agent: string): Promise<AgentDiff> {
    return agentDiff(this.ctx, agent);
  }

  plan(agent: string, opts: { commit?: boolean } = {}): Promise<LandPlan> {
    return planLand(this.ctx, agent, opts);
  }

  land(agent: string, opts: { commit?: boolean } = {}): Promise<LandResult> {
    return landAgent(this.ctx, agent, opts);
  }
}
