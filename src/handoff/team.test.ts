import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELLIPSIS, normalizeText, pointerCount } from './items.js';
import { parseHandoff } from './parse.js';
import { mergeTeam, type TeamMergeInput } from './team.js';
import { handoffTemplate } from './template.js';
import { SECTION_NAMES } from './types.js';
import type { AgentHandoff, Handoff, HandoffItem, HandoffLimits } from './types.js';

// ---- generators: teams as people write them --------------------------------------------------

const NAMES = ['api', 'docs', 'tests', 'web'] as const;
const words = ['add', 'the', 'login', 'route', 'cache', 'redis', 'users', 'table', 'README', 'port', '8080', 'JWT', 'tokens', 'retry', 'queue', 'fix', 'flaky', 'test', 'against', 'rewrite', 'schema', 'v2', 'endpoint', 'docs'];
const sentence = fc
  .tuple(fc.array(fc.constantFrom(...words), { minLength: 2, maxLength: 30 }), fc.constantFrom('', '.', '!', ' (see src/app.ts)'))
  .map(([ws, end]) => ws.join(' ') + end);
const itemsOf = fc.array(sentence, { maxLength: 6 });
const sectionsArb = fc.record({
  state: fc.option(sentence, { nil: undefined }),
  completed: itemsOf,
  progress: itemsOf,
  blockers: itemsOf,
  steps: itemsOf,
  decisions: itemsOf,
  notes: fc.option(itemsOf, { nil: undefined }),
});
type Sections = typeof sectionsArb extends fc.Arbitrary<infer T> ? T : never;

function handoffText(title: string, s: Sections): string {
  const list = (xs: string[], m: (x: string, i: number) => string): string[] => xs.map(m);
  return [
    `# HANDOFF - ${title}`,
    '',
    '## Current State',
    ...(s.state ? [`Status: ${s.state}`] : []),
    '## Completed',
    ...list(s.completed, (x) => `- [x] ${x}`),
    '## In Progress',
    ...list(s.progress, (x) => `- [ ] ${x}`),
    '## Blockers',
    ...list(s.blockers, (x) => `- ${x}`),
    '## Next Steps',
    ...list(s.steps, (x, i) => `${i + 1}. ${x}`),
    '## Key Decisions',
    ...list(s.decisions, (x) => `- ${x}`),
    ...(s.notes ? ['## Notes', ...list(s.notes, (x) => `- ${x}`)] : []),
    '',
  ].join('\n');
}

const agentArb = fc.record({
  branchSuffix: fc.constantFrom('', '-2'),
  status: fc.option(fc.constantFrom('working', 'idle', 'exited (exit 0)', 'exited (exit 1)'), { nil: undefined }),
  flag: fc.option(fc.constantFrom('handoff not updated', 'handoff invalid: missing section "Blockers"'), { nil: undefined }),
  sections: fc.option(sectionsArb, { nil: undefined }),
  files: fc.array(fc.constantFrom('src/app.ts', 'src/db.ts', 'README.md'), { maxLength: 2 }),
  given: fc.boolean(),
});
const teamArb = fc.record({
  team: fc.option(sectionsArb, { nil: undefined }),
  agents: fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), agentArb), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
  limits: fc.record({
    budget: fc.record({ total: fc.integer({ min: 150, max: 1200 }), section: fc.integer({ min: 40, max: 300 }) }),
    encoding: fc.constant('cl100k_base' as const),
  }),
});
type Team = typeof teamArb extends fc.Arbitrary<infer T> ? T : never;

// ---- helpers ----------------------------------------------------------------------------------

const RUNS = { numRuns: Number(process.env.HANDOFF_PROPERTY_RUNS ?? 120), seed: 20261204 };
const SLOW = 120_000;
const HISTORY = '.supervise/history/team.md';

function firstInput(t: Team): TeamMergeInput {
  const teamText = t.team ? handoffText('shop', t.team) : handoffTemplate({ project: 'shop', branch: '(team)', agent: 'none yet' });
  const agents: AgentHandoff[] = t.agents.map(([name, a]) => {
    const out: AgentHandoff = { agent: name, branch: `agent/${name}${a.branchSuffix}`, handoff: parseHandoff(a.sections ? handoffText('shop', a.sections) : ''), files: a.files };
    if (a.status !== undefined) out.status = a.status;
    if (a.status !== undefined && a.flag !== undefined) out.flag = a.flag;
    if (a.given) out.base = parseHandoff(teamText);
    return out;
  });
  return { teamText, agents, project: 'shop', limits: t.limits as HandoffLimits, historyRef: HISTORY };
}

