/** The bundled HANDOFF.md and WAVE.md templates, filled in. */
import { readFileSync } from 'node:fs';
import { templatePath } from '../paths.js';

export interface TemplateVars {
  project: string;
  /** Default `main`. */
  branch?: string;
  /** Default `none yet`. */
  agent?: string;
}

/** Replace `{{name}}` placeholders; a value never spans lines, or it would break the structure. */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = vars[key];
    return value === undefined ? whole : value.replace(/[\r\n]+/g, ' ').trim();
  });
}

function values(vars: TemplateVars): Record<string, string> {
  return { project: vars.project, branch: vars.branch ?? 'main', agent: vars.agent ?? 'none yet' };
}

/** templates/HANDOFF.md with project, branch and agent filled in. */
export function handoffTemplate(vars: TemplateVars): string {
  return fillTemplate(readFileSync(templatePath('HANDOFF.md'), 'utf8'), values(vars));
}

/** templates/WAVE.md (one agent's wave summary) with project and agent filled in. */
export function waveTemplate(vars: TemplateVars): string {
  return fillTemplate(readFileSync(templatePath('WAVE.md'), 'utf8'), values(vars));
}
