import type { Skill } from '../chains/skills.js';
import { describe, label, type ConfigIssue } from './issues.js';
import { DEFAULT_BUDGET } from './types.js';
import { PRESETS } from './schema.js';
import { suggest } from './suggest.js';

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

function agentName(item: unknown): string | undefined {
  const name = record(item)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** `after` naming no agent or the agent itself, and waits that go round in a circle. */
function afterIssues(agents: unknown[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = agents.map(agentName);
  const known = names.filter((n): n is string => n !== undefined);
  const edges = new Map<string, { target: string; index: number; agent: number }[]>();
  agents.forEach((item, i) => {
    const after = record(item)?.after;
    const name = names[i];
    if (!Array.isArray(after)) return;
    after.forEach((target, j) => {
      if (typeof target !== 'string') return;
      const path = ['agents', i, 'after', j];
      if (target === name) {
        issues.push({ path, anchor: 'value', message: `${label(path)}: an agent cannot wait for itself (${describe(target)}) — remove it from after` });
      } else if (!known.includes(target)) {
        const others = known.filter((n) => n !== name);
        const meant = suggest(target, others);
        const tail = meant
          ? ` — did you mean ${JSON.stringify(meant)}?`
          : others.length
            ? ` — expected one of ${others.join(', ')}`
            : ' — there is no other agent to wait for; remove after';
        issues.push({ path, anchor: 'value', message: `${label(path)}: no agent is named ${describe(target)}${tail}` });
      } else if (name !== undefined && names.indexOf(name) === i) {
        edges.set(name, [...(edges.get(name) ?? []), { target, index: j, agent: i }]);
      }
    });
  });
  return [...issues, ...cycleIssues(names, edges)];
}

/** One issue per cycle of waits, at the `after` entry that closes it. */
function cycleIssues(names: (string | undefined)[], edges: Map<string, { target: string; index: number; agent: number }[]>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (name: string): void => {
    onPath.push(name);
    for (const edge of edges.get(name) ?? []) {
      const at = onPath.indexOf(edge.target);
      if (at >= 0) {
        const cycle = [...onPath.slice(at), edge.target];
        const path = ['agents', edge.agent, 'after', edge.index];
        const waits = cycle.slice(0, -1).map((n, k) => `${n} waits for ${cycle[k + 1]}`).join(', ');
        issues.push({
          path,
          anchor: 'value',
          message: `${label(path)}: the agents wait for each other in a circle (${waits}), so none of them would ever start — remove one of these after entries`,
        });
      } else if (!done.has(edge.target)) visit(edge.target);
    }
    onPath.pop();
    done.add(name);
  };
  for (const name of names) if (name !== undefined && !done.has(name)) visit(name);
  return issues;
}

// Which embedder keys each provider reads; the memory store ignores the others, so naming one is a mistake.
const EMBEDDER_KEYS: Record<string, readonly string[]> = {
  local: [],
  ollama: ['model', 'url'],
  openai: ['model', 'url'],
  transformers: ['model', 'path'],
};

/** An embedder key its provider does not read, and transformers without a model to load. */
function memoryIssues(root: Record<string, unknown>): ConfigIssue[] {
  const embedder = record(record(root.memory)?.embedder);
  if (!embedder) return [];
  const provider = embedder.provider === undefined ? 'local' : embedder.provider;
  const keys = typeof provider === 'string' ? EMBEDDER_KEYS[provider] : undefined;
  if (!keys) return [];
  const issues: ConfigIssue[] = [];
  for (const key of ['model', 'url', 'path']) {
    if (embedder[key] === undefined || keys.includes(key)) continue;
    const users = Object.keys(EMBEDDER_KEYS).filter((p) => EMBEDDER_KEYS[p]?.includes(key));
    const who = users.length > 1 ? `${users.slice(0, -1).join(', ')} and ${users.at(-1)}` : users.join('');
    issues.push({
      path: ['memory', 'embedder', key],
      anchor: 'key',
      message: `memory.embedder.${key}: provider ${provider} does not use a ${key} (${who} do) — remove it, or set the provider that needs it`,
    });
  }
  if (provider === 'transformers' && embedder.model === undefined && embedder.path === undefined) {
    issues.push({
      path: ['memory', 'embedder', 'provider'],
      anchor: 'value',
      message: 'memory.embedder: provider transformers needs a model to load — add path: <a local model folder> (or model: <a model id in the transformers.js cache>)',
    });
  }
  return issues;
}

/** Problems that involve more than one key: command vs preset, repeated names and branches, section vs total, after, embedder. */
export function crossFieldIssues(raw: unknown): ConfigIssue[] {
  const root = record(raw);
  if (!root) return [];
  const agents = Array.isArray(root.agents) ? root.agents : [];
  return [...agentIssues(agents), ...afterIssues(agents), ...budgetIssues(root), ...memoryIssues(root)];
}

const SKILL_HOME = '.agents/skills/<name>/SKILL.md';

/** A chain naming a skill that neither the bundle nor the project has, or deploy without a command. */
export function chainIssues(raw: unknown, skills: ReadonlyMap<string, Skill>): ConfigIssue[] {
  const root = record(raw);
  const agents = root && Array.isArray(root.agents) ? root.agents : [];
  const known = [...skills.keys()];
  const topDeploy = record(root?.deploy) !== undefined;
  const issues: ConfigIssue[] = [];
  agents.forEach((item, i) => {
    const agent = record(item);
    const chain = agent?.chain;
    const entries: [string, (string | number)[]][] =
      typeof chain === 'string'
        ? [[chain, ['agents', i, 'chain']]]
        : Array.isArray(chain)
          ? chain.flatMap((name, j): [string, (string | number)[]][] => (typeof name === 'string' ? [[name, ['agents', i, 'chain', j]]] : []))
          : [];
    // A review's fix step runs when its verdict asks for one; listed, it would run every time.
    const routed = new Map<string, string>();
    for (const [name] of entries) {
      const next = skills.get(name)?.next;
      if (typeof next === 'object') routed.set(next.fix, name);
    }
    for (const [name, path] of entries) {
      const review = routed.get(name);
      if (review !== undefined && Array.isArray(chain)) {
        issues.push({
          path,
          anchor: 'value',
          message: `${label(path)}: ${name} runs after ${review} when its verdict asks for a fix, and ${review} runs again after it — leave ${name} out of the chain`,
        });
        continue;
      }
      if (skills.has(name)) {
        if (name === 'deploy' && Array.isArray(chain) && !topDeploy && record(agent?.deploy) === undefined) {
          issues.push({
            path,
            anchor: 'value',
            message: `${label(path)}: deploy runs deploy.command, and none is set — add deploy: { command: [...] } at the top level or to this agent, or leave deploy out of the chain`,
          });
        }
        continue;
      }
      const meant = suggest(name, known);
      const tail = meant ? ` — did you mean ${JSON.stringify(meant)}?` : ` — expected one of ${known.join(', ')}, or add ${SKILL_HOME.replace('<name>', name)}`;
      issues.push({ path, anchor: 'value', message: `${label(path)}: unknown skill ${describe(name)}${tail}` });
    }
  });
  return issues;
}
