/**
 * The conflict radar (SPEC §8): for every pair of agents, and for each agent against the base
 * branch's current head, what merging would do — from snapshots that include uncommitted work.
 *
 * - conflict: `git merge-tree` predicts conflicts in these files.
 * - overlap: both change these files, yet they merge cleanly.
 * - contract: one agent's changed or new files import a file another agent changed.
 *
 * Only pairs whose changed files meet are merged (two agents touching disjoint files cannot
 * conflict), and every git answer is kept by commit, so a refresh after one agent's edit costs
 * one snapshot and the merges that involve it.
 */
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { SuperviseError } from '../errors.js';
import { describe, revision, type GitRunner } from '../git/run.js';
import { importTargets, languageOf, worktreeReader, type ImportTarget } from './imports.js';
import { MergeOracle } from './mergeTree.js';
import { snapshotWorktree, type Snapshot } from './snapshot.js';

export interface RadarAgent {
  name: string;
  worktree: string;
}

export type FindingKind = 'conflict' | 'overlap' | 'contract';

export interface RadarFinding {
  kind: FindingKind;
  /**
   * conflict and overlap: the two agents (or the agent and the base branch, with `base`);
   * contract: the agent that changed the file, then the one whose files import it.
   */
  agents: [string, string];
  /** conflict, overlap: the files; contract: the changed file, then the files importing it. */
  files: string[];
  detail: string;
  /** Set when the second of `agents` is the base branch, not an agent. */
  base?: true;
}

export interface RadarReport {
  /** The base branch and its head commit as compared. */
  base: { ref: string; commit: string };
  findings: RadarFinding[];
  /** Agents left out, with why (no worktree yet, say). */
  skipped: { agent: string; reason: string }[];
}

export interface RadarOptions {
  git: GitRunner;
  /** The repository's top level. */
  root: string;
  /** The base branch (or commit) agents branch from and land on. */
  base: string;
  /** Repository-relative files that are never an agent's work (the supervisor's own). */
  exclude: ReadonlySet<string>;
  /** Git commands run at once (default 4). */
  concurrency?: number;
}

interface Seen {
  agent: RadarAgent;
  snap: Snapshot;
  files: string[];
  set: Set<string>;
}

const MAX_LISTED = 5;

/** `a, b, c` and `+N more` past five. */
export function listFiles(files: readonly string[]): string {
  const shown = files.slice(0, MAX_LISTED).join(', ');
  return files.length > MAX_LISTED ? `${shown} and ${files.length - MAX_LISTED} more` : shown;
}

export class Radar {
  private readonly oracle: MergeOracle;
  /** Import targets by snapshot commit, then by file. */
  private readonly imports = new Map<string, Map<string, ImportTarget[]>>();
  /** The last snapshot of each worktree. */
  private readonly snaps = new Map<string, Snapshot>();

  constructor(private readonly opts: RadarOptions) {
    this.oracle = new MergeOracle(opts.git, opts.root);
  }

  /**
   * Everything the radar sees now, for these agents. With `changed`, only those agents' worktrees
   * are read again; the others' last snapshots stand (a live caller knows who changed).
   */
  async refresh(agents: readonly RadarAgent[], changed?: ReadonlySet<string>): Promise<RadarReport> {
    const { git, root, base, exclude } = this.opts;
    const head = await git.run(root, ['rev-parse', '--verify', '--quiet', `${revision(base, 'base')}^{commit}`], [0, 1]).catch((err: unknown) => {
      throw new SuperviseError('GitError', `cannot read the base "${base}": ${describe(err)}`);
    });
    const baseCommit = head.stdout.trim();
    if (head.code !== 0 || !baseCommit) throw new SuperviseError('GitError', `base "${base}" is not a branch or commit in ${root}`);
    const skipped: RadarReport['skipped'] = [];
    const seen = (
      await mapLimit(agents, this.opts.concurrency ?? 4, async (agent): Promise<Seen | undefined> => {
        try {
          const last = changed && !changed.has(agent.name) ? this.snaps.get(agent.worktree) : undefined;
          const snap = last ?? (await snapshotWorktree(git, agent.worktree, exclude));
          this.snaps.set(agent.worktree, snap);
          const files = await this.oracle.changed(baseCommit, snap.commit, exclude);
          return { agent, snap, files, set: new Set(files) };
        } catch (err) {
          skipped.push({ agent: agent.name, reason: err instanceof Error ? err.message : String(err) });
          return undefined;
        }
      })
    ).filter((s): s is Seen => s !== undefined);

    // Branches that already hold the base's head: their agents cannot conflict with it. One git
    // call instead of one diff per agent.
    const holding = await git.run(root, ['for-each-ref', '--contains', baseCommit, '--format=%(refname)', 'refs/heads/']).then(
      (o) => new Set(o.stdout.split('\n').filter(Boolean)),
      () => new Set<string>(),
    );
    const findings: RadarFinding[] = [];
    const jobs: (() => Promise<void>)[] = [];
    for (let i = 0; i < seen.length; i++) {
      const a = seen[i] as Seen;
      for (let j = i + 1; j < seen.length; j++) {
        const b = seen[j] as Seen;
        const shared = a.files.filter((f) => b.set.has(f));
        if (!shared.length) continue;
        jobs.push(async () => {
          findings.push(...this.pair(a.agent.name, b.agent.name, shared, await this.oracle.predict(a.snap.commit, b.snap.commit)));
        });
      }
      if (a.snap.ref && holding.has(a.snap.ref)) continue;
      jobs.push(async () => {
        // What the base changed since this agent left it; only then can they conflict.
        const moved = await this.oracle.changed(a.snap.commit, baseCommit, exclude);
        const shared = moved.filter((f) => a.set.has(f));
        if (!shared.length) return;
        const conflicts = await this.oracle.predict(a.snap.commit, baseCommit);
        if (conflicts.length) findings.push({ kind: 'conflict', agents: [a.agent.name, base], files: conflicts, base: true, detail: `${a.agent.name}'s work would conflict with ${base} in ${listFiles(conflicts)}` });
      });
    }
    await mapLimit(jobs, this.opts.concurrency ?? 4, (job) => job());
    findings.push(...(await this.contracts(seen)));
    findings.sort(byFinding);
    return { base: { ref: base, commit: baseCommit }, findings, skipped: skipped.sort((x, y) => (x.agent < y.agent ? -1 : 1)) };
  }

