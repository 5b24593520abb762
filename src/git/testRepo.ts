// Test support: real git repositories in temp directories. Imported by tests only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** A temp directory holding `repo/`, a git repository with one commit on `main`. */
export interface TestRepo {
  tmp: string;
  repo: string;
  git(args: string[], cwd?: string): string;
  write(path: string, text: string): void;
  cleanup(): void;
}

/** Make a temp directory; with `commit` (the default) it holds a repository with one commit. */
export function makeRepo(opts: { init?: boolean; commit?: boolean } = {}): TestRepo {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-git-')));
  const repo = join(tmp, 'repo');
  mkdirSync(repo);
  const git = (args: string[], cwd = repo): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (path: string, text: string): void => {
    const full = join(repo, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  };
  if (opts.init !== false) {
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'Test']);
    git(['config', 'user.email', 'test@example.com']);
    git(['config', 'commit.gpgsign', 'false']);
    if (opts.commit !== false) {
      write('README.md', 'hello\n');
      git(['add', '.']);
      git(['commit', '-q', '-m', 'init']);
    }
  }
  return { tmp, repo, git, write, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** Every path under `dir` (relative, sorted), skipping the main repository's .git. */
export function listTree(dir: string, skip = join(dir, 'repo', '.git')): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (full === skip) continue;
      out.push(relative(dir, full) + (e.isDirectory() ? '/' : ''));
      if (e.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** What "nothing half-created" compares: worktrees, branches and the files on disk. */
export function snapshot(t: TestRepo): { worktrees: string; branches: string; tree: string[] } {
  return {
    worktrees: t.git(['worktree', 'list', '--porcelain']),
    branches: t.git(['branch', '--list']),
    tree: listTree(t.tmp),
  };
}
