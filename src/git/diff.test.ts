import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SuperviseError } from '../errors.js';
import { countLines, parseNumstat } from './diff.js';
import { GitRepo } from './git.js';
import { makeRepo, type TestRepo } from './testRepo.js';

let t: TestRepo;
beforeEach(() => {
  t = makeRepo();
});
afterEach(() => t.cleanup());

describe('diffStat', () => {
  it('counts a commit, a staged change, an unstaged change and an untracked file', async () => {
    t.write('lib.ts', 'one\ntwo\nthree\n');
    t.write('.gitignore', 'build/\n');
    t.git(['add', '.']);
    t.git(['commit', '-q', '-m', 'base files']);
    const repo = await GitRepo.open(t.repo);
    const { commit: base } = await repo.resolveBase('main');
    const path = join(t.tmp, 'wt', 'a');
    await repo.ensureWorktrees([{ name: 'a', branch: 'agent/a', path }], 'main');
    const git = (args: string[]) => t.git(args, path);
    const write = (p: string, text: string) => writeFileSync(join(path, p), text);

    expect(await repo.diffStat(path, base)).toEqual({ files: [], added: 0, removed: 0 });

    write('committed.ts', 'a\nb\n'); // +2
    git(['add', 'committed.ts']);
    git(['commit', '-q', '-m', 'work']);
    write('README.md', 'hello\nworld\n'); // +1, staged
    git(['add', 'README.md']);
    write('lib.ts', 'one\nTWO\n'); // +1 -2, unstaged
    write('notes.md', 'x\ny\nz'); // +3, untracked, no final newline
    write('blob.bin', 'a\0b\n'); // untracked binary: 0 lines
    mkdirSync(join(path, 'build'));
    write('build/out.txt', 'ignored\n'); // .gitignore'd: does not count

    const stat = await repo.diffStat(path, base);
    expect(stat).toEqual({
      files: ['README.md', 'blob.bin', 'committed.ts', 'lib.ts', 'notes.md'],
      added: 2 + 1 + 1 + 3,
      removed: 2,
    });
    expect(await repo.changedFiles(path, base)).toEqual(stat.files);
    // Files the supervisor writes itself are left out of paths and counts alike.
    expect(await repo.diffStat(path, base, new Set(['README.md', 'notes.md']))).toEqual({
      files: ['blob.bin', 'committed.ts', 'lib.ts'],
      added: 2 + 1,
      removed: 2,
    });
  });

  it('measures from the merge base, so commits on main after the fork do not count', async () => {
    const repo = await GitRepo.open(t.repo);
    const path = join(t.tmp, 'wt', 'a');
    await repo.ensureWorktrees([{ name: 'a', branch: 'agent/a', path }], 'main');
    t.write('main-only.txt', '1\n2\n');
    t.git(['add', '.']);
    t.git(['commit', '-q', '-m', 'main moves']);
    writeFileSync(join(path, 'mine.txt'), 'm\n');
    const { commit } = await repo.resolveBase('main');
    expect(await repo.diffStat(path, commit)).toEqual({ files: ['mine.txt'], added: 1, removed: 0 });
  });

  it('compares with the base itself when the histories are unrelated', async () => {
    const empty = t.git(['hash-object', '-t', 'tree', '-w', '/dev/null']).trim();
    const lone = t.git(['commit-tree', empty, '-m', 'unrelated']).trim();
    const repo = await GitRepo.open(t.repo);
    expect(await repo.diffStat(t.repo, lone)).toEqual({ files: ['README.md'], added: 1, removed: 0 });
  });
});

describe('parseNumstat and countLines', () => {
  it('reads binaries as no lines and keeps odd file names whole', () => {
    expect(parseNumstat('3\t1\ta b.ts\0-\t-\timg.png\0' + '1\t0\ttab\there.txt\0')).toEqual({
      files: ['a b.ts', 'img.png', 'tab\there.txt'],
      added: 4,
      removed: 1,
    });
  });

  it('counts lines like git and skips what it cannot read', async () => {
    const p = join(t.tmp, 'f.txt');
    writeFileSync(p, '');
    expect(await countLines(p)).toBe(0);
    writeFileSync(p, 'a');
    expect(await countLines(p)).toBe(1);
    writeFileSync(p, 'a\n\n');
    expect(await countLines(p)).toBe(2);
    writeFileSync(p, Buffer.alloc(1024 * 1024 + 1, 10));
    expect(await countLines(p)).toBe(0);
    expect(await countLines(join(t.tmp, 'missing'))).toBe(0);
  });
});

describe('mergeTreeConflicts', () => {
  it('returns [] for branches that merge cleanly and the conflicted paths otherwise', async () => {
    t.write('api.ts', 'export const v = 1;\n');
    t.write('other.ts', 'x\n');
    t.git(['add', '.']);
    t.git(['commit', '-q', '-m', 'shared']);
    const branch = (name: string, files: Record<string, string>) => {
      t.git(['checkout', '-q', '-b', name, 'main']);
      for (const [p, text] of Object.entries(files)) t.write(p, text);
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', name]);
    };
    branch('agent/a', { 'api.ts': 'export const v = 2;\n', 'a-only.ts': 'a\n' });
    branch('agent/b', { 'api.ts': 'export const v = 3;\n', 'other.ts': 'y\n' });
    branch('agent/c', { 'c-only.ts': 'c\n' });
    t.git(['checkout', '-q', 'main']);
    const before = t.git(['status', '--porcelain']);
    const repo = await GitRepo.open(t.repo);

    expect(await repo.mergeTreeConflicts('agent/a', 'agent/c')).toEqual([]);
    expect(await repo.mergeTreeConflicts('agent/a', 'agent/b')).toEqual(['api.ts']);
    expect(t.git(['status', '--porcelain'])).toBe(before);

    const err = await repo.mergeTreeConflicts('agent/a', 'agent/missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuperviseError);
    expect((err as SuperviseError).message).toMatch(/^cannot compare branches "agent\/a" and "agent\/missing"/);
  });
});

describe('diffStat refusals', () => {
  it('says which directory it could not read', async () => {
    const repo = await GitRepo.open(t.repo);
    const { commit } = await repo.resolveBase();
    const outside = makeRepo({ init: false });
    try {
      const err = await repo.diffStat(outside.repo, commit).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SuperviseError);
      expect((err as SuperviseError).message).toMatch(new RegExp(`^cannot read the changes in ${outside.repo}: `));
    } finally {
      outside.cleanup();
    }
  });
});
