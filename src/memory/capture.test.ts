import { describe, expect, it } from 'vitest';
import { isWaveSummary, memoriesFromHandoff, memoriesFromWave } from './capture.js';

const HANDOFF = `# HANDOFF - Billing

## Current State
- Branch: agent/backend

## Completed
- [x] Invoice endpoint

## In Progress
- [ ] Refunds

## Blockers
- Decided AGAINST floats for money: rounding lost cents in tests (@backend)
- Stripe sandbox rejects test cards after 100 calls a minute (@frontend)
- (none)

## Next Steps
1. Refund webhook

## Key Decisions
- Money is integer cents everywhere, because floats lost cents
- Money is integer cents everywhere, because floats lost cents
`;

describe('memoriesFromHandoff', () => {
  it('keeps Blockers as mistakes and Key Decisions as decisions, with where they came from', () => {
    const meta = { project: 'Billing', repository: 'git@example.com:billing.git', agent: 'backend', branch: 'agent/backend', commit: 'abc123', source: '/r/.supervise/history/x-backend.md' };
    const got = memoriesFromHandoff(HANDOFF, meta);
    expect(got).toEqual([
      { kind: 'mistake', text: 'Decided AGAINST floats for money: rounding lost cents in tests', ...meta },
      { kind: 'decision', text: 'Money is integer cents everywhere, because floats lost cents', ...meta },
    ]);
  });

  it("leaves out another agent's items, placeholders and sections it does not read", () => {
    const got = memoriesFromHandoff(HANDOFF, { agent: 'frontend' });
    expect(got.map((m) => [m.kind, m.text])).toEqual([
      ['mistake', 'Stripe sandbox rejects test cards after 100 calls a minute'],
      ['decision', 'Money is integer cents everywhere, because floats lost cents'],
    ]);
    expect(memoriesFromHandoff('## Completed\n- [x] a\n## Next Steps\n1. b\n', {})).toEqual([]);
  });
});

describe('memoriesFromWave', () => {
  const WAVE = `# Billing - Wave Summary (backend, frontend)

## Discovered
- The payments API paginates with cursors, not pages

## Decisions
- REST, not GraphQL

## Mistakes to Avoid
- Mocking the database hid a migration bug

## Pattern to Follow
- One handler per file under src/routes/, see src/routes/refund.ts

## Files Modified
- src/routes/refund.ts
`;

  it('keeps Discovered as learnings, Mistakes to Avoid as mistakes, Pattern to Follow as patterns', () => {
    expect(isWaveSummary(WAVE)).toBe(true);
    expect(isWaveSummary(HANDOFF)).toBe(false);
    const got = memoriesFromWave(WAVE, { project: 'Billing', source: 'wave.md' });
    expect(got).toEqual([
      { kind: 'learning', text: 'The payments API paginates with cursors, not pages', project: 'Billing', source: 'wave.md' },
      { kind: 'mistake', text: 'Mocking the database hid a migration bug', project: 'Billing', source: 'wave.md' },
      { kind: 'pattern', text: 'One handler per file under src/routes/, see src/routes/refund.ts', project: 'Billing', source: 'wave.md' },
    ]);
  });
});
