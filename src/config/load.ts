import { readFile, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { SuperviseError } from '../errors.js';
import { chainSteps, loadSkills, type Skill } from '../chains/skills.js';
import { isValidBranchName, repoRoot } from '../git/git.js';
import { describe, dropExplained, fromZodIssue, type ConfigIssue } from './issues.js';
import { describeYamlError, locate } from './locate.js';
import { byPosition, ConfigErrors } from './errors.js';
import { chainIssues, crossFieldIssues } from './rules.js';
import { ConfigSchema } from './schema.js';
import type { Config, LoadedConfig, ParsedConfig } from './types.js';

export { ConfigErrors };

export type ParseResult = { ok: true; config: Config } | { ok: false; errors: SuperviseError[] };

interface Analysis {
  errors: SuperviseError[];
  config?: ParsedConfig;
  /** The plain value of the document; undefined when the YAML itself is broken. */
  raw?: unknown;
  toError: (issue: ConfigIssue) => SuperviseError;
}

function analyse(source: string, file: string): Analysis {
  // A BOM is invisible in an editor; leaving it in would shift every column on line 1.
  const text = source.replace(/^\uFEFF/, '');
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const toError = (issue: ConfigIssue): SuperviseError =>
    new SuperviseError('ConfigError', issue.message, { file, ...locate(doc, lines, issue.path, issue.anchor) });

  if (doc.errors.length > 0) {
    const errors = doc.errors.map((err) => {
      const { line, col } = lines.linePos(err.pos[0]);
      return new SuperviseError('ConfigError', describeYamlError(err, text), { file, line, column: col });
    });
    return { errors: errors.sort(byPosition), toError };
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // Alias bombs and the like: yaml refuses to expand them.
    const message = `invalid YAML: ${(err as Error).message}`;
    return { errors: [new SuperviseError('ConfigError', message, { file, line: 1, column: 1 })], toError };
  }
  const result = ConfigSchema.safeParse(raw);
  const issues = dropExplained([
    ...(result.success ? [] : result.error.issues.flatMap((issue) => fromZodIssue(issue, raw))),
    ...crossFieldIssues(raw),
  ]);
  const errors = issues.map(toError).sort(byPosition);
  return errors.length === 0 && result.success ? { errors, config: result.data, raw, toError } : { errors, raw, toError };
}

/** Whether any agent has a chain, so the skills must be loaded to check it. */
function usesChains(raw: unknown): boolean {
  const agents = field(raw, 'agents');
  return Array.isArray(agents) && agents.some((agent) => field(agent, 'chain') !== undefined);
}

/** Each agent's chain as the list of its steps; a single name is followed through `next`. */
function resolveChains(parsed: ParsedConfig, skills: ReadonlyMap<string, Skill>): Config {
  return {
    ...parsed,
    agents: parsed.agents.map(({ chain, ...agent }) => {
      if (chain === undefined) return agent;
      if (typeof chain !== 'string') return { ...agent, chain: { steps: chain } };
      // Followed from one name, a chain without a deploy command ends after commit.
      const steps = chainSteps(chain, skills);
      const deploy = steps.indexOf('deploy');
      return { ...agent, chain: { steps: deploy > 0 && !agent.deploy ? steps.slice(0, deploy) : steps } };
    }),
  };
}

/**
 * Parse and validate agents.yaml text: YAML, schema, names, duplicates, command vs preset,
 * `after`, and chains against `skills` (none given: any chain is an unknown skill). Pure.
 */
export function parseConfig(text: string, file: string, skills: ReadonlyMap<string, Skill> = new Map()): ParseResult {
  const analysis = analyse(text, file);
  const errors = [...analysis.errors, ...chainIssues(analysis.raw, skills).map(analysis.toError)].sort(byPosition);
  return analysis.config && errors.length === 0
    ? { ok: true, config: resolveChains(analysis.config, skills) }
    : { ok: false, errors };
}

function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function field(raw: unknown, ...path: string[]): unknown {
  let v = raw;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** The checks that need the repository: paths that must stay near it, branch names git accepts. */
async function placeIssues(raw: unknown, root: string): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const worktreeDir = field(raw, 'worktreeDir');
  if (typeof worktreeDir === 'string' && worktreeDir !== '') {
    const abs = resolve(root, worktreeDir);
    // Beside the repository is allowed (../repo-worktrees); anywhere else is a surprise.
    if (!within(dirname(root), abs)) {
      issues.push({
        path: ['worktreeDir'],
        anchor: 'value',
        message: `worktreeDir: expected a folder inside the repository or beside it (under ${dirname(root)}), found ${describe(worktreeDir)}, which is ${abs}`,
      });
    }
  }
  const handoffFile = field(raw, 'handoff', 'file');
  if (typeof handoffFile === 'string' && handoffFile !== '' && !within(root, resolve(root, handoffFile))) {
    issues.push({
      path: ['handoff', 'file'],
      anchor: 'value',
      message: `handoff.file: expected a path inside the repository (${root}), found ${describe(handoffFile)}`,
    });
  }
  const agents = field(raw, 'agents');
  if (Array.isArray(agents)) {
    const checks = agents.map(async (agent, i): Promise<ConfigIssue | undefined> => {
      const branch = field(agent, 'branch');
      if (typeof branch !== 'string' || branch === '') return undefined;
      // `--branch` would expand @{-1} to the previous branch; a config names branches literally.
      if (!branch.includes('@{') && (await isValidBranchName(branch, root))) return undefined;
      return {
        path: ['agents', i, 'branch'],
        anchor: 'value',
        message: `agents[${i}].branch: expected a branch name git accepts (git check-ref-format --branch), found ${describe(branch)}${branchProblem(branch)}`,
      };
    });
    for (const issue of await Promise.all(checks)) if (issue) issues.push(issue);
  }
  return issues;
}

/** The likely reason git rejects a branch name, to save the user looking it up. */
function branchProblem(name: string): string {
  const reasons: [RegExp, string][] = [
    [/\s/, 'spaces'],
    [/\.\./, '".."'],
    [/[~^:?*[\\\x00-\x1f\x7f]/, 'any of ~ ^ : ? * [ \\ or control characters'],
    [/@\{/, '"@{"'],
    [/^-/, 'a leading "-"'],
    [/(^|\/)\./, 'a part starting with "."'],
    [/\.lock(\/|$)/, 'a part ending in ".lock"'],
    [/\/\/|^\/|\/$/, 'an empty part (a leading, trailing or doubled "/")'],
    [/\.$/, 'a trailing "."'],
  ];
  const hit = reasons.find(([re]) => re.test(name));
  return hit ? ` — a branch name may not contain ${hit[1]}` : '';
}

/**
 * Read, parse and validate agents.yaml, including the checks that need the repository.
 * Throws InputError when the file cannot be read and ConfigErrors (every problem) when it is invalid.
 */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // Found configs exist, so this is a -c path (or a file removed a moment ago).
      throw new SuperviseError('InputError', `${file} not found.`, {}, 'Check the path given with -c, or run `supervise init` to create agents.yaml.');
    }
    throw new SuperviseError('InputError', `cannot read ${file}: ${code ?? (err as Error).message}`, { file });
  }
  const analysis = analyse(text, file);
  if (analysis.raw === undefined) throw new ConfigErrors(analysis.errors);
  const dir = dirname(path);
  // Outside a repository the root is the config's folder; the runtime refuses to start there.
  const root = (await repoRoot(dir)) ?? (await realpath(dir));
  const errors = [...analysis.errors, ...(await placeIssues(analysis.raw, root)).map(analysis.toError)];
  // A project whose agents run no chain does not depend on its skills being valid.
  let skills = new Map<string, Skill>();
  const skillErrors: SuperviseError[] = [];
  if (usesChains(analysis.raw)) {
    try {
      skills = await loadSkills(root);
      errors.push(...chainIssues(analysis.raw, skills).map(analysis.toError));
    } catch (err) {
      if (err instanceof ConfigErrors) skillErrors.push(...err.errors);
      else if (err instanceof SuperviseError) skillErrors.push(err);
      else throw err;
    }
  }
  // agents.yaml's own errors first, then the skills' in their files.
  errors.sort(byPosition).push(...skillErrors);
  if (errors.length > 0 || !analysis.config) throw new ConfigErrors(errors);
  const config = resolveChains(analysis.config, skills);
  return {
    config,
    file: path,
    root,
    worktreeRoot: resolve(root, config.worktreeDir),
    handoffPath: resolve(root, config.handoff.file),
  };
}
