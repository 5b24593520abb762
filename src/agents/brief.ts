/** The short brief every agent starts with: who it is, the team handoff, and the exit rule. */
import type { AgentConfig } from '../config/types.js';

export interface BriefInput {
  agent: AgentConfig;
  project: string;
  teammates: { name: string; task: string; branch: string }[];
  /** The team handoff as written into the worktree. */
  handoff: string;
  /** Handoff file name relative to the worktree (HANDOFF.md). */
  handoffFile: string;
  budget: { total: number; section: number };
}

export function buildBrief(b: BriefInput): string {
  const others = b.teammates.filter((t) => t.name !== b.agent.name);
  const team = others.length
    ? others.map((t) => `- ${t.name} (${t.branch}): ${t.task}`).join('\n')
    : '- nobody else: you work alone';
  return `You are "${b.agent.name}", one agent of a team working in parallel on "${b.project}", each in its own git worktree. You are on branch ${b.agent.branch}.
Your task: ${b.agent.task}

Your teammates:
${team}

The team handoff below (also in ${b.handoffFile} in your working directory) is the team's shared state: what is done, what is in progress, what was decided AGAINST and why. Respect its Blockers and Key Decisions.

Before you stop, read ${b.handoffFile} again and update it in exactly this template: sections Current State, Completed, In Progress, Blockers, Next Steps, Key Decisions, in that order; at most ${b.budget.section} tokens per section and ${b.budget.total} in total. Say what you decided against in Blockers. A stop without a valid update will be refused.

${b.handoff.trim()}`;
}
