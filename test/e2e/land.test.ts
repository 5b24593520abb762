/**
 * `supervise land` and `supervise clean` (the built CLI) on real repositories: agents' worktrees
 * made the way the supervisor makes them (its own files kept out of commits), agents' work
 * committed in them, then landed into main.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo } from '../../src/git/git.js';
import { ownFiles } from '../../src/supervisor/ownFiles.js';
import { teamHandoff } from '../fixtures/teamHandoff.js';
import { FAKE_AGENT } from '../helpers/fakeAgent.js';
import { CLI } from '../helpers/headless.js';
import { makeTempRepo, type TempRepo } from '../helpers/tempRepo.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
});

function agentHandoff(agent: string): string {
  return `# HANDOFF - Land

## Current State
- Status: Done

## Completed
- [x] Logout endpoint with token invalidation

## In Progress

## Blockers
- Decided AGAINST redis for sessions (overkill for the MVP)
- Waiting on the design review

## Next Steps
1. Tests for ${agent}

## Key Decisions
- Tokens are invalidated in the database, not in memory
`;
}

interface Team {
  repo: TempRepo;
  wt(agent: string): string;
  /** git in an agent's worktree. */
  inWt(agent: string, ...args: string[]): string;
  /** Writes a file in the agent's worktree and commits it. */
  commit(agent: string, file: string, text: string): void;
  land(...args: string[]): { code: number | null; stdout: string; stderr: string };
}

