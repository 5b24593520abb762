/**
 * Waves (SPEC §6): an agent with `after: [names]` starts once those have finished and their
 * handoffs are captured. When a wave is over, its agents' captured handoffs and git changes are
 * compressed into a brief in templates/WAVE.md's sections, within 500 tokens, deterministically
 * (same inputs, same text), which the next wave's agents get in their brief.
 */
import type { Encoding } from '../config/types.js';
import { countTokens, loadEncoder } from '../handoff/tokens.js';
import { parseHandoff } from '../handoff/parse.js';
import { WAVE_SECTION_NAMES } from '../handoff/types.js';

export const WAVE_BUDGET = 500;

/** Each agent's wave: 0 without `after`, else one more than the latest wave it waits for. */
export function waveLevels(agents: readonly { name: string; after: readonly string[] }[]): Map<string, number> {
  const byName = new Map(agents.map((a) => [a.name, a]));
  const levels = new Map<string, number>();
  const level = (name: string, seen: Set<string>): number => {
    const known = levels.get(name);
    if (known !== undefined) return known;
    const agent = byName.get(name);
    // Config loading refuses unknown names and cycles; here they only count as the first wave.
    if (!agent || seen.has(name)) return 0;
    seen.add(name);
    const deps = agent.after.filter((d) => byName.has(d));
    const value = deps.length ? 1 + Math.max(...deps.map((d) => level(d, seen))) : 0;
    levels.set(name, value);
    return value;
  };
  for (const a of agents) level(a.name, new Set());
  return levels;
}

export interface WaveAgent {
  agent: string;
  branch: string;
  task: string;
  /** The handoff as captured at the end of its work ('' when it had none). */
  handoff: string;
  /** Files it changed since base, from git, the supervisor's own left out. */
  files: string[];
  /** The commit its chain made, if any. */
  commit?: string;
}

type Lines = Record<(typeof WAVE_SECTION_NAMES)[number], string[]>;

function items(text: string, section: string): string[] {
  const s = parseHandoff(text).sections.find((x) => x.known && x.name === section);
  return (s?.items ?? []).map((i) => i.text.replace(/\s+/g, ' ').trim()).filter((t) => t && !/\{\{|^\(none\)$/i.test(t));
}

/** The wave summary's sections: each item once, with every agent that wrote it. */
function collect(agents: readonly WaveAgent[]): Lines {
  const sorted = [...agents].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const found = new Map<keyof Lines, Map<string, { text: string; agents: string[] }>>(WAVE_SECTION_NAMES.map((n) => [n, new Map()]));
  const push = (section: keyof Lines, text: string, agent: string) => {
    const byKey = found.get(section)!;
    const key = text.toLowerCase();
    const entry = byKey.get(key) ?? { text, agents: [] };
    if (!entry.agents.includes(agent)) entry.agents.push(agent);
    byKey.set(key, entry);
  };
  for (const a of sorted) {
    for (const t of items(a.handoff, 'Completed')) push('Discovered', t.replace(/^\[[ xX]\]\s*/, ''), a.agent);
    for (const t of items(a.handoff, 'Current State').filter((x) => /^verdict\s*:/i.test(x))) push('Discovered', t, a.agent);
    for (const t of items(a.handoff, 'Key Decisions')) push('Decisions', t, a.agent);
    for (const t of items(a.handoff, 'Blockers')) push('Mistakes to Avoid', t, a.agent);
    const commit = a.commit ? `, commit ${a.commit.slice(0, 7)}` : '';
    const shown = a.files.slice(0, 4).join(', ');
    push('Pattern to Follow', `${a.task.replace(/\s+/g, ' ').trim()}: see ${a.branch}${commit}${shown ? ` (${shown}${a.files.length > 4 ? ', …' : ''})` : ''}`, a.agent);
    for (const f of a.files) push('Files Modified', f, a.agent);
  }
  const lines = {} as Lines;
  for (const name of WAVE_SECTION_NAMES) lines[name] = [...found.get(name)!.values()].map((e) => `${e.text} (${e.agents.map((n) => `@${n}`).join(', ')})`);
  return lines;
}

function render(project: string, wave: number, agents: readonly WaveAgent[], lines: Lines, dropped: number): string {
  const names = [...agents].map((a) => a.agent).sort().join(', ');
  const out = [`# ${project} - Wave Summary (wave ${wave + 1}: ${names})`, ''];
  for (const name of WAVE_SECTION_NAMES) {
    out.push(`## ${name}`, ...(lines[name].length ? lines[name].map((l) => `- ${l}`) : ['- (none)']), '');
  }
  if (dropped) out.push(`<!-- ${dropped} more item${dropped === 1 ? '' : 's'} left out to stay within ${WAVE_BUDGET} tokens; the agents' briefs in this folder have them -->`, '');
  return out.join('\n');
}

/** The wave's brief, within `budget` tokens: the longest section gives up its last item first. */
export async function waveSummary(project: string, wave: number, agents: readonly WaveAgent[], encoding: Encoding, budget = WAVE_BUDGET): Promise<string> {
  await loadEncoder(encoding);
  const lines = collect(agents);
  let dropped = 0;
  for (;;) {
    const text = render(project, wave, agents, lines, dropped);
    if (countTokens(text, encoding) <= budget) return text;
    const longest = WAVE_SECTION_NAMES.reduce((a, b) => (lines[b].length > lines[a].length ? b : a));
    if (!lines[longest].length) return text;
    lines[longest].pop();
    dropped++;
  }
}
