/** `supervise skills list|check`: the skills chains run, where each comes from, and whether they load. */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { loadSkills, placeholderWarnings, PROJECT_SKILLS_DIR, type Skill, type SkillNext } from '../chains/skills.js';
import { ConfigErrors } from '../config/errors.js';
import { optionalConfigFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { formatError, SuperviseError } from '../errors.js';
import { repoRoot } from '../git/git.js';
import { paint, type Io } from './io.js';
import type { CommandArgs } from './table.js';

/** The repository whose .agents/skills count: agents.yaml's (as loading it decides), else the current one. */
async function skillsRoot(config: string | undefined, cwd: string): Promise<string> {
  const dir = config ? dirname(config) : cwd;
  return (await repoRoot(dir)) ?? (await realpath(dir));
}

function nextText(next: SkillNext | undefined): string {
  if (next === undefined) return '(end)';
  return typeof next === 'string' ? next : `pass: ${next.pass}, fix: ${next.fix}`;
}

/** A path as short as it can be said: relative to the current folder when inside it. */
function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export async function listCommand({ values, io }: CommandArgs): Promise<number> {
  const root = await skillsRoot(await optionalConfigFile(io.cwd, values.config as string | undefined), io.cwd);
  const skills = [...(await loadSkills(root)).values()];
  if (values.json) {
    io.out(JSON.stringify(skills.map(({ name, description, next, source, file }) => ({ name, description, next: next ?? null, source, file })), null, 2));
    return 0;
  }
  io.out(formatList(skills, root, io));
  return 0;
}

const WIDTH = 96;

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** One block a skill: name, where it leads and where it comes from; then its description. */
export function formatList(skills: readonly Skill[], root: string, io: Io): string {
  const c = paint(io);
  const width = Math.max(...skills.map((s) => s.name.length));
  const nextWidth = Math.max(...skills.map((s) => nextText(s.next).length));
  const blocks = skills.map((s) => {
    const source = s.source === 'project' ? c.cyan('project') : c.dim('bundled');
    const head = `${c.bold(s.name.padEnd(width))}  → ${nextText(s.next).padEnd(nextWidth)}  ${source}  ${shown(s.file, io.cwd)}`;
    const indent = ' '.repeat(width + 4);
    return `${head}\n${wrap(s.description, WIDTH - indent.length).map((l) => `${indent}${c.dim(l)}`).join('\n')}`;
  });
  const own = skills.filter((s) => s.source === 'project').length;
  const foot = `${skills.length} skills: ${skills.length - own} bundled, ${own} from ${shown(join(root, PROJECT_SKILLS_DIR), io.cwd)} (a folder there overrides a bundled skill of the same name).`;
  return `${blocks.join('\n')}\n\n${foot}`;
}

export async function checkCommand({ values, io }: CommandArgs): Promise<number> {
  const config = await optionalConfigFile(io.cwd, values.config as string | undefined);
  const root = await skillsRoot(config, io.cwd);
  const errors: SuperviseError[] = [];
  const collect = (err: unknown) => {
    if (err instanceof ConfigErrors) errors.push(...err.errors);
    else if (err instanceof SuperviseError) errors.push(err);
    else throw err;
  };
  const skills = await loadSkills(root).catch((err: unknown) => (collect(err), undefined));
  let chains: number | undefined;
  if (config) {
    try {
      chains = (await loadConfig(config)).config.agents.filter((a) => a.chain).length;
    } catch (err) {
      collect(err);
    }
  }
  // Loading agents.yaml loads the skills again: each problem is said once.
  const lines = [...new Set(errors.map(formatError))];
  if (lines.length > 0) {
    io.err(lines.join('\n'));
    io.err(`${lines.length} problem${lines.length === 1 ? '' : 's'}: fix ${lines.length === 1 ? 'it' : 'them'} at the places named, then run \`supervise skills check\` again.`);
    return 2;
  }
  const list = [...(skills?.values() ?? [])];
  const warnings = (await Promise.all(list.map(placeholderWarnings))).flat();
  if (warnings.length > 0) io.err(warnings.map((w) => `${paint(io).yellow('warning')}: ${formatError(w)}`).join('\n'));
  const own = list.filter((s) => s.source === 'project').length;
  const what =
    chains === undefined
      ? 'no agents.yaml, so no chains to check'
      : `${chains} chain${chains === 1 ? '' : 's'} in ${shown(config!, io.cwd)}`;
  const warned = warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '';
  io.out(`${paint(io).green('ok')}: ${list.length} skills (${list.length - own} bundled, ${own} from ${PROJECT_SKILLS_DIR}) and ${what}${warned}.`);
  return 0;
}
