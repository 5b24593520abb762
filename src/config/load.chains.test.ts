/** agents.yaml's chains, waves, review rounds, deploy and memory: what loads, and located errors for what does not. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatError } from '../errors.js';
import { agentsYamlTemplate } from './init.js';
import { ConfigErrors, loadConfig } from './load.js';

let repo: string;
beforeEach(() => {
  repo = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-chains-')));
  execFileSync('git', ['init', '-q', repo]);
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

const HEAD = ['version: 1', 'project: Demo'];

function write(lines: string[]): string {
  const file = join(repo, 'agents.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function writeSkill(name: string, lines: string[]): string {
  const file = join(repo, '.agents', 'skills', name, 'SKILL.md');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function errorsOf(file: string): Promise<string[]> {
  const err = await loadConfig(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigErrors);
  expect((err as ConfigErrors).exitCode).toBe(2);
  return (err as ConfigErrors).errors.map(formatError);
}

describe('chains in agents.yaml', () => {
  it('takes a list as written, and follows next (review: pass) from a single name', async () => {
    const file = write([
      ...HEAD,
      'agents:',
      '  - { name: a, task: t, chain: [build, review, commit] }',
      '  - { name: b, task: t, chain: spec }',
      '  - { name: c, task: t, chain: spec, deploy: { command: [npm, run, deploy] } }',
      '  - { name: d, task: t }',
    ]);
    const { config } = await loadConfig(file);
    expect(config.agents.map((a) => a.chain?.steps)).toEqual([
      ['build', 'review', 'commit'],
      ['spec', 'build', 'review', 'commit'],
      ['spec', 'build', 'review', 'commit', 'deploy'],
      undefined,
    ]);
    expect(config.agents[2]?.deploy).toEqual({ command: ['npm', 'run', 'deploy'] });
  });

  it('takes review rounds and deploy per agent, else from the top level', async () => {
    const file = write([
      ...HEAD,
      'review: { rounds: 2 }',
      'deploy: { command: [make, ship] }',
      'agents:',
      '  - { name: a, task: t, chain: [build, review, commit, deploy] }',
      '  - { name: b, task: t, chain: [build, review], review: { rounds: 5 }, after: [a] }',
    ]);
    const { config } = await loadConfig(file);
    expect(config.agents.map((a) => [a.review.rounds, a.deploy?.command, a.after])).toEqual([
      [2, ['make', 'ship'], []],
      [5, ['make', 'ship'], ['a']],
    ]);
  });

  it("runs a project's own skill, reached through an override's next", async () => {
    writeSkill('build', ['---', 'name: build', 'description: Ours.', 'metadata: { next: lint }', '---', 'Build.']);
    writeSkill('lint', ['---', 'name: lint', 'description: Lint.', 'metadata: { next: review }', '---', 'Lint.']);
    const { config } = await loadConfig(write([...HEAD, 'agents:', '  - { name: a, task: t, chain: build }']));
    expect(config.agents[0]?.chain?.steps).toEqual(['build', 'lint', 'review', 'commit']);
  });

  it('locates an unknown skill in a list, suggesting the close one', async () => {
    const file = write([...HEAD, 'agents:', '  - name: a', '    task: t', '    chain: [spec, biuld, review]']);
    expect(await errorsOf(file)).toEqual([`${file}:6:19: agents[0].chain[1]: unknown skill "biuld" — did you mean "build"?`]);
  });

  it('locates an unknown single skill and says where a new one goes', async () => {
    const file = write([...HEAD, 'agents:', '  - name: a', '    task: t', '    chain: security-audit']);
    expect(await errorsOf(file)).toEqual([
      `${file}:6:12: agents[0].chain: unknown skill "security-audit" — expected one of spec, build, review, fix, commit, deploy, or add .agents/skills/security-audit/SKILL.md`,
    ]);
  });

  it('locates deploy in a chain with no deploy command', async () => {
    const file = write([...HEAD, 'agents:', '  - name: a', '    task: t', '    chain: [build, commit, deploy]']);
    expect(await errorsOf(file)).toEqual([
      `${file}:6:28: agents[0].chain[2]: deploy runs deploy.command, and none is set — add deploy: { command: [...] } at the top level or to this agent, or leave deploy out of the chain`,
    ]);
  });

  it('locates a fix step listed after its review, which routing reaches', async () => {
    const file = write([...HEAD, 'agents:', '  - { name: a, task: t, chain: [build, review, fix, commit] }']);
    expect(await errorsOf(file)).toEqual([
      `${file}:4:48: agents[0].chain[2]: fix runs after review when its verdict asks for a fix, and review runs again after it — leave fix out of the chain`,
    ]);
  });

  it("reports a broken skill at its own file:line:col, with agents.yaml's errors", async () => {
    const skill = writeSkill('build', ['---', 'name: build', 'description: d', 'metadata:', '  next: reveiw', '---', 'x']);
    const file = write([...HEAD, 'agents:', '  - { name: a, task: t, chain: spec, after: [b] }']);
    expect(await errorsOf(file)).toEqual([
      `${file}:4:46: agents[0].after[0]: no agent is named "b" — there is no other agent to wait for; remove after`,
      `${skill}:5:9: metadata.next: no skill is named "reveiw" — did you mean "review"?`,
    ]);
  });

  it('does not read the skills when no agent has a chain', async () => {
    writeSkill('build', ['not a skill']);
    const { config } = await loadConfig(write([...HEAD, 'agents:', '  - { name: a, task: t }']));
    expect(config.agents[0]?.chain).toBeUndefined();
  });

  it('rejects a bad skill name and a bad review rounds in place', async () => {
    const file = write([...HEAD, 'review: { rounds: 0 }', 'agents:', '  - { name: a, task: t, chain: [Build] }']);
    const errors = await errorsOf(file);
    expect(errors[0]).toBe(`${file}:3:19: review.rounds: expected a whole number of review rounds from 1 to 20, found 0`);
    expect(errors[1]).toBe(`${file}:5:33: agents[0].chain[0]: expected a skill name: lowercase letters, digits and single hyphens, like build or security-review, found "Build"`);
  });
});

describe('after in agents.yaml', () => {
  it('locates an after naming no agent, suggesting the close one', async () => {
    const file = write([...HEAD, 'agents:', '  - { name: backend, task: t }', '  - { name: tests, task: t, after: [bakend] }']);
    expect(await errorsOf(file)).toEqual([`${file}:5:37: agents[1].after[0]: no agent is named "bakend" — did you mean "backend"?`]);
  });

  it('locates an agent waiting for itself', async () => {
    const file = write([...HEAD, 'agents:', '  - { name: a, task: t }', '  - name: b', '    task: t', '    after: [a, b]']);
    expect(await errorsOf(file)).toEqual([`${file}:7:16: agents[1].after[1]: an agent cannot wait for itself ("b") — remove it from after`]);
  });

  it('locates a circle of waits once, at one of its entries', async () => {
    const file = write([
      ...HEAD,
      'agents:',
      '  - { name: a, task: t, after: [c] }',
      '  - { name: b, task: t, after: [a] }',
      '  - { name: c, task: t, after: [b] }',
      '  - { name: d, task: t, after: [a] }',
    ]);
    expect(await errorsOf(file)).toEqual([
      `${file}:5:33: agents[1].after[0]: the agents wait for each other in a circle (a waits for c, c waits for b, b waits for a), so none of them would ever start — remove one of these after entries`,
    ]);
  });
});

describe('memory in agents.yaml', () => {
  it('fills its defaults, and takes a server and an embedder', async () => {
    const plain = await loadConfig(write([...HEAD, 'agents: [{ name: a, task: t }]']));
    expect(plain.config.memory).toEqual({ store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } });
    const team = await loadConfig(
      write([...HEAD, 'memory:', '  url: postgres://team@db:5432/memory', '  embedder: { provider: ollama, model: nomic-embed-text }', '  inject: { budget: 300 }', 'agents: [{ name: a, task: t }]']),
    );
    expect(team.config.memory).toEqual({
      store: 'on',
      url: 'postgres://team@db:5432/memory',
      embedder: { provider: 'ollama', model: 'nomic-embed-text' },
      inject: { budget: 300 },
    });
  });

  it('locates a bad store, provider and url', async () => {
    const file = write([...HEAD, 'memory:', '  store: of', '  url: mysql://x', '  embedder: { provider: olama }', 'agents: [{ name: a, task: t }]']);
    expect(await errorsOf(file)).toEqual([
      `${file}:4:10: memory.store: expected one of on, off, found "of" — did you mean "on"?`,
      `${file}:5:8: memory.url: expected a PostgreSQL URL, like postgres://user@host:5432/db, found "mysql://x"`,
      `${file}:6:25: memory.embedder.provider: expected one of local, ollama, openai, transformers, found "olama" — did you mean "ollama"?`,
    ]);
  });
});

describe('the embedder in agents.yaml', () => {
  it('locates a key its provider does not read, and transformers with no model', async () => {
    const file = write([
      ...HEAD,
      'memory:',
      '  embedder:',
      '    provider: transformers',
      '    url: http://localhost:11434',
      'agents: [{ name: a, task: t }]',
    ]);
    expect(await errorsOf(file)).toEqual([
      `${file}:5:15: memory.embedder: provider transformers needs a model to load — add path: <a local model folder> (or model: <a model id in the transformers.js cache>)`,
      `${file}:6:5: memory.embedder.url: provider transformers does not use a url (ollama and openai do) — remove it, or set the provider that needs it`,
    ]);
  });

  it('locates a model given to the local provider, which is the default', async () => {
    const file = write([...HEAD, 'memory: { embedder: { model: nomic-embed-text } }', 'agents: [{ name: a, task: t }]']);
    expect(await errorsOf(file)).toEqual([
      `${file}:3:23: memory.embedder.model: provider local does not use a model (ollama, openai and transformers do) — remove it, or set the provider that needs it`,
    ]);
  });
});

describe("the template's commented examples", () => {
  it('load once uncommented, with what they say', async () => {
    const lines = agentsYamlTemplate().split('\n');
    const start = lines.indexOf('# memory:');
    const text = lines
      .map((line, i) => {
        if (i >= start && start >= 0 && line.startsWith('#') && !lines.slice(start, i).includes('')) return line.slice(2);
        return line.replace(/^(\s*)# (chain|after|review|deploy): ([[{])/, '$1$2: $3');
      })
      .join('\n');
    expect(text).not.toEqual(lines.join('\n'));
    writeFileSync(join(repo, 'agents.yaml'), text);
    const { config } = await loadConfig(join(repo, 'agents.yaml'));
    expect(config.agents.map((a) => [a.name, a.chain?.steps, a.after, a.review.rounds, a.deploy?.command])).toEqual([
      ['backend', ['spec', 'build', 'review', 'commit'], [], 3, ['npm', 'run', 'deploy']],
      ['tests', undefined, ['backend'], 3, ['npm', 'run', 'deploy']],
    ]);
    expect(config.memory).toMatchObject({ store: 'on', url: 'postgres://user@host:5432/memory', inject: { budget: 150 } });
  });
});
