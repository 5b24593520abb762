/**
 * Which agents.yaml a command uses when `-c` is not given: like git finds its repository, the
 * nearest agents.yaml from the current folder up to the top of the checkout. Inside an agent's
 * worktree (a linked worktree of the same repository, under the main checkout's worktreeDir)
 * the main checkout's agents.yaml governs instead: the worktree's own copy, if the file is
 * committed, would make a second team nested in the first.
 */
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { SuperviseError } from '../errors.js';
import { exists } from '../fsutil.js';
import { GitRunner } from '../git/run.js';
import { DEFAULT_WORKTREE_DIR } from './types.js';

export const CONFIG_NAME = 'agents.yaml';

/** Where a folder sits in a git repository. */
export interface RepoPlace {
  /** The folder asked about, without symlinks. */
  cwd: string;
  /** Top of the checkout holding it: a linked worktree's own top when it is in one. */
  top: string;
  /** Top of the main checkout; the same as `top` outside linked worktrees, undefined for a bare repository's worktree. */
  mainTop: string | undefined;
}

/** The place of `dir` in its repository, or undefined when it is not inside a checkout. */
export async function repoPlace(dir: string, git: GitRunner = new GitRunner()): Promise<RepoPlace | undefined> {
  const cwd = await realpath(dir);
  const out = await git
    .run(cwd, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir'])
    .catch((err: unknown) => {
      if (err instanceof SuperviseError) throw err; // git itself is missing
      return undefined; // not a repository, or inside .git where there is no top level
    });
  const [top, gitDir, commonDir] = (out?.stdout ?? '').split('\n').map((l) => l.trim());
  if (!top || !gitDir || !commonDir) return undefined;
  if (gitDir === commonDir) return { cwd, top, mainTop: top };
  // A linked worktree: the common dir is the main checkout's .git, unless the repository is bare.
  return { cwd, top, mainTop: basename(commonDir) === '.git' ? dirname(commonDir) : undefined };
}

/** The folders from `cwd` up to `top`, nearest first. */
function upTo(cwd: string, top: string): string[] {
  const dirs = [cwd];
  for (let dir = cwd; dir !== top; ) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dirs.push(parent);
    dir = parent;
  }
  return dirs;
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** worktreeDir as a config file names it, read leniently: the full check happens when it is loaded. */
async function worktreeDirOf(file: string): Promise<string> {
  try {
    const value = (parse(await readFile(file, 'utf8')) as { worktreeDir?: unknown } | null)?.worktreeDir;
    return typeof value === 'string' && value !== '' ? value : DEFAULT_WORKTREE_DIR;
  } catch {
    return DEFAULT_WORKTREE_DIR;
  }
}

/**
 * When `place` is inside an agent's worktree of the main checkout, that checkout's agents.yaml
 * (which may not exist); else undefined.
 */
async function agentWorktreeConfig(place: RepoPlace): Promise<string | undefined> {
  if (!place.mainTop || place.mainTop === place.top) return undefined;
  const main = join(place.mainTop, CONFIG_NAME);
  const worktrees = resolve(place.mainTop, (await exists(main)) ? await worktreeDirOf(main) : DEFAULT_WORKTREE_DIR);
  return inside(worktrees, place.top) ? main : undefined;
}

/** The result of a search: the file found, or where it was looked for and why it is missing. */
export type ConfigSearch = { found: string } | { found?: undefined; error: SuperviseError };

const INIT_HINT = 'Run `supervise init` to create one, or name a file with -c FILE.';

/** Look for the agents.yaml that applies in `cwd` (see the top of this file). */
export async function searchConfig(cwd: string, git?: GitRunner): Promise<ConfigSearch> {
  const place = await repoPlace(cwd, git);
  if (!place) {
    const here = join(await realpath(cwd), CONFIG_NAME);
    if (await exists(here)) return { found: here };
    return {
      error: new SuperviseError('InputError', `no ${CONFIG_NAME} in ${dirname(here)}, which is not inside a git repository.`, {}, 'Run supervise from inside your repository, or name a file with -c FILE.'),
    };
  }
  const main = await agentWorktreeConfig(place);
  if (main) {
    if (await exists(main)) return { found: main };
    return {
      error: new SuperviseError(
        'InputError',
        `no ${CONFIG_NAME} in the main checkout ${place.mainTop}: this folder is in the agent worktree ${place.top}, which takes its configuration from there.`,
        {},
        'Run `supervise init` in the main checkout, or name a file with -c FILE.',
      ),
    };
  }
  for (const dir of upTo(place.cwd, place.top)) {
    const file = join(dir, CONFIG_NAME);
    if (await exists(file)) return { found: file };
  }
  const where = place.cwd === place.top ? `in ${place.top}` : `in ${place.cwd} or any folder above it up to the repository root ${place.top}`;
  // A linked worktree of the user's own, with no agents.yaml in it: the main checkout's applies.
  if (place.mainTop && place.mainTop !== place.top) {
    const file = join(place.mainTop, CONFIG_NAME);
    if (await exists(file)) return { found: file };
    return { error: new SuperviseError('InputError', `no ${CONFIG_NAME} ${where}, nor in the main checkout ${place.mainTop}.`, {}, INIT_HINT) };
  }
  return { error: new SuperviseError('InputError', `no ${CONFIG_NAME} ${where}.`, {}, INIT_HINT) };
}

/** The agents.yaml to use: `-c FILE` relative to `cwd` when given, else the one found from `cwd`. */
export async function configFile(cwd: string, given?: string): Promise<string> {
  if (given !== undefined) return resolve(cwd, given);
  const search = await searchConfig(cwd);
  if (search.found === undefined) throw search.error;
  return search.found;
}

/** Like configFile, but undefined when there is none and `-c` was not given. */
export async function optionalConfigFile(cwd: string, given?: string): Promise<string | undefined> {
  if (given !== undefined) return resolve(cwd, given);
  return (await searchConfig(cwd)).found;
}

/**
 * Where `supervise init` writes: the top of the checkout (the main checkout's, from inside an
 * agent's worktree). A UsageError outside a repository: the agents need one to work in.
 */
export async function initRoot(cwd: string, git?: GitRunner): Promise<string> {
  const place = await repoPlace(cwd, git);
  if (!place) {
    throw new SuperviseError(
      'UsageError',
      `${await realpath(cwd)} is not inside a git repository, and supervise runs its agents in worktrees of one.`,
      {},
      'Run `git init` there (and make a first commit), or run `supervise init` inside your repository.',
    );
  }
  const main = await agentWorktreeConfig(place);
  return main ? dirname(main) : place.top;
}
