import { describe, expect, it } from 'vitest';
import { compressHandoff } from './compress.js';
import { normalizeText, pointerCount, pointerRef } from './items.js';
import { countTokens } from './tokens.js';
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
  const pointerOf = (h: Handoff): string | undefined => (h.preamble ?? []).find((l) => pointerCount(l) !== undefined);

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

    // One line under the title counts what left and names the file.
    expect(text.split('\n')[2]).toMatch(/^History: \d+ items moved out or shortened — see \.supervise\/history\/2025-01-31T12-00-00-000Z-team\.md$/);
    const completed = itemsOf(r.handoff, 'Completed');
    // The newest completed item stays, the oldest leaves.
    expect(completed.at(-1)?.text).toBe('Endpoint /api/v1/resource-61 with validation and tests');
    expect(r.removed.find((g) => g.section === 'Completed')?.items[0]?.text).toBe('Endpoint /api/v1/resource-0 with validation and tests');
    expect(keys(itemsOf(r.handoff, 'Blockers'))).toEqual(keys(itemsOf(h, 'Blockers')));
    expect(keys(itemsOf(r.handoff, 'Key Decisions'))).toEqual(keys(itemsOf(h, 'Key Decisions')));
    // Every agent keeps its status line.
    expect(itemsOf(r.handoff, 'Current State')).toHaveLength(3);
  });

  it('moves every item that leaves into `removed`, and the pointer counts them', () => {
    const h = parseHandoff(bigHandoff());
    const r = compressHandoff(h, limits, { historyRef: REF });
    const all = (x: Handoff): HandoffItem[] => x.sections.flatMap((s) => s.items);
    const kept = all(r.handoff);
    const gone = r.removed.flatMap((g) => g.items);
    expect(keys([...kept, ...gone])).toEqual(keys(all(h)));
    expect(pointerCount(pointerOf(r.handoff) as string)).toBe(gone.length);
    expect(pointerRef(pointerOf(r.handoff) as string)).toBe(REF);
  });

  it('returns a handoff within budget as it is', () => {
    const h = parseHandoff('# HANDOFF - P\n\n## Completed\n- [x] one\n');
    const r = compressHandoff(h, limits, { historyRef: REF });
    expect(r.handoff).toBe(h);
    expect(r.removed).toEqual([]);
    expect(r.after).toBe(r.before);
  });

  it('fits a Blockers section over its own budget oldest first, keeping ⚠ flags longest', () => {
    const blockers = Array.from({ length: 12 }, (_, i) => `- Decided against approach number ${i} because it failed under load`);
    const h = parseHandoff(['# HANDOFF - P', '', '## Blockers', '- ⚠ conflict: a "use redis" vs b "no redis"', ...blockers].join('\n'));
    const r = compressHandoff(h, { ...limits, budget: { total: 5000, section: 100 } }, { historyRef: REF });
    const left = itemsOf(r.handoff, 'Blockers').map((i) => i.text);
    expect(left[0]).toMatch(/^⚠ conflict/);
    expect(left.at(-1)).toBe('Decided against approach number 11 because it failed under load');
    expect(r.removed[0]?.items[0]?.text).toBe('Decided against approach number 0 because it failed under load');
    expect(r.withinBudget).toBe(true);
  });

  it('never moves a Blocker or Key Decision while anything of lower priority can go', () => {
    const steps = Array.from({ length: 6 }, (_, i) => `${i + 1}. Review agent${i}'s changes on agent/agent${i} and merge them into main when green`);
    const against = ['- Decided AGAINST a rewrite of the router (too risky this week)', '- Decided AGAINST redis for sessions (overkill)', '- NOT using GraphQL: the clients are REST-only'];
    const decisions = ['- JWT expiry: 7 days (users asked)', '- bcrypt cost 12'];
    const h = parseHandoff(['# HANDOFF - P', '', '## Blockers', ...against, '', '## Next Steps', ...steps, '', '## Key Decisions', ...decisions].join('\n'));
    const r = compressHandoff(h, { ...limits, budget: { total: 150, section: 100 } }, { historyRef: REF });
    expect(r.withinBudget).toBe(true);
    expect(keys(itemsOf(r.handoff, 'Blockers'))).toEqual(keys(itemsOf(h, 'Blockers')));
    expect(keys(itemsOf(r.handoff, 'Key Decisions'))).toEqual(keys(itemsOf(h, 'Key Decisions')));
    expect(r.removed.map((g) => g.section)).toEqual(['Next Steps']);
  });

  it('shortens one long item instead of emptying its section, and the pointer costs less than what left', () => {
    const long = `Rate limiter - ${'the bucket refills per user and per route, with a burst allowance that the load test still has to confirm, '.repeat(5).trim()}`;
    const h = parseHandoff(`# HANDOFF - P\n\n## In Progress\n- [ ] ${long}\n- [ ] Docs\n`);
    expect(countTokens(`- [ ] ${long}`, 'cl100k_base')).toBeGreaterThan(100);
    const r = compressHandoff(h, limits, { historyRef: REF });
    expect(r.withinBudget).toBe(true);
    const left = itemsOf(r.handoff, 'In Progress').map((i) => i.text);
    expect(left).toHaveLength(2);
    expect(left[0]).toMatch(/^Rate limiter - the bucket refills .*…$/);
    expect(left[1]).toBe('Docs');
    expect(r.removed).toEqual([{ section: 'In Progress', reason: 'shortened in the handoff, in full here', items: [{ text: long, marker: 'checkbox', checked: false }] }]);
    const saved = countTokens(long, 'cl100k_base') - countTokens(left[0] as string, 'cl100k_base');
    expect(countTokens(pointerOf(r.handoff) as string, 'cl100k_base')).toBeLessThan(saved);
  });

  it('keeps every agent status line, shortening only its own words', () => {
    const words = 'the README endpoints table is written and reviewed, not committed yet because the API may still change its paths';
    const lines = ['api', 'docs', 'tests', 'ui'].map((a) => `- ${a} · agent/${a} · exited (exit 0) · Status: ${words}`);
    const h = parseHandoff(['# HANDOFF - P', '', '## Current State', ...lines].join('\n'));
    const r = compressHandoff(h, limits, { historyRef: REF });
    const left = itemsOf(r.handoff, 'Current State').map((i) => i.text);
    expect(left.map((t) => t.split(' · ')[0])).toEqual(['api', 'docs', 'tests', 'ui']);
    for (const t of left) expect(t).toMatch(/^\w+ · agent\/\w+ · exited \(exit 0\) · Status: the README.*…$/);
    expect(r.withinBudget).toBe(true);
  });

  it('brings Current State within its budget when every line is a short status line', () => {
    // Four agents, each line under the cap an item is shortened at, together over the section's budget.
    const names = ['api', 'docs', 'tests', 'ui'];
    const lines = names.map((a, i) => `- ${a} · agent/${a} · exited (exit 0)${i % 2 ? ' · ⚠ handoff not updated' : ''} · Status: ${a} part written, not committed`);
    for (const line of lines) expect(countTokens(line, 'cl100k_base')).toBeLessThanOrEqual(Math.floor(limits.budget.section / 3));
    const h = parseHandoff(['# HANDOFF - P', '', '## Current State', ...lines].join('\n'));
    expect(countTokens(lines.join('\n'), 'cl100k_base')).toBeGreaterThan(limits.budget.section);
    const r = compressHandoff(h, limits, { historyRef: REF });
    const left = itemsOf(r.handoff, 'Current State').map((i) => i.text);
    expect(left.map((t) => t.split(' · ').slice(0, 3).join(' · '))).toEqual(names.map((a) => `${a} · agent/${a} · exited (exit 0)`));
    expect(left.filter((t) => t.includes('⚠ handoff not updated'))).toHaveLength(2);
    expect(r.withinBudget).toBe(true);
    expect(validateHandoff(renderHandoff(r.handoff), limits).findings.filter((f) => /over budget/.test(f.message))).toEqual([]);
  });

  it('keeps the newest landing whole, shortening what it can instead; older landings may leave', () => {
    const status = ['api', 'docs', 'tests'].map((a, i) => `- ${a} · agent/${a} · idle${i === 1 ? ' · ⚠ handoff not updated' : ''} · Status: wrote the ${a} part, its tests pass, not committed yet`);
    const landings = ['- Landed: ui (agent/ui) into main as 1a2b3c4', '- Landed: ops (agent/ops) into main as 5d6e7f8'];
    const h = parseHandoff(['# HANDOFF - P', '', '## Current State', ...status, ...landings].join('\n'));
    const r = compressHandoff(h, limits, { historyRef: REF });
    const left = itemsOf(r.handoff, 'Current State').map((i) => i.text);
    expect(left).toContain('Landed: ops (agent/ops) into main as 5d6e7f8');
    expect(left).not.toContain('Landed: ui (agent/ui) into main as 1a2b3c4');
    expect(r.withinBudget).toBe(true);
  });

  it('folds an earlier pointer into the new count and sends it to history too, so history chains', () => {
    const done = Array.from({ length: 40 }, (_, i) => `- [x] Finished task number ${i} of the migration`);
    for (const old of ['History: 12 items moved out or shortened — see .supervise/history/old.md', '- [x] 12 earlier items — see .supervise/history/old.md']) {
      const text = old.startsWith('History') ? ['# HANDOFF - P', old, '## Completed', ...done] : ['## Completed', old, ...done];
      const r = compressHandoff(parseHandoff(text.join('\n')), limits, { historyRef: REF });
      const gone = r.removed.flatMap((g) => g.items);
      expect(pointerCount(pointerOf(r.handoff) as string)).toBe(12 + gone.length - 1);
      expect(gone.map((i) => i.text)).toContain(old.replace(/^- \[x\] /, ''));
      expect(renderHandoff(r.handoff)).not.toContain('old.md');
    }
  });

  it('says why when the budget cannot be met', () => {
    const r = compressHandoff(parseHandoff(bigHandoff()), { ...limits, budget: { total: 30, section: 100 } }, { historyRef: REF });
    expect(r.withinBudget).toBe(false);
    expect(r.reason).toMatch(/^the handoff is still \d+ tokens with every item it may lose moved out or shortened .*budget 30$/);
    expect(r.after).toBeLessThan(r.before);
  });

  it('is deterministic, and a compressed handoff needs no second compression', () => {
    const a = compressHandoff(parseHandoff(bigHandoff()), limits, { historyRef: REF });
    const b = compressHandoff(parseHandoff(bigHandoff()), limits, { historyRef: REF });
    expect(renderHandoff(a.handoff)).toBe(renderHandoff(b.handoff));
    expect(a.removed).toEqual(b.removed);
    const again = compressHandoff(parseHandoff(renderHandoff(a.handoff)), limits, { historyRef: 'other.md' });
    expect(again.removed).toEqual([]);
  });

  it('compresses a handoff of 500 small sections in one pass', () => {
    const text = ['# HANDOFF - P', ...Array.from({ length: 500 }, (_, i) => `## Section ${i}\n- item ${i}`)].join('\n\n');
    const r = compressHandoff(parseHandoff(text), limits, { historyRef: REF });
    expect(r.withinBudget).toBe(true);
    expect(r.removed.flatMap((g) => g.items).length).toBeGreaterThan(400);
  });
});
