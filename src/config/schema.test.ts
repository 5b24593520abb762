import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { ConfigSchema, configJsonSchema, homeOfKey, knownKeysAt } from './schema.js';

describe('configJsonSchema', () => {
  it('matches the committed schema/agents.schema.json', () => {
    const committed: unknown = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'agents.schema.json'), 'utf8'));
    expect(
      committed,
      'schema/agents.schema.json is stale: regenerate it with `node scripts/run.mjs scripts/write-schema.ts`',
    ).toEqual(configJsonSchema());
  });

  it('forbids unknown keys and marks defaulted keys optional', () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: { agents: { items: { required: string[]; additionalProperties: boolean } } };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['version', 'project', 'agents']);
    expect(schema.properties.agents.items.required).toEqual(['name', 'task']);
    expect(schema.properties.agents.items.additionalProperties).toBe(false);
  });

  it('tells editors that command belongs to preset custom only', () => {
    const text = JSON.stringify(configJsonSchema());
    expect(text).toContain('"then":{"required":["command"]}');
    expect(text).toContain('"else":{"not":{"required":["command"]}}');
  });
});

describe('ConfigSchema', () => {
  it('fills every default, and each config gets its own objects', () => {
    const input = { version: 1, project: 'P', agents: [{ name: 'a', task: 't' }] };
    const a = ConfigSchema.parse(input);
    expect(a).toEqual({
      version: 1,
      project: 'P',
      worktreeDir: '.supervise/worktrees',
      handoff: { file: 'HANDOFF.md', budget: { total: 500, section: 100 }, encoding: 'cl100k_base', enforce: 'block' },
      sync: { notify: 'idle' },
      memory: { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } },
      agents: [{ name: 'a', task: 't', preset: 'claude', args: [], branch: 'agent/a', env: {}, after: [], review: { rounds: 3 } }],
    });
    const b = ConfigSchema.parse(input);
    expect(b.handoff.budget).not.toBe(a.handoff.budget);
    expect(b.agents[0]?.args).not.toBe(a.agents[0]?.args);
  });

  it("gives each agent the top level's review and deploy unless it has its own", () => {
    const c = ConfigSchema.parse({
      version: 1,
      project: 'P',
      review: { rounds: 5 },
      deploy: { command: ['npm', 'run', 'deploy'] },
      agents: [
        { name: 'a', task: 't', chain: ['build', 'review', 'commit'] },
        { name: 'b', task: 't', chain: 'spec', review: { rounds: 1 }, deploy: { command: ['make', 'ship'] }, after: ['a'] },
        { name: 'c', task: 't', review: {} },
      ],
    });
    expect(c.agents.map((a) => [a.chain, a.review.rounds, a.deploy?.command, a.after])).toEqual([
      [['build', 'review', 'commit'], 5, ['npm', 'run', 'deploy'], []],
      ['spec', 1, ['make', 'ship'], ['a']],
      [undefined, 5, ['npm', 'run', 'deploy'], []],
    ]);
    expect(c).not.toHaveProperty('review');
    expect(c).not.toHaveProperty('deploy');
  });
});

describe('knownKeysAt and homeOfKey', () => {
  it('lists the keys of each mapping', () => {
    expect(knownKeysAt([])).toEqual(['version', 'project', 'base', 'worktreeDir', 'handoff', 'sync', 'review', 'deploy', 'memory', 'agents']);
    expect(knownKeysAt(['memory', 'embedder'])).toEqual(['provider', 'model', 'url', 'path']);
    expect(knownKeysAt(['handoff', 'budget'])).toEqual(['total', 'section']);
    expect(knownKeysAt(['agents', 3])).toContain('command');
    expect(knownKeysAt(['agents', 3, 'env'])).toEqual([]);
  });

  it('finds where a misplaced key belongs', () => {
    expect(homeOfKey('enforce', [])).toBe('handoff');
    expect(homeOfKey('notify', [])).toBe('sync');
    expect(homeOfKey('task', [])).toBe('each agent in agents');
    expect(homeOfKey('project', ['agents', 0])).toBe('the top level');
    expect(homeOfKey('nonsense', [])).toBeUndefined();
  });
});
