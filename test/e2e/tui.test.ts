// The built `supervise` in a real terminal (tmux), driven by keys and checked by what a person
// would see: sidebar, live pane, selecting, attaching and typing, detaching, the handoff view,
// sync, and quitting with every agent process gone and the terminal restored.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffTemplate } from '../../src/handoff/template.js';
import { FAKE_AGENT, readNdjson } from '../helpers/fakeAgent.js';
import { makeTempRepo, type TempRepo } from '../helpers/tempRepo.js';
import { supervisorExited } from '../helpers/headless.js';
import { alive } from '../helpers/process.js';
import { Tmux, tmuxMissing } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));




const AGENTS = [
  { name: 'alpha', flags: ['--fake-interactive'] },
  { name: 'beta', flags: ['--fake-interactive'] },
  { name: 'gamma', flags: ['--fake-work', '200'] },
];

describe.skipIf(!!tmuxMissing())('supervise in a terminal', () => {
  let repo: TempRepo;
  let records: string;
  const tmux = new Tmux('supervise-e2e', { cols: 120, rows: 36 });

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    repo = makeTempRepo();
    records = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-e2e-records-')));
    const q = (s: string) => JSON.stringify(s);
    const agents = AGENTS.map((a) =>
      [
        `  - name: ${a.name}`,
        '    preset: custom',
        `    task: ${q(`be ${a.name}`)}`,
        `    command: [${[process.execPath, FAKE_AGENT, '--fake-record', join(records, `${a.name}.json`), ...a.flags].map(q).join(', ')}]`,
      ].join('\n'),
    );
    writeFileSync(join(repo.dir, 'agents.yaml'), `version: 1\nproject: E2E\nagents:\n${agents.join('\n')}\n`);
    writeFileSync(join(repo.dir, 'HANDOFF.md'), handoffTemplate({ project: 'E2E' }));
    writeFileSync(join(repo.dir, '.gitignore'), '.supervise/\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'agents');
    // Run as under CI (CI=true): the TUI must draw in a real terminal all the same.
    const script = join(records, 'run.sh');
    writeFileSync(
      script,
      [
        "printf 'before the TUI\\n'",
        `env CI=true CONTINUOUS_INTEGRATION=true ${q(process.execPath)} ${q(CLI)}`,
        "printf 'supervise exited %s\\n' \"$?\"",
        'exec sleep 600',
      ].join('\n'),
    );
    tmux.start(repo.dir, script);
  });

  afterAll(async () => {
    tmux.kill();
    if (repo) await supervisorExited(repo.dir);
    repo?.cleanup();
    if (records) rmSync(records, { recursive: true, force: true });
  });

  it('lists the agents with their statuses and shows the focused agent’s output', async () => {
    await tmux.until((s) => s.includes('┌ agents'), 'the sidebar');
    await tmux.until((s) => /1 […●◐○] alpha/.test(s) && /2 […●◐○] beta/.test(s), 'alpha and beta in the sidebar');
    await tmux.until((s) => /3 ✓ gamma\s+exit 0/.test(s), 'gamma exited 0');
    await tmux.until((s) => s.includes('┌ alpha · agent/alpha') && s.includes('fake-agent · alpha'), 'alpha’s pane with its output');
    expect(tmux.screen()).toContain('q quit');
  });

  it('selects the second agent with 2, attaches with enter, and what is typed reaches it', async () => {
    tmux.keys('2');
    await tmux.until((s) => s.includes('┌ beta · agent/beta'), 'beta’s pane');
    await tmux.until((s) => /2 ○ beta\s+idle/.test(s), 'beta waiting at its prompt');
    tmux.keys('Enter');
    await tmux.until((s) => s.includes('ATTACHED'), 'the attached marker');
    tmux.type('hello-e2e');
    tmux.keys('Enter');
    await tmux.until((s) => s.includes('echo: hello-e2e'), 'beta’s echo');
    // beta never asked for bracketed paste: the paste reaches it without the markers.
    tmux.paste('pasted-line');
    tmux.keys('Enter');
    await tmux.until((s) => /echo: pasted-line\s*│/.test(s), 'the pasted line’s echo, unwrapped');
    const events = readNdjson<{ type: string; line?: string }>(join(records, 'beta.json.events'));
    expect(events.filter((e) => e.type === 'input').map((e) => e.line)).toEqual(['hello-e2e', 'pasted-line']);
    expect(readNdjson<{ type: string }>(join(records, 'alpha.json.events')).some((e) => e.type === 'input')).toBe(false);
  });

  it('detaches with ctrl-]', async () => {
    tmux.keys('C-]');
    await tmux.until((s) => !s.includes('ATTACHED') && s.includes('enter attach'), 'the panes key bar again');
  });

  it('shows the merged handoff with h and goes back with esc', async () => {
    tmux.keys('h');
    await tmux.until((s) => s.includes('Team handoff') && /team\s+\| alpha \| beta \| gamma/.test(s), 'the handoff view');
    await tmux.until((s) => /Blockers\s+[█░]+ \d+\/\d+/.test(s), 'a section token bar');
    tmux.keys('Escape');
    await tmux.until((s) => !s.includes('Team handoff') && s.includes('┌ beta · agent/beta'), 'the panes again');
  });

  it('reports the sync', async () => {
    tmux.keys('s');
    await tmux.until((s) => /synced \d+ worktrees?, nudged \d+/.test(s), 'the sync report');
  });

  it('quits with q and y: the terminal is restored and no agent process remains', async () => {
    const pids = AGENTS.map((a) => (JSON.parse(readFileSync(join(records, `${a.name}.json`), 'utf8')) as { pid: number }).pid);
    expect(pids.filter(alive).length).toBeGreaterThan(0);
    tmux.keys('q');
    await tmux.until((s) => s.includes('stop them and quit? (y/n)'), 'the quit question');
    tmux.keys('y');
    const screen = await tmux.until((s) => s.includes('supervise exited'), 'supervise to exit', 30_000);
    expect(screen).toContain('supervise exited 0');
    expect(screen).toContain('before the TUI');
    expect(screen).not.toContain('┌ agents');
    await waitFor(() => pids.every((pid) => !alive(pid)), { message: () => `agent processes gone: ${pids.filter(alive).join(', ')} still alive` });
    const state = JSON.parse(readFileSync(join(repo.dir, '.supervise', 'state.json'), 'utf8')) as { agents: { name: string; status: string }[] };
    expect(state.agents.map((a) => `${a.name} ${a.status}`)).toEqual(['alpha stopped', 'beta stopped', 'gamma exited']);
  });
});

