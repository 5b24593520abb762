import { readFileSync } from 'node:fs';
import { templatePath } from '../paths.js';

/** The commented agents.yaml that `supervise init` writes, with its yaml-language-server schema line. */
export function agentsYamlTemplate(): string {
  return readFileSync(templatePath('agents.yaml'), 'utf8');
}
