/**
 * What a start does with each agent, given the state a previous supervisor left (SPEC §9): an
 * agent that finished cleanly is shown with its last result and not rerun, one that had not
 * finished is resumed, one never run starts; `--fresh` starts every agent over. Pure decisions.
 */
import { SuperviseError } from '../errors.js';
import { isFinal } from '../agents/status.js';
import type { AgentState } from './agentState.js';
import type { SavedState } from './stateFile.js';

export type Decision = 'start' | 'resume' | 'finished';

export interface AgentPlan {
  name: string;
  decision: Decision;
  /** The agent as the previous supervisor left it. */
  previous?: AgentState;
}

export interface StartPlan {
  agents: AgentPlan[];
  /** The previous supervisor ended without a clean shutdown while agents ran. */
  crashed: boolean;
  /** The agents that were running when it ended (for the crash message). */
  interrupted: string[];
}

/** Exit 0, its handoff captured, updated and valid, its chain (if any) at its end: nothing left to do. */
export function finishedCleanly(a: AgentState): boolean {
  const done = a.status === 'exited' && a.exitCode === 0 && a.handoffCaptured === true && a.handoffUpdated === true && a.handoffValid === true && !a.handoffFlag;
  return done && (!a.chain || a.chain.finished === true);
}

/** Decides, per agent of this run, whether it starts, resumes or stays finished. */
export function planStart(names: string[], saved: SavedState | undefined, opts: { fresh: boolean; previousAlive: boolean }): StartPlan {
  const byName = new Map((saved?.agents ?? []).map((a) => [a.name, a]));
  const interrupted = (saved?.agents ?? []).filter((a) => !isFinal(a.status)).map((a) => a.name);
  const crashed = saved !== undefined && !saved.cleanShutdown && interrupted.length > 0 && !opts.previousAlive;
  const agents = names.map((name): AgentPlan => {
    const previous = byName.get(name);
    if (opts.fresh || !previous) return { name, decision: 'start', previous };
    return { name, decision: finishedCleanly(previous) ? 'finished' : 'resume', previous };
  });
  return { agents, crashed, interrupted: crashed ? interrupted : [] };
}

/** The agents `--only a,b` names, checked against the configured ones. */
export function selectAgents(known: string[], only: string | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  const names = [...new Set(only.split(',').map((s) => s.trim()).filter(Boolean))];
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    const what = names.length === 0 ? '--only needs at least one agent name' : `--only names no agent called ${unknown.map((n) => `"${n}"`).join(', ')}`;
    throw new SuperviseError('UsageError', `${what}.`, {}, `The agents in agents.yaml are: ${known.join(', ')}.`);
  }
  return names;
}

const EARLIER = ', earlier run';

/** A finished agent as this run shows it: its last result, nothing running. */
export function finishedState(previous: AgentState, current: AgentState): AgentState {
  return {
    ...previous,
    name: current.name,
    preset: current.preset,
    task: current.task,
    branch: current.branch,
    worktree: current.worktree,
    pid: undefined,
    detail: previous.detail?.endsWith(EARLIER) ? previous.detail : `${previous.detail ?? 'exit 0'}${EARLIER}`,
    warnings: [...(previous.warnings ?? [])],
  };
}

/** What a start says about its plan: what resumes, what stays finished; undefined when nothing ran before. */
export function planMessage(plan: StartPlan): string | undefined {
  const of = (d: Decision) => plan.agents.filter((a) => a.decision === d).map((a) => a.name);
  const resumed = of('resume');
  const finished = of('finished');
  const parts: string[] = [];
  if (resumed.length) parts.push(`resuming ${resumed.join(', ')} where ${resumed.length === 1 ? 'it' : 'they'} left off`);
  if (finished.length) parts.push(`${finished.join(', ')} finished cleanly in an earlier run and ${finished.length === 1 ? 'is' : 'are'} not rerun (--fresh starts every agent over)`);
  return parts.length ? `${parts.join('; ')}.` : undefined;
}

/** What a start after a crash says first. */
export function crashMessage(saved: SavedState, plan: StartPlan): string {
  return `recovering from a crash: the previous supervisor (pid ${saved.pid}) ended without shutting down while ${plan.interrupted.join(', ')} ran; their worktree handoffs are merged into the team handoff before anything resumes.`;
}
