import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitRunner } from '../git/run.js';
import { makeTempRepo, type TempRepo } from '../../test/helpers/tempRepo.js';
import { waitFor } from '../../test/helpers/wait.js';
import { snapshotWorktree } from './snapshot.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

const changedIn = (dir: string, commit: string): string[] =>
  execFileSync('git', ['diff', '--name-only', 'HEAD', commit], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);

describe('snapshotWorktree', () => {
  it('sees a same-size edit made in the second the worktree was checked out, seconds later', async () => {
    repo = makeTempRepo();
    writeFileSync(join(repo.dir, 'api.ts'), 'export const port = 8080;\n');
    repo.git('add', 'api.ts');
    repo.git('commit', '-q', '-m', 'api');
    const wt = join(repo.dir, '..', `${repo.dir.split('/').pop()}-wt`);
    repo.git('worktree', 'add', '-q', '-b', 'agent/a', wt);
    // Same size, same second as the index was written: only git's racy-clean check catches it.
    writeFileSync(join(wt, 'api.ts'), 'export const port = 9090;\n');
    const second = Math.floor(Date.now() / 1000);
    await waitFor(() => Math.floor(Date.now() / 1000) >= second + 2, { timeout: 5000, message: 'the clock to pass two seconds' });
    const snap = await snapshotWorktree(new GitRunner(), wt);
    expect(changedIn(wt, snap.commit)).toEqual(['api.ts']);
    // The agent's own index and files are as they were.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: wt, encoding: 'utf8' })).toBe(' M api.ts\n');
    execFileSync('rm', ['-rf', wt]);
  });
});
