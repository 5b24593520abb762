/**
 * The conflict radar on real repositories: conflicts predicted from uncommitted edits, files two
 * agents share without conflict, contract warnings across TS, Python and Go imports, and the base
 * branch moving under an agent — with the agents' own index and files left as they were.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitRunner } from '../../src/git/run.js';
import { Radar } from '../../src/radar/radar.js';
import { ownFiles } from '../../src/supervisor/ownFiles.js';
import type { Supervisor } from '../../src/supervisor/supervisor.js';
import { teamHandoff } from '../fixtures/teamHandoff.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { createSupervisor } from '../helpers/supervisor.js';
import { waitFor } from '../helpers/wait.js';
import { CLI, makeTeam, startHeadless, type Team } from '../helpers/headless.js';
import { makeTempRepo, type TempRepo } from '../helpers/tempRepo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function write(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

/** A repository with `files` committed on main and one worktree per agent, as the supervisor makes them. */
function setup(files: Record<string, string>, agents: string[]): { repo: TempRepo; trees: Record<string, string> } {
  const r = makeTempRepo();
  write(r.dir, files);
  r.git('add', '-A');
  r.git('commit', '-q', '-m', 'project');
  const trees: Record<string, string> = {};
  for (const name of agents) {
    trees[name] = join(r.dir, '.supervise', 'worktrees', name);
    r.git('worktree', 'add', '-q', '-b', `agent/${name}`, trees[name]!);
  }
  return { repo: r, trees };
}

const radarOf = (r: TempRepo) => new Radar({ git: new GitRunner(), root: r.dir, base: 'main', exclude: ownFiles('HANDOFF.md') });
const agentsOf = (trees: Record<string, string>) => Object.entries(trees).map(([name, worktree]) => ({ name, worktree }));

const API = 'export interface Order { id: string }\nexport function total(o: Order): number {\n  return 0;\n}\n';

