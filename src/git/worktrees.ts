import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { SuperviseError } from '../errors.js';

/** One agent's worktree: where it lives and the branch it works on. */
export interface WorktreeSpec {
  name: string;
  branch: string;
  /** Absolute path. */
  path: string;
}

/** What ensureWorktrees did for one agent. */
export interface WorktreeResult {
  name: string;
  path: string;
  branch: string;
  /** false when an existing worktree was reused untouched. */
  created: boolean;
}

/** One entry of `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  path: string;
  /** Short branch name; undefined when detached or bare. */
  branch: string | undefined;
  main: boolean;
  detached: boolean;
  locked: boolean;
  /** Registered, but its directory is gone. */
  prunable: boolean;
}

/** What to do for one spec, decided before anything is touched. */
export type WorktreeStep =
  | { kind: 'reuse'; spec: WorktreeSpec }
  | {
      kind: 'create';
      spec: WorktreeSpec;
      branchExists: boolean;
      /** Registrations whose directory is gone and that block this path or branch. */
      stale: string[];
    };

/** Parse `git worktree list --porcelain -z`. */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | undefined;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (cur) entries.push(cur);
      cur = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      if (cur) entries.push(cur);
      cur = { path: value, branch: undefined, main: entries.length === 0, detached: false, locked: false, prunable: false };
    } else if (cur) {
      if (key === 'branch') cur.branch = value.replace(/^refs\/heads\//, '');
      else if (key === 'detached') cur.detached = true;
      else if (key === 'locked') cur.locked = true;
      else if (key === 'prunable') cur.prunable = true;
    }
  }
  if (cur) entries.push(cur);
  return entries;
}

/** `path` with its existing part resolved through symlinks, so it compares with git's paths. */
export async function canonicalPath(path: string): Promise<string> {
  const rest: string[] = [];
  let dir = path;
  for (;;) {
    try {
      return join(await realpath(dir), ...rest.reverse());
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return path;
      rest.push(basename(dir));
      dir = parent;
    }
  }
}

/** What occupies a path: nothing, an empty directory, or something described for a message. */
async function occupant(path: string): Promise<'free' | 'empty-dir' | string> {
  try {
    const st = await lstat(path);
    if (st.isDirectory()) return (await readdir(path)).length === 0 ? 'empty-dir' : `${path} is a directory that is not its worktree`;
    if (st.isSymbolicLink()) return `${path} is a symbolic link`;
    return `${path} is a file`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'free';
    if (code !== 'ENOTDIR') return `${path} cannot be inspected (${code ?? String(err)})`;
    // Some ancestor is a file: name it rather than the path.
    let dir = dirname(path);
    while (dirname(dir) !== dir) {
      const st = await lstat(dir).catch(() => undefined);
      if (st && !st.isDirectory()) return `${dir} is a file`;
      dir = dirname(dir);
    }
    return `${path} cannot be created`;
  }
}

/** What the repository looks like when planning. */
export interface RepoState {
  worktrees: WorktreeEntry[];
  /** Existing local branch names. */
  branches: Set<string>;
}

const MOVE_HINT = 'Move it away or change worktreeDir in agents.yaml.';

function gitError(message: string, hint?: string): SuperviseError {
  return new SuperviseError('GitError', message, {}, hint);
}

/** Two branch names git cannot hold at once, because one is a directory of the other. */
function refsCollide(a: string, b: string): boolean {
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * Decide, for every spec, whether to reuse or create its worktree; throws the first refusal.
 * Reads the disk and the given state only: nothing is changed.
 */
export async function planWorktrees(specs: WorktreeSpec[], state: RepoState): Promise<WorktreeStep[]> {
  const relative = specs.find((s) => !isAbsolute(s.path));
  if (relative) throw gitError(`worktree path for agent "${relative.name}" is not absolute: ${relative.path}`);
  const canon = await Promise.all(specs.map((s) => canonicalPath(s.path)));
  const wts = await Promise.all(
    state.worktrees.map(async (w) => ({ ...w, canon: await canonicalPath(w.path) })),
  );
  specs.forEach((a, i) => {
    specs.slice(i + 1).forEach((b, j) => {
      if (canon[i] === canon[i + 1 + j]) throw gitError(`agents "${a.name}" and "${b.name}" have the same worktree path ${a.path}`);
      if (a.branch === b.branch) throw gitError(`agents "${a.name}" and "${b.name}" have the same branch "${a.branch}"`, 'Give each agent its own branch in agents.yaml.');
      if (refsCollide(a.branch, b.branch)) throw gitError(`branches "${a.branch}" (agent "${a.name}") and "${b.branch}" (agent "${b.name}") cannot both exist in git`, 'Rename one of them in agents.yaml.');
    });
  });

  const steps: WorktreeStep[] = [];
  for (const [i, spec] of specs.entries()) {
    const path = canon[i] ?? spec.path;
    const occupied = (what: string, hint = MOVE_HINT) =>
      gitError(`worktree path for agent "${spec.name}" is occupied: ${what}`, hint);
    const stale: string[] = [];
    const here = wts.find((w) => w.canon === path);
    if (here && here.prunable && !here.locked) stale.push(here.path);
    else if (here?.main) throw occupied(`${spec.path} is the repository's main checkout`);
    else if (here && here.branch === spec.branch) {
      if ((await occupant(path)) === 'free') {
        throw gitError(`worktree for agent "${spec.name}" is registered at ${spec.path}, but the directory is gone and the worktree is locked`, `Run git worktree unlock ${spec.path}, then start again.`);
      }
      steps.push({ kind: 'reuse', spec });
      continue;
    } else if (here) {
      const on = here.branch ? `on branch "${here.branch}"` : 'with a detached HEAD';
      throw occupied(`${spec.path} is a worktree ${on}, not on "${spec.branch}"`, `Remove it (git worktree remove ${spec.path}) or change worktreeDir in agents.yaml.`);
    }
    const what = await occupant(path);
    if (what !== 'free' && what !== 'empty-dir') throw occupied(what);

    const holder = wts.find((w) => w.branch === spec.branch && w.canon !== path);
    if (holder && holder.prunable && !holder.locked) stale.push(holder.path);
    else if (holder) {
      const where = holder.main ? `in the main checkout at ${holder.path}` : `at ${holder.path}`;
      throw gitError(`branch "${spec.branch}" for agent "${spec.name}" is already checked out ${where}`, 'Switch that checkout to another branch, or give the agent another branch in agents.yaml.');
    }
    const branchExists = state.branches.has(spec.branch);
    const clash = branchExists ? undefined : [...state.branches].find((b) => refsCollide(b, spec.branch));
    if (clash !== undefined) {
      throw gitError(`branch "${spec.branch}" for agent "${spec.name}" cannot be created: a branch "${clash}" exists`, `Git cannot hold both; rename "${clash}" or give the agent another branch in agents.yaml.`);
    }
    steps.push({ kind: 'create', spec, branchExists, stale });
  }
  return steps;
}
