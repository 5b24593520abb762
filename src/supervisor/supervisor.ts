/**
 * The supervisor: owns one session per agent, from worktree to captured handoff. It turns PTY
 * output and hook reports into status changes, captures each agent's handoff when it stops,
 * syncs the team handoff on demand and shuts everything down cleanly (SPEC §4).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/types.js';
import { SuperviseError } from '../errors.js';
import { GitRepo } from '../git/git.js';
import { replyToTurnEnd } from '../agents/aiderSettings.js';
import { assertAgentCommands } from '../agents/resolve.js';
import { isFinal, nextStatus, type StatusEvent } from '../agents/status.js';
import { Emitter } from '../session/events.js';
import type { PtySpawner } from '../session/pty.js';
import { Session, type SessionExit, type StopOptions } from '../session/session.js';
import { addWarning, removeWarning, teamLine, type AgentState } from './agentState.js';
import { HookChannel, socketPathFor, type HookReport } from './channel.js';
import { ChainRunner } from '../chains/runner.js';
import { captureRun, openSession, type LaunchDeps, type StepLaunch } from './launch.js';
import { decideNudge, nudgeLine, syncMessage, type SyncSummary } from './nudge.js';
import { ownFiles } from './ownFiles.js';
import { QuietTimer, questionText, quietVerdict, watchesQuiet } from './quiet.js';
import { readAgentRecord, supervisorDir, writeAgentRecord } from './records.js';
import { haltRun, restoreRuns } from './restore.js';
import { newRun, resetRun, type Run } from './run.js';
import { StateFile } from './stateFile.js';
import { syncTeam, watchRadar, type SyncAgent } from './sync.js';
import type { TeamContext } from './team.js';
import { buildHandoffView, type HandoffView } from './view.js';
import { OrphanWatcher } from './watcher.js';

export type { HandoffView } from './view.js';
export type { SyncSummary } from './nudge.js';

export interface SupervisorOptions {
  loaded: LoadedConfig;
  spawner: PtySpawner;
  /** The environment agents inherit. */
  env: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
  scrollback?: number;
  stop?: StopOptions;
  /** How hooks call back into this package: node and the built CLI, by absolute path. */
  nodePath: string;
  cliPath: string;
  /** Output silence after which a non-hook agent counts as quiet (default 1500 ms). */
  quietMs?: number;
  /** Start every agent over instead of resuming (`--fresh`); run only these agents (`--only`). */
  fresh?: boolean;
  only?: string[];
}

export interface SupervisorEvents {
  status: AgentState;
  message: string;
  /** The agent's screen changed. */
  output: string;
  /** A hook let the agent's turn end (its stop was not refused). */
  turn: { agent: string };
}

export class Supervisor extends Emitter<SupervisorEvents> {
  private readonly runs = new Map<string, Run>();
  private channel?: HookChannel;
  private baseCommit = '';
  private readonly stateFile: StateFile;
  private readonly team: TeamContext;
  private shuttingDown?: Promise<void>;
  private watcher?: OrphanWatcher;
  private readonly chains: ChainRunner;
  private starting?: Promise<void>;
  /** Set once a shutdown stops the agents: nothing launches after that. */
  private halting = false;

  private constructor(
    private readonly opts: SupervisorOptions,
    private readonly git: GitRepo,
  ) {
    super();
    const { loaded } = opts;
    this.stateFile = new StateFile(join(supervisorDir(loaded.root), 'state.json'));
    this.team = {
      root: loaded.root,
      project: loaded.config.project,
      teamPath: loaded.handoffPath,
      limits: { budget: loaded.config.handoff.budget, encoding: loaded.config.handoff.encoding },
    };
    // Agents are known (as `starting`) from the start, so a UI can draw them before any worktree exists.
    for (const agent of loaded.config.agents.filter((a) => !opts.only || opts.only.includes(a.name))) this.runs.set(agent.name, newRun(agent, join(loaded.worktreeRoot, agent.name)));
    this.chains = new ChainRunner(this);
  }

