import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigErrors } from '../config/errors.js';
import { formatError } from '../errors.js';
import { parseVerdict } from './machine.js';
import { chainSteps, fillSkill, loadSkills, parseSkill, placeholderWarnings, type Skill } from './skills.js';

let root: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-skills-')));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeSkill(name: string, lines: string[]): string {
  const file = join(root, '.agents', 'skills', name, 'SKILL.md');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function loadErrors(): Promise<ConfigErrors> {
  const err = await loadSkills(root).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigErrors);
  return err as ConfigErrors;
}

describe('parseSkill', () => {
  it('reads name, description, next and the prompt after the front matter', () => {
    const text = ['---', 'name: review', 'description: Review the diff.', 'metadata:', '  next: { pass: commit, fix: fix }', '---', '', '# Review', 'Read {handoff_file}.', ''].join('\n');
    const { skill, errors } = parseSkill(text, '/p/review/SKILL.md', 'review', 'project');
    expect(errors).toEqual([]);
    expect(skill?.skill).toEqual({
      name: 'review',
      description: 'Review the diff.',
      next: { pass: 'commit', fix: 'fix' },
      prompt: '# Review\nRead {handoff_file}.\n',
      file: '/p/review/SKILL.md',
      source: 'project',
    });
  });

  it('reads CRLF line endings and a byte order mark, and counts columns without the mark', () => {
    const text = '\uFEFF---\r\nname: build\r\ndescription: Build it.\r\n---\r\n\r\nGo.\r\n';
    const { skill, errors } = parseSkill(text, 'SKILL.md', 'build', 'project');
    expect(errors).toEqual([]);
    expect(skill?.skill).toMatchObject({ name: 'build', description: 'Build it.', prompt: 'Go.\r\n' });
    const bad = parseSkill('\uFEFF---\r\nname: Build\r\ndescription: d\r\n---\r\n', 'SKILL.md', 'build', 'project');
    expect(bad.errors[0]?.location).toEqual({ file: 'SKILL.md', line: 2, column: 7 });
  });

  it('keeps keys Claude Code and Codex define, and other metadata', () => {
    const text = ['---', 'name: build', 'description: Build it.', 'allowed-tools: Bash Read', 'license: MIT', 'metadata: { next: review, author: team }', '---', 'Go.'].join('\n');
    const { skill, errors } = parseSkill(text, 'SKILL.md', 'build', 'bundled');
    expect(errors).toEqual([]);
    expect(skill?.skill.next).toBe('review');
  });

  const cases: { name: string; lines: string[]; folder?: string; line: number; column: number; message: RegExp }[] = [
    { name: 'no front matter', lines: ['# Build', 'Do it.'], line: 1, column: 1, message: /expected a first line "---"/ },
    { name: 'front matter never closed', lines: ['---', 'name: build', 'description: d'], line: 1, column: 1, message: /never closed/ },
    { name: 'YAML syntax', lines: ['---', 'name: build: x', 'description: d', '---'], line: 2, column: 7, message: /^invalid YAML/ },
    { name: 'duplicate key', lines: ['---', 'name: build', 'name: build', 'description: d', '---'], line: 3, column: 1, message: /duplicate key "name"/ },
    { name: 'missing name', lines: ['---', 'description: Build it.', '---'], line: 2, column: 1, message: /^missing required key "name": expected the skill's name/ },
    { name: 'missing description', lines: ['---', 'name: build', '---'], line: 2, column: 1, message: /^missing required key "description"/ },
    { name: 'empty front matter', lines: ['---', '---', 'body'], line: 1, column: 1, message: /expected a mapping with at least name and description/ },
    { name: 'name not its folder', lines: ['---', 'name: biuld', 'description: d', '---'], line: 2, column: 7, message: /^name: expected "build", the name of its folder, found "biuld"/ },
    { name: 'name with capitals', lines: ['---', 'name: Build', 'description: d', '---'], line: 2, column: 7, message: /^name: expected the skill's name: lowercase letters/ },
    { name: 'description too long', lines: ['---', 'name: build', `description: ${'x'.repeat(1025)}`, '---'], line: 3, column: 14, message: /^description: expected at most 1024 characters .*found 1025/ },
    { name: 'next outside metadata', lines: ['---', 'name: build', 'description: d', 'next: review', '---'], line: 4, column: 1, message: /^next belongs under metadata/ },
    { name: 'next not a name', lines: ['---', 'name: build', 'description: d', 'metadata:', '  next: 3', '---'], line: 5, column: 9, message: /^metadata\.next: expected the next skill's name/ },
    { name: 'review branch misspelt', lines: ['---', 'name: build', 'description: d', 'metadata:', '  next: { pass: commit, fixx: fix }', '---'], line: 5, column: 25, message: /^unknown key "fixx" in metadata\.next — expected pass and fix/ },
  ];

  it.each(cases)('$name → line $line, column $column', ({ lines, folder, line, column, message }) => {
    const { skill, errors } = parseSkill(lines.join('\n'), '/s/build/SKILL.md', folder ?? 'build', 'project');
    expect(skill).toBeUndefined();
    const hit = errors.find((e) => message.test(e.message));
    expect(hit, `no error matched ${message}; got: ${errors.map((e) => e.message).join(' | ')}`).toBeDefined();
    expect(hit?.location).toEqual({ file: '/s/build/SKILL.md', line, column });
    expect(hit?.kind).toBe('ConfigError');
  });
});

describe('loadSkills', () => {
  it('has the bundled six, in the order a chain runs them, each from templates/skills', async () => {
    const skills = await loadSkills(root);
    expect([...skills.keys()]).toEqual(['spec', 'build', 'review', 'fix', 'commit', 'deploy']);
    for (const skill of skills.values()) {
      expect(skill.source).toBe('bundled');
      expect(skill.file).toMatch(new RegExp(`templates/skills/${skill.name}/SKILL\\.md$`));
    }
    expect(chainSteps('spec', skills)).toEqual(['spec', 'build', 'review', 'commit', 'deploy']);
    expect(skills.get('review')?.next).toEqual({ pass: 'commit', fix: 'fix' });
    expect(skills.get('fix')?.next).toBe('review');
  });

  it("lets the project's .agents/skills override a bundled skill by name, and add its own", async () => {
    const file = writeSkill('build', ['---', 'name: build', 'description: Our build.', 'metadata: { next: lint }', '---', 'Build our way.']);
    writeSkill('lint', ['---', 'name: lint', 'description: Lint.', 'metadata: { next: review }', '---', 'Lint.']);
    mkdirSync(join(root, '.agents', 'skills', 'notes'));
    const skills = await loadSkills(root);
    expect(skills.get('build')).toMatchObject({ description: 'Our build.', source: 'project', file, prompt: 'Build our way.\n' });
    expect(skills.get('spec')?.source).toBe('bundled');
    expect(skills.has('notes')).toBe(false);
    expect([...skills.keys()].at(-1)).toBe('lint');
    expect(chainSteps('spec', skills)).toEqual(['spec', 'build', 'lint', 'review', 'commit', 'deploy']);
  });

  it('locates a next that names no skill, suggesting the close one', async () => {
    const file = writeSkill('build', ['---', 'name: build', 'description: d', 'metadata:', '  next: reveiw', '---', 'x']);
    const err = await loadErrors();
    expect(err.errors.map(formatError)).toEqual([`${file}:5:9: metadata.next: no skill is named "reveiw" — did you mean "review"?`]);
  });

  it("locates a review's fix branch that names no skill", async () => {
    const file = writeSkill('review', ['---', 'name: review', 'description: d', 'metadata:', '  next: { pass: commit, fix: repair }', '---', 'x']);
    const err = await loadErrors();
    expect(err.errors[0]?.location).toEqual({ file, line: 5, column: 30 });
    expect(err.errors[0]?.message).toMatch(/^metadata\.next\.fix: no skill is named "repair" — expected one of spec, build, .*, or add \.agents\/skills\/repair\/SKILL\.md$/);
  });

  it('locates a next cycle that never ends, once', async () => {
    writeSkill('commit', ['---', 'name: commit', 'description: d', 'metadata: { next: spec }', '---', 'x']);
    const err = await loadErrors();
    expect(err.errors).toHaveLength(1);
    expect(err.message).toMatch(/commit\/SKILL\.md:4:19: metadata\.next: the skills go round in a circle \(commit → spec → build → review → commit\), so a chain would never end/);
  });

  it('reports every broken skill at once', async () => {
    writeSkill('build', ['---', 'name: build', '---']);
    writeSkill('spec', ['no front matter']);
    const err = await loadErrors();
    expect(err.errors).toHaveLength(2);
    expect(err.exitCode).toBe(2);
  });
});

describe('placeholderWarnings', () => {
  it('locates a near miss and a doubled placeholder, and leaves other braces alone', async () => {
    const file = writeSkill('lint', ['---', 'name: lint', 'description: d', '---', '', 'Read {handof_file} for {task}.', 'Then {{round}}, { pass }, {config} and {fix}.']);
    const skill = (await loadSkills(root)).get('lint')!;
    expect((await placeholderWarnings(skill)).map(formatError)).toEqual([
      `${file}:6:6: {handof_file} is not a placeholder (it is left as written) — did you mean {handoff_file}?`,
      `${file}:7:6: {{round}} is not a placeholder (the doubled braces stay around the value) — did you mean {round}?`,
    ]);
  });

  it('finds nothing to say about the bundled skills', async () => {
    for (const skill of (await loadSkills(root)).values()) expect(await placeholderWarnings(skill), skill.name).toEqual([]);
  });
});

describe('fillSkill', () => {
  it('fills the four placeholders and leaves other braces alone', () => {
    const skill: Skill = { name: 'x', description: 'd', prompt: '{task} in {project}, round {round}: read {handoff_file}; keep { pass } and {other}.', file: 'f', source: 'bundled' };
    expect(fillSkill(skill, { task: 'Add logout', handoff_file: 'HANDOFF.md', project: 'Auth', round: 2 })).toBe(
      'Add logout in Auth, round 2: read HANDOFF.md; keep { pass } and {other}.',
    );
  });
});

describe('the bundled skills', () => {
  const SECTIONS = ['Current State', 'Completed', 'In Progress', 'Blockers', 'Next Steps', 'Key Decisions'];

  it('each read the handoff first and make updating it, in its template, part of the step', async () => {
    const skills = await loadSkills(root);
    for (const skill of skills.values()) {
      const { prompt } = skill;
      const read = prompt.indexOf('Read the handoff, {handoff_file}');
      expect(read, skill.name).toBeGreaterThan(-1);
      expect(read, skill.name).toBeLessThan(prompt.indexOf('update {handoff_file}'));
      expect(prompt.replace(/\s+/g, ' '), skill.name).toMatch(/does not update \{handoff_file\} is incomplete/);
      expect(prompt.replace(/\s+/g, ' '), skill.name).toContain(SECTIONS.join(', '));
      expect(skill.description.length, skill.name).toBeLessThanOrEqual(1024);
      expect(skill.description, skill.name).not.toMatch(/\n/);
      const filled = fillSkill(skill, { task: 'T', handoff_file: '/w/HANDOFF.md', project: 'P', round: 1 });
      expect(filled, skill.name).not.toMatch(/\{(task|handoff_file|project|round)\}/);
    }
  });

  it('review writes the verdict lines the chain routes on', async () => {
    const review = (await loadSkills(root)).get('review')!;
    const lines = [...review.prompt.matchAll(/^- `(- Verdict: [^`]+)`/gm)].map((m) => m[1]!);
    expect(lines).toEqual(['- Verdict: pass', '- Verdict: fix - <what>']);
    expect(parseVerdict([lines[0]!])).toEqual({ pass: true });
    expect(parseVerdict([lines[1]!.replace('<what>', 'test the empty list')])).toEqual({ pass: false, fix: 'test the empty list' });
  });
});
