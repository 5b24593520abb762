/**
 * Skills (SPEC §6): Agent Skills folders, `<dir>/<name>/SKILL.md`, each a YAML front matter
 * (`name`, `description`, our routing under `metadata.next`) and a prompt. The bundled ones live
 * in templates/skills/; a project's `.agents/skills/<name>/SKILL.md` overrides one by name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { SuperviseError } from '../errors.js';
import { byPosition, ConfigErrors } from '../config/errors.js';
import { describe, label } from '../config/issues.js';
import { describeYamlError, locate, type Position, type Segment } from '../config/locate.js';
import { suggest } from '../config/suggest.js';
import { SKILL_NAME_PATTERN } from '../config/types.js';
import { templatePath } from '../paths.js';

export type SkillNext = string | { pass: string; fix: string };

export interface Skill {
  name: string;
  description: string;
  next?: SkillNext;
  /** The body after the front matter, placeholders unfilled. */
  prompt: string;
  /** Absolute path of its SKILL.md. */
  file: string;
  source: 'bundled' | 'project';
}

export interface SkillVars {
  task: string;
  handoff_file: string;
  project: string;
  round: number;
}

/** Claude Code and Codex refuse a longer description. */
export const MAX_DESCRIPTION = 1024;
/** Where a project keeps its own skills, relative to the repository root. */
export const PROJECT_SKILLS_DIR = join('.agents', 'skills');
/** The bundled skills in the order a full chain runs them; others follow by name. */
const BUNDLED_ORDER = ['spec', 'build', 'review', 'fix', 'commit', 'deploy'];

/** The folder of the bundled skills. */
export function bundledSkillsDir(): string {
  return templatePath('skills');
}

const name = z.string().regex(SKILL_NAME_PATTERN);

// Only what we read is checked; Claude Code and Codex define more keys (allowed-tools, license, …).
const FrontMatter = z.looseObject({
  name,
  description: z.string().trim().min(1).max(MAX_DESCRIPTION),
  metadata: z
    .looseObject({ next: z.union([name, z.strictObject({ pass: name, fix: name })]).optional() })
    .optional(),
});

const SHAPE = 'a SKILL.md starts with a front matter: a line "---", then name: and description:, then a line "---", then the prompt';
const NAME_RULE = 'lowercase letters, digits and single hyphens, at most 64 characters, like security-review';

/** What each front-matter field must hold, in words. */
const EXPECTED: Record<string, string> = {
  '': 'a mapping with at least name and description',
  name: `the skill's name: ${NAME_RULE}`,
  description: `what the skill does and when to use it, 1 to ${MAX_DESCRIPTION} characters`,
  metadata: 'a mapping, like { next: build }',
  'metadata.next': 'the next skill\'s name, or for a review { pass: commit, fix: fix }',
  'metadata.next.pass': `the skill that follows a passing review: ${NAME_RULE}`,
  'metadata.next.fix': `the skill that fixes what a review found: ${NAME_RULE}`,
};

function valueAt(raw: unknown, path: readonly Segment[]): unknown {
  let v = raw;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}

function hasKey(parent: unknown, key: Segment | undefined): boolean {
  return parent !== null && typeof parent === 'object' && String(key) in parent;
}

type Locate = (path: Segment[], message: string, anchor?: 'key' | 'value') => SuperviseError;

/** One zod issue about the front matter as located errors a person can act on. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown, located: Locate): SuperviseError[] {
  const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
  const found = valueAt(raw, path);
  // `next` is a name or a mapping: explain a bad mapping by the mapping's own rules.
  if (issue.code === 'invalid_union' && found !== null && typeof found === 'object' && !Array.isArray(found)) {
    const branch = issue.errors.find((errs) => errs.some((e) => e.code !== 'invalid_type' || e.path.length > 0));
    if (branch) return branch.flatMap((e) => describeIssue({ ...e, path: [...issue.path, ...e.path] }, raw, located));
  }
  const key = path.join('.');
  const expected = EXPECTED[key] ?? issue.message;
  const where = path.length ? `${label(path)}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => located([...path, k], `unknown key ${JSON.stringify(k)} in ${label(path)} — expected pass and fix`, 'key'));
  }
  if (found === undefined && path.length > 0 && !hasKey(valueAt(raw, path.slice(0, -1)), path.at(-1))) {
    const parent = path.slice(0, -1);
    const inParent = parent.length ? `${label(parent)}: ` : '';
    return [located(parent, `${inParent}missing required key ${JSON.stringify(path.at(-1))}: expected ${expected}`)];
  }
  if (key === 'description' && typeof found === 'string' && found.length > MAX_DESCRIPTION) {
    return [located(path, `description: expected at most ${MAX_DESCRIPTION} characters (Claude Code and Codex refuse longer), found ${found.length}`)];
  }
  return [located(path, `${where}expected ${expected}, found ${describe(found)}`)];
}

/** A skill read from its file, with a way to locate a front-matter field for later checks. */
interface Parsed {
  skill: Skill;
  at: (path: Segment[]) => Position;
}

