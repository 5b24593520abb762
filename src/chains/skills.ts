/** Skills: Agent Skills folders (`<dir>/<name>/SKILL.md`), bundled and the project's own. */
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

/** The folder of the bundled skills. */
export function bundledSkillsDir(): string {
  return templatePath('skills');
}

/** Bundled skills overridden by the project's `.agents/skills/<name>/SKILL.md` of the same name. */
export async function loadSkills(root: string): Promise<Map<string, Skill>> {
  void root;
  return new Map();
}

/** The skill's prompt with {task}, {handoff_file}, {project} and {round} filled in. */
export function fillSkill(skill: Skill, vars: SkillVars): string {
  return skill.prompt.replace(/\{(task|handoff_file|project|round)\}/g, (_, key: keyof SkillVars) => String(vars[key]));
}

/** The main path from `start`: each skill's `next`, review's `pass` branch, until a skill has none. */
export function chainSteps(start: string, skills: ReadonlyMap<string, Skill>): string[] {
  const steps: string[] = [];
  for (let name: string | undefined = start; name !== undefined && !steps.includes(name); ) {
    steps.push(name);
    const next: SkillNext | undefined = skills.get(name)?.next;
    name = typeof next === 'string' ? next : next?.pass;
  }
  return steps;
}