  /** Checks the repository, the base and every agent's command; creates nothing. */
  static async create(opts: SupervisorOptions): Promise<Supervisor> {
    const git = await GitRepo.open(opts.loaded.root);
    const sup: Supervisor = watchRadar(new Supervisor(opts, git), (name) => sup.changed(sup.mustGet(name)));
    sup.baseCommit = (await git.resolveBase(opts.loaded.config.base)).commit;
    await assertAgentCommands(opts.loaded, opts.env, sup.baseCommit);
    return sup;
  }

  get config(): LoadedConfig {
    return this.opts.loaded;
  }

  get teamContext(): TeamContext {
    return this.team;
  }

  /** Worktrees (all or nothing), injection, then every agent's PTY. */
  start(): Promise<void> {
    return (this.starting ??= this.startAll());
  }

  private async startAll(): Promise<void> {
    this.watcher ??= OrphanWatcher.start(this.opts.nodePath, this.opts.cliPath).follow(this);
    const { loaded } = this.opts;
    const specs = loaded.config.agents.map((a) => ({ name: a.name, branch: a.branch, path: join(loaded.worktreeRoot, a.name) }));
    await this.git.ensureWorktrees(specs, this.baseCommit, ownFiles(loaded.config.handoff.file));
    await mkdir(supervisorDir(loaded.root), { recursive: true });
    const refusedLog = join(supervisorDir(loaded.root), 'logs', 'refused-hooks.log');
    this.channel = await HookChannel.listen(socketPathFor(loaded.root), { onReport: (r) => this.onHook(r), onRefused: (m) => this.emit('message', m), refusedLog });
    const launch = await restoreRuns({ loaded, stateFile: this.stateFile, runs: [...this.runs.values()], team: this.team, fresh: Boolean(this.opts.fresh), message: (m) => this.emit('message', m) });
    for (const run of this.runs.values()) if (!launch.includes(run)) this.changed(run);
    for (const run of launch) if (!this.chains.takes(run.config)) await this.launch(run);
    await this.chains.begin(launch.map((r) => r.config.name));
  }

  agents(): AgentState[] {
    return [...this.runs.values()].map((r) => r.state);
  }

  session(name: string): Session | undefined {
    return this.runs.get(name)?.session;
  }

  /** Keys typed into an agent (attach mode). */
  write(name: string, data: string): void {
    const run = this.runs.get(name);
    if (!run?.session?.running) return;
    run.session.write(data);
    this.apply(run, { type: 'input' });
  }

  resize(name: string, cols: number, rows: number): void {
    this.runs.get(name)?.session?.resize(cols, rows);
  }

  /** Stops one agent gracefully; its handoff is captured. */
  async stopAgent(name: string): Promise<void> {
    const run = this.mustGet(name);
    if (!run.session?.running) return;
    await haltRun(run, this.opts.env, this.opts.stop);
    await run.captured;
  }

  /** Stops the agent if it runs, then starts it again with the current team handoff: continuing its conversation, or `fresh` from scratch. A chain runs its step again. */
  async restartAgent(name: string, fresh = false): Promise<void> {
    if (await this.chains.retry(name)) return;
    const run = this.mustGet(name);
    if (run.session?.running) await this.stopAgent(name);
    await run.captured;
    resetRun(run, fresh);
    await this.launch(run);
  }

  /** A chain step as a fresh session of the agent (the chain runner's way in). */
  async startStep(name: string, step: StepLaunch): Promise<void> {
    const run = this.mustGet(name);
    if (run.session?.running) await this.stopAgent(name);
    await run.captured;
    resetRun(run, true);
    run.step = step;
    await this.launch(run);
  }

  /** Captures the agent's handoff again after the supervisor wrote into it (a commit's hash): all of it is news. */
  async recapture(name: string, historyName: string): Promise<void> {
    const run = this.mustGet(name);
    await run.captured;
    run.injectedText = undefined;
    await (run.captured = this.capture(run, historyName));
  }

  /** Tells listeners the agent's state changed (its chain moved on). */
  touch(name: string): void {
    this.changed(this.mustGet(name));
  }

  note(text: string): void {
    this.emit('message', text);
  }

