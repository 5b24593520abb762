/**
 * The supervisor's own files (HANDOFF.md, .claude/settings.local.json) never ride on an agent's
 * commit: agents that `git add -A && git commit` their work under the built `supervise --headless`
 * leave branches that merge into base without touching the team handoff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { teamHandoff } from '../fixtures/teamHandoff.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { makeTeam, startHeadless, type Team } from '../helpers/headless.js';

const teams: Team[] = [];
afterEach(() => {
  for (const t of teams.splice(0)) t.cleanup();
});

const YAML = `version: 1
project: Own Files
handoff: { enforce: off }
agents:
  - name: claude1
    task: Add the app module
    args: [--fake-record, SCRATCH/claude1.json, --fake-edit, src/app.ts, --fake-work, "50", --fake-commit]
  - name: custom1
    task: Add the util module
    preset: custom
    command: [FAKE, --fake-record, SCRATCH/custom1.json, --fake-edit, src/util.ts, --fake-work, "50", --fake-commit]
`;

describe.each([
  ['committed on base', true],
  ['not committed on base', false],
])('agents committing with git add -A, team HANDOFF.md %s', (_, committed) => {
  it('commit only their work, and their branches merge leaving the team handoff byte-identical', async () => {
    const t = makeTeam(YAML, committed ? { handoff: teamHandoff('Own Files', 'Add the app and util modules') } : {});
    teams.push(t);
    const run = startHeadless(t);
    expect((await run.exited).code, run.stderr + run.stdout).toBe(0);

    const wt = join(t.repo.dir, '.supervise', 'worktrees', 'claude1');
    expect(readFileSync(join(wt, '.claude', 'settings.local.json'), 'utf8')).toContain('hooks');
    for (const [agent, file] of [['claude1', 'src/app.ts'], ['custom1', 'src/util.ts']] as const) {
      const commits = readNdjson<{ type: string; status?: number; files?: string[]; error?: string }>(`${t.record(agent)}.events`).filter((e) => e.type === 'commit');
      expect(commits, agent).toMatchObject([{ status: 0, files: [file] }]);
    }

    // The captured team handoff at the root, as the supervisor left it.
    const team = readFileSync(join(t.repo.dir, 'HANDOFF.md'));
    t.repo.git('merge', '-q', '--no-edit', 'agent/claude1');
    t.repo.git('merge', '-q', '--no-edit', 'agent/custom1');
    expect(readFileSync(join(t.repo.dir, 'HANDOFF.md')).equals(team)).toBe(true);
    expect(t.repo.git('ls-files', 'src', 'HANDOFF.md', '.claude').split('\n').filter(Boolean)).toEqual(
      committed ? ['HANDOFF.md', 'src/app.ts', 'src/util.ts'] : ['src/app.ts', 'src/util.ts'],
    );
  });
});