describe.skipIf(!!tmuxMissing())('supervise in a terminal that hangs up', () => {
  const tmux = new Tmux('supervise-e2e-hup', { cols: 120, rows: 36 });
  let repo: TempRepo | undefined;

  afterAll(async () => {
    tmux.kill();
    if (repo) await supervisorExited(repo.dir);
    repo?.cleanup();
  });

  it('stops its agents and lets go of the repository, so the next start is not called a crash', async () => {
    repo = makeTempRepo();
    const q = (s: string) => JSON.stringify(s);
    writeFileSync(join(repo.dir, 'agents.yaml'), `version: 1\nproject: Hang-up\nagents:\n  - name: solo\n    preset: custom\n    task: wait\n    command: [${[process.execPath, FAKE_AGENT, '--fake-interactive'].map(q).join(', ')}]\n`);
    writeFileSync(join(repo.dir, '.gitignore'), '.supervise/\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'agents');
    const script = join(repo.dir, '.supervise-run.sh');
    writeFileSync(script, `exec ${q(process.execPath)} ${q(CLI)}\n`);
    tmux.start(repo.dir, script);
    await tmux.until((s) => /1 ○ solo\s+idle/.test(s), 'solo idle');
    const lock = join(repo.dir, '.supervise', 'supervisor.lock');
    const { pid } = JSON.parse(readFileSync(lock, 'utf8')) as { pid: number };
    tmux.kill();
    await waitFor(() => !existsSync(lock), { timeout: 20_000, message: () => `the lock released (supervisor ${alive(pid) ? 'still running' : 'gone'})` });
    await waitFor(() => !alive(pid), { timeout: 20_000, message: 'the supervisor to exit' });
    const state = JSON.parse(readFileSync(join(repo.dir, '.supervise', 'state.json'), 'utf8')) as { cleanShutdown?: boolean; agents: { name: string; status: string }[] };
    expect(state.agents.map((a) => `${a.name} ${a.status}`)).toEqual(['solo stopped']);
    expect(state.cleanShutdown).toBe(true);
  });
});
