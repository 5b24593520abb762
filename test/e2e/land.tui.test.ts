// The diff view (d) and landing (m) in the built `supervise`, driven in tmux as a person would:
// two fake agents commit their work; d shows alpha's diff and q closes it; m asks with the diff
// stat and y lands alpha into main; a conflict made on main is named in beta's dialog and
// nothing lands. Needs `npm run build` first.
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffTemplate } from '../../src/handoff/template.js';
import { FAKE_AGENT, readNdjson } from '../helpers/fakeAgent.js';
import { CLI, supervisorExited } from '../helpers/headless.js';
import { makeTempRepo, type TempRepo } from '../helpers/tempRepo.js';
import { Tmux, tmuxMissing } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const AGENTS = [
  { name: 'alpha', edit: 'src/alpha.ts' },
  { name: 'beta', edit: 'README.md' },
];

describe.skipIf(!!tmuxMissing())('d and m in a terminal', () => {
  let repo: TempRepo;
  let records: string;
  const tmux = new Tmux('supervise-land', { cols: 120, rows: 40 });

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    repo = makeTempRepo();
    records = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-land-records-')));
    const q = (s: string) => JSON.stringify(s);
    const agents = AGENTS.map((a) =>
      [
        `  - name: ${a.name}`,
        '    preset: custom',
        `    task: ${q(`Build ${a.name}`)}`,
        `    command: [${[process.execPath, FAKE_AGENT, '--fake-record', join(records, `${a.name}.json`), '--fake-edit', a.edit, '--fake-work', '100', '--fake-commit', '--fake-interactive'].map(q).join(', ')}]`,
      ].join('\n'),
    );
    writeFileSync(join(repo.dir, 'agents.yaml'), `version: 1\nproject: Land TUI\nhandoff: { enforce: off }\nagents:\n${agents.join('\n')}\n`);
    writeFileSync(join(repo.dir, 'HANDOFF.md'), handoffTemplate({ project: 'Land TUI' }));
    writeFileSync(join(repo.dir, '.gitignore'), '.supervise/\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'agents');
    const script = join(records, 'run.sh');
    const ident = 'GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com';
    writeFileSync(script, [`env ${ident} ${q(process.execPath)} ${q(CLI)}`, "printf 'supervise exited %s\\n' \"$?\"", 'exec sleep 600'].join('\n'));
    tmux.start(repo.dir, script);
  });

  afterAll(async () => {
    tmux.kill();
    if (repo) await supervisorExited(repo.dir);
    repo?.cleanup();
    if (records) rmSync(records, { recursive: true, force: true });
  });

  const committed = (agent: string) => readNdjson<{ type: string; status?: number }>(join(records, `${agent}.json.events`)).some((e) => e.type === 'commit' && e.status === 0);

  it('shows the selected agent’s diff with d and closes it with q', async () => {
    await tmux.until((s) => s.includes('┌ agents'), 'the sidebar');
    await waitFor(() => AGENTS.every((a) => committed(a.name)), { timeout: 20_000, message: 'both agents committed' });
    tmux.keys('d');
    const screen = await tmux.until((s) => s.includes('diff · alpha') && s.includes('+edited by alpha'), 'alpha’s diff');
    expect(screen).toContain('agent/alpha vs main · 1 file +1 -0 · 1 commit');
    expect(screen).toMatch(/[0-9a-f]{7} alpha: Build alpha/);
    expect(screen).toContain('diff --git a/src/alpha.ts b/src/alpha.ts');
    expect(screen).toContain('q/esc back');
    tmux.keys('q');
    await tmux.until((s) => !s.includes('diff · alpha') && s.includes('┌ alpha · agent/alpha'), 'the panes again, still running');
  });

  it('lands alpha with m and y: a merge commit on main and a Landed line in the team handoff', async () => {
    const before = repo.git('rev-parse', 'main').trim();
    tmux.keys('m');
    await tmux.until((s) => s.includes('land alpha: agent/alpha → main') && s.includes('1 commit, 1 file +1 -0'), 'the land dialog with the diff stat');
    await tmux.until((s) => s.includes('land it into main and sync the agents? (y/n)'), 'the question');
    tmux.keys('y');
    await tmux.until((s) => /landed alpha into main as [0-9a-f]{7}; agents synced/.test(s), 'the landing and the sync after it reported');
    expect(repo.git('rev-parse', 'main^1').trim()).toBe(before);
    expect(repo.git('log', '-1', '--format=%s', 'main').trim()).toBe('Build alpha');
    expect(readFileSync(join(repo.dir, 'src/alpha.ts'), 'utf8')).toContain('edited by alpha');
    // The sync after the landing keeps the line, and hands it to the agents' worktrees.
    expect(readFileSync(join(repo.dir, 'HANDOFF.md'), 'utf8')).toMatch(/- Landed: alpha \(agent\/alpha\) into main as [0-9a-f]{7}/);
    expect(readFileSync(join(repo.dir, '.supervise', 'worktrees', 'beta', 'HANDOFF.md'), 'utf8')).toContain('- Landed: alpha (agent/alpha) into main');
  });

  it('names a predicted conflict in the dialog and lands nothing', async () => {
    writeFileSync(join(repo.dir, 'README.md'), '# test repo\nchanged on main\n');
    repo.git('commit', '-q', '-m', 'main changes the README', '--', 'README.md');
    const before = repo.git('rev-parse', 'main').trim();
    tmux.keys('2');
    await tmux.until((s) => s.includes('┌ beta · agent/beta'), 'beta’s pane');
    tmux.keys('m');
    await tmux.until((s) => s.includes('✗ conflict predicted against main: README.md'), 'the conflict named');
    tmux.keys('y');
    tmux.keys('Escape');
    await tmux.until((s) => !s.includes('conflict predicted') && s.includes('┌ beta · agent/beta'), 'the dialog closed');
    expect(repo.git('rev-parse', 'main').trim()).toBe(before);
  });

  it('quits cleanly', async () => {
    tmux.keys('q');
    await tmux.until((s) => s.includes('stop them and quit? (y/n)'), 'the quit question');
    tmux.keys('y');
    const screen = await tmux.until((s) => s.includes('supervise exited'), 'supervise to exit', 30_000);
    expect(screen).toContain('supervise exited 0');
  });
});
