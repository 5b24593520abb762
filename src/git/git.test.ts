import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SuperviseError } from '../errors.js';
import { GitRepo, isValidBranchName, repoRoot } from './git.js';
import { makeRepo, snapshot, type TestRepo } from './testRepo.js';

const repos: TestRepo[] = [];
function repo(opts?: Parameters<typeof makeRepo>[0]): TestRepo {
  const t = makeRepo(opts);
  repos.push(t);
  return t;
}
afterEach(() => {
  for (const t of repos.splice(0)) t.cleanup();
});

async function gitError(p: Promise<unknown>): Promise<SuperviseError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SuperviseError);
  expect((err as SuperviseError).kind).toBe('GitError');
  expect((err as SuperviseError).exitCode).toBe(2);
  return err as SuperviseError;
}

describe('GitRepo.open', () => {
  it('finds the top level from a subdirectory', async () => {
    const t = repo();
    mkdirSync(join(t.repo, 'src', 'deep'), { recursive: true });
    expect((await GitRepo.open(join(t.repo, 'src', 'deep'))).root).toBe(t.repo);
    expect(await repoRoot(join(t.repo, 'src', 'deep'))).toBe(t.repo);
  });

  it('refuses a directory outside any repository, and one that does not exist', async () => {
    const t = repo({ init: false });
    let err = await gitError(GitRepo.open(t.repo));
    expect(err.message).toBe(`not a git repository: ${t.repo}`);
    expect(err.hint).toMatch(/git init/);
    err = await gitError(GitRepo.open(join(t.tmp, 'missing')));
    expect(err.message).toBe(`not a git repository: ${join(t.tmp, 'missing')}`);
    expect(await repoRoot(t.repo)).toBeUndefined();
  });
});

describe('GitRepo.resolveBase and currentBranch', () => {
  it('resolves a branch, a commit, and the current branch by default', async () => {
    const t = repo();
    const r = await GitRepo.open(t.repo);
    const head = t.git(['rev-parse', 'HEAD']).trim();
    expect(await r.currentBranch()).toBe('main');
    expect(await r.resolveBase()).toEqual({ ref: 'main', commit: head });
    expect(await r.resolveBase(head.slice(0, 10))).toEqual({ ref: head.slice(0, 10), commit: head });
    t.git(['checkout', '-q', '--detach']);
    expect(await r.currentBranch()).toBeUndefined();
    expect(await r.resolveBase()).toEqual({ ref: 'HEAD', commit: head });
  });

  it('names a missing base and the current branch', async () => {
    const t = repo();
    const r = await GitRepo.open(t.repo);
    const err = await gitError(r.resolveBase('develop'));
    expect(err.message).toBe(`base "develop" is not a branch or commit in ${t.repo}`);
    expect(err.hint).toContain('"main"');
    await gitError(r.resolveBase('--all'));
  });

  it('asks for a first commit in a repository without one, creating nothing', async () => {
    const t = repo({ commit: false });
    const r = await GitRepo.open(t.repo);
    expect(await r.currentBranch()).toBe('main');
    const err = await gitError(r.resolveBase());
    expect(err.message).toBe(`the repository ${t.repo} has no commits yet`);
    expect(err.hint).toMatch(/first commit/);
    const before = snapshot(t);
    await gitError(r.ensureWorktrees([{ name: 'a', branch: 'agent/a', path: join(t.tmp, 'wt', 'a') }], 'main'));
    expect(snapshot(t)).toEqual(before);
  });

  it('refuses a missing base in ensureWorktrees, creating nothing', async () => {
    const t = repo();
    const r = await GitRepo.open(t.repo);
    const before = snapshot(t);
    const err = await gitError(r.ensureWorktrees([{ name: 'a', branch: 'agent/a', path: join(t.tmp, 'wt', 'a') }], 'nope'));
    expect(err.message).toBe(`base "nope" is not a branch or commit in ${t.repo}`);
    expect(snapshot(t)).toEqual(before);
  });
});

describe('GitRepo.removeWorktree', () => {
  it('refuses a worktree with changes unless forced, and deletes its branch on request', async () => {
    const t = repo();
    const r = await GitRepo.open(t.repo);
    const path = join(t.tmp, 'wt', 'a');
    await r.ensureWorktrees([{ name: 'a', branch: 'agent/a', path }], 'main');
    writeFileSync(join(path, 'new.txt'), 'x\n');
    const err = await gitError(r.removeWorktree(path));
    expect(err.message).toMatch(/^could not remove the worktree/);
    expect(existsSync(path)).toBe(true);
    await r.removeWorktree(path, { force: true, deleteBranch: 'agent/a' });
    expect(existsSync(path)).toBe(false);
    expect(t.git(['branch', '--list', 'agent/a'])).toBe('');
    expect((await r.worktrees()).map((w) => w.path)).toEqual([t.repo]);
  });
});

describe('isValidBranchName', () => {
  it('follows git check-ref-format --branch', async () => {
    const t = repo();
    expect(await isValidBranchName('agent/backend', t.repo)).toBe(true);
    expect(await isValidBranchName('bad..name', t.repo)).toBe(false);
    expect(await isValidBranchName('-x', t.repo)).toBe(false);
  });
});
