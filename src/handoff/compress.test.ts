import { describe, expect, it } from 'vitest';
import { compressHandoff } from './compress.js';
import { normalizeText, pointerCount } from './items.js';
import { parseHandoff } from './parse.js';
import { renderHandoff } from './render.js';
import type { Handoff, HandoffItem, HandoffLimits } from './types.js';
import { validateHandoff } from './validate.js';

const limits: HandoffLimits = { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' };
const REF = '.supervise/history/2025-01-31T12-00-00-000Z-team.md';

/** A long-running project's handoff, about 2,000 tokens. */
function bigHandoff(): string {
  const completed = Array.from({ length: 62 }, (_, i) => `- [x] Endpoint /api/v1/resource-${i} with validation and tests (@backend)`);
  const progress = Array.from({ length: 18 }, (_, i) => `- [ ] Screen ${i}: form, loading state and error toast (@frontend)`);
  const steps = Array.from({ length: 18 }, (_, i) => `${i + 1}. Wire screen ${i} to its endpoint and add an e2e test (@tests)`);
  return [
    '# HANDOFF - Auth System Refactor',
    '',
    '## Current State',
    '- backend · agent/backend · working on rate limiting',
    '- frontend · agent/frontend · idle',
    '- tests · agent/tests · waiting for screens',
    '',
    '## Completed',
    ...completed,
    '',
    '## In Progress',
    ...progress,
    '',
    '## Blockers',
    '- Decided AGAINST redis for sessions (overkill for MVP)',
    '- NOT using refresh tokens for MVP (adds complexity)',
    '',
    '## Next Steps',
    ...steps,
    '',
    '## Key Decisions',
    '- JWT expiry: 7 days (not 24h, user requested longer sessions)',
    '- Password: bcrypt with cost factor 12',
    '',
  ].join('\n');
}

const itemsOf = (h: Handoff, name: string): HandoffItem[] => h.sections.find((s) => s.name === name)?.items ?? [];
const keys = (items: HandoffItem[]): string[] => items.map((i) => normalizeText(i.text)).sort();

describe('compressHandoff', () => {
  it('fits a 2,000-token handoff into its budgets, Completed first, Blockers and Key Decisions untouched', () => {
    const h = parseHandoff(bigHandoff());
    const r = compressHandoff(h, limits, { historyRef: REF });
    expect(r.before).toBeGreaterThan(1900);
    expect(r.withinBudget).toBe(true);
    expect(r.after).toBeLessThanOrEqual(500);
    const text = renderHandoff(r.handoff);
    const report = validateHandoff(text, limits);
    expect(report.valid).toBe(true);
    expect(report.totalTokens).toBe(r.after);

    const completed = itemsOf(r.handoff, 'Completed');
    expect(completed[0]?.text).toMatch(/^\d+ earlier items — see \.supervise\/history\/2025-01-31T12-00-00-000Z-team\.md$/);
    // The newest completed item stays, the oldest leaves.
    expect(completed.at(-1)?.text).toBe('Endpoint /api/v1/resource-61 with validation and tests');
    expect(r.removed.find((g) => g.section === 'Completed')?.items[0]?.text).toBe('Endpoint /api/v1/resource-0 with validation and tests');
    expect(keys(itemsOf(r.handoff, 'Blockers'))).toEqual(keys(itemsOf(h, 'Blockers')));
    expect(keys(itemsOf(r.handoff, 'Key Decisions'))).toEqual(keys(itemsOf(h, 'Key Decisions')));
    expect(text).toContain('more items — see .supervise/history/');
  });

  it('moves every item that leaves into `removed`, and the pointers count them', () => {
    const h = parseHandoff(bigHandoff());
    const r = compressHandoff(h, limits, { historyRef: REF });
    const all = (x: Handoff): HandoffItem[] => x.sections.flatMap((s) => s.items);
    const kept = all(r.handoff).filter((i) => pointerCount(i) === undefined);
    const gone = r.removed.flatMap((g) => g.items);
    expect(keys([...kept, ...gone])).toEqual(keys(all(h)));
    for (const g of r.removed) {
      const pointer = itemsOf(r.handoff, g.section).find((i) => pointerCount(i) !== undefined);
      expect(pointerCount(pointer as HandoffItem)).toBe(g.items.length);
    }
  });

  it('returns a handoff within budget as it is', () => {
    const h = parseHandoff('# HANDOFF - P\n\n## Completed\n- [x] one\n');
    const r = compressHandoff(h, limits, { historyRef: REF });
    expect(r.handoff).toBe(h);
    expect(r.removed).toEqual([]);
    expect(r.after).toBe(r.before);
  });

  it('shrinks a Blockers section over its own budget from the end, keeping ⚠ flags, and says so', () => {
    const blockers = Array.from({ length: 12 }, (_, i) => `- Decided against approach number ${i} because it failed under load`);
    const h = parseHandoff(['# HANDOFF - P', '', '## Blockers', '- ⚠ conflict: a "use redis" vs b "no redis"', ...blockers].join('\n'));
    const r = compressHandoff(h, { ...limits, budget: { total: 5000, section: 100 } }, { historyRef: REF });
    const left = itemsOf(r.handoff, 'Blockers').map((i) => i.text);
    expect(left[0]).toMatch(/^⚠ conflict/);
    expect(left[1]).toBe('Decided against approach number 0 because it failed under load');
    expect(left.at(-1)).toMatch(/^\d+ more items — see /);
    expect(r.removed[0]?.items.at(-1)?.text).toBe('Decided against approach number 11 because it failed under load');
    expect(r.withinBudget).toBe(true);
  });

  it('folds an earlier pointer into the new count and sends it to history too, so history chains', () => {
    const done = Array.from({ length: 40 }, (_, i) => `- [x] Finished task number ${i} of the migration`);
    const h = parseHandoff(['## Completed', '- [x] 12 earlier items — see .supervise/history/old.md', ...done].join('\n'));
    const r = compressHandoff(h, limits, { historyRef: REF });
    const gone = r.removed.flatMap((g) => g.items);
    const pointer = itemsOf(r.handoff, 'Completed')[0] as HandoffItem;
    expect(pointerCount(pointer)).toBe(12 + gone.length - 1);
    expect(gone.map((i) => i.text)).toContain('12 earlier items — see .supervise/history/old.md');
  });

  it('says why when the budget cannot be met', () => {
    const r = compressHandoff(parseHandoff(bigHandoff()), { ...limits, budget: { total: 30, section: 100 } }, { historyRef: REF });
    expect(r.withinBudget).toBe(false);
    expect(r.reason).toMatch(/^the handoff is still \d+ tokens with every item moved out \(title, headings and pointers\), budget 30$/);
    expect(r.after).toBeLessThan(r.before);
  });

  it('is deterministic', () => {
    const a = compressHandoff(parseHandoff(bigHandoff()), limits, { historyRef: REF });
    const b = compressHandoff(parseHandoff(bigHandoff()), limits, { historyRef: REF });
    expect(renderHandoff(a.handoff)).toBe(renderHandoff(b.handoff));
    expect(a.removed).toEqual(b.removed);
  });
});