async function makeTeam(names: string[], opts: { handoffCommitted?: boolean } = {}): Promise<Team> {
  const repo = makeTempRepo();
  repos.push(repo);
  const agents = names.map((n) => `  - name: ${n}\n    preset: custom\n    task: ${JSON.stringify(`Implement ${n}`)}\n    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_AGENT)}]`);
  writeFileSync(join(repo.dir, 'agents.yaml'), `version: 1\nproject: Land\nbase: main\nagents:\n${agents.join('\n')}\n`);
  writeFileSync(join(repo.dir, '.gitignore'), '.supervise/\n');
  writeFileSync(join(repo.dir, 'shared.txt'), 'one\ntwo\nthree\n');
  writeFileSync(join(repo.dir, 'HANDOFF.md'), teamHandoff('Land', 'Land the agents'));
  repo.git('add', '.gitignore', 'agents.yaml', 'shared.txt', ...(opts.handoffCommitted === false ? [] : ['HANDOFF.md']));
  repo.git('commit', '-q', '-m', 'team');
  const git = await GitRepo.open(repo.dir);
  const wt = (a: string) => join(repo.dir, '.supervise', 'worktrees', a);
  await git.ensureWorktrees(names.map((n) => ({ name: n, branch: `agent/${n}`, path: wt(n) })), 'main', ownFiles('HANDOFF.md'));
  const inWt = (a: string, ...args: string[]) => {
    const r = spawnSync('git', args, { cwd: wt(a), encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  for (const n of names) writeFileSync(join(wt(n), 'HANDOFF.md'), agentHandoff(n));
  return {
    repo,
    wt,
    inWt,
    commit: (a, file, text) => {
      mkdirSync(join(wt(a), file, '..'), { recursive: true });
      writeFileSync(join(wt(a), file), text);
      inWt(a, 'add', '-A');
      inWt(a, 'commit', '-q', '-m', `${a}: ${file}`);
    },
    land: (...args) => {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

/** Everything a refused land must leave as it was. */
function snapshot(t: Team, agent: string) {
  return {
    main: t.repo.git('rev-parse', 'main'),
    branch: t.repo.git('rev-parse', `agent/${agent}`),
    mainStatus: t.repo.git('status', '--porcelain'),
    wtStatus: t.inWt(agent, 'status', '--porcelain'),
    wtHead: t.inWt(agent, 'rev-parse', 'HEAD'),
    team: readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8'),
  };
}

describe('supervise land', () => {
  it('merges the branch with a message from the handoff and only adds the landed line to the team handoff', async () => {
    const t = await makeTeam(['backend']);
    t.commit('backend', 'src/api.ts', 'export const logout = 1;\n');
    const team = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
    const r = t.land('land', 'backend');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/landed backend: agent\/backend into main as [0-9a-f]{7}/);
    expect(t.repo.git('log', '-1', '--format=%P').trim().split(' ')).toHaveLength(2);
    const msg = t.repo.git('log', '-1', '--format=%B');
    expect(msg.split('\n')[0]).toBe('Implement backend');
    expect(msg).toContain('- Logout endpoint with token invalidation');
    expect(msg).toContain('Key decisions:\n- Tokens are invalidated in the database, not in memory');
    expect(msg).toContain('Decided against:\n- Decided AGAINST redis for sessions (overkill for the MVP)');
    expect(msg).not.toContain('design review');
    expect(readFileSync(join(t.repo.dir, 'src/api.ts'), 'utf8')).toContain('logout');
    const after = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
    const head = t.repo.git('rev-parse', '--short=7', 'HEAD').trim();
    const landed = `- Landed: backend (agent/backend) into main as ${head}\n`;
    expect(after).toContain(`- Status: Not started\n${landed}\n## Completed`);
    expect(after.replace(landed, '')).toBe(team);
    // The branch and worktree are still there: nothing is deleted by landing.
    expect(existsSync(t.wt('backend'))).toBe(true);
    expect(t.land('land', 'backend').stdout).toContain('nothing to land');
  });

  it('refuses a predicted conflict, naming the file, and changes nothing', async () => {
    const t = await makeTeam(['backend']);
    t.commit('backend', 'shared.txt', 'one\nTWO from backend\nthree\n');
    writeFileSync(join(t.repo.dir, 'shared.txt'), 'one\nTWO from main\nthree\n');
    t.repo.git('commit', '-q', '-am', 'main changes shared');
    const before = snapshot(t, 'backend');
    for (const args of [['land', 'backend'], ['land', 'backend', '--squash'], ['land', 'backend', '--dry-run']]) {
      const r = t.land(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/cannot land backend: merging agent\/backend into main would conflict in shared\.txt/);
      expect(snapshot(t, 'backend')).toEqual(before);
    }
  });

  it('refuses a dirty main checkout, another branch there, and an unknown agent', async () => {
    const t = await makeTeam(['backend']);
    t.commit('backend', 'src/api.ts', 'x\n');
    writeFileSync(join(t.repo.dir, 'README.md'), 'edited\n');
    let r = t.land('land', 'backend');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the main checkout has uncommitted changes in README.md');
    t.repo.git('checkout', '-q', '--', 'README.md');
    // The team handoff changing under the supervisor does not count.
    writeFileSync(join(t.repo.dir, 'HANDOFF.md'), `${readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')}\n`);
    t.repo.git('switch', '-q', '-c', 'other');
    r = t.land('land', 'backend');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is on branch "other", not on base "main"');
    t.repo.git('switch', '-q', 'main');
    r = t.land('land', 'nobody');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no agent named "nobody"');
    expect(t.land('land', 'backend').code).toBe(0);
  });

  it('refuses uncommitted work, and --commit commits it without the handoff first', async () => {
    const t = await makeTeam(['backend']);
    writeFileSync(join(t.wt('backend'), 'notes.md'), 'uncommitted\n');
    const before = snapshot(t, 'backend');
    const r = t.land('land', 'backend');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('backend has uncommitted work in notes.md');
    expect(r.stderr).toContain('--commit');
    expect(snapshot(t, 'backend')).toEqual(before);
    const ok = t.land('land', 'backend', '--commit', '--squash');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('uncommitted work committed first');
    expect(t.inWt('backend', 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('notes.md');
    expect(t.inWt('backend', 'log', '-1', '--format=%s')).toContain('backend: Implement backend');
    expect(t.inWt('backend', 'status', '--porcelain')).toBe('');
    // Squashed: one parent, the file on main, the team handoff's text from the agent nowhere.
    expect(t.repo.git('log', '-1', '--format=%P').trim().split(' ')).toHaveLength(1);
    expect(t.repo.git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('notes.md');
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')).not.toContain('Tests for backend');
  });

  it('--commit works when the team handoff is not tracked on base (ignored in the worktree)', async () => {
    const t = await makeTeam(['backend'], { handoffCommitted: false });
    writeFileSync(join(t.wt('backend'), 'notes.md'), 'uncommitted\n');
    const ok = t.land('land', 'backend', '--commit');
    expect(ok.code, ok.stderr).toBe(0);
    expect(t.inWt('backend', 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('notes.md');
    expect(t.repo.git('ls-files', 'HANDOFF.md').trim()).toBe('');
  });

  it('refuses a branch that carries the team handoff (force-added by the agent)', async () => {
    const t = await makeTeam(['backend'], { handoffCommitted: false });
    t.inWt('backend', 'add', '-f', 'HANDOFF.md');
    t.inWt('backend', 'commit', '-q', '-m', 'oops');
    const before = snapshot(t, 'backend');
    const r = t.land('land', 'backend');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("agent/backend changes the supervisor's own HANDOFF.md");
    expect(snapshot(t, 'backend')).toEqual(before);
  });
});

describe('supervise clean', () => {
  it('refuses unlanded work and removes worktree and branch once landed', async () => {
    const t = await makeTeam(['backend', 'docs']);
    t.commit('backend', 'src/api.ts', 'x\n');
    let r = t.land('clean', 'backend');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot clean backend: agent\/backend has 1 commit not on main \([0-9a-f]+ "backend: src\/api.ts"\)/);
    writeFileSync(join(t.wt('docs'), 'draft.md'), 'draft\n');
    r = t.land('clean', 'docs');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has uncommitted changes in draft.md');
    expect(existsSync(t.wt('backend'))).toBe(true);
    expect(t.repo.git('branch', '--list', 'agent/*')).toContain('agent/backend');

    expect(t.land('land', 'backend', '--squash').code).toBe(0);
    r = t.land('clean', 'backend', '--dry-run');
    expect(r.stdout).toContain('would remove');
    expect(existsSync(t.wt('backend'))).toBe(true);
    r = t.land('clean', 'backend');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(t.wt('backend'))).toBe(false);
    expect(t.repo.git('branch', '--list', 'agent/backend')).toBe('');
    expect(readFileSync(join(t.repo.dir, 'src/api.ts'), 'utf8')).toBe('x\n');
  });
});

describe('supervise land --all', () => {
  it('lands in an order that avoids conflicts and stops at the first it cannot land', async () => {
    const t = await makeTeam(['a', 'b', 'c']);
    t.commit('a', 'shared.txt', 'one\nTWO by a\nthree\n');
    t.commit('b', 'shared.txt', 'one\nTWO by b\nthree\n');
    t.commit('c', 'c.txt', 'c\n');
    const main = t.repo.git('rev-parse', 'main');
    const dry = t.land('land', '--all', '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/a: would land agent\/a[\s\S]*c: would land agent\/c/);
    expect(dry.stderr).toMatch(/stopped after 2 landings: cannot land b: merging agent\/b into main would conflict in shared\.txt/);
    expect(t.repo.git('rev-parse', 'main')).toBe(main);

    const r = t.land('land', '--all');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/landed a:[\s\S]*landed c:/);
    expect(r.stderr).toContain('cannot land b');
    expect(t.repo.git('log', '--format=%s', '--first-parent', 'main').split('\n').slice(0, 2)).toEqual(['Implement c', 'Implement a']);
    const team = readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
    expect(team).toMatch(/- Landed: a \(agent\/a\)[^\n]*\n- Landed: c \(agent\/c\)/);
  });
});
