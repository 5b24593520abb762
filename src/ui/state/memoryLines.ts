/**
 * The memory view (`M`) as lines: what the selected agent was given from the shared memory at
 * its last start (the query, each memory with its kind, origin and score, what was left out and
 * why), then the results of the search box. Pure; the component only draws. Memory texts come
 * from other agents: control characters are replaced so nothing in them reaches the terminal.
 */
import { origin } from '../../memory/why.js';
import { computeLayout, contentOf } from '../layout.js';
import { safeText } from './diffLines.js';
import { seg, type Line, type Seg } from './styled.js';
import type { MemoryPanel } from './types.js';

/** Rows of scrolled text under the search box and its rule. */
export function memoryBodyRows(cols: number, rows: number): number {
  return Math.max(contentOf(computeLayout(cols, rows).paneArea).height - 2, 1);
}

/** Width of the text inside the memory view. */
export function memoryWidth(cols: number, rows: number): number {
  return Math.max(contentOf(computeLayout(cols, rows).paneArea).width - 3, 10);
}

/** `head` then `text` word-wrapped to `width`, continuation lines indented under the text. */
function wrapped(head: Seg[], text: string, width: number, style: Omit<Seg, 'text'> = {}): Line[] {
  const indent = head.reduce((n, s) => n + [...s.text].length, 0);
  const room = Math.max(width - indent, 10);
  const out: Line[] = [];
  let line = '';
  for (const word of safeText(text).split(/\s+/).filter(Boolean)) {
    if (line && [...line].length + 1 + [...word].length > room) {
      out.push([...(out.length ? [seg(' '.repeat(indent))] : head), seg(line, style)]);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push([...(out.length ? [seg(' '.repeat(indent))] : head), seg(line, style)]);
  return out;
}

const KIND_COLOR: Record<string, string> = { mistake: 'red', decision: 'magenta', pattern: 'green', learning: 'cyan', preference: 'yellow' };

function memoryRow(m: { kind: string; text: string; score: number; project?: string; agent?: string }, width: number, dim = false): Line[] {
  const head = [seg(`${m.score.toFixed(3)} `, { dim: true }), seg(`[${origin({ kind: m.kind as never, project: m.project, agent: m.agent })}] `, { color: KIND_COLOR[m.kind], dim })];
  return wrapped(head, m.text, width, dim ? { dim: true } : {});
}

/** The search box: `/ search: words▏` (the cursor while typing). */
export function searchBoxLine(panel: MemoryPanel): Line {
  if (!panel.typing && !panel.query) return [seg(' / ', { bold: true }), seg('search the memory', { dim: true })];
  return [seg(' / search: ', { bold: true }), seg(safeText(panel.query), panel.typing ? {} : { dim: true }), ...(panel.typing ? [seg(' ', { inverse: true }), seg('  enter searches · esc stops typing', { dim: true })] : [])];
}

/** Every body line of the view, before scrolling. */
export function memoryLines(panel: MemoryPanel, width: number): Line[] {
  const lines: Line[] = [];
  const { record } = panel;
  if (panel.status === 'loading') lines.push([seg(`reading what ${panel.agent} was given…`, { dim: true })]);
  else if (panel.status === 'error') lines.push([seg(`could not read what ${panel.agent} was given: ${safeText(panel.error ?? '')}`, { color: 'red' })]);
  else if (!record) lines.push([seg(`${panel.agent} has not started with memory yet (memory.store off, or it is still starting).`, { dim: true })]);
  else {
    lines.push(...wrapped([seg('query: ', { dim: true })], record.query, width));
    if (record.error) lines.push(...wrapped([seg('started without memories: ', { color: 'yellow', bold: true })], record.error, width));
    else lines.push([seg(`given ${record.injected.length} memor${record.injected.length === 1 ? 'y' : 'ies'}, ${record.tokens}/${record.budget} tokens, at ${record.at.slice(11, 19)}`, { bold: true })]);
    for (const h of record.injected) lines.push(...memoryRow(h, width));
    if (record.skipped.length) lines.push([seg(`left out (${record.skipped.length}):`, { dim: true })]);
    for (const h of record.skipped) lines.push(...memoryRow(h, width, true), [seg(`       ${h.reason}`, { dim: true })]);
  }
  const s = panel.search;
  if (s) {
    lines.push([], [seg(`search "${safeText(s.query)}"`, { bold: true }), seg(s.status === 'searching' ? ' · searching…' : s.status === 'error' ? '' : ` · ${s.rows.length} found`, { dim: true })]);
    if (s.status === 'error') lines.push([seg(safeText(s.error ?? 'failed'), { color: 'red' })]);
    for (const r of s.rows) lines.push(...memoryRow(r, width));
  }
  return lines;
}
