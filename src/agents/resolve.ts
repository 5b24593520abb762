/**
 * Every agent's executable, found before anything is created: a missing CLI (the example
 * agents of `supervise init`, a typo in `command:`) is refused in one message naming every such
 * agent, instead of each failing at once after its worktree and branch were made.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { locate, type Position } from '../config/locate.js';
import type { AgentConfig, LoadedConfig, Preset } from '../config/types.js';
import { formatError, SuperviseError } from '../errors.js';
import { GitRunner } from '../git/run.js';
import { isDirectory, resolveCommand } from '../session/command.js';
import { buildLaunch } from './presets.js';

/** One agent whose command would not start. */
export interface MissingCommand {
  agent: string;
  preset: Preset;
  /** The executable as the agent would be started with it (placeholders filled in). */
  file: string;
  /** What was looked for, as a phrase: `looked on PATH`, `looked for /abs/path`. */
  lookedFor: string;
  /** What to do, one clause. */
  fix: string;
}

// How to install each preset's CLI; a custom agent's fix is in its `command:`.
const INSTALL: Record<Exclude<Preset, 'custom'>, string> = {
  claude: 'install Claude Code (npm install -g @anthropic-ai/claude-code)',
  codex: 'install Codex (npm install -g @openai/codex)',
  gemini: 'install Gemini CLI (npm install -g @google/gemini-cli)',
  aider: 'install aider (python -m pip install aider-install && aider-install)',
};

/** Mode of `rel` in the tree of `commit` (100755, 100644, 120000…), undefined when absent. */
async function modeInCommit(git: GitRunner, root: string, commit: string, rel: string): Promise<string | undefined> {
  const out = await git.run(root, ['ls-tree', '-z', commit, '--', rel]);
  const entry = out.stdout.split('\0')[0];
  return entry ? entry.split(' ')[0] : undefined;
}

/**
 * Why `agent`'s command will not start, or undefined when it will. The worktree may not exist
 * yet: it will be a checkout of `baseCommit`, so a path inside it is looked up in that commit
 * (a script present in the repository but not committed there will be missing from it).
 */
export async function checkAgentCommand(
  loaded: LoadedConfig,
  agent: AgentConfig,
  env: NodeJS.ProcessEnv,
  baseCommit: string,
  git: GitRunner = new GitRunner(),
): Promise<MissingCommand | undefined> {
  const worktree = join(loaded.worktreeRoot, agent.name);
  // The same file and environment the launch will use, {task} and {handoff_file} filled in.
  const launch = buildLaunch(agent, {
    root: loaded.root,
    worktree,
    handoffPath: join(worktree, loaded.config.handoff.file),
    handoffFile: loaded.config.handoff.file,
    brief: '',
    supervisorEnv: {},
    baseEnv: env,
  });
  const { file } = launch;
  const missing = (lookedFor: string, fix: string): MissingCommand => ({ agent: agent.name, preset: agent.preset, file, lookedFor, fix });
  const fixCommand = agent.preset === 'custom' ? 'fix `command:`' : `${INSTALL[agent.preset]}, or choose another \`preset:\``;
  const exists = isDirectory(worktree);
  if (!file.includes('/')) {
    if (resolveCommand(file, launch.env, exists ? worktree : loaded.root)) return undefined;
    const where = agent.env.PATH !== undefined ? 'looked on the PATH set in its env:' : 'looked on PATH';
    return missing(where, agent.preset === 'custom' ? 'install it, or fix `command:` (a bare name is looked up on PATH; write ./name for a file in the repository)' : fixCommand);
  }
  const target = resolve(worktree, file);
  const rel = relative(worktree, target);
  const insideWorktree = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  if (exists || !insideWorktree) {
    return resolveCommand(target, launch.env, worktree) ? undefined : missing(`looked for ${target}`, `create it and make it executable, or ${fixCommand}`);
  }
  const mode = await modeInCommit(git, loaded.root, baseCommit, rel);
  const short = baseCommit.slice(0, 7);
  if (mode === '100755') return undefined;
  // A link is followed in the checkout the way it is followed here.
  if (mode === '120000' && resolveCommand(join(loaded.root, rel), launch.env, loaded.root)) return undefined;
  if (mode === '100644') return missing(`looked for ${rel} in base ${short}`, `it is committed without the executable bit: run \`git update-index --chmod=+x ${rel}\` and commit, or ${fixCommand}`);
  const inRepo = resolveCommand(join(loaded.root, rel), launch.env, loaded.root) !== undefined;
  const why = inRepo ? `${rel} exists here but is not committed on base ${short}, so the worktree (a checkout of base) will not have it: commit it` : `create ${rel}, make it executable and commit it`;
  return missing(`looked for ${rel} in base ${short}`, `${why}, or ${fixCommand}`);
}

/** Where in agents.yaml each agent's command is set: `command:` for custom, else `preset:` (or the agent). */
async function positions(loaded: LoadedConfig, agents: AgentConfig[]): Promise<Map<string, Position>> {
  const out = new Map<string, Position>();
  let text: string;
  try {
    text = (await readFile(loaded.file, 'utf8')).replace(/^\uFEFF/, '');
  } catch {
    return out;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  for (const agent of agents) {
    const i = loaded.config.agents.indexOf(agent);
    out.set(agent.name, locate(doc, lines, ['agents', i, agent.preset === 'custom' ? 'command' : 'preset'], 'value'));
  }
  return out;
}

/** Every agent whose command is missing, each located in agents.yaml; thrown before anything is created. */
export class MissingCommandsError extends SuperviseError {
  constructor(
    readonly missing: MissingCommand[],
    readonly errors: SuperviseError[],
  ) {
    const names = missing.map((m) => m.agent).join(', ');
    const head = `cannot start ${names}: ${missing.length === 1 ? 'its command was' : 'their commands were'} not found, so no worktree or branch was created:`;
    super('ConfigError', [head, ...errors.map((e) => `  ${formatError(e)}`)].join('\n'));
  }
}

/** Throws MissingCommandsError naming every agent whose executable cannot be found. */
export async function assertAgentCommands(loaded: LoadedConfig, env: NodeJS.ProcessEnv, baseCommit: string): Promise<void> {
  const git = new GitRunner();
  const agents = loaded.config.agents;
  const results = await Promise.all(agents.map((a) => checkAgentCommand(loaded, a, env, baseCommit, git)));
  const missing = results.filter((m): m is MissingCommand => m !== undefined);
  if (missing.length === 0) return;
  const where = await positions(loaded, agents.filter((a) => missing.some((m) => m.agent === a.name)));
  const errors = missing.map((m) => {
    const kind = m.preset === 'custom' ? 'custom' : `preset ${m.preset}`;
    const message = `agent "${m.agent}" (${kind}): command not found: ${m.file} (${m.lookedFor}); ${m.fix}.`;
    return new SuperviseError('ConfigError', message, { file: loaded.file, ...where.get(m.agent) });
  });
  throw new MissingCommandsError(missing, errors);
}
