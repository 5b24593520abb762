/**
 * The radar kept live beside a running supervisor, as a subscriber to its `status` events: an
 * agent's status or diff changing, or a file changing in its worktree (watched from its first
 * status on, see watch.ts), schedules a refresh, debounced; nothing runs while nothing changes,
 * and every git call is async, so no frame ever waits for it. Results go to each agent's warnings (the sidebar and headless lines
 * show them) and to the team context, whose merges flag them in Blockers; a sync refreshes first.
 */
import { GitRepo, GitRunner } from '../git/git.js';
import type { Conflict } from '../handoff/types.js';
import type { Disposable } from '../session/events.js';
import type { AgentState } from '../supervisor/agentState.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import type { LoadedConfig } from '../config/types.js';
import { agentNotes, applyNotes, radarConflicts } from './publish.js';
import { Radar, type RadarReport } from './radar.js';
import { watchWorktree, type WorktreeWatch } from './watch.js';

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
  agents(): AgentState[];
  on(event: 'status', listener: (state: AgentState) => void): Disposable;
}

const DEBOUNCE_MS = 300;
/** Changes that keep coming (a build writing files) still get a refresh this often. */
const MAX_WAIT_MS = 2000;

export class LiveRadar implements RadarSource {
  conflicts?: Conflict[];
  last?: RadarReport;
  private radar?: Radar;
  private timer?: ReturnType<typeof setTimeout>;
  /** When the first poke since the last refresh came. */
  private pokedAt?: number;
  private readonly git = new GitRunner();
  private readonly watches = new Map<string, Promise<WorktreeWatch | undefined>>();
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
    if (full) this.dirty = undefined;
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
    let report: RadarReport;
    try {
      if (!this.radar) {
        const base = await (await GitRepo.open(config.root, this.git)).resolveBase(config.config.base);
        this.radar = new Radar({ git: this.git, root: config.root, base: base.ref, exclude: ownFiles(config.config.handoff.file) });
      }
      const changed = this.dirty;
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

  /** Stop watching the worktrees (the supervisor is done). */
  async close(): Promise<void> {
    for (const w of await Promise.all(this.watches.values())) w?.close();
    this.watches.clear();
    clearTimeout(this.timer);
  }
}

/** Follows `sup` with a live radar; returns `sup`, so it wraps the supervisor where it is made. */
export function watchRadar<S extends Watched>(sup: S, changed: (agent: string) => void): S {
  new LiveRadar(sup, changed);
  return sup;
}
