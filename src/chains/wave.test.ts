import { describe, expect, it } from 'vitest';
import { countTokens, loadEncoder } from '../handoff/tokens.js';
import { waveLevels, waveSummary, type WaveAgent } from './wave.js';

const handoff = (agent: string, n = 1) => `# HANDOFF - P

## Current State
- Verdict: pass

## Completed
${Array.from({ length: n }, (_, i) => `- [x] ${agent} finished part ${i + 1} of the parser, with tests for every edge case`).join('\n')}

## In Progress

## Blockers
- Decided AGAINST a regex parser: it could not report positions

## Next Steps

## Key Decisions
- ${agent} keeps tokens immutable, because the formatter shares them
`;

const wave = (n = 1): WaveAgent[] => [
  { agent: 'beta', branch: 'agent/beta', task: 'Format', handoff: handoff('beta', n), files: ['src/format.ts'], commit: 'abcdef1234567' },
  { agent: 'alpha', branch: 'agent/alpha', task: 'Parse', handoff: handoff('alpha', n), files: ['src/parse.ts', 'src/parse.test.ts'] },
];

describe('waves', () => {
  it('puts an agent one wave after the latest it waits for', () => {
    const levels = waveLevels([
      { name: 'a', after: [] },
      { name: 'b', after: ['a'] },
      { name: 'c', after: ['a', 'b'] },
      { name: 'd', after: [] },
    ]);
    expect(Object.fromEntries(levels)).toEqual({ a: 0, b: 1, c: 2, d: 0 });
  });

  it('writes the WAVE.md sections from the handoffs and git, agents in name order, the same text each time', async () => {
    const text = await waveSummary('P', 0, wave(), 'cl100k_base');
    expect(text.split('\n')[0]).toBe('# P - Wave Summary (wave 1: alpha, beta)');
    expect(text).toContain('## Discovered\n- alpha finished part 1 of the parser, with tests for every edge case (@alpha)');
    expect(text).toContain('- Verdict: pass (@alpha, @beta)');
    expect(text).toContain('## Decisions\n- alpha keeps tokens immutable, because the formatter shares them (@alpha)');
    // Both agents wrote the same blocker: it is kept once.
    expect(text).toContain('## Mistakes to Avoid\n- Decided AGAINST a regex parser: it could not report positions (@alpha, @beta)\n');
    expect(text).toContain('- Format: see agent/beta, commit abcdef1 (src/format.ts) (@beta)');
    expect(text).toContain('## Files Modified\n- src/parse.ts (@alpha)\n- src/parse.test.ts (@alpha)\n- src/format.ts (@beta)');
    expect(await waveSummary('P', 0, [...wave()].reverse(), 'cl100k_base')).toBe(text);
  });

  it('stays within 500 tokens, saying how much it left out', async () => {
    const text = await waveSummary('P', 1, wave(30), 'cl100k_base');
    await loadEncoder('cl100k_base');
    expect(countTokens(text, 'cl100k_base')).toBeLessThanOrEqual(500);
    expect(text).toMatch(/<!-- \d+ more items left out to stay within 500 tokens/);
    expect(text).toContain('## Files Modified');
  });
});
