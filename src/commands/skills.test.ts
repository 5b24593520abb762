/** `supervise skills list|check`, run as the built CLI in real repositories. */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../../test/helpers/tempRepo.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function supervise(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function repo(): TempRepo {
  const r = makeTempRepo();
  repos.push(r);
  return r;
}

function writeSkill(root: string, name: string, lines: string[]): string {
  const file = join(root, '.agents', 'skills', name, 'SKILL.md');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function writeConfig(root: string, agents: string[]): string {
  const file = join(root, 'agents.yaml');
  writeFileSync(file, ['version: 1', 'project: Demo', 'agents:', ...agents, ''].join('\n'));
  return file;
}

describe('supervise skills list', () => {
  it('lists the bundled skills and the project’s, each with its next and source file', async () => {
    const r = repo();
    const build = writeSkill(r.dir, 'build', ['---', 'name: build', 'description: Our own build.', 'metadata: { next: lint }', '---', 'Build.']);
    const lint = writeSkill(r.dir, 'lint', ['---', 'name: lint', 'description: Run the linters.', 'metadata: { next: review }', '---', 'Lint.']);
    mkdirSync(join(r.dir, 'src'));
    const json = await supervise(['skills', 'list', '--json'], join(r.dir, 'src'));
    expect(json.code).toBe(0);
    const skills = JSON.parse(json.stdout) as { name: string; next: unknown; source: string; file: string }[];
    expect(skills.map((s) => [s.name, s.next, s.source])).toEqual([
      ['spec', 'build', 'bundled'],
      ['build', 'lint', 'project'],
      ['review', { pass: 'commit', fix: 'fix' }, 'bundled'],
      ['fix', 'review', 'bundled'],
      ['commit', 'deploy', 'bundled'],
      ['deploy', null, 'bundled'],
      ['lint', 'review', 'project'],
    ]);
    expect(skills.find((s) => s.name === 'build')?.file).toBe(build);
    expect(skills.find((s) => s.name === 'lint')?.file).toBe(lint);

    const text = await supervise(['skills', 'list'], r.dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^build\s+→ lint\s+project\s+\.agents\/skills\/build\/SKILL\.md$/m);
    expect(text.stdout).toMatch(/^review\s+→ pass: commit, fix: fix\s+bundled\s+\/.*templates\/skills\/review\/SKILL\.md$/m);
    expect(text.stdout).toMatch(/^\s+Our own build\.$/m);
    expect(text.stdout).toContain('7 skills: 5 bundled, 2 from .agents/skills');
  });

  it('refuses with located errors when a skill is broken', async () => {
    const r = repo();
    const file = writeSkill(r.dir, 'fix', ['---', 'name: fix', '---', 'x']);
    const out = await supervise(['skills', 'list'], r.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${file}:2:1: missing required key "description"`);
  });
});

describe('supervise skills check', () => {
  it('says ok in one line, counting skills and chains', async () => {
    const r = repo();
    writeSkill(r.dir, 'lint', ['---', 'name: lint', 'description: Run the linters.', '---', 'Lint.']);
    writeConfig(r.dir, ['  - { name: a, task: t, chain: [build, lint, review, commit] }', '  - { name: b, task: t, after: [a] }']);
    const out = await supervise(['skills', 'check'], r.dir);
    expect(out).toEqual({ code: 0, stdout: 'ok: 7 skills (6 bundled, 1 from .agents/skills) and 1 chain in agents.yaml.\n', stderr: '' });
  });

  it('warns about a placeholder that will not be filled, and still says ok', async () => {
    const r = repo();
    const file = writeSkill(r.dir, 'lint', ['---', 'name: lint', 'description: Lint.', '---', 'Lint {taks}.']);
    const out = await supervise(['skills', 'check'], r.dir);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(`warning: ${file}:5:6: {taks} is not a placeholder (it is left as written) — did you mean {task}?\n`);
    expect(out.stdout).toBe('ok: 7 skills (6 bundled, 1 from .agents/skills) and no agents.yaml, so no chains to check, 1 warning.\n');
  });

  it('without agents.yaml checks the skills alone', async () => {
    const r = repo();
    const out = await supervise(['skills', 'check'], r.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('ok: 6 skills (6 bundled, 0 from .agents/skills) and no agents.yaml, so no chains to check.\n');
  });

  it('exits 2 naming every problem once, at file:line:column', async () => {
    const r = repo();
    const skill = writeSkill(r.dir, 'review', ['---', 'name: review', 'description: d', 'metadata:', '  next: { pass: comit, fix: fix }', '---', 'x']);
    const config = writeConfig(r.dir, ['  - { name: a, task: t, chain: [build, reveiw], after: [b] }', '  - { name: b, task: t, after: [a] }']);
    const out = await supervise(['skills', 'check'], r.dir);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    const lines = out.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${skill}:5:17: metadata.next.pass: no skill is named "comit" — did you mean "commit"?`,
      `${config}:5:33: agents[1].after[0]: the agents wait for each other in a circle (a waits for b, b waits for a), so none of them would ever start — remove one of these after entries`,
      '2 problems: fix them at the places named, then run `supervise skills check` again.',
    ]);
  });

  it('reports a chain naming an unknown skill', async () => {
    const r = repo();
    const config = writeConfig(r.dir, ['  - { name: a, task: t, chain: [build, reveiw] }']);
    const out = await supervise(['skills', 'check'], r.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${config}:4:40: agents[0].chain[1]: unknown skill "reveiw" — did you mean "review"?`);
  });

  it('--help says what is checked and the exit codes', async () => {
    const r = repo();
    const out = await supervise(['skills', 'check', '--help'], r.dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Usage: supervise skills check');
    expect(out.stdout).toMatch(/file:line:column/);
    expect(out.stdout).toMatch(/Exit 0 .* 2 when anything is wrong/);
    const list = await supervise(['skills', 'list', '--help'], r.dir);
    expect(list.stdout).toContain('.agents/skills/<name>/');
    expect(list.stdout).toContain('{task}, {handoff_file}, {project} and {round}');
  });
});
