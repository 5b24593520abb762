/** Real git repositories in temp dirs, for tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempRepo {
  /** The repository root (a real path, no symlinks). */
  dir: string;
  /** Runs git in the repository and returns its stdout. */
  git(...args: string[]): string;
  /** Removes the directory. */
  cleanup(): void;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** A fresh repository on branch `main` with one commit (a README), under `parent` or the OS temp dir. */
export function makeTempRepo(opts: { parent?: string; branch?: string } = {}): TempRepo {
  const parent = opts.parent ?? realpathSync(tmpdir());
  const dir = realpathSync(mkdtempSync(join(parent, 'repo-')));
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', opts.branch ?? 'main');
  writeFileSync(join(dir, 'README.md'), '# test repo\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'initial commit');
  // A supervisor that is still exiting may write into .supervise/ while this removes it: retry.
  return { dir, git, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}
