/**
 * The chain runner (SPEC §6): the one place that drives chains and waves. It follows the
 * supervisor's events and asks it, through a narrow interface, to start a step's session or to end
 * one; the steps, rounds and routing are the pure machine's (machine.ts). The supervisor keeps
 * the machine's state on each agent (`AgentState.chain`) only to show and save it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentConfig } from '../config/types.js';
import { isFinal } from '../agents/status.js';
import { writeFileAtomic } from '../fsutil.js';
import { GitRunner } from '../git/run.js';
import { writeHistory } from '../handoff/history.js';
import { parseHandoff } from '../handoff/parse.js';
import { addWarning, type AgentState } from '../supervisor/agentState.js';
import type { StepLaunch } from '../supervisor/launch.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { historyDir } from '../supervisor/team.js';
import { commitMessage, commitWorktree, setStateLine } from './commit.js';
import { advance, currentAction, newChain, parseVerdict, retry, skipTo, type ChainState, type StepOutcome } from './machine.js';
import { fillSkill, loadSkills, type Skill } from './skills.js';
import { waveLevels, waveSummary, type WaveAgent } from './wave.js';

/** What the runner may ask of the supervisor. */
export type StepHost = Pick<Supervisor, 'config' | 'on' | 'agents' | 'startStep' | 'stopAgent' | 'recapture' | 'touch' | 'note' | 'closing'>;

export const COMMIT_STEP = 'commit';
export const DEPLOY_STEP = 'deploy';

