/** The short brief every agent starts with: who it is, the team handoff, and the exit rule. */
import { join } from 'node:path';
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
  /** The memories chosen for this agent, as their own section (never part of the handoff). */
  memory?: string;
  /** How the agent asks memory for more mid-task: MCP tools (Claude Code) or the shell command. */
  memoryTools?: 'mcp' | 'shell';
}

/** Where an agent's brief is kept as a file (SUPERVISE_BRIEF_FILE, `{brief_file}` in a custom command). */
export function briefFilePath(root: string, agent: string): string {
  return join(root, '.supervise', 'briefs', `${agent}.md`);
}

function memoryHelp(tools: 'mcp' | 'shell' | undefined): string {
  if (!tools) return '';
  const mcp = tools === 'mcp' ? 'the memory_search and memory_add tools, or ' : '';
  return `\nThe team's shared memory holds what agents learned before: patterns, mistakes, decisions. When you hit a problem, search it with ${mcp}\`supervise memory search "words" --limit 5\`; keep a lesson for later agents with ${tools === 'mcp' ? 'memory_add or ' : ''}\`supervise memory add --kind mistake|pattern|learning|decision|preference "text"\`.\n`;
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
${b.memory ? `\n${b.memory.trim()}\n` : ''}${memoryHelp(b.memoryTools)}
The team handoff below (also in ${b.handoffFile} in your working directory) is the team's shared state: what is done, what is in progress, what was decided AGAINST and why. Respect its Blockers and Key Decisions.

Before you stop, read ${b.handoffFile} again and update it in exactly this template: sections Current State, Completed, In Progress, Blockers, Next Steps, Key Decisions, in that order; at most ${b.budget.section} tokens per section and ${b.budget.total} in total. Say what you decided against in Blockers. A stop without a valid update will be refused.

${b.handoff.trim()}`;
}
