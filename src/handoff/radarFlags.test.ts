import { describe, expect, it } from 'vitest';
import { flagHead, radarFlag } from './conflicts.js';
import { parseHandoff } from './parse.js';
import { mergeTeam, type TeamMergeInput } from './team.js';
import { handoffTemplate } from './template.js';
import type { Conflict } from './types.js';

const RADAR: Conflict[] = [
  { kind: 'merge-conflict', agents: ['alpha', 'bravo'], subject: 'src/api.ts', detail: 'alpha and bravo would conflict in src/api.ts' },
  { kind: 'contract', agents: ['alpha', 'carol'], subject: 'carol imports src/api.ts, changed by alpha', detail: 'carol imports src/api.ts, changed by alpha (from src/client.ts)' },
];

const input = (teamText: string, radar?: Conflict[]): TeamMergeInput => ({
  teamText,
  agents: [],
  project: 'Shop',
  limits: { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' },
  historyRef: '.supervise/history/x.md',
  radar,
});

const blockers = (text: string): string[] => parseHandoff(text).sections.find((s) => s.name === 'Blockers')?.items.map((i) => i.text) ?? [];

describe('radar flags in the team handoff', () => {
  it('names the agents first, so the compressor keeps who', () => {
    expect(radarFlag({ ...RADAR[0]!, kind: 'merge-conflict' })).toBe('⚠ merge conflict: alpha and bravo — src/api.ts');
    expect(flagHead('⚠ contract: alpha and carol — carol imports src/api.ts, changed by alpha')).toEqual({ kind: 'contract', head: '⚠ contract: alpha and carol — ', agents: ['alpha', 'carol'] });
    expect(flagHead('⚠ merge conflict: alpha — with main in src/x.ts')?.agents).toEqual(['alpha']);
    // the contradiction flag is not taken for a radar one, nor the other way round
    expect(flagHead('⚠ conflict: web vs api — "a" vs "b"')?.kind).toBe('contradiction');
  });

  it('are written into Blockers, stay through a merge that did not look, and leave once the radar sees nothing', () => {
    const start = handoffTemplate({ project: 'Shop', branch: '(team)', agent: 'none yet' });
    const flagged = mergeTeam(input(start, RADAR));
    expect(blockers(flagged.text).slice(0, 2)).toEqual(['⚠ contract: alpha and carol — carol imports src/api.ts, changed by alpha', '⚠ merge conflict: alpha and bravo — src/api.ts']);
    expect(flagged.conflicts.map((c) => c.kind)).toEqual(['contract', 'merge-conflict']);
    // the same look again is a fixed point
    expect(mergeTeam(input(flagged.text, RADAR)).unchanged).toBe(true);
    // `handoff merge` from the command line does not look: the flags stay
    expect(mergeTeam(input(flagged.text)).unchanged).toBe(true);
    const cleared = mergeTeam(input(flagged.text, []));
    expect(blockers(cleared.text).filter((b) => b.startsWith('⚠'))).toEqual([]);
    expect(cleared.removed.flatMap((r) => r.items.map((i) => i.text))).toContain('⚠ merge conflict: alpha and bravo — src/api.ts');
  });
});
