/**
 * The team handoff as a new user meets it: `handoff merge` run again changes nothing, `show`
 * says what `merge` writes, every agent keeps its own words and its flags, and a history pointer
 * opens from where the agent stands. Real repositories, real worktrees, the built CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { pointerRef } from '../../src/handoff/items.js';
import { parseHandoff } from '../../src/handoff/parse.js';
import { syncTeam } from '../../src/supervisor/sync.js';
import { CLI, makeTeam, startHeadless, type Team } from '../helpers/headless.js';

let team: Team | undefined;
afterEach(() => {
  team?.cleanup();
  team = undefined;
});

function supervise(t: Team, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: t.repo.dir, env: t.env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const history = (t: Team): string[] => {
  const dir = join(t.repo.dir, '.supervise', 'history');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

const stateLines = (text: string): string[] => parseHandoff(text).sections.find((s) => s.name === 'Current State')?.items.map((i) => i.text) ?? [];

/** An agent's worktree made as the supervisor makes it, with a handoff of its own and a changed file. */
function worktree(t: Team, name: string, handoff: string, files: Record<string, string>): string {
  const dir = join(t.repo.dir, '.supervise', 'worktrees', name);
  t.repo.git('worktree', 'add', '-q', '-b', `agent/${name}`, dir);
  writeFileSync(join(dir, 'HANDOFF.md'), handoff);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const AGENTS = `version: 1
project: Shop
handoff: { budget: { total: 400, section: 100 } }
agents:
  - { name: api, task: Add the orders endpoint, preset: custom, command: [FAKE] }
  - { name: docs, task: Document the endpoints, preset: custom, command: [FAKE] }
  - { name: web, task: Build the orders page, preset: custom, command: [FAKE] }
`;

const handoffOf = (agent: string, status: string, completed: string[], extra: string[] = []): string =>
  [
    '# HANDOFF - Shop',
    '',
    '## Current State',
    `- Branch: agent/${agent}`,
    `- Last agent: ${agent}`,
    `- Status: ${status}`,
    '',
    '## Completed',
    ...completed.map((c) => `- [x] ${c}`),
    '',
    '## In Progress',
    `- [ ] ${agent} follow-up: the pagination of long order lists still needs a decision on page size`,
    '',
    '## Blockers',
    `- Decided AGAINST a GraphQL layer for ${agent} (the clients are REST only)`,
    '',
    '## Next Steps',
    `1. ${agent}: wire the orders list to the new endpoint`,
    '',
    '## Key Decisions',
    `- ${agent}: orders are paginated by cursor, not by offset`,
    ...extra,
    '',
  ].join('\n');

describe('the team handoff from agents’ worktrees', () => {
  it('merging again changes nothing, show says what merge writes, and every agent keeps its own words', () => {
    team = makeTeam(AGENTS);
    const many = (agent: string) => Array.from({ length: 8 }, (_, i) => `${agent} finished step ${i + 1} of the orders work, with tests`);
    worktree(team, 'api', handoffOf('api', 'orders endpoint merged behind a flag', many('api')), { 'src/orders.ts': 'export const api = 1;\n' });
    worktree(team, 'docs', handoffOf('docs', 'README endpoints table written, not committed', many('docs')), { 'README.md': '# endpoints\n' });
    worktree(team, 'web', handoffOf('web', 'orders page renders the list', many('web')), { 'src/orders.ts': 'export const web = 1;\n' });

    const shown = supervise(team, 'handoff', 'show');
    expect(shown.code, shown.stderr).toBe(0);
    expect(history(team)).toEqual([]);

    const first = supervise(team, 'handoff', 'merge');
    expect(first.code, first.stderr).toBe(0);
    const teamPath = join(team.repo.dir, 'HANDOFF.md');
    const t1 = readFileSync(teamPath, 'utf8');
    // show and merge agree, the shared-files flag included; show names no history file it never wrote.
    const noPointer = (text: string) => text.split('\n').filter((l) => pointerRef(l) === undefined).join('\n').trimEnd();
    expect(shown.stdout).not.toContain('History:');
    expect(shown.stderr).toMatch(/merging now would move or shorten \d+ items/);
    expect(shown.stdout.trimEnd()).toBe(noPointer(t1));
    expect(t1).toContain('⚠ shared files: api and web both change src/orders.ts');
    // Each agent's own Status words stand beside its process status.
    const lines = stateLines(t1);
    expect(lines.find((l) => l.startsWith('docs · agent/docs'))).toContain('Status: README endpoints table written, not committed');
    expect(lines.find((l) => l.startsWith('api · agent/api'))).toContain('Status: orders endpoint merged behind a flag');
    // Over budget: something went to history, and the pointer opens from the repository root.
    const pointer = parseHandoff(t1).preamble?.find((l) => pointerRef(l) !== undefined);
    expect(pointer, t1).toBeDefined();
    expect(existsSync(join(team.repo.dir, pointerRef(pointer as string) as string))).toBe(true);
    // What was decided against outlives the completed steps.
    for (const agent of ['api', 'docs', 'web']) expect(t1).toContain(`Decided AGAINST a GraphQL layer for ${agent}`);
    const files = history(team);

    for (let i = 0; i < 2; i++) {
      const again = supervise(team, 'handoff', 'merge');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('nothing changed');
      expect(readFileSync(teamPath, 'utf8')).toBe(t1);
      expect(history(team)).toEqual(files);
    }
    expect(supervise(team, 'handoff', 'show').stdout.trimEnd()).toBe(t1.trimEnd());

    // An agent that writes something new is merged; its other items keep their author.
    const apiPath = join(team.repo.dir, '.supervise', 'worktrees', 'api', 'HANDOFF.md');
    writeFileSync(apiPath, handoffOf('api', 'orders endpoint merged behind a flag', many('api'), ['- api: order ids are UUIDv7']));
    expect(supervise(team, 'handoff', 'merge').code).toBe(0);
    const t2 = readFileSync(teamPath, 'utf8');
    expect(t2).toContain('- api: order ids are UUIDv7 (@api)');
    expect(t2).toContain('- docs: orders are paginated by cursor, not by offset (@docs)');
    const t2Again = supervise(team, 'handoff', 'merge');
    expect(t2Again.stdout).toContain('nothing changed');
    expect(readFileSync(teamPath, 'utf8')).toBe(t2);
  });

  it('a sync writes into each worktree a pointer that opens from the worktree', async () => {
    team = makeTeam(AGENTS);
    const many = (agent: string) => Array.from({ length: 10 }, (_, i) => `${agent} finished step ${i + 1} of the orders work, with tests`);
    const dirs = ['api', 'web'].map((a) => worktree(team as Team, a, handoffOf(a, 'working', many(a)), {}));
    const loaded = await loadConfig(join(team.repo.dir, 'agents.yaml'));
    const ctx = { root: loaded.root, project: 'Shop', teamPath: loaded.handoffPath, limits: { budget: loaded.config.handoff.budget, encoding: loaded.config.handoff.encoding } };
    const agents = ['api', 'web'].map((a, i) => ({ agent: a, branch: `agent/${a}`, worktree: dirs[i] as string, handoffFile: 'HANDOFF.md' }));
    const result = await syncTeam(ctx, agents, { writeWorktrees: true });
    expect(result.removed).toBeGreaterThan(0);
    for (const dir of dirs) {
      const copy = readFileSync(join(dir, 'HANDOFF.md'), 'utf8');
      const ref = pointerRef(parseHandoff(copy).preamble?.find((l) => pointerRef(l) !== undefined) ?? '');
      expect(ref, copy).toBeDefined();
      expect(isAbsolute(ref as string)).toBe(true);
      // Opened from the agent's working directory, as the agent would.
      expect(execFileSync('cat', [ref as string], { cwd: dir, encoding: 'utf8' })).toContain('finished step 1');
    }
    // The team's own copy names it from the repository root.
    const teamRef = pointerRef(parseHandoff(readFileSync(loaded.handoffPath, 'utf8')).preamble?.find((l) => pointerRef(l) !== undefined) ?? '');
    expect(teamRef?.startsWith('.supervise/history/')).toBe(true);
  });

  it('compress without --write prints no pointer to a file it never writes', () => {
    team = makeTeam(AGENTS);
    const big = handoffOf('api', 'working', Array.from({ length: 20 }, (_, i) => `step ${i + 1} of the orders work is finished and tested`));
    writeFileSync(join(team.repo.dir, 'BIG.md'), big);
    const preview = supervise(team, 'handoff', 'compress', 'BIG.md');
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).not.toMatch(/History:|\.supervise\/history/);
    expect(preview.stderr).toContain('--write');
    expect(history(team)).toEqual([]);
    const written = supervise(team, 'handoff', 'compress', 'BIG.md', '--write');
    expect(written.code, written.stderr).toBe(0);
    const ref = pointerRef(parseHandoff(readFileSync(join(team.repo.dir, 'BIG.md'), 'utf8')).preamble?.find((l) => pointerRef(l) !== undefined) ?? '');
    expect(existsSync(join(team.repo.dir, ref as string))).toBe(true);
  });

  it('every agent that skipped its update, or left an invalid one, stays flagged in Current State', async () => {
    team = makeTeam(`version: 1
project: Shop
agents:
  - { name: alpha, task: First piece, preset: custom, command: [FAKE, --fake-handoff, skip, --fake-work, "50"] }
  - { name: bravo, task: Second piece, preset: custom, command: [FAKE, --fake-handoff, skip, --fake-work, "400"] }
  - { name: carol, task: Third piece, preset: custom, command: [FAKE, --fake-handoff, invalid, --fake-work, "800"] }
  - { name: delta, task: Fourth piece, preset: custom, command: [FAKE, --fake-handoff, update, --fake-work, "100"] }
`);
    const run = startHeadless(team);
    await run.exited;
    const lines = stateLines(readFileSync(join(team.repo.dir, 'HANDOFF.md'), 'utf8'));
    for (const a of ['alpha', 'bravo']) expect(lines.find((l) => l.startsWith(`${a} · `)), lines.join('\n')).toContain('⚠ handoff not updated');
    expect(lines.find((l) => l.startsWith('carol · '))).toMatch(/⚠ handoff invalid: .*Blockers/);
    const delta = lines.find((l) => l.startsWith('delta · ')) as string;
    expect(delta).not.toContain('⚠');
    expect(delta).toContain('Status: Done');
  });
});
