/** Errors are values with a kind; the CLI turns them into one clear sentence and an exit code. */
export type ErrorKind =
  | 'UsageError' // bad flags or arguments: exit 2
  | 'ConfigError' // agents.yaml is invalid: exit 2
  | 'InputError' // a file the user gave is missing or unreadable: exit 2
  | 'GitError' // the repository cannot host the agents: exit 2
  | 'HandoffError' // a handoff failed validation: exit 1
  | 'RuntimeError'; // the work itself failed: exit 1

export interface Located {
  file?: string;
  line?: number;
  column?: number;
}

export class SuperviseError extends Error {
  readonly kind: ErrorKind;
  readonly location: Located;
  /** What the user should do about it, when that is not obvious from the message. */
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, location: Located = {}, hint?: string) {
    super(message);
    this.name = kind;
    this.kind = kind;
    this.location = location;
    this.hint = hint;
  }

  get exitCode(): 1 | 2 {
    return this.kind === 'HandoffError' || this.kind === 'RuntimeError' ? 1 : 2;
  }
}

/** `file:line:column` prefix for a located message, or '' when there is no location. */
export function formatLocation(loc: Located): string {
  if (!loc.file) return '';
  if (loc.line === undefined) return `${loc.file}: `;
  return `${loc.file}:${loc.line}${loc.column === undefined ? '' : `:${loc.column}`}: `;
}

/** One line for the user: location, message, hint. */
export function formatError(err: SuperviseError): string {
  return `${formatLocation(err.location)}${err.message}${err.hint ? ` ${err.hint}` : ''}`;
}