describe('conflict radar', () => {
  it('predicts a conflict from two agents editing the same lines, none of it committed or staged', async () => {
    const s = setup({ 'src/api.ts': API, 'src/other.ts': 'export const x = 1;\n' }, ['alpha', 'bravo', 'carol']);
    repo = s.repo;
    write(s.trees.alpha!, { 'src/api.ts': API.replace('id: string', 'id: number') });
    write(s.trees.bravo!, { 'src/api.ts': API.replace('id: string', 'orderId: string') });
    // carol touches the same file in another place: shared, but it merges cleanly
    write(s.trees.carol!, { 'src/api.ts': `${API}export const VERSION = 2;\n`, 'HANDOFF.md': '# mine\n' });
    const statusBefore = repo.git('-C', s.trees.alpha!, 'status', '--porcelain');

    const report = await radarOf(repo).refresh(agentsOf(s.trees));
    expect(report.skipped).toEqual([]);

    expect(report.findings.filter((f) => f.kind === 'conflict')).toEqual([
      { kind: 'conflict', agents: ['alpha', 'bravo'], files: ['src/api.ts'], detail: 'alpha and bravo would conflict in src/api.ts' },
    ]);
    expect(report.findings.filter((f) => f.kind === 'overlap').map((f) => [f.agents, f.files])).toEqual([
      [['alpha', 'carol'], ['src/api.ts']],
      [['bravo', 'carol'], ['src/api.ts']],
    ]);
    // the handoff is the supervisor's, never a conflict
    expect(JSON.stringify(report)).not.toContain('HANDOFF.md');
    // the agent's index and files are as they were
    expect(repo.git('-C', s.trees.alpha!, 'status', '--porcelain')).toBe(statusBefore);
    expect(repo.git('-C', s.trees.alpha!, 'diff', '--cached', '--name-only')).toBe('');
    expect(readFileSync(join(s.trees.alpha!, 'src/api.ts'), 'utf8')).toContain('id: number');
  });

  it('predicts a conflict with the base branch once it moved under an agent', async () => {
    const s = setup({ 'src/api.ts': API }, ['alpha']);
    repo = s.repo;
    write(s.trees.alpha!, { 'src/api.ts': API.replace('return 0', 'return 1') });
    write(repo.dir, { 'src/api.ts': API.replace('return 0', 'return 2') });
    repo.git('commit', '-q', '-am', 'landed elsewhere');
    const report = await radarOf(repo).refresh(agentsOf(s.trees));
    expect(report.skipped).toEqual([]);
    expect(report.findings).toEqual([
      { kind: 'conflict', agents: ['alpha', 'main'], files: ['src/api.ts'], base: true, detail: "alpha's work would conflict with main in src/api.ts" },
    ]);
  });

  it('warns when an agent imports a file another agent changed: TypeScript, Python, Go', async () => {
    const s = setup(
      {
        'src/api.ts': API,
        'src/client.ts': "import { total } from './api.js';\nexport const t = total;\n",
        'pkg/models.py': 'class Order: pass\n',
        'pkg/views.py': 'from .models import Order\n',
        'go.mod': 'module example.com/shop\n\ngo 1.22\n',
        'orders/orders.go': 'package orders\n\nfunc Total() int { return 0 }\n',
        'cmd/main.go': 'package main\n\nimport (\n\t"fmt"\n\t"example.com/shop/orders"\n)\n\nfunc main() { fmt.Println(orders.Total()) }\n',
      },
      ['alpha', 'bravo'],
    );
    repo = s.repo;
    // alpha changes the contracts; bravo, without committing, edits files that use them
    write(s.trees.alpha!, { 'src/api.ts': API.replace('id: string', 'id: number'), 'pkg/models.py': 'class Order:\n    id: int\n', 'orders/orders.go': 'package orders\n\nfunc Total(n int) int { return n }\n' });
    repo.git('-C', s.trees.alpha!, 'commit', '-q', '-am', 'new contracts');
    write(s.trees.bravo!, {
      'src/client.ts': "import type { Order } from './api';\nimport { total } from './api.js';\nexport const t = (o: Order): number => total(o);\n",
      'src/new.ts': "const api = require('./api');\n",
      'pkg/views.py': 'from .models import Order\n\ndef show(o: Order): pass\n',
      'cmd/main.go': 'package main\n\nimport (\n\t"fmt"\n\t"example.com/shop/orders"\n)\n\nfunc main() { fmt.Println(orders.Total()) }\n// v2\n',
    });

    const report = await radarOf(repo).refresh(agentsOf(s.trees));
    expect(report.skipped).toEqual([]);
    const contracts = report.findings.filter((f) => f.kind === 'contract');
    expect(contracts.map((f) => ({ agents: f.agents, files: f.files }))).toEqual([
      { agents: ['alpha', 'bravo'], files: ['orders/orders.go', 'cmd/main.go'] },
      { agents: ['alpha', 'bravo'], files: ['pkg/models.py', 'pkg/views.py'] },
      { agents: ['alpha', 'bravo'], files: ['src/api.ts', 'src/client.ts', 'src/new.ts'] },
    ]);
    expect(contracts[2]!.detail).toBe('bravo imports src/api.ts, changed by alpha (from src/client.ts, src/new.ts)');
    expect(report.findings.filter((f) => f.kind !== 'contract')).toEqual([]);
  });

  it('forgets a contract once the importing agent has landed, in the same radar', async () => {
    const s = setup({ 'src/api.ts': API, 'src/client.ts': "import { total } from './api.js';\n" }, ['alpha', 'carol']);
    repo = s.repo;
    write(s.trees.alpha!, { 'src/api.ts': API.replace('id: string', 'id: number') });
    write(s.trees.carol!, { 'src/client.ts': "import { total } from './api.js';\nexport const t = total;\n" });
    repo.git('-C', s.trees.carol!, 'commit', '-q', '-am', 'client');
    const radar = radarOf(repo);
    const agents = agentsOf(s.trees);
    expect((await radar.refresh(agents)).findings.map((f) => f.detail)).toEqual(['carol imports src/api.ts, changed by alpha (from src/client.ts)']);
    // carol's work lands on main: her worktree is as it was, but none of it differs from the base any more
    repo.git('merge', '-q', '--no-ff', '-m', 'land carol', 'agent/carol');
    expect((await radar.refresh(agents)).findings).toEqual([]);
  });
});