  get closing(): boolean {
    return this.shuttingDown !== undefined;
  }

  /** Merge every agent's handoff into the team one, write it everywhere, nudge waiting agents. */
  async sync(): Promise<SyncSummary> {
    const result = await syncTeam(this.team, this.syncAgents(), { writeWorktrees: true });
    for (const w of result.written) {
      const run = this.runs.get(w.agent)!;
      if (result.changed.includes(w.agent)) run.updatedBeforeSync = true;
      run.injectedHash = w.hash;
      run.injectedText = w.text;
      await this.rewriteRecordHash(run);
    }
    const summary: SyncSummary = { worktrees: result.written.length, nudged: [], skipped: [], conflicts: result.conflicts.length };
    for (const { config, state, session, hookSeen } of this.runs.values()) {
      if (!session?.running) continue;
      const d = decideNudge({ preset: config.preset, status: state.status, hooks: hookSeen, lines: session.screen.viewportText(), notify: this.opts.loaded.config.sync.notify });
      if (!d.nudge) summary.skipped.push({ agent: config.name, reason: d.reason });
      else {
        session.write(nudgeLine(state.warnings, config.preset));
        summary.nudged.push(config.name);
      }
    }
    this.emit('message', syncMessage(summary));
    return summary;
  }

  /** The merged team handoff as a sync would make it now, and each agent's own; writes nothing. */
  handoffView(): Promise<HandoffView> {
    return buildHandoffView(this.team, this.syncAgents());
  }

  /** Resolves once every agent has stopped and its handoff is captured. */
  async allDone(): Promise<void> {
    for (;;) {
      const pending = [...this.runs.values()].filter((r) => !(this.chains.settled(r.state) ?? (isFinal(r.state.status) && r.state.handoffCaptured)));
      if (pending.length === 0) return;
      await new Promise<void>((resolve) => {
        const handle = this.on('status', () => {
          handle.dispose();
          resolve();
        });
      });
    }
  }

