import { describe, label, type ConfigIssue } from './issues.js';
import { DEFAULT_BUDGET } from './types.js';
import { PRESETS } from './schema.js';

// Rules that span several keys. They run on the raw YAML value, beside zod rather than inside
// it, because zod skips an object's refinements once any of its fields is wrong, and every
// error in the file should be reported at once. Each rule stays silent about values whose own
// type is wrong: zod reports those.

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function agentIssues(agents: unknown[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, number>();
  const branches = new Map<string, number>();
  agents.forEach((item, i) => {
    const agent = record(item);
    if (!agent) return;
    const preset = agent.preset === undefined ? 'claude' : agent.preset;
    const hasCommand = agent.command !== undefined && agent.command !== null;
    if (preset === 'custom' && !hasCommand) {
      issues.push({
        path: ['agents', i, 'preset'],
        anchor: 'value',
        message: `agents[${i}]: preset "custom" needs a command: expected an argv list like [./scripts/my-agent, --task, "{task}"], found no command`,
      });
    } else if (hasCommand && typeof preset === 'string' && preset !== 'custom' && PRESETS.includes(preset as never)) {
      issues.push({
        path: ['agents', i, 'command'],
        anchor: 'key',
        message: `agents[${i}].command: only preset "custom" takes a command, found preset "${preset}" — add flags with args, or set preset: custom`,
      });
    }
    if (typeof agent.name === 'string') {
      const first = names.get(agent.name);
      if (first === undefined) names.set(agent.name, i);
      else {
        issues.push({
          path: ['agents', i, 'name'],
          anchor: 'value',
          message: `agents[${i}].name: expected a unique name, found ${describe(agent.name)} again (first used by agents[${first}])`,
        });
      }
    }
    const branch = typeof agent.branch === 'string' ? agent.branch : typeof agent.name === 'string' ? `agent/${agent.name}` : undefined;
    // A repeated name already explains a repeated default branch.
    if (branch !== undefined && !(agent.branch === undefined && names.get(String(agent.name)) !== i)) {
      const first = branches.get(branch);
      if (first === undefined) branches.set(branch, i);
      else {
        issues.push({
          path: ['agents', i, 'branch'],
          anchor: 'value',
          message: `${label(['agents', i, 'branch'])}: expected a branch no other agent uses, found ${describe(branch)}, already agents[${first}]'s (two worktrees cannot share a branch)`,
        });
      }
    }
  });
  return issues;
}

function budgetIssues(root: Record<string, unknown>): ConfigIssue[] {
  const budget = record(record(root.handoff)?.budget);
  if (!budget) return [];
  const total = budget.total === undefined ? DEFAULT_BUDGET.total : budget.total;
  const section = budget.section === undefined ? DEFAULT_BUDGET.section : budget.section;
  if (!isCount(total) || !isCount(section) || section <= total) return [];
  return [
    {
      path: ['handoff', 'budget', budget.section === undefined ? 'total' : 'section'],
      anchor: 'value',
      message:
        budget.section === undefined
          ? `handoff.budget.total: expected at least the section budget (${section}), found ${total}`
          : `handoff.budget.section: expected at most the total budget (${total}), found ${section}`,
    },
  ];
}

/** Problems that involve more than one key: command vs preset, repeated names and branches, section vs total. */
export function crossFieldIssues(raw: unknown): ConfigIssue[] {
  const root = record(raw);
  if (!root) return [];
  return [...(Array.isArray(root.agents) ? agentIssues(root.agents) : []), ...budgetIssues(root)];
}
