import { GitError, simpleGit, type SimpleGit } from 'simple-git';
import { SuperviseError } from '../errors.js';

/** What one git command produced. */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A git command that exited with a status the caller did not expect. It extends simple-git's
 * GitError because simple-git replaces any other error type with one, losing the status.
 */
export class GitExit extends GitError {
  constructor(
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(undefined, gitMessage(stderr || stdout) || `git exited with status ${code}`);
    this.name = 'GitExit';
  }
}

/**
 * Runs git with argument arrays through simple-git, one instance per working directory.
 * simple-git resolves a failing command that printed nothing on stderr as a success, so every
 * non-zero status is turned into a GitExit here and the caller lists the statuses it expects.
 */
export class GitRunner {
  private readonly instances = new Map<string, SimpleGit>();

  /**
   * Run `git <args>` in `cwd`; statuses outside `okCodes` reject with GitExit. `env`, when given,
   * is git's whole environment (a temporary index through GIT_INDEX_FILE, say); the GIT_*
   * variables it names are let through simple-git's environment guard.
   */
  async run(cwd: string, args: string[], okCodes: readonly number[] = [0], env?: NodeJS.ProcessEnv): Promise<GitOutput> {
    try {
      const stdout = await (env ? this.make(cwd, Object.keys(env).filter((k) => k.startsWith('GIT_'))).env(env as Record<string, string>) : this.instance(cwd)).raw(args);
      return { code: 0, stdout, stderr: '' };
    } catch (err) {
      if (err instanceof GitExit && okCodes.includes(err.code)) {
        return { code: err.code, stdout: err.stdout, stderr: err.stderr };
      }
      if (isMissingBinary(err)) {
        throw new SuperviseError('GitError', 'git was not found on PATH', {}, 'Install git 2.38 or newer.');
      }
      throw err;
    }
  }

  private instance(cwd: string): SimpleGit {
    let git = this.instances.get(cwd);
    if (!git) {
      git = this.make(cwd);
      this.instances.set(cwd, git);
    }
    return git;
  }

  private make(cwd: string, allowEnvironment: string[] = []): SimpleGit {
    return simpleGit({
      baseDir: cwd,
      allowEnvironment,
      errors(error, result) {
        // simple-git's own GitError marks a failing status; any other Error is a spawn failure.
        if (error instanceof Error && !(error instanceof GitError)) return error;
        if (result.exitCode === 0) return error;
        return new GitExit(
          result.exitCode,
          Buffer.concat(result.stdOut).toString('utf8'),
          Buffer.concat(result.stdErr).toString('utf8'),
        );
      },
    });
  }
}

/** The part of git's output worth showing a person: the fatal/error line, without its prefix. */
export function gitMessage(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.find((l) => /^(fatal|error):/.test(l));
  return (fatal ?? lines[lines.length - 1] ?? '').replace(/^(fatal|error):\s*/, '');
}

/** The message of any error a git call can throw, for wrapping into a GitError. */
export function describe(err: unknown): string {
  if (err instanceof Error) return gitMessage(err.message) || err.message;
  return String(err);
}

function isMissingBinary(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && /spawn/.test(e.message)) return true;
  }
  return false;
}

/** A revision given on the command line; one starting with `-` would be read as an option. */
export function revision(rev: string, what: string): string {
  if (rev === '' || rev.startsWith('-')) throw new SuperviseError('GitError', `${what} "${rev}" is not a branch or commit`);
  return rev;
}