/** Read one SKILL.md whose folder is `folder`; its errors located at file:line:col. */
export function parseSkill(source: string, file: string, folder: string, origin: Skill['source']): { skill?: Parsed; errors: SuperviseError[] } {
  // A BOM is invisible in an editor; leaving it in would shift every column on line 1.
  const text = source.replace(/^\uFEFF/, '');
  const fail = (message: string, line: number, column: number) => ({ errors: [new SuperviseError('ConfigError', message, { file, line, column })] });
  if (!/^---[ \t]*\r?\n/.test(text)) return fail(`expected a first line "---": ${SHAPE}`, 1, 1);
  const close = /^---[ \t]*\r?$/m.exec(text.slice(text.indexOf('\n') + 1));
  if (!close) return fail(`the front matter that starts here is never closed: expected a line "---" after it — ${SHAPE}`, 1, 1);
  const end = text.indexOf('\n') + 1 + close.index;
  // The opening "---" is a YAML document start, so positions are the file's own.
  const lines = new LineCounter();
  const doc = parseDocument(text.slice(0, end), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((err) => {
        const { line, col } = lines.linePos(err.pos[0]);
        return new SuperviseError('ConfigError', describeYamlError(err, text), { file, line, column: col });
      }),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    return fail(`invalid YAML: ${(err as Error).message}`, 1, 1);
  }
  // An empty front matter has no node of its own; its opening line stands for it.
  const blank = raw === null || raw === undefined;
  const at = (path: Segment[], anchor: 'key' | 'value' = 'value') => (blank ? { line: 1, column: 1 } : locate(doc, lines, path, anchor));
  const located = (path: Segment[], message: string, anchor: 'key' | 'value' = 'value') =>
    new SuperviseError('ConfigError', message, { file, ...at(path, anchor) });
  const errors: SuperviseError[] = [];
  if (raw !== null && typeof raw === 'object' && 'next' in raw && !valueAt(raw, ['metadata', 'next'])) {
    errors.push(located(['next'], 'next belongs under metadata (metadata: { next: build }), where Claude Code and Codex leave it alone', 'key'));
  }
  const result = FrontMatter.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) errors.push(...describeIssue(issue, raw, located));
    return { errors };
  }
  const front = result.data;
  if (front.name !== folder) {
    errors.push(located(['name'], `name: expected ${JSON.stringify(folder)}, the name of its folder, found ${JSON.stringify(front.name)} — rename one so they match`));
  }
  if (errors.length > 0) return { errors };
  const body = text.slice(end).replace(/^---[ \t]*\r?\n?/, '').replace(/^\s*\n/, '');
  const skill: Skill = { name: front.name, description: front.description, prompt: body, file, source: origin };
  const next = front.metadata?.next;
  if (next !== undefined) skill.next = next;
  return { skill: { skill, at: (path) => at(path) }, errors: [] };
}