describe('supervise conflicts', () => {
  let team: Team | undefined;
  afterEach(() => {
    team?.cleanup();
    team = undefined;
  });

  const run = (t: Team, ...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'conflicts', ...args], { cwd: t.repo.dir, env: t.env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('prints the radar as JSON, exit 1 while there is something and 0 once there is nothing, with no supervisor running', () => {
    team = makeTeam(`version: 1
project: Shop
agents:
  - { name: alpha, task: Change the API, preset: custom, command: [FAKE] }
  - { name: bravo, task: Use the API, preset: custom, command: [FAKE] }
  - { name: carol, task: Not started, preset: custom, command: [FAKE] }
`);
    const t = team;
    write(t.repo.dir, { 'src/api.ts': API, 'src/client.ts': "import { total } from './api.js';\n" });
    t.repo.git('add', '-A');
    t.repo.git('commit', '-q', '-m', 'api');
    const trees: Record<string, string> = {};
    for (const name of ['alpha', 'bravo']) {
      trees[name] = join(t.repo.dir, '.supervise', 'worktrees', name);
      t.repo.git('worktree', 'add', '-q', '-b', `agent/${name}`, trees[name]!);
    }
    expect(run(t, '--json')).toMatchObject({ code: 0, stdout: '[]\n' });

    write(trees.alpha!, { 'src/api.ts': API.replace('id: string', 'id: number') });
    write(trees.bravo!, { 'src/api.ts': API.replace('id: string', 'key: string'), 'src/client.ts': "import { total } from './api.js';\nexport const t = total;\n" });
    const r = run(t, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([{ kind: 'conflict', agents: ['alpha', 'bravo'], files: ['src/api.ts'], detail: 'alpha and bravo would conflict in src/api.ts' }]);
    expect(r.stderr).toContain('no worktree yet for carol');

    // bravo drops its edit of the API: what is left is the contract
    write(trees.bravo!, { 'src/api.ts': API });
    const c = run(t, '--json');
    expect(c.code).toBe(1);
    expect(JSON.parse(c.stdout)).toEqual([{ kind: 'contract', agents: ['alpha', 'bravo'], files: ['src/api.ts', 'src/client.ts'], detail: 'bravo imports src/api.ts, changed by alpha (from src/client.ts)' }]);
    expect(run(t)).toMatchObject({ code: 1, stdout: '⚠ bravo imports src/api.ts, changed by alpha (from src/client.ts)\n' });

    write(trees.bravo!, { 'src/client.ts': "import { total } from './api.js';\n" });
    expect(run(t)).toMatchObject({ code: 0, stdout: '✓ no conflicts predicted between 2 agents and main\n' });
  });
});

describe('the radar beside a running supervisor', () => {
  let team: Team | undefined;
  let sup: Supervisor | undefined;
  afterEach(async () => {
    await sup?.shutdown();
    team?.cleanup();
    sup = undefined;
    team = undefined;
  });

  const agent = (name: string, edit: string) => `  - name: ${name}
    task: Work on ${edit}
    args: [--fake-record, SCRATCH/${name}.json, --fake-work, "50", --fake-interactive, --fake-edit, ${edit}]
`;

  /** A started supervisor over `agents` (agents.yaml entries), with `files` committed on main first. */
  async function running(agents: string, files: Record<string, string>, handoff?: string): Promise<{ t: Team; s: Supervisor }> {
    const t = (team = makeTeam(`version: 1\nproject: Shop\nhandoff: { enforce: off }\nagents:\n${agents}`, handoff ? { handoff } : {}));
    if (Object.keys(files).length) {
      write(t.repo.dir, files);
      t.repo.git('add', '-A');
      t.repo.git('commit', '-q', '-m', 'project');
    }
    const s = (sup = await createSupervisor(t));
    await s.start();
    return { t, s };
  }

  it("shows conflicts and contracts on the agents, writes them into every affected agent's synced handoff and the nudge", async () => {
    const { t, s } = await running(`${agent('alpha', 'src/api.ts')}${agent('bravo', 'src/api.ts')}${agent('carol', 'src/client.ts')}`, {
      'src/api.ts': API,
      'src/client.ts': "import { total } from './api.js';\n",
    });
    const warnings = (name: string) => s.agents().find((a) => a.name === name)!.warnings;
    // alpha and bravo both append to src/api.ts, none of it committed; carol's client imports it
    await waitFor(() => s.agents().every((a) => a.status === 'idle') && warnings('carol').length === 2 && warnings('alpha').length === 2, {
      timeout: 40_000,
      message: () => JSON.stringify(s.agents().map((a) => [a.name, a.status, a.warnings])),
    });
    expect(warnings('alpha')).toEqual(['✗ conflicts with bravo: src/api.ts', '⚠ carol imports src/api.ts, changed by alpha']);
    expect(warnings('bravo')).toEqual(['✗ conflicts with alpha: src/api.ts', '⚠ carol imports src/api.ts, changed by bravo']);
    expect(warnings('carol')).toEqual(['⚠ carol imports src/api.ts, changed by alpha', '⚠ carol imports src/api.ts, changed by bravo']);

    const summary = await s.sync();
    expect(summary.conflicts).toBeGreaterThanOrEqual(3);
    const blockersOf = (name: string) =>
      readFileSync(join(t.repo.dir, '.supervise', 'worktrees', name, 'HANDOFF.md'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('- ⚠'));
    for (const name of ['alpha', 'bravo', 'carol']) {
      expect(blockersOf(name)).toEqual(
        expect.arrayContaining([
          '- ⚠ merge conflict: alpha and bravo — src/api.ts',
          '- ⚠ contract: alpha and carol — carol imports src/api.ts, changed by alpha',
          '- ⚠ contract: bravo and carol — carol imports src/api.ts, changed by bravo',
        ]),
      );
    }
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')).toContain('⚠ merge conflict: alpha and bravo — src/api.ts');
    // the nudge each idle agent reads says what concerns it
    const nudge = (name: string) =>
      waitFor(() => readNdjson<{ type: string; line?: string }>(`${t.record(name)}.events`).find((e) => e.type === 'input' && /team handoff was synced/.test(e.line ?? ''))?.line, { timeout: 15_000 });
    expect(summary.nudged.sort()).toEqual(['alpha', 'bravo', 'carol']);
    expect(await nudge('alpha')).toContain('Its Blockers warn you: conflicts with bravo: src/api.ts; carol imports src/api.ts, changed by alpha.');
    expect(await nudge('carol')).toContain('carol imports src/api.ts, changed by alpha; carol imports src/api.ts, changed by bravo.');
  }, 90_000);

  it('tells the running agents when the base moves under them: a land from a shell syncs, with the Landed line', async () => {
    const { t, s } = await running(`${agent('alpha', 'src/a.ts')}${agent('bravo', 'src/b.ts')}`, {}, teamHandoff('Shop', 'Split the shop work'));
    const states = () => JSON.stringify(s.agents().map((a) => [a.name, a.status, a.warnings]));
    await waitFor(() => s.agents().every((a) => a.status === 'idle'), { timeout: 40_000, message: states });
    const land = spawnSync(process.execPath, [CLI, 'land', 'alpha', '--commit'], { cwd: t.repo.dir, env: t.env, encoding: 'utf8' });
    expect(land.stderr).toBe('A supervisor running here sees the base move and syncs its agents within a few seconds.\n');
    expect(land.status).toBe(0);
    const bravoHandoff = join(t.repo.dir, '.supervise', 'worktrees', 'bravo', 'HANDOFF.md');
    await waitFor(() => readFileSync(bravoHandoff, 'utf8').includes('Landed: alpha (agent/alpha) into main'), { timeout: 20_000, message: () => readFileSync(bravoHandoff, 'utf8') });
    const nudged = await waitFor(() => readNdjson<{ type: string; line?: string }>(`${t.record('bravo')}.events`).find((e) => e.type === 'input' && /team handoff was synced/.test(e.line ?? '')), { timeout: 15_000 });
    expect(nudged).toBeDefined();
  }, 90_000);

  it('headless: agents that edit, work on without a status change and end get their conflict into the team handoff', async () => {
    team = makeTeam(`version: 1
project: Shop
handoff: { enforce: off }
agents:
  - name: alpha
    task: Work on src/api.ts
    args: [--fake-work, "3000", --fake-edit, src/api.ts]
  - name: bravo
    task: Work on src/api.ts too
    args: [--fake-work, "3000", --fake-edit, src/api.ts]
`, { handoff: teamHandoff('Shop', 'Split the shop work') });
    const t = team;
    write(t.repo.dir, { 'src/api.ts': API });
    t.repo.git('add', '-A');
    t.repo.git('commit', '-q', '-m', 'api');
    const run = startHeadless(t);
    expect((await run.exited).code).toBe(0);
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8')).toContain('- ⚠ merge conflict: alpha and bravo — src/api.ts');
    expect(run.lines().some((l) => Array.isArray(l.warnings) && (l.warnings as string[]).includes('✗ conflicts with bravo: src/api.ts'))).toBe(true);
  }, 60_000);

  it('sees a worktree change while every agent sits idle, with no status change and no sync', async () => {
    const { t, s } = await running(`${agent('alpha', 'src/api.ts')}${agent('bravo', 'src/other.ts')}`, { 'src/api.ts': API, 'src/other.ts': 'export const x = 1;\n' });
    const warnings = (name: string) => s.agents().find((a) => a.name === name)!.warnings;
    const states = () => JSON.stringify(s.agents().map((a) => [a.name, a.status, a.warnings]));
    await waitFor(() => s.agents().every((a) => a.status === 'idle'), { timeout: 40_000, message: states });
    expect(warnings('bravo')).toEqual([]);
    // someone edits bravo's worktree by hand: what alpha and bravo changed now meets
    const statuses = s.agents().map((a) => a.status);
    const bravo = join(t.repo.dir, '.supervise', 'worktrees', 'bravo');
    write(bravo, { 'src/api.ts': `${API}export const VERSION = 2;\n` });
    await waitFor(() => warnings('bravo').length > 0, { timeout: 20_000, message: states });
    expect(warnings('bravo')).toEqual(['✗ conflicts with alpha: src/api.ts']);
    // undone, and a file in folders made now imports alpha's file instead
    t.repo.git('-C', bravo, 'checkout', '--', 'src/api.ts');
    write(bravo, { 'lib/new/use.ts': "import { total } from '../../src/api.js';\n" });
    await waitFor(() => warnings('bravo')[0]?.startsWith('⚠ bravo imports'), { timeout: 20_000, message: states });
    expect(warnings('bravo')).toEqual(['⚠ bravo imports src/api.ts, changed by alpha']);
    // an edit deep in the new folders is seen too
    write(bravo, { 'lib/new/use.ts': 'export const none = 0;\n' });
    await waitFor(() => warnings('bravo').length === 0, { timeout: 20_000, message: states });
    expect(s.agents().map((a) => a.status)).toEqual(statuses);
  }, 90_000);
});