/** The same state merged again: each agent's copy is now the copy last merged. */
function again(input: TeamMergeInput, teamText: string): TeamMergeInput {
  return { ...input, teamText, agents: input.agents.map((a) => ({ ...a, merged: a.handoff })) };
}

const all = (h: Handoff): { section: string; item: HandoffItem }[] => h.sections.flatMap((s) => s.items.map((item) => ({ section: s.name, item })));

/** In the output as it was, or shortened (its start kept), or handed to history. */
function accounted(out: Handoff, removed: HandoffItem[], item: HandoffItem): boolean {
  const key = normalizeText(item.text);
  const texts = all(out).map((x) => normalizeText(x.item.text));
  if (texts.includes(key)) return true;
  if (texts.some((t) => t.endsWith(ELLIPSIS) && key.startsWith(t.slice(0, -ELLIPSIS.length).trimEnd()))) return true;
  return removed.some((r) => normalizeText(r.text) === key);
}

// ---- properties -------------------------------------------------------------------------------

describe('team merge on random teams', () => {
  it('is a fixed point: merging an unchanged state again gives the same bytes and moves nothing', () => {
    fc.assert(
      fc.property(teamArb, (t) => {
        const input = firstInput(t);
        const r1 = mergeTeam(input);
        const r2 = mergeTeam(again(input, r1.text));
        expect(r2.text).toBe(r1.text);
        expect(r2.unchanged).toBe(true);
        expect(r2.removed).toEqual([]);
        const r3 = mergeTeam(again(input, r2.text));
        expect(r3.text).toBe(r1.text);
        // A copy that says nothing new (unchanged since written) is the same state too.
        const quiet = mergeTeam({ ...input, teamText: r1.text, agents: input.agents.map((a) => ({ ...a, handoff: parseHandoff('') })) });
        expect(quiet.text).toBe(r1.text);
      }),
      RUNS,
    );
  }, SLOW);

  it('after a sync (every copy is the team handoff, given as base) nothing changes', () => {
    fc.assert(
      fc.property(teamArb, (t) => {
        const input = firstInput(t);
        const r1 = mergeTeam(input);
        const synced = parseHandoff(r1.text);
        const r2 = mergeTeam({ ...input, teamText: r1.text, agents: input.agents.map((a) => ({ ...a, handoff: synced, base: synced })) });
        expect(r2.text).toBe(r1.text);
        expect(r2.removed).toEqual([]);
      }),
      RUNS,
    );
  }, SLOW);

  it('keeps every author and every item: in the handoff (maybe shortened) or on its way to history', () => {
    fc.assert(
      fc.property(teamArb, (t) => {
        const input = firstInput(t);
        const r1 = mergeTeam(input);
        const out = parseHandoff(r1.text);
        const removed = r1.removed.flatMap((g) => g.items);
        for (const a of input.agents) {
          for (const { section, item } of all(a.handoff)) {
            if (!['Completed', 'Blockers', 'Key Decisions', 'Notes'].includes(section)) continue;
            expect(accounted(out, removed, item)).toBe(true);
          }
        }
        // An agent's new item that is still in the handoff in full carries its name.
        for (const a of input.agents) {
          if (a.base) continue;
          for (const { section, item } of all(a.handoff)) {
            const found = all(out).find((x) => x.section === section && normalizeText(x.item.text) === normalizeText(item.text));
            if (found) expect(found.item.agent?.split(', ')).toContain(a.agent);
          }
        }
        // The second merge changes no attribution (the first issue seen: (@agent) lost).
        const r2 = parseHandoff(mergeTeam(again(input, r1.text)).text);
        expect(all(r2).map((x) => x.item.agent)).toEqual(all(out).map((x) => x.item.agent));
      }),
      RUNS,
    );
  }, SLOW);

  it('gives every agent its status line, flag and own words, and at most one history pointer', () => {
    fc.assert(
      fc.property(teamArb, (t) => {
        const input = firstInput(t);
        const out = parseHandoff(mergeTeam(input).text);
        const state = out.sections.find((s) => s.name === 'Current State')?.items.map((i) => i.text) ?? [];
        for (const a of input.agents) {
          const line = state.find((l) => l.startsWith(`${a.agent} · ${a.branch} · `));
          expect(line).toBeDefined();
          if (a.status) expect(line).toContain(` · ${a.status}`);
          if (a.flag) expect(line).toContain(`⚠ ${a.flag.slice(0, 12)}`);
        }
        expect((out.preamble ?? []).filter((l) => pointerCount(l) !== undefined).length).toBeLessThanOrEqual(1);
        expect(out.sections.filter((s) => s.known).map((s) => s.name)).toEqual([...SECTION_NAMES]);
      }),
      RUNS,
    );
  }, SLOW);
});
