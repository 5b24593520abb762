/** `supervise handoff check|show|merge|compress`. */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { SuperviseError } from '../errors.js';
import { exists, writeFileAtomic } from '../fsutil.js';
import { configFile, optionalConfigFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { DEFAULT_BUDGET, type LoadedConfig } from '../config/types.js';
import { compressHandoff } from '../handoff/compress.js';
import { historyFileName, renderRemoved, writeHistory } from '../handoff/history.js';
import { parseHandoff } from '../handoff/parse.js';
import { renderHandoff } from '../handoff/render.js';
import type { Conflict, Finding, HandoffLimits, ValidationReport } from '../handoff/types.js';
import { countHandoffTokens, validateHandoff } from '../handoff/validate.js';
import { readAgentRecord } from '../supervisor/records.js';
import { GitRepo } from '../git/git.js';
import { pointerCount } from '../handoff/items.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import { syncTeam, type SyncAgent } from '../supervisor/sync.js';
import { historyDir, type TeamContext } from '../supervisor/team.js';
import { buildHandoffView } from '../supervisor/view.js';
import { paint, type Io } from './io.js';
import type { CommandArgs } from './table.js';

const DEFAULT_LIMITS: HandoffLimits = { budget: DEFAULT_BUDGET, encoding: 'cl100k_base' };

/** The config named by -c, or the repository's agents.yaml when there is one; undefined when there is none. */
async function optionalConfig(values: Record<string, unknown>, io: Io): Promise<LoadedConfig | undefined> {
  const path = await optionalConfigFile(io.cwd, values.config as string | undefined);
  return path === undefined ? undefined : loadConfig(path);
}

async function requiredConfig(values: Record<string, unknown>, io: Io): Promise<LoadedConfig> {
  return loadConfig(await configFile(io.cwd, values.config as string | undefined));
}

function limitsOf(loaded: LoadedConfig | undefined): HandoffLimits {
  if (!loaded) return DEFAULT_LIMITS;
  return { budget: loaded.config.handoff.budget, encoding: loaded.config.handoff.encoding };
}

async function readInput(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : 'cannot be read';
    throw new SuperviseError('InputError', `${path} ${why}.`, {}, code === 'ENOENT' ? 'Create one with `supervise init`, or name another file.' : undefined);
  }
}

export async function checkCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const loaded = await optionalConfig(values, io);
  const file = positionals[0] ? resolve(io.cwd, positionals[0]) : (loaded?.handoffPath ?? resolve(io.cwd, 'HANDOFF.md'));
  const limits = limitsOf(loaded);
  const report = validateHandoff(await readInput(file), limits);
  if (values.json) io.out(JSON.stringify({ file, encoding: limits.encoding, ...report }, null, 2));
  else io.out(formatReport(relative(io.cwd, file) || file, report, limits, io));
  return report.valid ? 0 : 1;
}

/**
 * The human report: a line per section with tokens against budget and its state, then the
 * findings. A section's warnings are printed on its own line (never "ok" beside a warning);
 * errors and findings about the whole file follow.
 */
export function formatReport(name: string, report: ValidationReport, limits: HandoffLimits, io: Io): string {
  const c = paint(io);
  const head = `${name}: ${report.valid ? c.green('valid') : c.red('invalid')} — ${report.totalTokens}/${report.totalBudget} tokens (${limits.encoding})`;
  const width = Math.max(...report.sections.map((s) => s.name.length));
  const where = (f: Finding) => (f.line ? `line ${f.line}: ` : '');
  const onRow = (f: Finding) => f.severity === 'warning' && f.section !== undefined && report.sections.some((s) => s.name === f.section);
  const rows = report.sections.map((s) => {
    const over = s.tokens > s.budget;
    const errors = report.findings.filter((f) => f.section === s.name && f.severity === 'error');
    const warnings = report.findings.filter((f) => f.section === s.name && onRow(f));
    const mark = s.status === 'missing' ? c.red('missing') : over ? c.red('over budget') : errors.length ? c.red('error') : undefined;
    const warned = warnings.map((f) => `${c.yellow('⚠')} ${where(f)}${f.message}`).join('; ');
    const tokens = `${String(s.tokens).padStart(4)}/${s.budget}`;
    const state = [mark, warned].filter(Boolean).join(' · ') || c.green('ok');
    return `  ${s.name.padEnd(width)}  ${over ? c.red(tokens) : tokens}  ${state}`;
  });
  const findings = report.findings
    .filter((f) => !onRow(f))
    .map((f) => `  ${f.severity === 'error' ? c.red('error') : c.yellow('warning')}: ${where(f)}${f.message}`);
  return [head, ...rows, ...(findings.length ? ['', ...findings] : [])].join('\n');
}

function teamOf(loaded: LoadedConfig): TeamContext {
  return { root: loaded.root, project: loaded.config.project, teamPath: loaded.handoffPath, limits: limitsOf(loaded) };
}

/**
 * Every agent worktree on disk under worktreeDir that holds a handoff, with the files it changed
 * since base (for the shared-files flag), as the running supervisor would give them to a sync.
 */
