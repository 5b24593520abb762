import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { makeRepo, type TestRepo } from '../git/testRepo.js';
import type { Io } from '../commands/io.js';
import { runHeadless } from './headless.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

describe('runHeadless', () => {
  it("refuses agents whose command is missing before any worktree, branch or .supervise file exists", async () => {
    const r = makeRepo();
    repos.push(r);
    r.write(
      'agents.yaml',
      'version: 1\nproject: P\nagents:\n  - name: backend\n    task: t\n  - name: tests\n    task: t\n    preset: custom\n    command: [./scripts/my-agent]\n  - name: fine\n    task: t\n    preset: custom\n    command: [sh, -c, "exit 0"]\n',
    );
    r.git(['add', '.']);
    r.git(['commit', '-q', '-m', 'team']);
    const branchesBefore = r.git(['branch', '--list']);
    const out: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => out.push(t), color: false, cwd: r.repo, env: { PATH: '/usr/bin:/bin' } };
    const loaded = await loadConfig(join(r.repo, 'agents.yaml'));

    const err = await runHeadless(loaded, io, { json: false }).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^cannot start backend, tests: /);
    expect(existsSync(join(r.repo, '.supervise'))).toBe(false);
    expect(r.git(['branch', '--list'])).toBe(branchesBefore);
    expect(r.git(['worktree', 'list']).trim().split('\n')).toHaveLength(1);
    expect(out).toEqual([]);
  });
});
