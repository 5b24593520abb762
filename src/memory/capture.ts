/**
 * Memories written at capture (SPEC §7): an agent's captured handoff gives its Blockers as
 * mistakes and its Key Decisions as decisions; a wave summary (templates/WAVE.md) gives Discovered
 * as learnings, Mistakes to Avoid as mistakes and Pattern to Follow as patterns. Writing never
 * holds up or fails a capture: whatever goes wrong is one warning message.
 */
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseHandoff } from '../handoff/parse.js';
import { sectionKey } from '../handoff/syntax.js';
import type { Handoff } from '../handoff/types.js';
import { GitRunner } from '../git/run.js';
import type { AgentState } from '../supervisor/agentState.js';
import { historyDir } from '../supervisor/team.js';
import { writeFileAtomic } from '../fsutil.js';
import type { Disposable } from '../session/events.js';
import type { MemoryClient, MemoryKind, NewMemory } from './index.js';

/** Where a memory came from, stored beside its text (source: the history file it was read from). */
export type MemoryMeta = Omit<NewMemory, 'kind' | 'text'>;

const HANDOFF_KINDS: Record<string, MemoryKind> = { blockers: 'mistake', 'key decisions': 'decision' };
const WAVE_KINDS: Record<string, MemoryKind> = { discovered: 'learning', 'mistakes to avoid': 'mistake', 'pattern to follow': 'pattern' };

// Items that say there is nothing: `- (none)`, `- none`, `- n/a`, `- -`.
const EMPTY_ITEM = /^\(?\s*(none|nothing|n\/a|-+|tbd)\s*\.?\)?$/i;

