import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../fsutil.js';
import { ownFiles } from '../supervisor/ownFiles.js';
import { GitRepo } from './git.js';
import { excludePatterns } from './ownFiles.js';
import { makeRepo, type TestRepo } from './testRepo.js';

const OWN = ownFiles('HANDOFF.md');
const TEAM = '# HANDOFF - team\n\n## Current State\n- Status: the team handoff\n';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const t of repos.splice(0)) t.cleanup();
});

/** A repository whose team HANDOFF.md is committed on main (`tracked`) or only on disk. */
function team(tracked: boolean): TestRepo {
  const t = makeRepo();
  repos.push(t);
  t.write('HANDOFF.md', TEAM);
  if (tracked) {
    t.git(['add', 'HANDOFF.md']);
    t.git(['commit', '-q', '-m', 'team handoff']);
  }
  return t;
}

function put(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** What an agent leaves in its worktree: its handoff, Claude's settings, and real work. */
function agentWork(wt: string): void {
  put(wt, 'HANDOFF.md', '# HANDOFF - agent x\n\n## Current State\n- Status: the agent copy\n');
  put(wt, '.claude/settings.local.json', '{"hooks":{}}\n');
  put(wt, 'src/app.ts', 'export const app = 1;\n');
}

const committed = (t: TestRepo, wt: string): string[] =>
  t.git(['show', '--name-only', '--format=', 'HEAD'], wt).split('\n').filter(Boolean);

async function worktree(t: TestRepo, own: ReadonlySet<string> = OWN): Promise<{ repo: GitRepo; wt: string; created: boolean }> {
  const repo = await GitRepo.open(t.repo);
  const wt = join(t.repo, '.supervise', 'worktrees', 'x');
  const [r] = await repo.ensureWorktrees([{ name: 'x', branch: 'agent/x', path: wt }], 'main', own);
  return { repo, wt, created: r!.created };
}

describe.each([
  ['tracked on base', true],
  ['untracked on base', false],
])('the supervisor files never ride on an agent commit: HANDOFF.md %s', (_, tracked) => {
  it('git add -A && git commit carries only the work, and merging it leaves the team handoff alone', async () => {
    const t = team(tracked);
    const { repo, wt } = await worktree(t);
    agentWork(wt);
    const base = t.git(['rev-parse', 'main']).trim();
    expect((await repo.diffStat(wt, base, OWN)).files).toEqual(['src/app.ts']);
    t.git(['add', '-A'], wt);
    t.git(['commit', '-q', '-m', 'x'], wt);
    expect(committed(t, wt)).toEqual(['src/app.ts']);

    // The supervisor rewrites the handoff (a sync) and the agent commits again.
    await writeFileAtomic(join(wt, 'HANDOFF.md'), `${TEAM}- synced\n`);
    put(wt, 'src/more.ts', 'export const more = 2;\n');
    t.git(['add', '-A'], wt);
    t.git(['commit', '-q', '-m', 'more'], wt);
    expect(committed(t, wt)).toEqual(['src/more.ts']);

    t.git(['merge', '-q', '--no-edit', 'agent/x']);
    expect(readFileSync(join(t.repo, 'HANDOFF.md'), 'utf8')).toBe(TEAM);
    expect(t.git(['ls-files', 'HANDOFF.md', '.claude'])).toBe(tracked ? 'HANDOFF.md\n' : '');
    expect(t.git(['status', '--porcelain', '--', 'HANDOFF.md'])).toBe(tracked ? '' : '?? HANDOFF.md\n');
  });

  it('git add ., git commit -a and an explicit git add leave them out too', async () => {
    const t = team(tracked);
    const { wt } = await worktree(t);
    agentWork(wt);
    t.git(['add', '.'], wt);
    expect(t.git(['diff', '--cached', '--name-only'], wt)).toBe('src/app.ts\n');
    expect(() => t.git(['add', 'HANDOFF.md'], wt)).toThrow(tracked ? /sparse-checkout/ : /ignored/);
    expect(() => t.git(['add', '.claude/settings.local.json'], wt)).toThrow(/ignored/);
    t.git(['commit', '-q', '-m', 'x'], wt);
    put(wt, 'src/app.ts', 'export const app = 2;\n');
    put(wt, 'HANDOFF.md', 'rewritten by the agent\n');
    t.git(['commit', '-q', '-a', '-m', 'all'], wt);
    expect(committed(t, wt)).toEqual(['src/app.ts']);
  });
});

describe('keeping the supervisor files out of commits', () => {
  it('applies to a reused worktree, unstaging what an earlier session staged, and is idempotent', async () => {
    const t = team(true);
    // A worktree from a supervise that did not protect anything, where the agent staged its handoff.
    const first = await worktree(t, new Set());
    agentWork(first.wt);
    t.git(['add', '-A'], first.wt);
    expect(t.git(['diff', '--cached', '--name-only'], first.wt)).toContain('HANDOFF.md');

    const again = await worktree(t);
    expect(again.created).toBe(false);
    const gitDir = t.git(['rev-parse', '--absolute-git-dir'], again.wt).trim();
    const state = () => [readFileSync(join(gitDir, 'config.worktree'), 'utf8'), readFileSync(join(gitDir, 'supervise-exclude'), 'utf8'), t.git(['ls-files', '-v'], again.wt)];
    const once = state();
    await worktree(t);
    expect(state()).toEqual(once);

    t.git(['add', '-A'], again.wt);
    t.git(['commit', '-q', '-m', 'x'], again.wt);
    expect(committed(t, again.wt)).toEqual(['src/app.ts']);
    t.git(['merge', '-q', '--no-edit', 'agent/x']);
    expect(readFileSync(join(t.repo, 'HANDOFF.md'), 'utf8')).toBe(TEAM);
  });

  it("keeps the user's own excludes working in the worktree", async () => {
    const t = team(false);
    writeFileSync(join(t.tmp, 'ignore'), '*.log\n');
    t.git(['config', 'core.excludesFile', join(t.tmp, 'ignore')]);
    const { wt } = await worktree(t);
    put(wt, 'debug.log', 'noise\n');
    agentWork(wt);
    t.git(['add', '-A'], wt);
    expect(t.git(['diff', '--cached', '--name-only'], wt)).toBe('src/app.ts\n');
  });

  it('leaves a bare repository with worktrees working', async () => {
    const t = team(true);
    const bare = join(t.tmp, 'bare.git');
    const main = join(t.tmp, 'main');
    t.git(['clone', '-q', '--bare', t.repo, bare], t.tmp);
    t.git(['worktree', 'add', '-q', main, 'main'], bare);
    const repo = await GitRepo.open(main);
    const wt = join(t.tmp, 'wt', 'x');
    await repo.ensureWorktrees([{ name: 'x', branch: 'agent/x', path: wt }], 'main', OWN);
    expect(t.git(['rev-parse', '--is-bare-repository'], bare).trim()).toBe('true');
    expect(t.git(['rev-parse', '--is-bare-repository'], main).trim()).toBe('false');
    expect(t.git(['status', '--porcelain'], main)).toBe('');
    agentWork(wt);
    t.git(['add', '-A'], wt);
    t.git(['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'x'], wt);
    expect(committed(t, wt)).toEqual(['src/app.ts']);
  });

  it('writes patterns that match only the files, anchored at the top', () => {
    expect(excludePatterns(['HANDOFF.md', '.claude/settings.local.json', 'docs/[x] #1!.md'])).toEqual([
      '/HANDOFF.md',
      '/.HANDOFF.md.*.tmp',
      '/.claude/settings.local.json',
      '/.claude/.settings.local.json.*.tmp',
      '/docs/\\[x\\]\\ \\#1\\!.md',
      '/docs/.\\[x\\]\\ \\#1\\!.md.*.tmp',
    ]);
  });
});
