import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { compressHandoff } from './compress.js';
import { isConflictItem, isShortenedFrom, normalizeText, pointerCount } from './items.js';
import { mergeHandoffs } from './merge.js';
import { parseHandoff } from './parse.js';
import { renderHandoff } from './render.js';
import type { AgentHandoff, Handoff, HandoffItem, HandoffLimits, RemovedItems } from './types.js';
import { validateHandoff } from './validate.js';

const limits: HandoffLimits = { budget: { total: 500, section: 100 }, encoding: 'cl100k_base' };
const load = (name: string): Handoff => parseHandoff(readFileSync(join(packageRoot(), 'test/fixtures/handoff', `${name}.md`), 'utf8'));

function agents(): AgentHandoff[] {
  return [
    { agent: 'tests', branch: 'agent/tests', handoff: load('tests'), files: ['test/auth/login.test.ts'] },
    { agent: 'backend', branch: 'agent/backend', handoff: load('backend'), files: ['src/auth/session.ts', 'src/auth/logout.ts'] },
    { agent: 'frontend', branch: 'agent/frontend', handoff: load('frontend'), files: ['src/auth/session.ts', 'web/LoginForm.tsx'] },
  ];
}

const allItems = (h: Handoff): HandoffItem[] => [
  ...h.sections.flatMap((s) => [...s.text.map((text) => ({ text, marker: 'bullet' as const })), ...s.items]),
  ...(h.preamble ?? []).map((text) => ({ text, marker: 'bullet' as const })),
];
const removedItems = (groups: RemovedItems[]): HandoffItem[] => groups.flatMap((g) => g.items);
const items = (h: Handoff, section: string): HandoffItem[] => h.sections.find((s) => s.name === section)?.items ?? [];
const texts = (h: Handoff, section: string): string[] => items(h, section).map((i) => i.text);

