/** Test support: agent records and handoff views as the supervisor would report them. */
import type { AgentState } from '../../supervisor/agentState.js';
import type { ValidationReport } from '../../handoff/types.js';
import type { HandoffView } from '../types.js';

/** An AgentState with sensible defaults; `over` wins. */
export function agent(name: string, over: Partial<AgentState> = {}): AgentState {
  return {
    name,
    preset: 'custom',
    task: `task of ${name}`,
    branch: `agent/${name}`,
    worktree: `/repo/.supervise/worktrees/${name}`,
    status: 'working',
    startedAt: 0,
    handoffCaptured: false,
    warnings: [],
    ...over,
  };
}

/** A validation report for sections given as [name, tokens] pairs (budget 100 each, 500 total). */
export function report(sections: [string, number][], valid = true): ValidationReport {
  const totalTokens = sections.reduce((n, [, t]) => n + t, 0);
  return {
    valid,
    totalTokens,
    totalBudget: 500,
    sections: sections.map(([name, tokens]) => ({ name, status: 'present', tokens, budget: 100 })),
    findings: [],
  };
}

export const TEAM_TEXT = `# HANDOFF - Demo

## Current State
- Branch: main

## Completed
- [x] Token denylist (@backend)

## In Progress
- [ ] Logout button (@frontend)

## Blockers
- Do not store sessions in the database (@backend)

## Next Steps
1. Write tests (@tests)

## Key Decisions
- JWT expiry stays at 7 days (@backend)
`;

/** A handoff view with a team handoff, one conflict and three agents' own handoffs. */
export function handoffView(): HandoffView {
  const sections: [string, number][] = [['Current State', 10], ['Completed', 20], ['In Progress', 15], ['Blockers', 72], ['Next Steps', 12], ['Key Decisions', 18]];
  return {
    team: {
      text: TEAM_TEXT,
      report: report(sections),
      conflicts: [{ kind: 'shared-file', agents: ['backend', 'tests'], subject: 'src/api.ts', detail: 'changed by backend and tests' }],
      compressed: 0,
    },
    agents: [
      { name: 'backend', text: TEAM_TEXT.replace('Demo', 'backend'), report: report(sections), unchanged: false },
      { name: 'frontend', text: '', report: report([], false), unchanged: true },
      { name: 'tests', text: TEAM_TEXT, report: report(sections), unchanged: false },
    ],
  };
}
