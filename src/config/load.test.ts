import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SuperviseError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { agentsYamlTemplate } from './init.js';
import { ConfigErrors, loadConfig, parseConfig } from './load.js';

const MINIMAL = ['version: 1', 'project: Demo', 'agents:', '  - name: a', '    task: do it', ''].join('\n');

describe('parseConfig', () => {
  it('fills the defaults of a minimal file', () => {
    const result = parseConfig(MINIMAL, 'agents.yaml');
    expect(result).toEqual({
      ok: true,
      config: {
        version: 1,
        project: 'Demo',
        worktreeDir: '.supervise/worktrees',
        handoff: { file: 'HANDOFF.md', budget: { total: 500, section: 100 }, encoding: 'cl100k_base', enforce: 'block' },
        sync: { notify: 'idle' },
        memory: { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } },
        agents: [{ name: 'a', task: 'do it', preset: 'claude', args: [], branch: 'agent/a', env: {}, after: [], review: { rounds: 3 } }],
      },
    });
  });

  it('reports every error at once, sorted by position', () => {
    const text = [
      'version: 2', //                        1:10
      'project: Demo',
      'handoff: { enforse: warn }', //        3:12
      'agents:',
      '  - name: Api', //                     5:11
      '    task: t',
      '    preset: custom', //                7:13 (no command)
      '    env: { PORT: 80 }', //             8:18
      '    colour: red', //                   9:5
      '',
    ].join('\n');
    const result = parseConfig(text, 'agents.yaml');
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => [e.location.line, e.location.column])).toEqual([
      [1, 10],
      [3, 12],
      [5, 11],
      [7, 13],
      [8, 18],
      [9, 5],
    ]);
    expect(errors.every((e) => e instanceof SuperviseError && e.kind === 'ConfigError' && e.exitCode === 2)).toBe(true);
    expect(errors[5]?.message).toBe('unknown key "colour" in agents[0] — expected one of name, task, preset, args, command, branch, env, chain, after, review, deploy');
  });

  it('does not also report a missing key that a misspelt one explains', () => {
    const result = parseConfig(['version: 1', 'projet: Demo', 'agents: [{ name: a, taks: t }]'].join('\n'), 'a.yaml');
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
      'unknown key "projet" — did you mean "project"?',
      'unknown key "taks" in agents[0] — did you mean "task"?',
    ]);
  });

  it('ignores a byte order mark when counting columns', () => {
    const result = parseConfig(`\uFEFFversion: 3\nproject: p\nagents: [{ name: a, task: t }]\n`, 'a.yaml');
    expect(result.ok ? undefined : result.errors[0]?.location).toEqual({ file: 'a.yaml', line: 1, column: 10 });
  });

  it('accepts CRLF line endings, flow style and a custom agent', () => {
    const text = 'version: 1\r\nproject: P\r\nagents:\r\n  - { name: t, task: go, preset: custom, command: [run, "{task}"] }\r\n';
    const result = parseConfig(text, 'a.yaml');
    expect(result.ok && result.config.agents[0]).toMatchObject({ preset: 'custom', command: ['run', '{task}'], branch: 'agent/t' });
  });
});

describe('loadConfig', () => {
  let dir: string;

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-load-')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function repo(): string {
    const root = join(dir, 'repo');
    mkdirSync(root);
    execFileSync('git', ['init', '-q', root]);
    return root;
  }

  it('loads the template that `supervise init` writes', async () => {
    const root = repo();
    writeFileSync(join(root, 'agents.yaml'), agentsYamlTemplate());
    const loaded = await loadConfig(join(root, 'agents.yaml'));
    expect(loaded).toMatchObject({
      file: join(root, 'agents.yaml'),
      root,
      worktreeRoot: join(root, '.supervise', 'worktrees'),
      handoffPath: join(root, 'HANDOFF.md'),
    });
    expect(loaded.config.agents.map((a) => [a.name, a.preset, a.branch])).toEqual([
      ['backend', 'claude', 'agent/backend'],
      ['tests', 'custom', 'agent/tests'],
    ]);
    expect(loaded.config.agents[1]?.command).toContain('{task}');
  });

  it("loads the repository's own agents.yaml", async () => {
    const loaded = await loadConfig(join(packageRoot(), 'agents.yaml'));
    expect(loaded.config.project).toBe('handoff-supervisor demo');
    expect(loaded.config.agents).toHaveLength(2);
  });

  it('points editors at a schema that exists, installed or in this repository', () => {
    const installed = /^# yaml-language-server: \$schema=\.\/node_modules\/handoff-supervisor\/(.+)$/m.exec(agentsYamlTemplate());
    expect(installed?.[1]).toBe('schema/agents.schema.json');
    expect(() => realpathSync(join(packageRoot(), installed?.[1] ?? ''))).not.toThrow();
  });

  it('resolves paths from the repository root when agents.yaml sits in a subfolder', async () => {
    const root = repo();
    mkdirSync(join(root, 'config'));
    writeFileSync(join(root, 'config', 'team.yaml'), `${MINIMAL}worktreeDir: ../wt\n`);
    const loaded = await loadConfig(join(root, 'config', 'team.yaml'));
    expect(loaded.root).toBe(root);
    expect(loaded.worktreeRoot).toBe(resolve(dirname(root), 'wt'));
  });

  it('allows a worktreeDir beside the repository', async () => {
    const root = repo();
    writeFileSync(join(root, 'agents.yaml'), `${MINIMAL}worktreeDir: ../repo-agents\n`);
    expect((await loadConfig(join(root, 'agents.yaml'))).worktreeRoot).toBe(join(dir, 'repo-agents'));
  });

  it('falls back to the folder of agents.yaml outside a repository', async () => {
    writeFileSync(join(dir, 'agents.yaml'), MINIMAL);
    const loaded = await loadConfig(join(dir, 'agents.yaml'));
    expect(loaded.root).toBe(dir);
  });

  it('says how to create a missing agents.yaml', async () => {
    const err = await loadConfig(join(dir, 'agents.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuperviseError);
    expect(err).not.toBeInstanceOf(ConfigErrors);
    expect((err as SuperviseError).kind).toBe('InputError');
    expect((err as SuperviseError).exitCode).toBe(2);
    expect((err as SuperviseError).message).toBe(`${join(dir, 'agents.yaml')} not found.`);
    expect((err as SuperviseError).hint).toMatch(/-c.*`supervise init`/);
  });

  it('joins every error into one message, a located line each', async () => {
    const root = repo();
    const file = join(root, 'agents.yaml');
    writeFileSync(file, [...MINIMAL.split('\n').slice(0, 5), '    branch: x..y', 'worktreeDir: /', ''].join('\n'));
    const err = (await loadConfig(file).catch((e: unknown) => e)) as ConfigErrors;
    expect(err).toBeInstanceOf(ConfigErrors);
    expect(err.message.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${file}:6:13: agents\\[0\\]\\.branch: `)),
      expect.stringMatching(new RegExp(`^${file}:7:14: worktreeDir: `)),
    ]);
  });
});
