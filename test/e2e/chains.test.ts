/**
 * Skill chains and waves end to end (SPEC §6): the built CLI in headless mode, fake agents that
 * follow the skills (test/fake-agent.mjs --fake-skills) in real worktrees of a real repository.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { historyFiles, makeTeam, readJson, startHeadless, supervisorExited, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';

const teams: Team[] = [];
afterEach(async () => {
  for (const t of teams.splice(0)) {
    await supervisorExited(t.repo.dir);
    t.cleanup();
  }
});

function team(yaml: string, prepare?: (t: Team) => void): Team {
  const t = makeTeam(yaml, {});
  teams.push(t);
  prepare?.(t);
  return t;
}

/** Runs headless to the end; returns its exit code and NDJSON lines. */
async function run(t: Team): Promise<{ code: number | null; lines: Record<string, unknown>[]; stdout: string }> {
  const h = startHeadless(t, ['--timeout', '120']);
  const { code } = await h.exited;
  return { code, lines: h.lines(), stdout: h.stdout };
}

/** The (step, round) an agent's status lines went through, in order, repeats folded. */
function steps(lines: Record<string, unknown>[], agent: string): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.agent !== agent || !('step' in l)) continue;
    const s = l.step === null ? 'end' : `${String(l.step)}@${String(l.round)}`;
    if (out.at(-1) !== s) out.push(s);
  }
  return out;
}

const messages = (lines: Record<string, unknown>[]) => lines.filter((l) => typeof l.message === 'string').map((l) => String(l.message));
const teamHandoff = (t: Team) => readFileSync(join(t.repo.dir, 'HANDOFF.md'), 'utf8');
const history = (t: Team, part: string) => historyFiles(t).filter((f) => f.includes(part));
const historyText = (t: Team, file: string) => readFileSync(join(t.repo.dir, '.supervise', 'history', file), 'utf8');

const agent = (name: string, extra: string, args = '') => `  - name: ${name}
    task: Add a word counter to ${name}
    preset: custom
    command: [FAKE, --fake-skills, --fake-work, "20", --fake-record, "SCRATCH/${name}-{skill}.json"${args}]
${extra}`;

