import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['enforse', 'enforce', 1],
    ['claud', 'claude', 1],
    ['taks', 'task', 1], // a transposition is one edit
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('suggest', () => {
  const keys = ['version', 'project', 'base', 'worktreeDir', 'handoff', 'sync', 'agents'];

  it('finds the key a typo meant', () => {
    expect(suggest('projet', keys)).toBe('project');
    expect(suggest('agent', keys)).toBe('agents');
    expect(suggest('enforse', ['file', 'budget', 'encoding', 'enforce'])).toBe('enforce');
  });

  it('ignores case', () => {
    expect(suggest('worktreedir', keys)).toBe('worktreeDir');
  });

  it('suggests nothing for a word that is not close to any', () => {
    expect(suggest('colour', keys)).toBeUndefined();
    expect(suggest('foo', keys)).toBeUndefined();
  });

  it('prefers the closest candidate', () => {
    expect(suggest('codx', ['claude', 'codex', 'custom'])).toBe('codex');
  });
});