async function worktreeAgents(loaded: LoadedConfig): Promise<SyncAgent[]> {
  const handoffFile = loaded.config.handoff.file;
  let names: string[];
  try {
    names = (await readdir(loaded.worktreeRoot, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    names = [];
  }
  const agents: SyncAgent[] = [];
  let changed: ((worktree: string) => Promise<string[]>) | undefined;
  for (const name of names) {
    const worktree = join(loaded.worktreeRoot, name);
    if (!(await exists(join(worktree, handoffFile)))) continue;
    if (!changed) {
      const git = await GitRepo.open(loaded.root);
      const base = (await git.resolveBase(loaded.config.base)).commit;
      changed = (dir) => git.changedFiles(dir, base, ownFiles(handoffFile)).catch(() => []);
    }
    const configured = loaded.config.agents.find((a) => a.name === name);
    const record = await readAgentRecord(loaded.root, name);
    const branch = configured?.branch ?? record?.branch ?? `agent/${name}`;
    agents.push({ agent: name, branch, worktree, handoffFile, injectedHash: record?.injectedHash, files: await changed(worktree) });
  }
  return agents;
}

function formatConflicts(conflicts: Conflict[], io: Io): string[] {
  const c = paint(io);
  return conflicts.map((k) => `${c.yellow('⚠')} ${k.kind === 'shared-file' ? 'shared file' : 'contradiction'} (${k.agents.join(', ')}): ${k.detail}`);
}

export async function showCommand({ values, io }: CommandArgs): Promise<number> {
  const loaded = await requiredConfig(values, io);
  const agents = await worktreeAgents(loaded);
  // The same read and merge as `handoff merge`, written nowhere.
  const view = await buildHandoffView(teamOf(loaded), agents);
  // A merge now would write a new history file: show names none that does not exist yet.
  const lines = view.team.text.split('\n').filter((line) => !view.team.compressed || pointerCount(line) === undefined);
  io.out(lines.join('\n').trimEnd());
  const notes = formatConflicts(view.team.conflicts, io);
  if (agents.length === 0) notes.push(`(no agent worktrees under ${relative(io.cwd, loaded.worktreeRoot) || '.'}: this is the team handoff alone)`);
  if (view.team.compressed) notes.push(`(merging now would move or shorten ${view.team.compressed} item${view.team.compressed === 1 ? '' : 's'}, kept in full in ${relative(io.cwd, historyDir(loaded.root))}/, to keep the budget)`);
  if (notes.length) io.err(notes.join('\n'));
  return 0;
}

export async function mergeCommand({ values, io }: CommandArgs): Promise<number> {
  const loaded = await requiredConfig(values, io);
  const agents = await worktreeAgents(loaded);
  const result = await syncTeam(teamOf(loaded), agents, { writeWorktrees: false });
  const c = paint(io);
  const file = relative(io.cwd, loaded.handoffPath) || loaded.handoffPath;
  const what = `${agents.length} worktree handoff${agents.length === 1 ? '' : 's'}`;
  if (result.unchanged) io.out(`${c.green('✓')} ${file} is up to date with ${what}: nothing changed`);
  else {
    const moved = result.removed ? `; ${result.removed} item${result.removed === 1 ? '' : 's'} moved out or shortened, in full in ${relative(io.cwd, result.historyFile ?? historyDir(loaded.root))}` : '';
    io.out(`${c.green('✓')} merged ${what} into ${file}${moved}`);
  }
  for (const line of formatConflicts(result.conflicts, io)) io.out(line);
  return 0;
}

export async function compressCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const loaded = await optionalConfig(values, io);
  const file = positionals[0] ? resolve(io.cwd, positionals[0]) : (loaded?.handoffPath ?? resolve(io.cwd, 'HANDOFF.md'));
  const limits = limitsOf(loaded);
  const root = loaded?.root ?? io.cwd;
  const text = await readInput(file);
  const fileName = historyFileName('compressed');
  const result = compressHandoff(parseHandoff(text), limits, { historyRef: relative(root, join(historyDir(root), fileName)) });
  const out = renderHandoff(result.handoff);
  const moved = result.removed.reduce((n, s) => n + s.items.length, 0);
  // The file as written, as `handoff check` counts it (result.before counts its canonical form).
  const summary = `${countHandoffTokens(text, limits.encoding)} → ${result.after} tokens (budget ${limits.budget.total}); ${moved} item${moved === 1 ? '' : 's'} moved out`;
  if (!values.write) {
    // Nothing is written, so the preview names no history file.
    io.out(out.split('\n').filter((line) => pointerCount(line) === undefined).join('\n').trimEnd());
    io.err(`${summary}${moved ? '; run with --write to apply and keep them in history' : ''}`);
    return 0;
  }
  let where = '';
  if (moved) {
    const meta = { project: parseHandoff(text).title, reason: 'supervise handoff compress', source: relative(root, file) };
    const historyFile = await writeHistory(historyDir(root), 'compressed', renderRemoved(result.removed, meta), fileName);
    where = `; kept in ${relative(io.cwd, historyFile)}`;
  }
  await writeFileAtomic(file, out);
  io.out(`${paint(io).green('✓')} ${relative(io.cwd, file) || file}: ${summary}${where}`);
  return 0;
}