describe('a chain of skills', () => {
  it('runs spec, build, review, fix, review, commit and deploy in order; commits without HANDOFF.md and .claude/; the hash reaches the team handoff', async () => {
    const t = team(
      `version: 1
project: Chains
deploy: { command: [node, -e, "console.log('deployed ' + process.cwd())"] }
agents:
${agent('beta', '    chain: [spec, build, review, commit, deploy]\n', ', --fake-edit, .claude/agent-notes.json')}`,
      (tm) => {
        // The project's own build skill overrides the bundled one.
        mkdirSync(join(tm.repo.dir, '.agents', 'skills', 'build'), { recursive: true });
        writeFileSync(join(tm.repo.dir, '.agents', 'skills', 'build', 'SKILL.md'), '---\nname: build\ndescription: The project build step.\nmetadata:\n  next: review\n---\nProject build rules for {task}: read {handoff_file} first.\n');
        tm.repo.git('add', '.agents');
        tm.repo.git('commit', '-q', '-m', 'own build skill');
      },
    );
    const { code, lines, stdout } = await run(t);
    expect(code, stdout).toBe(0);
    expect(steps(lines, 'beta')).toEqual(['spec@1', 'build@1', 'review@1', 'fix@1', 'review@2', 'commit@2', 'deploy@2', 'end']);

    // Each step is a fresh session with its skill in the environment and in {skill}.
    const review = readJson<{ env: Record<string, string> }>(join(t.scratch, 'beta-review.json'));
    expect(review.env.SUPERVISE_SKILL).toBe('review');
    expect(review.env.SUPERVISE_ROUND).toBe('2');
    expect(review.env.SUPERVISE_SKILL_FILE).toMatch(/templates\/skills\/review\/SKILL\.md$/);
    const build = readJson<{ env: Record<string, string> }>(join(t.scratch, 'beta-build.json'));
    expect(build.env.SUPERVISE_SKILL_FILE).toBe(join(t.repo.dir, '.agents', 'skills', 'build', 'SKILL.md'));
    expect(build.env.SUPERVISE_TASK).toBe('Add a word counter to beta');

    // Every step's brief is in history, named with its skill; the override's prompt is the build's.
    for (const s of ['spec', 'build', 'review', 'fix', 'deploy']) expect(history(t, `beta-${s}-brief`).length, s).toBeGreaterThan(0);
    expect(history(t, 'beta-review-brief')).toHaveLength(2);
    expect(historyText(t, history(t, 'beta-build-brief')[0]!)).toContain('Project build rules for Add a word counter to beta');
    // The fix step got the review's verdict in its handoff.
    const fixBrief = historyText(t, history(t, 'beta-fix-brief')[0]!);
    expect(fixBrief).toMatch(/Verdict: fix - handle the empty input/);

    // The supervisor's commit: subject from the task, Key Decisions in the body, its own files left out.
    const message = t.repo.git('log', '-1', '--format=%B', 'agent/beta');
    expect(message.split('\n')[0]).toBe('Add a word counter to beta');
    expect(message).toContain('Key decisions:\n- Kept the existing structure, because the team handoff asked for small diffs');
    expect(message).toContain('Decided against:');
    const files = t.repo.git('show', '--name-only', '--format=', 'agent/beta').trim().split('\n');
    expect(files).toEqual(['work-beta.txt']);
    const hash = t.repo.git('rev-parse', 'agent/beta').trim();
    const shared = teamHandoff(t);
    expect(shared).toContain(`Commit: ${hash.slice(0, 12)}`);
    expect(shared).toContain('Deploy: exit 0');
    expect(messages(lines)).toContain(`beta: committed ${hash.slice(0, 7)} (1 file)`);
    // Deploy ran in the worktree as the step's session: its output is in the agent's log.
    expect(readFileSync(join(t.repo.dir, '.supervise', 'logs', 'beta.log'), 'utf8')).toContain(`deployed ${join(t.repo.dir, '.supervise', 'worktrees', 'beta')}`);
  });

  it('stops at a build that leaves its handoff as it was: nothing later runs, nothing is committed, exit 1', async () => {
    const t = team(`version: 1
project: Chains
agents:
${agent('beta', '    chain: [spec, build, review, commit]\n', ', --fake-skip-update, build')}`);
    const base = t.repo.git('rev-parse', 'HEAD').trim();
    const { code, lines } = await run(t);
    expect(code).toBe(1);
    expect(messages(lines).some((m) => m.startsWith('beta: chain stopped at build — handoff not updated'))).toBe(true);
    expect(steps(lines, 'beta')).toEqual(['spec@1', 'build@1']);
    expect(history(t, 'beta-review-brief')).toEqual([]);
    // The brief file a custom agent reads ends with the step's filled prompt.
    const record = readJson<{ env: Record<string, string> }>(join(t.scratch, 'beta-build.json'));
    expect(readFileSync(record.env.SUPERVISE_BRIEF_FILE!, 'utf8')).toContain('## Prompt (build, round 1)\n\n# Build: Add a word counter to beta');
    expect(t.repo.git('rev-parse', 'agent/beta').trim()).toBe(base);
    expect(lines.at(-1)).toMatchObject({ done: true, ok: false });
  });

  it('stops a review that never passes after review.rounds, naming the open fix in the output and the team handoff', async () => {
    const t = team(`version: 1
project: Chains
review: { rounds: 2 }
agents:
${agent('beta', '    chain: [build, review, commit]\n', ', --fake-review, never')}`);
    const { code, lines } = await run(t);
    expect(code).toBe(1);
    expect(steps(lines, 'beta')).toEqual(['build@1', 'review@1', 'fix@1', 'review@2']);
    const stop = messages(lines).find((m) => m.startsWith('beta: chain stopped at review'));
    expect(stop).toContain('review asked for fixes 2 times; open: handle the empty input in work-beta.txt (round 2)');
    expect(teamHandoff(t)).toContain('Chain: stopped at review after 2 review rounds; open fix: handle the empty input in work-beta.txt (round 2)');
    expect(t.repo.git('log', '--format=%s', 'agent/beta')).not.toContain('Add a word counter');
  });
});

