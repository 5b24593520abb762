import { formatError, SuperviseError } from '../errors.js';

/** Every error found in an agents.yaml or a skill, thrown together; the message has one located line each. */
export class ConfigErrors extends SuperviseError {
  readonly errors: SuperviseError[];

  constructor(errors: SuperviseError[]) {
    super('ConfigError', errors.map(formatError).join('\n'));
    this.errors = errors;
  }
}

/** Errors sorted by file, then line, then column. */
export function byPosition(a: SuperviseError, b: SuperviseError): number {
  return (
    (a.location.file ?? '').localeCompare(b.location.file ?? '') ||
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    (a.location.column ?? 0) - (b.location.column ?? 0)
  );
}
