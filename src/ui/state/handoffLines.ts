/**
 * The handoff view as lines: each section with its tokens against the budget as a bar, its items
 * with the agent that wrote them, and the flagged conflicts. Pure; the component only draws.
 */
import { parseHandoff } from '../../handoff/parse.js';
import type { Conflict, ValidationReport } from '../../handoff/types.js';
import type { AgentState } from '../../supervisor/agentState.js';
import { computeLayout, contentOf } from '../layout.js';
import { clip } from './format.js';
import { seg, type Line } from './styled.js';
import type { HandoffPanel } from './types.js';

/** Tab titles: the team, then each agent. */
export function handoffTabs(data: HandoffPanel['data'], agents: readonly Pick<AgentState, 'name'>[]): string[] {
  return ['team', ...(data ? data.agents.map((a) => a.name) : agents.map((a) => a.name))];
}

/** Width of the text inside the handoff view. */
export function handoffWidth(cols: number): number {
  return Math.max(contentOf(computeLayout(cols, 24).paneArea).width - 2, 10);
}

/** Rows of scrolled text under the tab line and its rule. */
export function handoffBodyRows(cols: number, rows: number): number {
  return Math.max(contentOf(computeLayout(cols, rows).paneArea).height - 2, 1);
}

const BAR = 10;

/** `███████░░░ 72/100`, red when over budget. */
export function tokenBar(tokens: number, budget: number): Line {
  const over = tokens > budget;
  const filled = budget <= 0 ? BAR : Math.min(BAR, Math.round((tokens / budget) * BAR));
  const color = over ? 'red' : tokens / Math.max(budget, 1) > 0.8 ? 'yellow' : 'green';
  return [seg('█'.repeat(filled), { color }), seg('░'.repeat(BAR - filled), { dim: true }), seg(` ${tokens}/${budget}`, over ? { color: 'red', bold: true } : {})];
}

/** Greedy word wrap; a word longer than the width is cut. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while ([...w].length > width) {
      if (line) out.push(line);
      line = '';
      out.push([...w].slice(0, width).join(''));
      w = [...w].slice(width).join('');
    }
    if (!w) continue;
    if (!line) line = w;
    else if ([...line].length + 1 + [...w].length <= width) line += ` ${w}`;
    else {
      out.push(line);
      line = w;
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}

const KIND_LABEL: Record<Conflict['kind'], string> = { contradiction: 'contradiction', 'shared-file': 'shared file', 'merge-conflict': 'merge conflict', contract: 'contract' };

function conflictLines(conflicts: Conflict[], width: number): Line[] {
  if (conflicts.length === 0) return [];
  const lines: Line[] = [[seg(`⚠ ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'} flagged`, { color: 'yellow', bold: true })]];
  for (const c of conflicts) {
    const kind = KIND_LABEL[c.kind];
    lines.push([seg('  '), seg(kind, { color: 'yellow' }), seg(` ${c.agents.join(', ')}: `, { bold: true }), seg(clip(c.subject, Math.max(width - kind.length - c.agents.join(', ').length - 6, 10)))]);
    for (const l of wrap(c.detail, width - 4)) if (l) lines.push([seg(`    ${l}`, { dim: true })]);
  }
  lines.push([]);
  return lines;
}

function bodyLines(text: string, report: ValidationReport, width: number): Line[] {
  const lines: Line[] = [];
  const handoff = parseHandoff(text);
  const tokensOf = new Map(report.sections.map((s) => [s.name, s]));
  for (const section of handoff.sections) {
    const r = tokensOf.get(section.name);
    const title = clip(section.name, Math.max(width - BAR - 12, 8));
    const head: Line = [seg(title, { bold: true, color: 'cyan' })];
    if (r) head.push(seg(' '.repeat(Math.max(width - title.length - BAR - String(r.tokens).length - String(r.budget).length - 2, 1))), ...tokenBar(r.tokens, r.budget));
    lines.push(head);
    section.items.forEach((item, n) => {
      const mark = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
      const bullet = item.marker === 'numbered' ? `${n + 1}.`.padEnd(3) : '-';
      const who = item.agent ? ` @${item.agent.split(', ').join(' @')}` : '';
      const conflict = item.text.startsWith('⚠');
      const wrapped = wrap(`${mark}${item.text}`, Math.max(width - 4 - who.length, 10));
      wrapped.forEach((l, i) => {
        const line: Line = [seg(i === 0 ? `  ${bullet} ` : ' '.repeat(bullet.length + 3)), seg(l, conflict ? { color: 'yellow' } : {})];
        if (i === wrapped.length - 1 && who) line.push(seg(who, { color: 'magenta' }));
        lines.push(line);
      });
    });
    for (const prose of section.text) for (const l of wrap(prose, width - 2)) lines.push([seg(`  ${l}`, { dim: true })]);
    if (section.items.length === 0 && section.text.length === 0) lines.push([seg('  (empty)', { dim: true })]);
    lines.push([]);
  }
  const problems = report.findings;
  if (problems.length > 0) {
    lines.push([seg('Findings', { bold: true })]);
    for (const f of problems) {
      const where = f.section ? `${f.section}: ` : '';
      const color = f.severity === 'error' ? 'red' : 'yellow';
      wrap(`${where}${f.message}`, width - 4).forEach((l, i) => lines.push([seg(i === 0 ? `  ${f.severity === 'error' ? '✗' : '!'} ` : '    ', { color }), seg(l)]));
    }
  }
  return lines;
}

/** Every line of the open tab (before scrolling). */
export function handoffLines(panel: HandoffPanel, cols: number): Line[] {
  const width = handoffWidth(cols);
  if (!panel.data) {
    if (panel.status === 'error') return [[seg(`could not read the handoffs: ${panel.error ?? 'unknown error'}`, { color: 'red' })]];
    return [[seg('reading handoffs…', { dim: true })]];
  }
  const { data } = panel;
  const summary = (r: ValidationReport): Line => [
    seg(`${r.totalTokens}/${r.totalBudget} tokens`, r.totalTokens > r.totalBudget ? { color: 'red', bold: true } : {}),
    seg(' · '),
    r.valid ? seg('valid', { color: 'green' }) : seg('invalid', { color: 'red', bold: true }),
  ];
  if (panel.tab === 0) {
    const head: Line = [seg('Team handoff', { bold: true }), seg(' · merged from every worktree now · ', { dim: true }), ...summary(data.team.report)];
    return [head, [], ...conflictLines(data.team.conflicts, width), ...bodyLines(data.team.text, data.team.report, width)];
  }
  const agent = data.agents[panel.tab - 1];
  if (!agent) return [[seg('no such agent', { dim: true })]];
  const head: Line = [seg(agent.name, { bold: true }), seg(' · own HANDOFF.md · ', { dim: true }), ...summary(agent.report)];
  const note: Line[] = agent.unchanged ? [[seg('! not updated since it was handed to the agent', { color: 'yellow' })]] : [];
  if (!agent.text.trim()) return [head, ...note, [], [seg('(no HANDOFF.md in the worktree yet)', { dim: true })]];
  return [head, ...note, [], ...bodyLines(agent.text, agent.report, width)];
}