describe('a chain that cannot go on', () => {
  it('stops at a review without a verdict and at a deploy that fails, whose exit code reaches the handoff', async () => {
    const t = team(`version: 1
project: Chains
agents:
${agent('quiet', '    chain: [build, review, commit]\n', ', --fake-review, none')}
${agent('shipper', '    chain: [build, commit, deploy]\n    deploy: { command: [node, -e, "process.exit(3)"] }\n')}`);
    const { code, lines } = await run(t);
    expect(code).toBe(1);
    const said = messages(lines);
    expect(said.find((m) => m.startsWith('quiet: chain stopped at review'))).toContain('review wrote no verdict');
    expect(said.find((m) => m.startsWith('shipper: chain stopped at deploy'))).toContain('deploy ended with exit 3');
    expect(steps(lines, 'quiet')).toEqual(['build@1', 'review@1']);
    expect(readFileSync(join(t.repo.dir, '.supervise', 'worktrees', 'shipper', 'HANDOFF.md'), 'utf8')).toContain('- Deploy: exit 3');
    expect(teamHandoff(t)).toContain('Deploy: exit 3');
  });
});

describe('a chain started again', () => {
  it('goes on at the step and round it had reached', async () => {
    const t = team(`version: 1
project: Chains
agents:
  - name: beta
    task: Add a word counter to beta
    preset: custom
    command: [FAKE, --fake-skills, --fake-work, "1500", --fake-review, pass]
    chain: [spec, build, review, commit]
`);
    const first = startHeadless(t);
    await waitFor(() => first.lines().some((l) => l.agent === 'beta' && l.step === 'review' && l.status === 'working'), { timeout: 60_000, message: () => `the review at work:\n${first.stdout}` });
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(1);
    await supervisorExited(t.repo.dir);
    expect(history(t, 'beta-build-brief')).toHaveLength(1);

    const { code, lines, stdout } = await run(t);
    expect(code, stdout).toBe(0);
    expect(steps(lines, 'beta')).toEqual(['review@1', 'commit@1', 'end']);
    // Nothing before the review ran again.
    expect(history(t, 'beta-build-brief')).toHaveLength(1);
    expect(history(t, 'beta-review-brief')).toHaveLength(2);
    expect(t.repo.git('log', '-1', '--format=%s', 'agent/beta').trim()).toBe('Add a word counter to beta');
  });
});

describe('waves', () => {
  it('starts an after: agent only once its wave has finished, with the wave summary in its brief', async () => {
    const t = team(`version: 1
project: Waves
agents:
${agent('alpha', '    chain: [build, review, commit]\n', ', --fake-review, pass')}
${agent('gamma', '', ', --fake-edit, notes-gamma.txt')}
${agent('omega', '    after: [alpha, gamma]\n    chain: [build]\n')}`);
    const { code, lines, stdout } = await run(t);
    expect(code, stdout).toBe(0);
    const index = (pred: (l: Record<string, unknown>) => boolean) => lines.findIndex(pred);
    const omegaStarts = index((l) => l.agent === 'omega' && l.status === 'working');
    const alphaDone = index((l) => l.agent === 'alpha' && l.chainFinished === true);
    const gammaDone = index((l) => l.agent === 'gamma' && l.handoffCaptured === true);
    expect(alphaDone).toBeGreaterThan(-1);
    expect(gammaDone).toBeGreaterThan(-1);
    expect(omegaStarts).toBeGreaterThan(alphaDone);
    expect(omegaStarts).toBeGreaterThan(gammaDone);
    // While it waited, it said so.
    expect(lines.some((l) => l.agent === 'omega' && String(l.detail).startsWith('waiting for'))).toBe(true);

    const wave = history(t, 'wave-1');
    expect(wave).toHaveLength(1);
    const summary = historyText(t, wave[0]!);
    for (const section of ['## Discovered', '## Decisions', '## Mistakes to Avoid', '## Pattern to Follow', '## Files Modified']) expect(summary).toContain(section);
    expect(summary).toContain('work-alpha.txt (@alpha)');
    expect(summary).toContain('notes-gamma.txt (@gamma)');
    expect(summary).toMatch(/commit [0-9a-f]{7}/);
    const brief = historyText(t, history(t, 'omega-build-brief')[0]!);
    expect(brief).toContain('Wave Summary (wave 1: alpha, gamma)');
  });
});
