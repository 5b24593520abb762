import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SuperviseError } from '../errors.js';
import { GitRepo, type WorktreeSpec } from './git.js';
import { makeRepo, snapshot, type TestRepo } from './testRepo.js';

let t: TestRepo;
beforeEach(() => {
  t = makeRepo();
});
afterEach(() => t.cleanup());

const specsIn = (dir: string, names: string[]): WorktreeSpec[] =>
  names.map((name) => ({ name, branch: `agent/${name}`, path: join(dir, name) }));

async function refusal(p: Promise<unknown>): Promise<SuperviseError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SuperviseError);
  const se = err as SuperviseError;
  expect(se.kind).toBe('GitError');
  expect(se.exitCode).toBe(2);
  return se;
}

describe('ensureWorktrees', () => {
  it('creates one worktree per agent inside the repository, then reuses them untouched', async () => {
    const repo = await GitRepo.open(t.repo);
    const specs = specsIn(join(t.repo, '.supervise', 'worktrees'), ['a', 'b', 'c']);
    const first = await repo.ensureWorktrees(specs, 'main');
    expect(first.map((r) => [r.name, r.branch, r.created])).toEqual([
      ['a', 'agent/a', true],
      ['b', 'agent/b', true],
      ['c', 'agent/c', true],
    ]);
    for (const s of specs) {
      expect(readFileSync(join(s.path, 'README.md'), 'utf8')).toBe('hello\n');
      expect(t.git(['branch', '--show-current'], s.path).trim()).toBe(s.branch);
    }
    writeFileSync(join(specs[1]!.path, 'work.txt'), 'in progress\n');
    t.git(['commit', '-q', '--allow-empty', '-m', 'main moves on']);

    const second = await repo.ensureWorktrees(specs, 'main');
    expect(second.map((r) => r.created)).toEqual([false, false, false]);
    expect(readFileSync(join(specs[1]!.path, 'work.txt'), 'utf8')).toBe('in progress\n');
    // Reused, not reset to the new base.
    expect(t.git(['rev-parse', 'agent/b'])).not.toBe(t.git(['rev-parse', 'main']));
  });

  it('checks out a branch that already exists instead of making it', async () => {
    t.git(['branch', 'agent/a']);
    t.git(['commit', '-q', '--allow-empty', '-m', 'later']);
    const repo = await GitRepo.open(t.repo);
    const [res] = await repo.ensureWorktrees(specsIn(join(t.tmp, 'wt'), ['a']), 'main');
    expect(res!.created).toBe(true);
    expect(t.git(['rev-parse', 'HEAD'], res!.path)).toBe(t.git(['rev-parse', 'main~1']));
  });

  it('recreates a worktree whose directory was deleted by hand', async () => {
    const repo = await GitRepo.open(t.repo);
    const specs = specsIn(join(t.tmp, 'wt'), ['a']);
    await repo.ensureWorktrees(specs, 'main');
    rmSync(specs[0]!.path, { recursive: true, force: true });
    const [res] = await repo.ensureWorktrees(specs, 'main');
    expect(res!.created).toBe(true);
    expect(existsSync(join(specs[0]!.path, 'README.md'))).toBe(true);
  });

  it('refuses a worktree path that is a file, creating nothing', async () => {
    const repo = await GitRepo.open(t.repo);
    const dir = join(t.repo, '.supervise', 'worktrees');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'c'), 'not a worktree\n');
    const before = snapshot(t);
    const err = await refusal(repo.ensureWorktrees(specsIn(dir, ['a', 'b', 'c']), 'main'));
    expect(err.message).toBe(`worktree path for agent "c" is occupied: ${join(dir, 'c')} is a file`);
    expect(err.hint).toMatch(/worktreeDir/);
    expect(snapshot(t)).toEqual(before);
  });

  it('refuses a non-empty directory and a worktree on another branch', async () => {
    const repo = await GitRepo.open(t.repo);
    const dir = join(t.tmp, 'wt');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'x'), '');
    let err = await refusal(repo.ensureWorktrees(specsIn(dir, ['a']), 'main'));
    expect(err.message).toContain('is a directory that is not its worktree');

    t.git(['worktree', 'add', '-q', '-b', 'other', join(dir, 'b')]);
    err = await refusal(repo.ensureWorktrees(specsIn(dir, ['b']), 'main'));
    expect(err.message).toBe(`worktree path for agent "b" is occupied: ${join(dir, 'b')} is a worktree on branch "other", not on "agent/b"`);
  });

  it('refuses a path under a file', async () => {
    writeFileSync(join(t.tmp, 'wt'), '');
    const repo = await GitRepo.open(t.repo);
    const err = await refusal(repo.ensureWorktrees(specsIn(join(t.tmp, 'wt', 'deeper'), ['a']), 'main'));
    expect(err.message).toBe(`worktree path for agent "a" is occupied: ${join(t.tmp, 'wt')} is a file`);
  });

  it('refuses a branch checked out elsewhere, naming where', async () => {
    const repo = await GitRepo.open(t.repo);
    const dir = join(t.tmp, 'wt');
    let err = await refusal(repo.ensureWorktrees([{ name: 'a', branch: 'main', path: join(dir, 'a') }], 'main'));
    expect(err.message).toBe(`branch "main" for agent "a" is already checked out in the main checkout at ${t.repo}`);

    t.git(['worktree', 'add', '-q', '-b', 'agent/b', join(t.tmp, 'elsewhere')]);
    const before = snapshot(t);
    err = await refusal(repo.ensureWorktrees(specsIn(dir, ['a', 'b']), 'main'));
    expect(err.message).toBe(`branch "agent/b" for agent "b" is already checked out at ${join(t.tmp, 'elsewhere')}`);
    expect(snapshot(t)).toEqual(before);
  });

  it('refuses a branch git cannot create beside an existing one, before creating anything', async () => {
    t.git(['branch', 'agent']);
    const repo = await GitRepo.open(t.repo);
    const before = snapshot(t);
    const err = await refusal(repo.ensureWorktrees(specsIn(join(t.tmp, 'wt'), ['a', 'b']), 'main'));
    expect(err.message).toBe('branch "agent/a" for agent "a" cannot be created: a branch "agent" exists');
    expect(snapshot(t)).toEqual(before);
  });

  it('refuses duplicate paths and branches and invalid branch names', async () => {
    const repo = await GitRepo.open(t.repo);
    const p = join(t.tmp, 'wt');
    let err = await refusal(repo.ensureWorktrees([{ name: 'a', branch: 'x', path: p }, { name: 'b', branch: 'y', path: p }], 'main'));
    expect(err.message).toBe(`agents "a" and "b" have the same worktree path ${p}`);
    err = await refusal(repo.ensureWorktrees([{ name: 'a', branch: 'x', path: join(p, 'a') }, { name: 'b', branch: 'x', path: join(p, 'b') }], 'main'));
    expect(err.message).toBe('agents "a" and "b" have the same branch "x"');
    err = await refusal(repo.ensureWorktrees([{ name: 'a', branch: 'bad..name', path: join(p, 'a') }], 'main'));
    expect(err.message).toBe('branch "bad..name" for agent "a" is not a valid git branch name');
  });

  it('rolls back everything when the third of three fails while being created', async () => {
    const repo = await GitRepo.open(t.repo);
    t.git(['branch', 'agent/keep']); // pre-existing: must survive the rollback
    const dir = join(t.repo, '.supervise', 'worktrees');
    const before = snapshot(t);
    // Another git process holding the ref lock: only `git worktree add` itself can notice.
    const lock = join(t.repo, '.git', 'refs', 'heads', 'agent', 'c.lock');
    writeFileSync(lock, '');
    const err = await refusal(repo.ensureWorktrees(specsIn(dir, ['a', 'b', 'c']), 'main'));
    expect(err.message).toMatch(/^could not create the worktree for agent "c" at .*: cannot lock ref/);
    expect(err.hint).toBe('Nothing was created; fix the cause and start again.');
    expect(existsSync(join(t.repo, '.supervise'))).toBe(false);
    rmSync(lock);
    expect(snapshot(t)).toEqual(before);
  });

  it('keeps a pre-existing branch and empty directory on rollback', async () => {
    t.git(['branch', 'agent/a']);
    const dir = join(t.tmp, 'wt');
    mkdirSync(join(dir, 'a'), { recursive: true });
    const repo = await GitRepo.open(t.repo);
    const before = snapshot(t);
    writeFileSync(join(t.repo, '.git', 'refs', 'heads', 'agent', 'b.lock'), '');
    await refusal(repo.ensureWorktrees(specsIn(dir, ['a', 'b']), 'main'));
    rmSync(join(t.repo, '.git', 'refs', 'heads', 'agent', 'b.lock'));
    expect(snapshot(t)).toEqual(before);
  });
});