  /** Stops every agent (hang-up, TERM, KILL), captures their handoffs, saves state. Idempotent. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      // What start() launches is then stopped like the rest; nothing launches after that.
      await this.starting?.catch(() => undefined);
      this.halting = true;
      await Promise.all(
        [...this.runs.values()].map(async (run) => {
          if (run.session?.running) await haltRun(run, this.opts.env, this.opts.stop);
          await run.captured;
        }),
      );
      await this.stateFile.save(this.agents(), { clean: true });
      await this.channel?.close();
      this.watcher?.close();
      await this.teamContext.radar?.close();
      for (const run of this.runs.values()) {
        run.log?.flush();
        run.quiet?.disarm();
        run.session?.dispose();
      }
    })();
    return this.shuttingDown;
  }

  private syncAgents(): SyncAgent[] {
    return [...this.runs.values()].map((r) => ({
      agent: r.config.name,
      branch: r.config.branch,
      worktree: r.state.worktree,
      handoffFile: this.opts.loaded.config.handoff.file,
      injectedHash: r.injectedHash,
      injectedText: r.injectedText,
      ...teamLine(r.state),
      files: r.state.diff?.files ?? [],
    }));
  }

  private mustGet(name: string): Run {
    const run = this.runs.get(name);
    if (!run) throw new SuperviseError('UsageError', `no agent named "${name}".`);
    return run;
  }

  private launchDeps(): LaunchDeps {
    return { ...this.opts, channel: this.channel!, team: this.team };
  }

  private async launch(run: Run): Promise<void> {
    if (this.halting) return;
    const session = await openSession(this.launchDeps(), run);
    if (this.halting) return session.dispose();
    run.session = session;
    session.on('data', (data) => this.onData(run, data));
    session.on('output', () => this.emit('output', run.config.name));
    session.on('exit', (exit) => this.onExit(run, exit));
    session.start();
    run.state.pid = session.pid;
    this.changed(run);
  }

  private onData(run: Run, data: string | Uint8Array): void {
    run.log?.write(data);
    this.apply(run, { type: 'output' });
    if (!watchesQuiet(run.config.preset, run.hookSeen, Boolean(run.typeAfterStart))) return;
    (run.quiet ??= new QuietTimer(this.opts.quietMs ?? 1500, () => this.onQuiet(run))).poke();
  }

  private onQuiet(run: Run): void {
    if (run.typeAfterStart && run.session?.running) {
      run.session.write(run.typeAfterStart);
      run.typeAfterStart = undefined;
      return;
    }
    const verdict = quietVerdict(run.config.preset, run.hookSeen, run.state.status, run.session?.screen.viewportText() ?? []);
    if (verdict !== 'trust-dialog') {
      if (verdict) this.apply(run, verdict);
      return;
    }
    this.apply(run, { type: 'prompt', waiting: 'needs-input' });
    run.state.detail = 'asks to trust its folder';
    this.emit('message', `${run.config.name}: Claude Code asks whether to trust ${run.state.worktree}; attach to it and answer (or open Claude Code once in this repository)`);
    this.changed(run);
  }

  private onHook(r: HookReport): void {
    const run = this.runs.get(r.agent);
    if (!run) return;
    run.hookSeen = true;
    if (r.sessionId) run.state.sessionId = r.sessionId;
    if (r.event === 'Stop' || r.event === 'AfterAgent') {
      run.lastStopAt = Date.now();
      if (r.blocked) this.emit('message', `${r.agent}: stop refused, handoff not ready`);
      if (r.handoffNotUpdated) addWarning(run.state, 'handoff not updated');
      else removeWarning(run.state, 'handoff not updated');
      // A refused stop means the agent carries on working.
      // Aider cannot be refused a turn end: it is given the reason as its next message instead.
      if (r.blocked) void replyToTurnEnd(run.config.preset, r, run.session);
      if (r.blocked) return this.changed(run);
      this.emit('turn', { agent: r.agent });
    }
    run.asked = r.event === 'Notification' ? r.message : undefined;
    this.apply(run, { type: 'hook', event: r.event, notificationType: r.notificationType });
    this.changed(run);
  }

  private onExit(run: Run, exit: SessionExit): void {
    run.quiet?.disarm();
    run.log?.flush();
    const state = run.state;
    state.exitCode = exit.exitCode;
    state.signal = exit.signal;
    state.endedAt = Date.now();
    state.pid = undefined;
    state.detail = exit.message ?? (exit.signal ? `signal ${exit.signal}` : `exit ${exit.exitCode}`);
    this.apply(run, { type: 'exit', exitCode: exit.exitCode, signal: exit.signal, stopRequested: run.stopRequested });
    run.captured = this.capture(run);
  }

  private async capture(run: Run, historyName?: string): Promise<void> {
    try {
      await this.refreshDiff(run);
      await captureRun(this.launchDeps(), run, [...this.runs.values()].filter((r) => r !== run), historyName);
    } finally {
      run.state.handoffCaptured = true;
      this.changed(run);
    }
  }

  private async refreshDiff(run: Run): Promise<void> {
    try {
      run.state.diff = await this.git.diffStat(run.state.worktree, this.baseCommit, ownFiles(this.opts.loaded.config.handoff.file));
    } catch {
      // a worktree removed under our feet: keep the last figures
    }
  }

  private async rewriteRecordHash(run: Run): Promise<void> {
    const rec = await readAgentRecord(this.opts.loaded.root, run.config.name);
    if (rec) await writeAgentRecord(this.opts.loaded.root, { ...rec, injectedHash: run.injectedHash, updatedBeforeSync: run.updatedBeforeSync });
  }

  private apply(run: Run, event: StatusEvent): void {
    const next = nextStatus(run.state.status, event, run.config.preset);
    if (next === run.state.status) return;
    run.state.status = next;
    if (!isFinal(next)) run.state.detail = next === 'needs-input' ? (run.asked ?? questionText(run.session?.screen.viewportText() ?? [])) : undefined;
    if (!isFinal(next) && next !== 'working') void this.refreshDiff(run).then(() => this.changed(run));
    this.changed(run);
  }

  private changed(run: Run): void {
    this.emit('status', run.state);
    void this.stateFile.save(this.agents());
  }
}