/** Every `<dir>/<name>/SKILL.md`, parsed; a missing dir has none. */
async function readDir(dir: string, origin: Skill['source']): Promise<{ skills: Parsed[]; errors: SuperviseError[] }> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return { skills: [], errors: [] };
    throw err;
  }
  const read = await Promise.all(
    entries.map(async (folder) => {
      const file = join(dir, folder, 'SKILL.md');
      try {
        return parseSkill(await readFile(file, 'utf8'), file, folder, origin);
      } catch (err) {
        // A folder without SKILL.md is not a skill (another tool's, or one being written).
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { errors: [] };
        return { errors: [new SuperviseError('ConfigError', `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file })] };
      }
    }),
  );
  return { skills: read.flatMap((r) => (r.skill ? [r.skill] : [])), errors: read.flatMap((r) => r.errors) };
}

function order(a: string, b: string): number {
  const ia = BUNDLED_ORDER.indexOf(a);
  const ib = BUNDLED_ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  return a.localeCompare(b);
}

/** `next` naming no skill, and a main path (next, or review's pass) that comes back on itself. */
function routingErrors(all: Map<string, Parsed>): SuperviseError[] {
  const errors: SuperviseError[] = [];
  const names = [...all.keys()].sort(order);
  for (const { skill, at } of all.values()) {
    const targets: [string, Segment[]][] =
      typeof skill.next === 'string'
        ? [[skill.next, ['metadata', 'next']]]
        : skill.next
          ? [
              [skill.next.pass, ['metadata', 'next', 'pass']],
              [skill.next.fix, ['metadata', 'next', 'fix']],
            ]
          : [];
    for (const [target, path] of targets) {
      if (all.has(target)) continue;
      const meant = suggest(target, names);
      const tail = meant ? ` — did you mean ${JSON.stringify(meant)}?` : ` — expected one of ${names.join(', ')}, or add ${join(PROJECT_SKILLS_DIR, target, 'SKILL.md')}`;
      errors.push(new SuperviseError('ConfigError', `${label(path)}: no skill is named ${JSON.stringify(target)}${tail}`, { file: skill.file, ...at(path) }));
    }
  }
  // Each cycle once, at a project skill in it when there is one: that is the likely change.
  const skills = new Map([...all].map(([n, p]) => [n, p.skill]));
  const reported = new Set<string>();
  for (const start of names) {
    const steps = chainSteps(start, skills);
    const target = mainNext(all.get(steps.at(-1) ?? '')?.skill);
    if (target === undefined || !steps.includes(target)) continue;
    const cycle = steps.slice(steps.indexOf(target));
    const key = [...cycle].sort().join(' ');
    if (reported.has(key)) continue;
    reported.add(key);
    const at = Math.max(0, cycle.findIndex((n) => all.get(n)?.skill.source === 'project'));
    const round = [...cycle.slice(at), ...cycle.slice(0, at)];
    const reporter = all.get(round[0]!)!;
    const path: Segment[] = typeof reporter.skill.next === 'string' ? ['metadata', 'next'] : ['metadata', 'next', 'pass'];
    errors.push(
      new SuperviseError(
        'ConfigError',
        `${label(path)}: the skills go round in a circle (${[...round, round[0]].join(' → ')}), so a chain would never end — end the main path at a skill without next (commit or deploy)`,
        { file: reporter.skill.file, ...reporter.at(path) },
      ),
    );
  }
  return errors;
}

/** Bundled skills overridden by the project's `.agents/skills/<name>/SKILL.md` of the same name. */
export async function loadSkills(root: string): Promise<Map<string, Skill>> {
  const [bundled, project] = await Promise.all([readDir(bundledSkillsDir(), 'bundled'), readDir(join(root, PROJECT_SKILLS_DIR), 'project')]);
  const all = new Map<string, Parsed>();
  for (const parsed of [...bundled.skills, ...project.skills]) all.set(parsed.skill.name, parsed);
  const errors = [...bundled.errors, ...project.errors, ...routingErrors(all)];
  if (errors.length > 0) throw new ConfigErrors(errors.sort(byPosition));
  const names = [...all.keys()].sort(order);
  return new Map(names.map((n) => [n, all.get(n)!.skill]));
}

/** The placeholders a prompt may use. */
export const PLACEHOLDERS = ['task', 'handoff_file', 'project', 'round'] as const;

/**
 * Placeholders in a skill's prompt that will not be filled: a near miss of one of ours
 * ({handof_file}) or a doubled one ({{task}}). Located in its SKILL.md; not errors, since a prompt
 * may hold braces of its own.
 */
export async function placeholderWarnings(skill: Skill): Promise<SuperviseError[]> {
  const text = (await readFile(skill.file, 'utf8')).replace(/^\uFEFF/, '');
  // The prompt is the end of the file, exactly as read.
  const start = text.length - skill.prompt.length;
  const warnings: SuperviseError[] = [];
  for (const match of skill.prompt.matchAll(/\{(\{?)([A-Za-z_]+)\}(\}?)/g)) {
    const [whole, open, word, close] = match as unknown as [string, string, string, string];
    const known = (PLACEHOLDERS as readonly string[]).includes(word);
    const meant = known ? word : suggest(word, PLACEHOLDERS);
    if (meant === undefined || (known && !(open && close))) continue;
    const at = start + (match.index ?? 0);
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    const why = known ? 'the doubled braces stay around the value' : 'it is left as written';
    warnings.push(new SuperviseError('ConfigError', `${whole} is not a placeholder (${why}) — did you mean {${meant}}?`, { file: skill.file, line, column }));
  }
  return warnings;
}

/** The skill's prompt with {task}, {handoff_file}, {project} and {round} filled in. */
export function fillSkill(skill: Skill, vars: SkillVars): string {
  return skill.prompt.replace(/\{(task|handoff_file|project|round)\}/g, (_, key: keyof SkillVars) => String(vars[key]));
}

/** The skill after `skill` on the main path: its next, or a review's pass. */
function mainNext(skill: Skill | undefined): string | undefined {
  const next = skill?.next;
  return typeof next === 'string' ? next : next?.pass;
}

/** The main path from `start`: each skill's `next`, review's `pass` branch, until a skill has none or one repeats. */
export function chainSteps(start: string, skills: ReadonlyMap<string, Skill>): string[] {
  const steps: string[] = [];
  for (let step: string | undefined = start; step !== undefined && !steps.includes(step); ) {
    steps.push(step);
    step = mainNext(skills.get(step));
  }
  return steps;
}
