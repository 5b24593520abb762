/**
 * The radar kept live beside a running supervisor, as a subscriber to its `status` events: an
 * agent's status or diff changing, or a file changing in its worktree (watched from its first
 * status on, see watch.ts), schedules a refresh, debounced; nothing runs while nothing changes,
 * and every git call is async, so no frame ever waits for it. Results go to each agent's
 * warnings (the sidebar and headless lines show them) and to the team context, whose merges flag
 * them in Blockers; a sync refreshes first. When the base branch moves without a sync (a land
 * from a shell), the radar runs one, so the agents hear of it.
 */
import { GitRepo, GitRunner } from '../git/git.js';
import type { Conflict } from '../handoff/types.js';
import type { Disposable } from '../session/events.js';
import type { AgentState } from '../supervisor/agentState.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import type { LoadedConfig } from '../config/types.js';
import { agentNotes, applyNotes, radarConflicts } from './publish.js';
import { Radar, type RadarReport } from './radar.js';
import { watchBranch, watchWorktree, type Watch } from './watch.js';

/** What the team context holds of the radar: its last conflicts, and a way to bring them up to date. */
export interface RadarSource {
  /** Undefined until the first refresh has ended: merges then keep the flags there are. */
  conflicts?: Conflict[];
  /** Refresh now (after any refresh under way) and publish. */
  refresh(): Promise<void>;
  /** Stop following the worktrees. */
  close(): Promise<void>;
}

/** The part of the Supervisor the radar follows. */
export interface Watched {
  readonly config: LoadedConfig;
  readonly teamContext: { radar?: RadarSource };
  readonly closing: boolean;
  agents(): AgentState[];
  on(event: 'status', listener: (state: AgentState) => void): Disposable;
  /** Tell the running agents (the base moved under them). */
  sync(): Promise<unknown>;
}

const DEBOUNCE_MS = 300;
/** Changes that keep coming (a build writing files) still get a refresh this often. */
const MAX_WAIT_MS = 2000;
/** A base that moved waits this long for a sync of its own (the TUI's after `m`) before one is run. */
const TELL_AFTER_MS = 1500;

export class LiveRadar implements RadarSource {
  conflicts?: Conflict[];
  last?: RadarReport;
  private radar?: Radar;
  private timer?: ReturnType<typeof setTimeout>;
  /** When the first poke since the last refresh came. */
  private pokedAt?: number;
  private readonly git = new GitRunner();
  private readonly watches = new Map<string, Promise<Watch | undefined>>();
  private branch?: Promise<Watch | undefined>;
  /** The base commit the agents were last synced with; whether the next refresh is a sync's. */
  private told?: string;
  private syncing = false;
  private tellTimer?: ReturnType<typeof setTimeout>;
  private current?: Promise<void>;
  private next?: Promise<void>;
  private readonly keys = new Map<string, string>();
  /** Agents whose worktree may have changed since the last refresh; all of them when undefined. */
  private dirty?: Set<string>;

  constructor(
    private readonly sup: Watched,
    /** Tell the supervisor an agent's state changed (its warnings did). */
    private readonly changed: (agent: string) => void,
    private readonly debounceMs = DEBOUNCE_MS,
  ) {
    sup.teamContext.radar = this;
    sup.on('status', (state) => this.onStatus(state));
  }

  /** Schedule a refresh in a moment; pokes in between fold into one (at most MAX_WAIT_MS late). */
  poke(): void {
    const now = Date.now();
    this.pokedAt ??= now;
    if (this.timer !== undefined && now - this.pokedAt >= MAX_WAIT_MS) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(false), this.debounceMs);
    this.timer.unref?.();
  }

  /** `full`: read every worktree again (a sync: agents edit while working, with no status change). */
  refresh(full = true): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pokedAt = undefined;
    if (full) {
      this.dirty = undefined;
      this.syncing = true;
    }
    // One refresh at a time; calls made during one share the next, which sees their changes.
    if (this.next) return this.next;
    const next = (this.current ?? Promise.resolve()).then(async () => {
      this.next = undefined;
      const run = this.run();
      this.current = run;
      await run;
      if (this.current === run) this.current = undefined;
    });
    this.next = next;
    return next;
  }

  private async run(): Promise<void> {
    const { config } = this.sup;
    const states = this.sup.agents();
    const sync = this.syncing;
    this.syncing = false;
    let report: RadarReport;
    let changed: Set<string> | undefined;
    try {
      if (!this.radar) {
        const base = await (await GitRepo.open(config.root, this.git)).resolveBase(config.config.base);
        this.radar = new Radar({ git: this.git, root: config.root, base: base.ref, exclude: ownFiles(config.config.handoff.file) });
        this.branch ??= watchBranch(this.git, config.root, base.ref, () => this.poke()).catch(() => undefined);
      }
      changed = this.dirty;
      this.dirty = new Set();
      report = await this.radar.refresh(
        states.map((a) => ({ name: a.name, worktree: a.worktree })),
        changed,
      );
    } catch {
      this.dirty = undefined;
      return; // the base is gone for a moment (a rebase, a checkout): the next change asks again
    }
    this.last = report;
    // A sync tells the agents of the base as it is now.
    if (sync || this.told === undefined) this.told = report.base.commit;
    else if (report.base.commit !== this.told) this.tellSoon();
    this.conflicts = radarConflicts(report);
    const notes = agentNotes(report);
    for (const s of states) if (applyNotes(s, notes.get(s.name) ?? [])) this.changed(s.name);
  }

  /** A change of status or of the diff stat means the worktree may have changed; our own notes do not. */
  private onStatus(s: AgentState): void {
    const key = `${s.status}\0${s.diff?.added}\0${s.diff?.removed}\0${s.diff?.files.join('\0')}\0${s.handoffCaptured}`;
    if (this.keys.get(s.name) === key) return;
    this.keys.set(s.name, key);
    this.dirty?.add(s.name);
    if (s.status === 'starting') return;
    this.poke();
    this.watch(s);
  }

  /** Watch `s`'s worktree from now on (once it exists), also after the agent has ended: the user may edit there too. */
  private watch(s: AgentState): void {
    if (this.watches.has(s.name)) return;
    const name = s.name;
    const changed = () => {
      this.dirty?.add(name);
      this.poke();
    };
    this.watches.set(
      name,
      watchWorktree(this.git, s.worktree, changed).catch(() => {
        this.watches.delete(name); // no worktree yet: the next status change tries again
        return undefined;
      }),
    );
  }

  // The base moved without a sync (`supervise land` from a shell, a pull): sync, unless one comes first.
  private tellSoon(): void {
    if (this.tellTimer) return;
    this.tellTimer = setTimeout(() => {
      this.tellTimer = undefined;
      if (this.sup.closing || this.last?.base.commit === this.told) return;
      void this.sup.sync().catch(() => undefined);
    }, TELL_AFTER_MS);
    this.tellTimer.unref?.();
  }

  /** Stop watching the worktrees and the base (the supervisor is done). */
  async close(): Promise<void> {
    for (const w of await Promise.all([...this.watches.values(), this.branch])) w?.close();
    this.watches.clear();
    clearTimeout(this.timer);
    clearTimeout(this.tellTimer);
  }
}

/** Follows `sup` with a live radar; returns `sup`, so it wraps the supervisor where it is made. */
export function watchRadar<S extends Watched>(sup: S, changed: (agent: string) => void): S {
  new LiveRadar(sup, changed);
  return sup;
}
