/**
 * The sidebar as lines (SPEC §5): per agent its number, status glyph and word, branch, elapsed
 * time, diff stat and handoff tokens against the budget, its warnings (the conflict radar's
 * among them: `✗ conflicts with bravo: src/api.ts`, `⚠ carol imports src/api.ts, changed by
 * alpha`); then files changed by two agents, with their names. Fewer lines per agent when the terminal is short. Pure.
 */
import type { Budget } from '../../config/types.js';
import { chainView, type StepMark } from '../../chains/machine.js';
import type { AgentState } from '../../supervisor/agentState.js';
import { clip, clipStart, elapsed, STATUS_COLOR, statusGlyph, statusWord } from './format.js';
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

const STEP_STYLE: Record<StepMark, { mark: string; color?: string; dim?: boolean }> = {
  done: { mark: '✓', color: 'green' },
  running: { mark: '●', color: 'cyan' },
  pending: { mark: '·', dim: true },
  stopped: { mark: '✗', color: 'red' },
};

/** `spec ✓ build ✓ review ●2 fix · commit ·`, wrapped to the width; `waiting for alpha` before it starts. */
export function chainLines(a: AgentState, width: number): Line[] {
  const lines: Line[] = [];
  if (a.waiting?.length) lines.push(clipLine([seg(INDENT), seg(a.detail ?? `waiting for ${a.waiting.join(', ')}`, { dim: true })], width));
  if (!a.chain) return lines;
  let line: Line = [seg(INDENT)];
  let used = INDENT.length;
  for (const view of chainView(a.chain)) {
    // Nothing runs before the agents it waits for have finished.
    const step = a.waiting?.length && view.mark === 'running' ? { ...view, mark: 'pending' as const } : view;
    const style = STEP_STYLE[step.mark];
    const mark = `${style.mark}${step.round ?? ''}`;
    const size = step.name.length + 1 + mark.length + 1;
    if (used + size > width + 1 && line.length > 1) {
      lines.push(clipLine(line.slice(0, -1), width));
      line = [seg(INDENT)];
      used = INDENT.length;
    }
    line.push(seg(`${step.name} `, { dim: step.mark === 'pending' }), seg(mark, { color: style.color, dim: style.dim, bold: step.mark === 'running' }), seg(' '));
    used += size;
  }
  if (line.length > 1) lines.push(clipLine(line.slice(0, -1), width));
  return lines;
}

/** The conflict radar's lines (src/radar/publish.ts) carry their own mark: `✗ conflicts with …` in red, `⚠ … imports …` in yellow. */
const RADAR_MARK = /^([✗⚠]) /u;

function warningLines(a: AgentState, width: number): Line[] {
  return a.warnings.map((w) => {
    const mark = RADAR_MARK.exec(w)?.[1];
    if (!mark) return clipLine([seg(`  ! ${w}`, { color: 'yellow' })], width);
    return clipLine([seg(`  ${w}`, { color: mark === '✗' ? 'red' : 'yellow' })], width);
  });
}

/** `! src/api.ts: backend, tests` when it fits, else the file and, below it, the names that fit. */
function sharedLines(file: string, names: readonly string[], width: number): Line[] {
  const style = { color: 'yellow' };
  const one = `! ${file}: ${names.join(', ')}`;
  if ([...one].length <= width) return [[seg(one, style)]];
  return [
    [seg(`! ${clipStart(file, Math.max(width - 2, 0))}`, style)],
    [seg(INDENT), seg(fitNames(names, Math.max(width - INDENT.length, 1)), style)],
  ];
}

/** As many names as fit in `width`, in order, then `+N` for the others: `backend, tests +2`. */
export function fitNames(names: readonly string[], width: number): string {
  for (let k = names.length; k >= 1; k--) {
    const rest = names.length - k;
    const text = `${names.slice(0, k).join(', ')}${rest ? ` +${rest}` : ''}`;
    if ([...text].length <= width) return text;
  }
  // Not even one whole name fits: the first, cut, and the count of the others.
  const tail = names.length > 1 ? ` +${names.length - 1}` : '';
  return `${clip(names[0] ?? '', Math.max(width - tail.length, 1))}${tail}`;
}

/** Every line of the sidebar's inside, at most `height` of them. */
export function sidebarLines(input: SidebarInput): Line[] {
  const { agents, selected, now, budget, width, height } = input;
  const files = sharedFiles(agents);
  const shared = files.flatMap((s) => sharedLines(s.file, s.agents, width).map((l) => clipLine(l, width)));
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
      if (level <= 1 || (level === 2 && isSel)) lines.push(...chainLines(a, width));
      if (level <= 2) lines.push(...warningLines(a, width));
    });
    if (level <= 2) lines.push(...shared);
    else {
      const count = files.length + agents.reduce((n, a) => n + a.warnings.length, 0);
      if (count > 0) lines.push([seg(`! ${count} warning${count === 1 ? '' : 's'}`, { color: 'yellow' })]);
    }
    if (lines.length <= height || level === 3) return lines.slice(0, height);
  }
  return [];
}
