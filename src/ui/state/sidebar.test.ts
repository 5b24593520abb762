import { describe, expect, it } from 'vitest';
import { agent } from '../testing/fixtures.js';
import { elapsed, nextElapsedChange, statusGlyph, statusWord } from './format.js';
import { sharedFiles } from './overlap.js';
import { fitNames, sidebarLines } from './sidebarLines.js';
import { lineText } from './styled.js';

const budget = { total: 500, section: 100 };

describe('sharedFiles', () => {
  it('lists files in two or more agents’ changes with the agents’ names, in sidebar order', () => {
    const agents = [
      agent('a', { diff: { files: ['src/api.ts', 'src/a.ts'], added: 1, removed: 0 } }),
      agent('b', { diff: { files: ['src/api.ts', 'README.md'], added: 1, removed: 0 } }),
      agent('c'),
      agent('d', { diff: { files: ['README.md', 'src/api.ts', 'src/api.ts'], added: 1, removed: 0 } }),
    ];
    expect(sharedFiles(agents)).toEqual([
      { file: 'README.md', agents: ['b', 'd'] },
      { file: 'src/api.ts', agents: ['a', 'b', 'd'] },
    ]);
    expect(sharedFiles([agents[0]!, agents[2]!])).toEqual([]);
  });
});

describe('status text', () => {
  it('has a glyph and a word for every status', () => {
    expect(statusGlyph(agent('a', { status: 'working' }))).toBe('●');
    expect(statusGlyph(agent('a', { status: 'needs-input' }))).toBe('◐');
    expect(statusGlyph(agent('a', { status: 'idle' }))).toBe('○');
    expect(statusGlyph(agent('a', { status: 'exited', exitCode: 0 }))).toBe('✓');
    expect(statusGlyph(agent('a', { status: 'failed', exitCode: 1 }))).toBe('✗');
    expect(statusGlyph(agent('a', { status: 'stopped' }))).toBe('■');
    expect(statusGlyph(agent('a', { status: 'starting' }))).toBe('…');
    expect(statusWord(agent('a', { status: 'needs-input' }))).toBe('input');
    expect(statusWord(agent('a', { status: 'exited', exitCode: 0 }))).toBe('exit 0');
    expect(statusWord(agent('a', { status: 'failed', exitCode: null, signal: 'SIGKILL' }))).toBe('SIGKILL');
  });

  it('reads elapsed time from the start for every status, to the second, frozen at exit', () => {
    for (const status of ['starting', 'working', 'needs-input', 'idle'] as const) {
      expect(elapsed(agent('a', { startedAt: 0, status }), 42_000)).toBe('42s');
      expect(elapsed(agent('a', { startedAt: 0, status }), 192_000)).toBe('3m12s');
      expect(elapsed(agent('a', { startedAt: 0, status }), 3_900_000)).toBe('1h05m');
    }
    expect(elapsed(agent('a', { startedAt: 0, status: 'idle' }), 30_000)).toBe('30s');
    expect(elapsed(agent('a', { startedAt: 0, status: 'exited', endedAt: 5000 }), 999_999)).toBe('5s');
  });

  it('wakes up only when a shown elapsed time changes, idle agents included', () => {
    expect(nextElapsedChange([agent('a', { startedAt: 0 })], 1_250)).toBe(750);
    expect(nextElapsedChange([agent('a', { startedAt: 0, status: 'idle' })], 61_250)).toBe(750);
    expect(nextElapsedChange([agent('a', { startedAt: 0, status: 'idle' })], 3_661_000)).toBe(59_000);
    expect(nextElapsedChange([agent('a', { status: 'exited', endedAt: 10 }), agent('b', { status: 'stopped', endedAt: 10 })], 5_000)).toBeUndefined();
  });
});

