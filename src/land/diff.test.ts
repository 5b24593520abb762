import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../../test/helpers/tempRepo.js';
import type { LoadedConfig } from '../config/types.js';
import { GitRepo, GitRunner } from '../git/git.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import { agentDiff } from './diff.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function loaded(root: string): LoadedConfig {
  return {
    config: {
      version: 1,
      project: 'P',
      base: 'main',
      worktreeDir: '.supervise/worktrees',
      handoff: { file: 'HANDOFF.md', budget: { total: 500, section: 100 }, encoding: 'cl100k_base', enforce: 'off' },
      sync: { notify: 'never' },
      agents: [{ name: 'backend', task: 'T', preset: 'custom', args: [], command: ['true'], branch: 'agent/backend', env: {}, after: [], review: { rounds: 3 } }],
      memory: { store: 'off', embedder: { provider: 'local' }, inject: { budget: 150 } },
    },
    file: join(root, 'agents.yaml'),
    root,
    worktreeRoot: join(root, '.supervise', 'worktrees'),
    handoffPath: join(root, 'HANDOFF.md'),
  };
}

describe('agentDiff', () => {
  it('shows commits, committed, uncommitted and new files, without the supervisor’s own files', async () => {
    const repo = makeTempRepo();
    repos.push(repo);
    writeFileSync(join(repo.dir, '.gitignore'), '.supervise/\n');
    repo.git('add', '.gitignore');
    repo.git('commit', '-q', '-m', 'ignore');
    const wt = join(repo.dir, '.supervise', 'worktrees', 'backend');
    await (await GitRepo.open(repo.dir)).ensureWorktrees([{ name: 'backend', branch: 'agent/backend', path: wt }], 'main', ownFiles('HANDOFF.md'));
    const git = (...args: string[]) => repo.git('-C', wt, ...args);
    writeFileSync(join(wt, 'README.md'), '# test repo\ncommitted line\n');
    git('commit', '-q', '-am', 'backend: readme');
    writeFileSync(join(wt, 'README.md'), '# test repo\ncommitted line\nuncommitted line\n');
    mkdirSync(join(wt, 'src'));
    writeFileSync(join(wt, 'src', 'new.ts'), 'export {};\n');
    writeFileSync(join(wt, 'HANDOFF.md'), '# HANDOFF - secret\n');
    const d = await agentDiff({ loaded: loaded(repo.dir), git: new GitRunner() }, 'backend');
    expect(d.commits.map((c) => c.subject)).toEqual(['backend: readme']);
    expect(d.files).toEqual(['README.md', 'src/new.ts']);
    expect(d.lines).toContain('+committed line');
    expect(d.lines).toContain('+uncommitted line');
    expect(d.lines).toContain('+export {};');
    expect(d.lines.join('\n')).not.toContain('HANDOFF');
    expect(d.base).toBe('main');
  });
});
