/**
 * The diff view as lines: a summary, the agent's commits, then the unified diff coloured by line
 * kind. Pure; built once per load (a diff can be long), clipped to the width when drawn. The text
 * is the agent's own files: control characters are replaced so nothing in it reaches the terminal.
 */
import type { AgentDiff } from '../../land/service.js';
import { computeLayout, contentOf } from '../layout.js';
import { seg, type Line, type Seg } from './styled.js';

/** Rows of scrolled text under the view's summary line and its rule. */
export function diffBodyRows(cols: number, rows: number): number {
  return Math.max(contentOf(computeLayout(cols, rows).paneArea).height - 2, 1);
}

/** Tabs to spaces; C0/C1 controls (escape sequences among them) and DEL to `�`. */
export function safeText(text: string): string {
  return text.replace(/\t/g, '    ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}

function diffLine(raw: string): Line {
  const text = safeText(raw);
  let style: Omit<Seg, 'text'> = {};
  if (/^(diff --git|index |new file|deleted file|old mode|new mode|similarity|Binary files)/.test(raw)) style = { bold: true };
  else if (raw.startsWith('+++') || raw.startsWith('---')) style = { bold: true };
  else if (raw.startsWith('@@')) style = { color: 'cyan' };
  else if (raw.startsWith('+')) style = { color: 'green' };
  else if (raw.startsWith('-')) style = { color: 'red' };
  else if (raw.startsWith('\\')) style = { dim: true };
  return [seg(text, style)];
}

/** The summary line: `agent/backend vs main · 3 files +120 -8 · 2 commits`. */
export function diffSummary(d: AgentDiff): Line {
  const files = `${d.files.length} file${d.files.length === 1 ? '' : 's'}`;
  const commits = `${d.commits.length} commit${d.commits.length === 1 ? '' : 's'}`;
  return [seg(`${d.branch} vs ${d.base}`, { bold: true }), seg(` · ${files} `), seg(`+${d.added}`, { color: 'green' }), seg(' '), seg(`-${d.removed}`, { color: 'red' }), seg(` · ${commits}`)];
}

/** Commits, then the diff. */
export function diffLines(d: AgentDiff): Line[] {
  const out: Line[] = [];
  out.push([seg(d.commits.length ? `Commits not on ${d.base}:` : `No commits beyond ${d.base} yet`, { bold: true })]);
  for (const c of d.commits) out.push([seg(`  ${c.short} `, { color: 'yellow' }), seg(safeText(c.subject))]);
  out.push([]);
  if (d.lines.length === 0) out.push([seg('no changes (the supervisor’s own files are left out)', { dim: true })]);
  for (const l of d.lines) out.push(diffLine(l));
  if (d.omitted > 0) out.push([seg(`… ${d.omitted} more lines not shown`, { dim: true })]);
  return out;
}