export class ChainRunner {
  private skills?: Map<string, Skill>;
  private readonly git = new GitRunner();
  /** Agents whose step session is running (or about to): its end is theirs to route. */
  private readonly active = new Set<string>();
  /** Agents whose session the runner ended after Claude Code's accepted stop. */
  private readonly ending = new Set<string>();
  /** Agents working a step the supervisor does itself (commit), or being routed. */
  private readonly busy = new Set<string>();
  private readonly levels: Map<string, number>;
  private readonly waves = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly host: StepHost) {
    const agents = host.config.config.agents;
    this.levels = waveLevels(agents.map((a) => ({ name: a.name, after: a.after ?? [] })));
    host.on('status', (s) => this.onStatus(s));
    host.on('turn', (t) => this.onTurn(t.agent));
  }

  /** Whether the runner starts this agent: it has a chain or waits for others. */
  takes(agent: AgentConfig): boolean {
    return Boolean(agent.chain?.steps.length) || (agent.after ?? []).length > 0;
  }

  /** Starts the first (or saved) step of every chained agent among `names`; those with `after` wait. */
  begin(names: string[]): Promise<void> {
    return this.serial(async () => {
      if (names.some((n) => this.agent(n)?.chain)) this.skills ??= await loadSkills(this.host.config.root);
      for (const name of names) {
        const agent = this.agent(name);
        if (!agent || !this.takes(agent)) continue;
        const state = this.state(name)!;
        if (agent.chain && !state.chain) state.chain = this.newChain(agent);
        else if (state.chain) state.chain = retry(state.chain);
        state.waiting = [...(agent.after ?? [])];
        if (!state.waiting.length && state.chain) await this.act(name, state.chain);
      }
      await this.release();
    });
  }

  /**
   * Whether an agent the runner owns has nothing more coming: its chain finished or stopped, or it
   * waits on an agent that stopped. Undefined for the agents it does not own.
   */
  settled(state: AgentState): boolean | undefined {
    const agent = this.agent(state.name);
    // Once a shutdown has begun nothing more comes: stopped and captured is the end.
    if (!agent || !this.takes(agent) || this.host.closing) return undefined;
    if (this.active.has(state.name) || this.busy.has(state.name)) return false;
    if (state.waiting?.length) return this.blockedBy(state) !== undefined;
    if (state.chain && !state.chain.finished && !state.chain.stopped) return false;
    return isFinal(state.status) && state.handoffCaptured;
  }

  /** `r` on an agent the runner owns: its step again. False when it is not the runner's to retry. */
  async retry(name: string): Promise<boolean> {
    const state = this.state(name);
    if (state?.waiting?.length) {
      this.host.note(`${name} waits for ${state.waiting.join(', ')}: it starts once they have finished`);
      return true;
    }
    if (!state?.chain || state.chain.finished) return false;
    if (this.active.has(name)) {
      this.active.delete(name);
      await this.host.stopAgent(name);
    }
    await this.serial(() => this.act(name, retry(state.chain!)));
    return true;
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn).catch((err: Error) => this.host.note(`chains: ${err.message}`));
    this.queue = next;
    return next;
  }

  private agent(name: string): AgentConfig | undefined {
    return this.host.config.config.agents.find((a) => a.name === name);
  }

  private state(name: string): AgentState | undefined {
    return this.host.agents().find((a) => a.name === name);
  }

  private newChain(agent: AgentConfig): ChainState {
    const steps = agent.chain!.steps;
    const fixes: Record<string, string> = {};
    for (const step of steps) {
      const next = this.skills?.get(step)?.next;
      if (next && typeof next === 'object') fixes[step] = next.fix;
    }
    return newChain(steps, fixes);
  }

  private onStatus(state: AgentState): void {
    if (this.host.closing) return;
    if (this.active.has(state.name) && isFinal(state.status) && state.handoffCaptured) {
      this.active.delete(state.name);
      this.busy.add(state.name);
      void this.serial(() => this.afterStep(state.name));
      return;
    }
    if (isFinal(state.status) && state.handoffCaptured && this.host.agents().some((a) => a.waiting?.length)) void this.serial(() => this.release());
  }

  /** Claude Code's stop was accepted: the step is over, so its session ends. */
  private onTurn(name: string): void {
    const state = this.state(name);
    if (!state?.chain || !this.active.has(name) || state.preset !== 'claude' || this.ending.has(name) || this.host.closing) return;
    this.ending.add(name);
    void this.host.stopAgent(name);
  }

  private async afterStep(name: string): Promise<void> {
    try {
      const state = this.state(name)!;
      const chain = state.chain;
      if (!chain) return;
      const outcome = await this.outcome(state, chain);
      this.ending.delete(name);
      await this.act(name, advance(chain, outcome, this.agent(name)!.review.rounds).chain);
    } finally {
      this.busy.delete(name);
      this.host.touch(name);
      await this.release();
    }
  }

  /** How the step that just ended went: exit, handoff, and a review's verdict. */
  private async outcome(state: AgentState, chain: ChainState): Promise<StepOutcome> {
    const step = chain.current;
    if (step === DEPLOY_STEP) {
      const code = state.exitCode ?? (state.signal ? `signal ${state.signal}` : 'unknown');
      await this.writeLine(state, 'Deploy', `exit ${code}`);
      return state.status === 'exited' && state.exitCode === 0 ? { ok: true } : { ok: false, reason: `deploy ended with ${state.detail ?? `exit ${code}`}` };
    }
    const endedByUs = state.status === 'stopped' && this.ending.has(state.name);
    if (state.status !== 'exited' && !endedByUs) return { ok: false, reason: `the agent ended with ${state.detail ?? state.status}` };
    if (!state.handoffUpdated) return { ok: false, reason: 'handoff not updated' };
    if (!state.handoffValid) return { ok: false, reason: 'handoff invalid' };
    if (!(step in chain.fixes)) return { ok: true };
    const text = await this.handoffText(state);
    const current = parseHandoff(text).sections.find((s) => s.known && s.name === 'Current State');
    return { ok: true, verdict: parseVerdict([...(current?.text ?? []), ...(current?.items ?? []).map((i) => i.text)]) };
  }

  /** Does what the machine answered: a step's session, the commit, or the end of the chain. */
  private async act(name: string, given: ChainState): Promise<void> {
    const agent = this.agent(name)!;
    const state = this.state(name)!;
    const chain = skipTo(given, (s) => s === DEPLOY_STEP && !agent.deploy);
    const action = currentAction(chain);
    state.chain = chain;
    this.host.touch(name);
    if (action.type === 'finished') {
      this.host.note(`${name}: chain finished (${chain.steps.join(' → ')})`);
      return;
    }
    if (action.type === 'stopped') {
      addWarning(state, `chain stopped at ${action.step}`);
      this.host.note(`${name}: chain stopped at ${action.step} — ${action.reason}; press r on it to run ${action.step} again`);
      if (chain.openFix) {
        await this.writeLine(state, 'Chain', `stopped at ${action.step} after ${agent.review.rounds} review rounds; open fix: ${chain.openFix}`);
      }
      return;
    }
    if (action.step === COMMIT_STEP) {
      return this.act(name, advance(chain, await this.commit(state), agent.review.rounds).chain);
    }
    await this.launchStep(name, agent, chain, action.step, action.round);
  }

  private async launchStep(name: string, agent: AgentConfig, chain: ChainState, step: string, round: number): Promise<void> {
    const skill = this.skills?.get(step);
    const handoffFile = join(this.state(name)!.worktree, this.host.config.config.handoff.file);
    const first = chain.index === 0 && round === 1 && chain.current === chain.steps[0];
    const launch: StepLaunch = {
      skill: step,
      round,
      skillFile: skill?.file,
      prompt: skill ? fillSkill(skill, { task: agent.task, handoff_file: handoffFile, project: this.host.config.config.project, round }) : undefined,
      command: step === DEPLOY_STEP ? agent.deploy?.command : undefined,
      context: first ? await this.waveContext(agent) : undefined,
      keepHandoff: !first,
    };
    if (!skill && step !== DEPLOY_STEP) {
      return this.act(name, advance(chain, { ok: false, reason: `no skill named "${step}" (see supervise skills list)` }, agent.review.rounds).chain);
    }
    this.active.add(name);
    await this.host.startStep(name, launch);
  }

  /** The supervisor's commit of the worktree's work, its hash written back into the handoff. */
  private async commit(state: AgentState): Promise<StepOutcome> {
    const handoffFile = this.host.config.config.handoff.file;
    try {
      const text = await this.handoffText(state);
      const message = commitMessage(state.task, parseHandoff(text), state.name);
      const result = await commitWorktree(this.git, state.worktree, ownFiles(handoffFile), message);
      // Twelve hex digits name it unambiguously in any repository of a sane size, for a third of the
      // tokens. The step and the verdict are history once the work is committed: Current State's
      // budget is better spent on the hash.
      await this.writeLine(state, 'Commit', result.hash?.slice(0, 12) ?? 'none (nothing to commit)', ['Step', 'Verdict']);
      this.host.note(result.hash ? `${state.name}: committed ${result.hash.slice(0, 7)} (${result.files.length} file${result.files.length === 1 ? '' : 's'})` : `${state.name}: nothing to commit`);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }

  /** Writes `- key: value` into the agent's handoff and merges it into the team's. */
  private async writeLine(state: AgentState, key: string, value: string, drop: string[] = []): Promise<void> {
    const path = join(state.worktree, this.host.config.config.handoff.file);
    await writeFileAtomic(path, setStateLine(await this.handoffText(state), key, value, drop));
    await this.host.recapture(state.name, key.toLowerCase());
  }

  private handoffText(state: AgentState): Promise<string> {
    return readFile(join(state.worktree, this.host.config.config.handoff.file), 'utf8').catch(() => '');
  }

  /** The first agent that `state` waits for which cannot finish now (its chain stopped, it failed). */
  private blockedBy(state: AgentState): string | undefined {
    return state.waiting?.find((d) => {
      const dep = this.state(d);
      return dep !== undefined && (Boolean(dep.chain?.stopped) || dep.status === 'failed');
    });
  }

  private done(name: string): boolean {
    const s = this.state(name);
    if (!s || s.waiting?.length || this.active.has(name) || this.busy.has(name)) return false;
    return isFinal(s.status) && s.status !== 'failed' && s.handoffCaptured && (!s.chain || s.chain.finished);
  }

  /** Starts the agents whose `after` agents are all done, with their wave's summary. */
  private async release(): Promise<void> {
    for (const state of this.host.agents()) {
      if (!state.waiting?.length) continue;
      const missing = state.waiting.filter((d) => this.state(d) !== undefined && !this.done(d));
      const blocked = this.blockedBy(state);
      const detail = missing.length ? `waiting for ${missing.join(', ')}${blocked ? ` (${blocked} cannot finish)` : ''}` : undefined;
      if (missing.length) {
        if (state.detail !== detail) {
          state.detail = detail;
          this.host.touch(state.name);
        }
        continue;
      }
      state.waiting = [];
      state.detail = undefined;
      const agent = this.agent(state.name)!;
      if (state.chain) await this.act(state.name, state.chain);
      else {
        this.active.add(state.name);
        await this.host.startStep(state.name, { round: 1, context: await this.waveContext(agent) });
      }
    }
  }

  /** The summary of the waves `agent` comes after, written to history once per wave. */
  private async waveContext(agent: AgentConfig): Promise<string | undefined> {
    const after = agent.after ?? [];
    if (!after.length) return undefined;
    const levels = [...new Set(after.map((d) => this.levels.get(d) ?? 0))].sort();
    const parts: string[] = [];
    for (const level of levels) {
      const members = this.host.agents().filter((a) => this.levels.get(a.name) === level && this.done(a.name));
      const key = `${level}:${members.map((m) => m.name).sort().join(',')}`;
      let text = this.waves.get(key);
      if (text === undefined) {
        const wave: WaveAgent[] = await Promise.all(
          members.map(async (m) => {
            const handoff = await this.handoffText(m);
            const commit = /^\s*-\s*Commit:\s*([0-9a-f]{7,40})/im.exec(handoff)?.[1];
            return { agent: m.name, branch: m.branch, task: m.task, handoff, files: m.diff?.files ?? [], commit };
          }),
        );
        const { project, handoff } = this.host.config.config;
        text = await waveSummary(project, level, wave, handoff.encoding);
        this.waves.set(key, text);
        await writeHistory(historyDir(this.host.config.root), `wave-${level + 1}`, text);
        this.host.note(`wave ${level + 1} (${members.map((m) => m.name).join(', ')}) finished: its summary goes to ${agent.name}`);
      }
      parts.push(text);
    }
    return `The agents before you left this summary of their wave:\n\n${parts.join('\n\n')}`;
  }
}