function collect(handoff: Handoff, kinds: Record<string, MemoryKind>, meta: MemoryMeta, keep: (agent: string | undefined) => boolean): NewMemory[] {
  const out: NewMemory[] = [];
  const seen = new Set<string>();
  for (const section of handoff.sections) {
    const kind = kinds[sectionKey(section.name)];
    if (!kind) continue;
    for (const item of section.items) {
      const text = item.text.replace(/\s+/g, ' ').trim();
      if (!text || EMPTY_ITEM.test(text) || !keep(item.agent)) continue;
      const key = `${kind}\0${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(withMeta({ kind, text }, meta));
    }
  }
  return out;
}

function withMeta(m: NewMemory, meta: MemoryMeta): NewMemory {
  for (const [k, v] of Object.entries(meta)) if (v) (m as unknown as Record<string, string>)[k] = v;
  return m;
}

/**
 * The memories in one agent's captured handoff: Blockers → mistake, Key Decisions → decision.
 * Items another agent wrote (`(@other)`, merged in from the team handoff) are that agent's and
 * were written when it was captured, so they are left out here.
 */
export function memoriesFromHandoff(text: string, meta: MemoryMeta): NewMemory[] {
  const own = (agent: string | undefined) => !agent || !meta.agent || agent.split(/,\s*/).includes(meta.agent);
  return collect(parseHandoff(text), HANDOFF_KINDS, meta, own);
}

/** The memories in a wave summary: Discovered → learning, Mistakes to Avoid → mistake, Pattern to Follow → pattern. */
export function memoriesFromWave(text: string, meta: MemoryMeta): NewMemory[] {
  return collect(parseHandoff(text), WAVE_KINDS, meta, () => true);
}

/** Whether a file's text is a wave summary (its title, as templates/WAVE.md writes it). */
export function isWaveSummary(text: string): boolean {
  return /^#\s.*wave summary/im.test(text.split('\n', 5).join('\n'));
}

/** The repository as memories name it: its `origin` remote, else its folder. */
export async function repositoryName(root: string, git = new GitRunner()): Promise<string> {
  const out = await git.run(root, ['config', '--get', 'remote.origin.url'], [0, 1]).catch(() => undefined);
  return out?.stdout.trim() || root;
}

async function headCommit(dir: string, git: GitRunner): Promise<string | undefined> {
  const out = await git.run(dir, ['rev-parse', 'HEAD'], [0, 128]).catch(() => undefined);
  return out?.code === 0 ? out.stdout.trim() : undefined;
}

/** What a supervisor gives the memory writer: its status events. */
export interface StatusSource {
  on(event: 'status', listener: (a: AgentState) => void): Disposable;
}

export interface CaptureWriterOptions {
  root: string;
  project: string;
  memory: MemoryClient;
  /** A warning for the user (status line, headless line). */
  message(text: string): void;
}

/**
 * Writes memories as agents are captured, and from wave summaries as they appear in
 * `.supervise/history/`. `drain()` waits for every write under way (the supervisor's shutdown
 * calls it before memory is closed).
 */
export class CaptureWriter {
  private readonly git = new GitRunner();
  private readonly captured = new Map<string, boolean>();
  private readonly pending = new Set<Promise<void>>();
  private readonly subs: Disposable[] = [];
  private watcher?: FSWatcher;
  private repository?: Promise<string>;
  private readonly wavesDone: Promise<Set<string>>;

  constructor(private readonly opts: CaptureWriterOptions) {
    this.wavesDone = readDone(doneFile(opts.root));
  }

  /** Follows a supervisor's status events and the history folder. */
  follow(source: StatusSource): this {
    this.subs.push(source.on('status', (a) => this.onStatus(a)));
    this.watchHistory();
    return this;
  }

  /** Waits for every write under way, and picks up wave summaries written since the last look. */
  async drain(): Promise<void> {
    this.track(this.scanWaves());
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Writes the memories of one wave summary (the chain runner calls this when it writes one). */
  addWave(text: string, meta: MemoryMeta): Promise<void> {
    const p = this.write(async () => memoriesFromWave(text, { ...(await this.baseMeta()), ...meta }), `the wave summary ${meta.source ? basename(meta.source) : ''}`.trim());
    this.track(p);
    return p;
  }

  private onStatus(a: AgentState): void {
    const was = this.captured.get(a.name) ?? false;
    this.captured.set(a.name, a.handoffCaptured);
    if (!a.handoffCaptured || was) return;
    this.track(this.scanWaves());
    // A handoff the agent did not update is the team's, already written when its authors were captured.
    if (!a.handoffUpdated || !a.historyFile) return;
    const { name, branch, worktree, historyFile } = a;
    this.track(
      this.write(async () => {
        const text = await readFile(historyFile, 'utf8');
        const commit = await headCommit(worktree, this.git);
        return memoriesFromHandoff(text, { ...(await this.baseMeta()), agent: name, branch, commit, source: historyFile });
      }, `${name}'s handoff`),
    );
  }

  private async baseMeta(): Promise<MemoryMeta> {
    this.repository ??= repositoryName(this.opts.root, this.git);
    return { project: this.opts.project, repository: await this.repository };
  }

  private async write(make: () => Promise<NewMemory[]>, what: string): Promise<void> {
    try {
      const memories = await make();
      if (memories.length > 0) await this.opts.memory.addMany(memories);
    } catch (err) {
      this.opts.message(`memory: could not keep what ${what} taught (${(err as Error).message}); the capture itself is done`);
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private watchHistory(): void {
    try {
      mkdirSync(historyDir(this.opts.root), { recursive: true });
      this.watcher = watch(historyDir(this.opts.root), (_event, name) => {
        if (name && /wave/i.test(String(name))) this.track(this.scanWaves());
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // A folder that cannot be watched: wave summaries are picked up at each capture and by drain().
    }
    this.track(this.scanWaves());
  }

  /** Every wave summary in the history folder not read before (kept in `.supervise/memory/waves.json`). */
  private async scanWaves(): Promise<void> {
    const dir = historyDir(this.opts.root);
    const names = await readdir(dir).catch(() => [] as string[]);
    const done = await this.wavesDone;
    const fresh = names.filter((n) => /wave/i.test(n) && n.endsWith('.md') && !done.has(n)).sort();
    if (fresh.length === 0) return;
    for (const n of fresh) done.add(n);
    for (const n of fresh) {
      const file = join(dir, n);
      const text = await readFile(file, 'utf8').catch(() => '');
      if (!isWaveSummary(text)) continue;
      // `# Shop - Wave Summary (wave 1: alpha, beta)`: the agents of the wave.
      const agent = /Wave Summary \((?:wave \d+:\s*)?([^)]+)\)/i.exec(text)?.[1]?.trim();
      await this.write(async () => memoriesFromWave(text, { ...(await this.baseMeta()), agent, source: file }), `the wave summary ${n}`);
    }
    await writeFileAtomic(doneFile(this.opts.root), `${JSON.stringify([...done].sort(), null, 1)}\n`).catch(() => undefined);
  }
}

function doneFile(root: string): string {
  return join(root, '.supervise', 'memory', 'waves.json');
}

async function readDone(file: string): Promise<Set<string>> {
  try {
    const list: unknown = JSON.parse(await readFile(file, 'utf8'));
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}