describe('sidebarLines', () => {
  it('draws the SPEC layout: number, glyph, name, status; branch and time; diff and tokens; warnings', () => {
    const agents = [
      agent('backend', { diff: { files: ['src/api.ts'], added: 120, removed: 8 }, handoffTokens: 312, startedAt: 0 }),
      agent('frontend', { status: 'needs-input', diff: { files: ['src/api.ts'], added: 3, removed: 1 }, warnings: ['handoff not updated'] }),
      agent('tests', { status: 'exited', exitCode: 0, endedAt: 60_000 }),
    ];
    const lines = sidebarLines({ agents, selected: 0, now: 192_000, budget, width: 23, height: 20 }).map(lineText);
    expect(lines[0]).toBe('1 ● backend     working');
    expect(lines[1]).toBe('    agent/backend 3m12s');
    expect(lines[2]).toBe('    +120 -8     312/500');
    expect(lines).toContain('2 ◐ frontend      input');
    expect(lines).toContain('  ! handoff not updated');
    expect(lines).toContain('3 ✓ tests        exit 0');
    expect(lines.slice(-2)).toEqual(['! src/api.ts', '    backend, frontend']);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(23);
  });

  it('drops detail lines rather than agents when the sidebar is short', () => {
    const agents = Array.from({ length: 9 }, (_, i) => agent(`agent${i + 1}`, { diff: { files: [], added: i, removed: 0 }, warnings: ['over budget'] }));
    const lines = sidebarLines({ agents, selected: 4, now: 0, budget, width: 23, height: 12 }).map(lineText);
    expect(lines.length).toBeLessThanOrEqual(12);
    for (let i = 1; i <= 9; i++) expect(lines.some((l) => l.startsWith(`${i} `))).toBe(true);
    expect(lines.some((l) => l.includes('warnings'))).toBe(true);
  });

  it('names the agents sharing a file, on one line when it fits, else cut to the width with +N', () => {
    const files = { files: ['src/api.ts'], added: 1, removed: 0 };
    const two = [agent('api', { diff: files }), agent('ui', { diff: files })];
    expect(sidebarLines({ agents: two, selected: 0, now: 0, budget, width: 23, height: 20 }).map(lineText).at(-1)).toBe('! src/api.ts: api, ui');
    const four = ['backend', 'frontend', 'tests', 'docs'].map((n) => agent(n, { diff: { ...files, files: ['src/server/routes/auth/api.ts'] } }));
    const lines = sidebarLines({ agents: four, selected: 0, now: 0, budget, width: 23, height: 30 }).map(lineText);
    expect(lines.slice(-2)).toEqual(['! …r/routes/auth/api.ts', '    backend +3']);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(23);
    expect(fitNames(['backend', 'frontend', 'tests'], 40)).toBe('backend, frontend, tests');
    expect(fitNames(['backend', 'frontend', 'tests'], 20)).toBe('backend, frontend +1');
    expect(fitNames(['a-very-long-agent-name', 'b'], 10)).toBe('a-very… +1');
  });

  it('marks tokens over budget', () => {
    const [, , stats] = sidebarLines({ agents: [agent('a', { handoffTokens: 612 })], selected: 0, now: 0, budget, width: 23, height: 10 });
    expect(lineText(stats!)).toContain('612/500');
    expect(stats!.some((s) => s.text === '612/500' && s.color === 'red')).toBe(true);
  });
});

describe('conflict radar lines', () => {
  it('shows each agent what the radar predicts, with its own mark and colour, clipped to the width', () => {
    const agents = [
      agent('alpha', { warnings: ['handoff not updated', '✗ conflicts with bravo: src/api.ts', '⚠ carol imports src/api.ts, changed by alpha'] }),
      agent('bravo', { warnings: ['✗ conflicts with alpha: src/api.ts'] }),
    ];
    const lines = sidebarLines({ agents, selected: 0, now: Date.now(), budget, width: 40, height: 40 });
    const text = lines.map(lineText);
    expect(text).toContain('  ! handoff not updated');
    expect(text).toContain('  ✗ conflicts with bravo: src/api.ts');
    expect(text).toContain('  ✗ conflicts with alpha: src/api.ts');
    const contract = lines.find((l) => lineText(l).startsWith('  ⚠ carol imports'))!;
    expect(lineText(contract).length).toBeLessThanOrEqual(40);
    expect(contract[0]!.color).toBe('yellow');
    expect(lines.find((l) => lineText(l) === '  ✗ conflicts with bravo: src/api.ts')![0]!.color).toBe('red');
  });
});

describe('chains in the sidebar', () => {
  it('shows the chain with a mark per step, the review round, and what a waiting agent waits for', () => {
    const chain = { steps: ['spec', 'build', 'review', 'commit'], fixes: { review: 'fix' }, index: 2, current: 'review', round: 2, finished: false };
    const beta = agent('beta', { status: 'working', chain });
    const gamma = agent('gamma', { status: 'starting', waiting: ['beta'], detail: 'waiting for beta' });
    const lines = sidebarLines({ agents: [beta, gamma], selected: 0, now: 1000, budget, width: 60, height: 20 }).map(lineText);
    expect(lines).toContain('    spec ✓ build ✓ review ●2 fix · commit ·');
    expect(lines).toContain('    waiting for beta');
    const waiting = agent('omega', { status: 'starting', waiting: ['beta'], chain: { ...chain, index: 0, current: 'spec', round: 1 } });
    expect(sidebarLines({ agents: [waiting], selected: 0, now: 1000, budget, width: 60, height: 20 }).map(lineText)).toContain('    spec · build · review · fix · commit ·');
    expect(lines.find((l) => l.includes('gamma'))).toContain('waiting');
    // Narrow: the steps wrap instead of being cut.
    const narrow = sidebarLines({ agents: [beta], selected: 0, now: 1000, budget, width: 23, height: 20 }).map(lineText);
    expect(narrow).toContain('    spec ✓ build ✓');
    expect(narrow).toContain('    review ●2 fix ·');
    expect(narrow).toContain('    commit ·');
  });
});
