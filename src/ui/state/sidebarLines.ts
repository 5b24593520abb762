/**
 * The sidebar as lines (SPEC §5): per agent its number, status glyph and word, branch, elapsed
 * time, diff stat and handoff tokens against the budget, its warnings; then files changed by two
 * agents. Fewer lines per agent when the terminal is short. Pure.
 */
import type { Budget } from '../../config/types.js';
import type { AgentState } from '../../supervisor/agentState.js';
import { elapsed, STATUS_COLOR, statusGlyph, statusWord } from './format.js';
import { sharedFiles } from './overlap.js';
import { clipLine, justify, seg, type Line } from './styled.js';

export interface SidebarInput {
  agents: readonly AgentState[];
  selected: number;
  now: number;
  budget: Budget;
  /** Inner width and height (inside the frame). */
  width: number;
  height: number;
}

const INDENT = '    ';

function statusColor(a: AgentState): string {
  if (a.status === 'exited' && a.exitCode !== 0 && a.exitCode !== undefined && a.exitCode !== null) return STATUS_COLOR.failed;
  return STATUS_COLOR[a.status];
}

function headLine(a: AgentState, i: number, selected: boolean, width: number, withTime: boolean, now: number): Line {
  const color = statusColor(a);
  const word = withTime ? `${statusWord(a)} ${elapsed(a, now)}` : statusWord(a);
  const left: Line = [seg(`${i + 1} `, { bold: true }), seg(statusGlyph(a), { color }), seg(' '), seg(a.name, { bold: selected })];
  const line = justify(left, [seg(word, { color })], width);
  return selected ? line.map((s) => ({ ...s, inverse: true })) : line;
}

function branchLine(a: AgentState, width: number, now: number): Line {
  return justify([seg(INDENT), seg(a.branch, { dim: true })], [seg(elapsed(a, now), { dim: true })], width);
}

function statsLine(a: AgentState, budget: Budget, width: number): Line | undefined {
  const left: Line = [seg(INDENT)];
  if (a.diff) left.push(seg(`+${a.diff.added}`, { color: 'green' }), seg(' '), seg(`-${a.diff.removed}`, { color: 'red' }));
  const right: Line = [];
  if (a.handoffTokens !== undefined) {
    const over = a.handoffTokens > budget.total;
    right.push(seg(`${a.handoffTokens}/${budget.total}`, over ? { color: 'red', bold: true } : { dim: true }));
  }
  if (left.length === 1 && right.length === 0) return undefined;
  return justify(left, right, width);
}

function warningLines(a: AgentState, width: number): Line[] {
  return a.warnings.map((w) => clipLine([seg(`  ! ${w}`, { color: 'yellow' })], width));
}

/** Every line of the sidebar's inside, at most `height` of them. */
export function sidebarLines(input: SidebarInput): Line[] {
  const { agents, selected, now, budget, width, height } = input;
  const shared = sharedFiles(agents).map((s) => clipLine([seg(`! ${s.file}: ${s.agents.join(',')}`, { color: 'yellow' })], width));
  // Detail levels, richest first: the first that fits is used.
  for (const level of [0, 1, 2, 3]) {
    const lines: Line[] = [];
    agents.forEach((a, i) => {
      const isSel = i === selected;
      const full = level === 0 || (level === 1 && isSel);
      lines.push(headLine(a, i, isSel, width, !full && level < 3 && isSel, now));
      if (full) lines.push(branchLine(a, width, now));
      if (level <= 1 || (level === 2 && isSel)) {
        const stats = statsLine(a, budget, width);
        if (stats) lines.push(stats);
      }
      if (level <= 2) lines.push(...warningLines(a, width));
    });
    if (level <= 2) lines.push(...shared);
    else {
      const count = shared.length + agents.reduce((n, a) => n + a.warnings.length, 0);
      if (count > 0) lines.push([seg(`! ${count} warning${count === 1 ? '' : 's'}`, { color: 'yellow' })]);
    }
    if (lines.length <= height || level === 3) return lines.slice(0, height);
  }
  return [];
}
