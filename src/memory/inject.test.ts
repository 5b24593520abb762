import { describe, expect, it } from 'vitest';
import { buildBrief } from '../agents/brief.js';
import type { AgentConfig } from '../config/types.js';
import { countTokens } from '../handoff/tokens.js';
import type { Hit } from './index.js';
import { memoryLine, memoryQuery, memorySection, selectMemories } from './inject.js';

function hit(id: string, score: number, text: string, extra: Partial<Hit> = {}): Hit {
  return { id, kind: 'mistake', text, score, vectorScore: score, textScore: 0.1, created: '', timesUsed: 0, sources: [], mergedCount: 1, embedder: 'local', dimension: 384, project: 'Billing', agent: 'backend', ...extra };
}

describe('memoryQuery', () => {
  it("is the task, then the handoff's In Progress, Next Steps and Blockers items", () => {
    const handoff = `## Current State\n- Branch: x\n## Completed\n- [x] done thing\n## In Progress\n- [ ] refunds half done\n## Blockers\n- webhook secret missing\n## Next Steps\n1. Add refunds\n2. Write the refund webhook\n3. Read this file, then start on the task\n## Key Decisions\n- cents\n`;
    expect(memoryQuery('Add refunds', handoff)).toBe('Add refunds; refunds half done; webhook secret missing; Write the refund webhook');
  });
});

describe('selectMemories', () => {
  it('takes the best memories whose lines fit the token budget, and says why the others were left out', () => {
    const hits = [
      hit('a', 0.9, 'Money is integer cents everywhere'),
      hit('b', 0.8, 'A very long lesson '.repeat(20)),
      hit('c', 0.7, 'Stripe rejects test cards after 100 calls a minute'),
      hit('d', 0.6, 'unrelated', { vectorScore: 0.05, textScore: 0 }),
    ];
    const budget = 40;
    const got = selectMemories(hits, budget, 'cl100k_base');
    expect(got.injected.map((h) => h.id)).toEqual(['a', 'c']);
    expect(got.tokens).toBe(got.injected.reduce((n, h) => n + h.tokens, 0));
    expect(got.tokens).toBeLessThanOrEqual(budget);
    expect(countTokens(memorySection(got.injected).split('\n').slice(2).join('\n') + '\n', 'cl100k_base')).toBe(got.tokens);
    expect(got.skipped.map((h) => [h.id, h.reason.split(' ')[0]])).toEqual([
      ['b', 'over'],
      ['d', 'unrelated'],
    ]);
  });
});

describe('the brief', () => {
  const agent = { name: 'api', task: 'Add refunds', branch: 'agent/api', preset: 'custom' } as AgentConfig;
  const base = { agent, project: 'Shop', teammates: [], handoff: '# HANDOFF - Shop\n\n## Current State\n- x\n', handoffFile: 'HANDOFF.md', budget: { total: 500, section: 100 } };

  it('has the memories as their own section before the team handoff, each with its kind and origin', () => {
    const section = memorySection([hit('a', 0.9, 'Money is integer cents everywhere', { kind: 'decision' })]);
    const brief = buildBrief({ ...base, memory: section, memoryTools: 'shell' });
    expect(memoryLine(hit('a', 0.9, 'x', { kind: 'decision' }))).toBe('- [decision · Billing/backend] x');
    expect(brief).toContain("## From the team's memory\n");
    expect(brief).toContain('- [decision · Billing/backend] Money is integer cents everywhere');
    expect(brief.indexOf("## From the team's memory")).toBeLessThan(brief.indexOf('# HANDOFF - Shop'));
    expect(brief).toContain('supervise memory search');
    expect(brief).not.toContain('memory_search');
  });

  it('names the MCP tools for Claude Code, and says nothing of memory when it is off', () => {
    expect(buildBrief({ ...base, memoryTools: 'mcp' })).toContain('memory_search and memory_add tools');
    const off = buildBrief(base);
    expect(off).not.toContain('memory');
  });
});