describe('mergeHandoffs', () => {
  const root = load('root');
  const result = mergeHandoffs(root, agents(), { project: 'Auth System Refactor' });
  const merged = result.handoff;

  it('writes one Current State line per agent, in name order, with its own status', () => {
    expect(texts(merged, 'Current State')).toEqual([
      'backend · agent/backend · working · Status: Logout done, session table migrated',
      'frontend · agent/frontend · working · Status: Login form done; logout button next',
      'tests · agent/tests · idle · Status: Login tests green; waiting for logout',
    ]);
    // The process status and what is wrong with the handoff stand beside the agent's own words.
    const withStatus = mergeHandoffs(root, [{ ...agents()[1]!, status: 'exited (exit 0)', flag: 'handoff invalid: missing required section "Blockers"' }]);
    expect(texts(withStatus.handoff, 'Current State')[0]).toBe(
      'backend · agent/backend · exited (exit 0) · ⚠ handoff invalid: missing required section "Blockers" · Status: Logout done, session table migrated',
    );
  });

  it('de-duplicates across agents and names every agent that reported an item', () => {
    const cookie = items(merged, 'Key Decisions').filter((i) => i.text === 'Store the JWT in an httpOnly cookie');
    expect(cookie).toEqual([{ text: 'Store the JWT in an httpOnly cookie', marker: 'bullet', agent: 'frontend, tests' }]);
    expect(renderHandoff(merged)).toContain('- Store the JWT in an httpOnly cookie (@frontend, @tests)');
  });

  it('keeps items that differ only in punctuation or case as two items', () => {
    const team = parseHandoff('# HANDOFF - P\n\n## Key Decisions\n- Port: 8080\n');
    const api = parseHandoff('# HANDOFF - P\n\n## Key Decisions\n- Port 8080!\n- port: 8080\n');
    const r = mergeHandoffs(team, [{ agent: 'api', branch: 'agent/api', handoff: api }]);
    expect(texts(r.handoff, 'Key Decisions')).toEqual(['Port: 8080', 'Port 8080!', 'port: 8080']);
    expect(removedItems(r.removed)).toEqual([]);
  });

  it('moves an item completed by one agent out of another agent’s In Progress', () => {
    expect(texts(merged, 'Completed')).toContain('Session management table');
    expect(texts(merged, 'Completed')).toContain('Logout endpoint');
    expect(texts(merged, 'In Progress')).not.toContain('Session management table');
    expect(texts(merged, 'In Progress')).not.toContain('Logout endpoint - needs token invalidation logic');
    expect(result.removed).toContainEqual({
      section: 'In Progress',
      reason: 'completed',
      items: [{ text: 'Logout endpoint - needs token invalidation logic', marker: 'checkbox', checked: false }],
    });
  });

  it('keeps every Blocker and Key Decision', () => {
    const inputs = [root, ...agents().map((a) => a.handoff)];
    for (const section of ['Blockers', 'Key Decisions']) {
      const want = new Set(inputs.flatMap((h) => texts(h, section)).map(normalizeText));
      const got = new Set(texts(merged, section).map(normalizeText));
      for (const w of want) expect(got).toContain(w);
    }
  });

  it('flags the contradiction and the shared file, in conflicts and at the top of Blockers', () => {
    expect(result.conflicts).toEqual([
      {
        kind: 'contradiction',
        agents: ['frontend', 'team'],
        subject: '"Use redis for sessions so the SPA survives server restarts" vs "Decided AGAINST redis for sessions (overkill for MVP); use database-backed sessions"',
        detail:
          'frontend says "Use redis for sessions so the SPA survives server restarts" but team says "Decided AGAINST redis for sessions (overkill for MVP); use database-backed sessions"',
      },
      { kind: 'shared-file', agents: ['backend', 'frontend'], subject: 'src/auth/session.ts', detail: 'src/auth/session.ts is changed by backend and frontend' },
    ]);
    const blockers = texts(merged, 'Blockers');
    expect(blockers[0]).toMatch(/^⚠ conflict: frontend vs team — "Use redis for sessions.*" vs "Decided AGAINST redis/);
    expect(blockers[1]).toBe('⚠ shared files: backend and frontend both change src/auth/session.ts');
  });

  it('is deterministic whatever order the agents come in', () => {
    const again = mergeHandoffs(root, [...agents()].reverse(), { project: 'Auth System Refactor' });
    expect(renderHandoff(again.handoff)).toBe(renderHandoff(merged));
    expect(again.conflicts).toEqual(result.conflicts);
  });

  it('regenerates conflict flags instead of piling them up, and drops a resolved one to history', () => {
    const second = mergeHandoffs(parseHandoff(renderHandoff(merged)), agents());
    expect(texts(second.handoff, 'Blockers').filter((t) => t.startsWith('⚠'))).toHaveLength(2);
    // Key Decisions are never dropped by a merge: resolving means editing the team copy too.
    const withoutRedis = (h: Handoff): Handoff => parseHandoff(renderHandoff(h).replace(/- Use redis.*\n/, ''));
    const fixed = agents().map((a) => (a.agent === 'frontend' ? { ...a, files: [], handoff: withoutRedis(a.handoff) } : a));
    const third = mergeHandoffs(withoutRedis(merged), fixed);
    expect(third.conflicts).toEqual([]);
    expect(removedItems(third.removed).filter(isConflictItem)).toHaveLength(2);
  });

  it('yields a valid team handoff within budget in which every input item is, or is in history', () => {
    const compressed = compressHandoff(merged, limits, { historyRef: '.supervise/history/2025-team.md' });
    const text = renderHandoff(compressed.handoff);
    const report = validateHandoff(text, limits);
    expect(report.valid).toBe(true);
    expect(report.totalTokens).toBeLessThanOrEqual(500);
    expect(compressed.withinBudget).toBe(true);

    // What the merge writes itself: the agents' status lines, the ⚠ flags, history pointers.
    const generated = new Set([...texts(merged, 'Current State').filter((t) => / · /.test(t)), ...texts(merged, 'Blockers').filter((t) => t.startsWith('⚠'))].map(normalizeText));
    const isGenerated = (it: HandoffItem): boolean =>
      generated.has(normalizeText(it.text)) || [...generated].some((g) => isShortenedFrom(it.text, g)) || pointerCount(it) !== undefined;

    const input = new Set([root, ...agents().map((a) => a.handoff)].flatMap(allItems).map((it) => normalizeText(it.text)));
    const kept = allItems(parseHandoff(text)).filter((it) => !isGenerated(it));
    const gone = [...removedItems(result.removed), ...removedItems(compressed.removed)].filter((it) => !isGenerated(it));
    const output = new Set([...kept, ...gone].map((it) => normalizeText(it.text)));
    expect([...output].sort()).toEqual([...input].sort());
  });
});

describe('mergeHandoffs, one agent at a time', () => {
  it('replaces the template’s own Current State and keeps other agents’ lines and items', () => {
    const team = parseHandoff(
      '# HANDOFF - P\n\n## Current State\n- Branch: main\n- Status: Not started\n- web · agent/web · working\n\n## In Progress\n- [ ] Navbar (@web)\n',
    );
    const api = parseHandoff('## Current State\n- Status: done\n## In Progress\n- [ ] Rate limiter\n');
    const { handoff, removed } = mergeHandoffs(team, [{ agent: 'api', branch: 'agent/api', handoff: api }]);
    expect(texts(handoff, 'Current State')).toEqual(['api · agent/api · unknown · Status: done', 'web · agent/web · working']);
    expect(texts(handoff, 'In Progress')).toEqual(['Navbar', 'Rate limiter']);
    expect(removedItems(removed).map((i) => i.text)).toEqual(['Branch: main', 'Status: Not started', 'Status: done']);
  });

  it('drops an In Progress item its agent no longer lists, into history', () => {
    const team = parseHandoff('## In Progress\n- [ ] Navbar (@web)\n- [ ] Team chore\n');
    const web = parseHandoff('## In Progress\n- [ ] Footer\n');
    const { handoff, removed } = mergeHandoffs(team, [{ agent: 'web', branch: 'agent/web', handoff: web }]);
    expect(texts(handoff, 'In Progress')).toEqual(['Team chore', 'Footer']);
    expect(removed).toEqual([
      { section: 'In Progress', reason: 'no longer listed by web', items: [{ text: 'Navbar', marker: 'checkbox', checked: false, agent: 'web' }] },
    ]);
  });

  it('refreshes bystanders’ status lines and counts their files, without reading their handoffs', () => {
    const team = parseHandoff('## Current State\n- web · agent/web · working\n## In Progress\n- [ ] Navbar (@web)\n');
    const api = parseHandoff('## In Progress\n- [ ] Rate limiter\n');
    const r = mergeHandoffs(team, [{ agent: 'api', branch: 'agent/api', handoff: api, files: ['src/app.ts'] }], {
      bystanders: [{ agent: 'web', branch: 'agent/web', status: 'idle', files: ['src/app.ts'] }],
    });
    expect(texts(r.handoff, 'Current State')).toEqual(['api · agent/api · unknown', 'web · agent/web · idle']);
    expect(texts(r.handoff, 'In Progress')).toEqual(['Navbar', 'Rate limiter']);
    expect(r.conflicts.map((c) => [c.kind, c.agents, c.subject])).toEqual([['shared-file', ['api', 'web'], 'src/app.ts']]);
  });

  it('leaves an agent’s items alone when its handoff says nothing (not updated)', () => {
    const team = parseHandoff('## In Progress\n- [ ] Navbar (@web)\n## Next Steps\n1. Footer (@web)\n');
    const r = mergeHandoffs(team, [{ agent: 'web', branch: 'agent/web', status: 'stopped', handoff: parseHandoff('') }]);
    expect(texts(r.handoff, 'In Progress')).toEqual(['Navbar']);
    expect(texts(r.handoff, 'Next Steps')).toEqual(['Footer']);
    expect(r.removed).toEqual([]);
  });

  it('does not bring back from an old copy what the team handoff has since moved to history', () => {
    // The team handoff was compressed after `web` started: the old items are gone from it.
    const given = parseHandoff('## Completed\n- [x] Old thing\n- [x] Login (@api)\n## Next Steps\n1. Ship v1 (@api)\n');
    const team = parseHandoff('## Completed\n- [x] 2 earlier items — see h.md\n');
    const web = parseHandoff('## Completed\n- [x] Old thing\n- [x] Login (@api)\n- [x] Navbar\n## Next Steps\n1. Ship v1 (@api)\n');
    const withBase = mergeHandoffs(team, [{ agent: 'web', branch: 'agent/web', handoff: web, base: given }]);
    expect(texts(withBase.handoff, 'Completed')).toEqual(['2 earlier items — see h.md', 'Navbar']);
    expect(texts(withBase.handoff, 'Next Steps')).toEqual([]);
    // Without the base, another agent's items are still recognised as an old copy, and logged.
    const noBase = mergeHandoffs(team, [{ agent: 'web', branch: 'agent/web', handoff: web }]);
    expect(texts(noBase.handoff, 'Completed')).not.toContain('Login');
    expect(removedItems(noBase.removed).map((i) => i.text)).toEqual(['Login', 'Ship v1']);
  });

  it('does not flag "tests run against a real database" as ruling the database out', () => {
    const team = parseHandoff('## Key Decisions\n- Tests run against a real database\n');
    const a = parseHandoff('## Key Decisions\n- Use a real database for the session store\n');
    expect(mergeHandoffs(team, [{ agent: 'a', branch: 'b', handoff: a }]).conflicts).toEqual([]);
  });

  it('logs a skipped Blocker even when its words also make a line of another section', () => {
    const backend = parseHandoff('## Current State\n- JWT\n');
    const other = parseHandoff('## Blockers\n- JWT (@backend)\n');
    const r = mergeHandoffs(parseHandoff(''), [
      { agent: 'backend', branch: 'b', handoff: backend },
      { agent: 'other', branch: 'o', handoff: other },
    ]);
    expect(r.removed.filter((g) => g.section === 'Blockers').flatMap((g) => g.items.map((i) => i.text))).toEqual(['JWT']);
  });
});