  private pair(a: string, b: string, shared: string[], conflicts: string[]): RadarFinding[] {
    const out: RadarFinding[] = [];
    if (conflicts.length) out.push({ kind: 'conflict', agents: [a, b], files: conflicts, detail: `${a} and ${b} would conflict in ${listFiles(conflicts)}` });
    const clean = shared.filter((f) => !conflicts.includes(f));
    if (clean.length) out.push({ kind: 'overlap', agents: [a, b], files: clean, detail: `${a} and ${b} both change ${listFiles(clean)} (no conflict predicted)` });
    return out;
  }

  /** B's changed files that import a file A changed (and B did not). */
  private async contracts(seen: Seen[]): Promise<RadarFinding[]> {
    const found = new Map<string, { changer: string; user: string; file: string; from: Set<string> }>();
    for (const b of seen) {
      const targets = await this.targetsOf(b);
      const exists = existsIn(b.agent.worktree);
      for (const [from, list] of targets) {
        for (const target of list) {
          for (const a of seen) {
            if (a === b) continue;
            for (const file of await resolveTarget(target, a.files, exists)) {
              if (!a.set.has(file) || b.set.has(file)) continue;
              const key = `${a.agent.name}\0${b.agent.name}\0${file}`;
              const entry = found.get(key) ?? { changer: a.agent.name, user: b.agent.name, file, from: new Set<string>() };
              entry.from.add(from);
              found.set(key, entry);
            }
          }
        }
      }
    }
    return [...found.values()].map((c) => {
      const from = [...c.from].sort();
      return { kind: 'contract', agents: [c.changer, c.user], files: [c.file, ...from], detail: `${c.user} imports ${c.file}, changed by ${c.changer} (from ${listFiles(from)})` };
    });
  }

  /** The import targets of `s`'s changed files, as its snapshot has them. */
  private async targetsOf(s: Seen): Promise<Map<string, ImportTarget[]>> {
    // By snapshot commit, which names the content (uncommitted work can change under one HEAD),
    // then by file: which files count as changed moves with the base (after a landing, none).
    let known = this.imports.get(s.snap.commit);
    if (!known) {
      known = new Map();
      this.imports.set(s.snap.commit, known);
      if (this.imports.size > 64) this.imports.delete(this.imports.keys().next().value as string);
    }
    const read = worktreeReader(s.agent.worktree);
    const goMods = new Map();
    const targets = new Map<string, ImportTarget[]>();
    for (const file of s.files) {
      if (!languageOf(file)) continue;
      let list = known.get(file);
      if (!list) known.set(file, (list = await importTargets(file, read, goMods)));
      targets.set(file, list);
    }
    return targets;
  }
}

/** The changed files a target names: a Go package's files, or the file the import resolves to. */
async function resolveTarget(target: ImportTarget, changed: readonly string[], exists: (p: string) => Promise<boolean>): Promise<string[]> {
  if ('dir' in target) return changed.filter((f) => posix.dirname(f) === target.dir && f.endsWith('.go') && !f.endsWith('_test.go'));
  for (const c of target.candidates) if (await exists(c)) return [c];
  // Not in the importer's worktree: a file the other agent creates.
  const made = target.candidates.find((c) => changed.includes(c));
  return made ? [made] : [];
}

function existsIn(worktree: string): (path: string) => Promise<boolean> {
  const memo = new Map<string, Promise<boolean>>();
  return (path) => {
    let p = memo.get(path);
    if (!p) {
      p = stat(join(worktree, path)).then(
        (s) => s.isFile(),
        () => false,
      );
      memo.set(path, p);
    }
    return p;
  };
}

const KIND_ORDER: Record<FindingKind, number> = { conflict: 0, contract: 1, overlap: 2 };

function byFinding(x: RadarFinding, y: RadarFinding): number {
  const kx = `${KIND_ORDER[x.kind]}\0${x.agents.join('\0')}\0${x.files.join('\0')}`;
  const ky = `${KIND_ORDER[y.kind]}\0${y.agents.join('\0')}\0${y.files.join('\0')}`;
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
