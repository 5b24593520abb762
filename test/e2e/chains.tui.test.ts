// Chains in the built `supervise` TUI, in a real terminal (tmux): the sidebar draws each chain with
// a mark per step and the review round, an after: agent shows as waiting for its wave, a stopped
// chain says so on the status line, and r on it runs the step again.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, makeTeam, supervisorExited, type Team } from '../helpers/headless.js';
import { Tmux, tmuxMissing } from '../helpers/tmux.js';

const teams: Team[] = [];
const terminals: Tmux[] = [];
afterEach(async () => {
  for (const tm of terminals.splice(0)) tm.kill();
  for (const t of teams.splice(0)) {
    await supervisorExited(t.repo.dir);
    t.cleanup();
  }
});

describe.skipIf(!!tmuxMissing())('chains in the TUI', () => {
  it('shows every chain step by step, a waiting agent, a stopped chain, and r running its step again', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    // beta's build skips its handoff update while SCRATCH/skip exists.
    const t = makeTeam(`version: 1
project: Chains TUI
agents:
  - name: alpha
    task: Add a word counter
    preset: custom
    command: [FAKE, --fake-skills, --fake-work, "1500"]
    chain: [spec, build, review, commit]
  - name: beta
    task: Document the counter
    preset: custom
    command: [sh, -c, 'if [ -e SCRATCH/skip ]; then exec FAKE --fake-skills --fake-work 300 --fake-skip-update build; else exec FAKE --fake-skills --fake-work 300 --fake-review pass; fi']
    chain: [build, review, commit]
  - name: omega
    task: Write the release notes
    preset: custom
    command: [FAKE, --fake-skills, --fake-work, "300", --fake-review, pass]
    after: [alpha]
    chain: [build]
`);
    teams.push(t);
    writeFileSync(join(t.scratch, 'skip'), '');
    const script = join(t.scratch, 'run.sh');
    writeFileSync(script, `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)}\nexec sleep 600\n`);
    const tmux = new Tmux('chains-e2e', { cols: 140, rows: 40 });
    terminals.push(tmux);
    tmux.start(t.repo.dir, script);

    await tmux.until((s) => s.includes('waiting for alpha') && /omega +waiting/.test(s), 'omega waiting for alpha', 30_000);
    await tmux.until((s) => s.includes('beta: chain stopped at build — handoff not updated; press r on it to run build again'), 'beta stopped at build', 30_000);
    const stopped = tmux.screen();
    expect(stopped).toMatch(/build ✗ review · fix ·/);
    expect(stopped).toContain('! chain stopped at build');
    // alpha's review asks for a fix in round 1, so its round 2 shows.
    await tmux.until((s) => /review ●2/.test(s), 'alpha in review round 2', 60_000);

    rmSync(join(t.scratch, 'skip'));
    tmux.keys('2');
    tmux.keys('r');
    await tmux.until((s) => s.includes('build ✓ review ✓ fix ·') && !s.includes('! chain stopped at build'), 'beta past its build', 30_000);
    const done = await tmux.until((s) => (s.match(/commit ✓/g) ?? []).length >= 2 && /omega[^\n]*exit 0/.test(s), 'alpha and beta committed, omega done', 90_000);
    expect(done).toMatch(/spec ✓ build ✓ review ✓/);
    expect(done).not.toContain('waiting for alpha');
    tmux.keys('q');
    await supervisorExited(t.repo.dir);
  });
});
