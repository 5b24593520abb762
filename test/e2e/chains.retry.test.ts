/**
 * `r` on a stopped chain (SPEC §6), as the TUI drives it: the Supervisor's restartAgent runs the
 * step the chain stopped at again, and the chain goes on from there.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Supervisor } from '../../src/supervisor/supervisor.js';
import { historyFiles, makeTeam, type Team } from '../helpers/headless.js';
import { createSupervisor } from '../helpers/supervisor.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
const sups: Supervisor[] = [];
afterEach(async () => {
  for (const s of sups.splice(0)) await s.shutdown();
  for (const t of teams.splice(0)) t.cleanup();
});

describe('r on a stopped chain', () => {
  it('runs the stopped step again and goes on to the end', async () => {
    // The build skips its handoff update while SCRATCH/skip exists.
    const t = makeTeam(`version: 1
project: Retry
agents:
  - name: beta
    task: Add a word counter
    preset: custom
    command: [sh, -c, 'if [ -e SCRATCH/skip ]; then exec FAKE --fake-skills --fake-work 20 --fake-skip-update build; else exec FAKE --fake-skills --fake-work 20 --fake-review pass; fi']
    chain: [build, review, commit]
`);
    teams.push(t);
    const skip = join(t.scratch, 'skip');
    writeFileSync(skip, '');
    const sup = await createSupervisor(t);
    sups.push(sup);
    const messages: string[] = [];
    sup.on('message', (m) => messages.push(m));
    const beta = () => sup.agents().find((a) => a.name === 'beta')!;
    await sup.start();
    await waitFor(() => beta().chain?.stopped, { timeout: 30_000, message: () => `the chain to stop: ${messages.join('\n')}` });
    expect(beta().chain).toMatchObject({ current: 'build', stopped: 'handoff not updated' });
    expect(messages).toContain('beta: chain stopped at build — handoff not updated; press r on it to run build again');
    const builds = () => historyFiles(t).filter((f) => f.includes('beta-build-brief')).length;
    expect(builds()).toBe(1);

    rmSync(skip);
    expect(existsSync(skip)).toBe(false);
    await sup.restartAgent('beta');
    await waitFor(() => beta().chain?.finished, { timeout: 60_000, message: () => `the chain to finish: ${messages.join('\n')}` });
    expect(builds()).toBe(2);
    expect(beta().warnings).not.toContain('handoff not updated');
    expect(t.repo.git('log', '-1', '--format=%s', 'agent/beta').trim()).toBe('Add a word counter');
    await sup.allDone();
  });
});
