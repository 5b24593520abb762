/**
 * Fit a handoff into its budgets (SPEC §3 Compression), deterministically. Items move out whole,
 * never shortened, in this order: text before the first section, Completed (oldest first; they
 * collapse into `N earlier items — see <ref>` at the top), sections outside the template, Current
 * State, Next Steps, In Progress, and only as a last resort Blockers (`⚠` flags last of all) and
 * Key Decisions; the later sections lose their last items first and end with `N more items — see
 * <ref>`. Every item that leaves is in `removed`, for the caller to write to history at `ref`; a
 * pointer from an earlier compression is folded into the new count and moved too, so the
 * history files chain.
 *
 * Tokens are counted exactly as `validateHandoff` counts the rendered file, so a result within
 * budget here validates within budget there.
 */
import { isConflictItem, pointerCount, pointerText, proseItems } from './items.js';
import { renderHandoff, renderSection } from './render.js';
import { countTokens } from './tokens.js';
import type { CompressResult, Handoff, HandoffItem, HandoffLimits, HandoffSection, RemovedItems } from './types.js';

export interface CompressOptions {
  /** Where the removed items will be kept (a history file or folder), as the handoff should name it. */
  historyRef: string;
}

const PRIORITY = ['Completed', '(other)', 'Current State', 'Next Steps', 'In Progress', 'Blockers', 'Key Decisions'];

interface Unit {
  name: string;
  /** Index in `sections`, or -1 for the preamble. */
  index: number;
  original?: HandoffSection;
  /** Items other than history pointers, in written order (prose first). */
  items: HandoffItem[];
  oldPointers: HandoffItem[];
  oldCount: number;
  /** Indices into `items`, first to leave first. */
  order: number[];
  /** How many of `order` have left. */
  k: number;
}

function pointerItem(name: string, count: number, ref: string): HandoffItem {
  const text = pointerText(count, name === 'Completed', ref);
  if (name === 'Completed') return { text, marker: 'checkbox', checked: true };
  if (name === 'In Progress') return { text, marker: 'checkbox', checked: false };
  if (name === 'Next Steps') return { text, marker: 'numbered' };
  return { text, marker: 'bullet' };
}

function makeUnit(name: string, index: number, all: HandoffItem[], original?: HandoffSection): Unit {
  const items: HandoffItem[] = [];
  const oldPointers: HandoffItem[] = [];
  let oldCount = 0;
  for (const it of all) {
    const n = pointerCount(it);
    if (n === undefined) items.push(it);
    else {
      oldPointers.push(it);
      oldCount += n;
    }
  }
  const idx = items.map((_, i) => i);
  let order: number[];
  if (name === 'Completed' || index < 0) order = idx;
  else if (name === 'Blockers') {
    const back = [...idx].reverse();
    order = [...back.filter((i) => !isConflictItem(items[i] as HandoffItem)), ...back.filter((i) => isConflictItem(items[i] as HandoffItem))];
  } else order = [...idx].reverse();
  const unit: Unit = { name, index, items, oldPointers, oldCount, order, k: 0 };
  if (original) unit.original = original;
  return unit;
}

function leaving(u: Unit): HandoffItem[] {
  return u.order.slice(0, u.k).sort((a, b) => a - b).map((i) => u.items[i] as HandoffItem);
}

function buildSection(u: Unit, ref: string): HandoffSection {
  const orig = u.original as HandoffSection;
  if (u.k === 0) return orig;
  const gone = new Set(u.order.slice(0, u.k));
  const kept = u.items.filter((_, i) => !gone.has(i));
  const pointer = pointerItem(u.name, u.oldCount + u.k, ref);
  const items = u.name === 'Completed' ? [pointer, ...kept] : [...kept, pointer];
  return { ...orig, items, text: [] };
}

/** Compress a handoff into `limits`; within budget already, it is returned as it is. */
export function compressHandoff(h: Handoff, limits: HandoffLimits, opts: CompressOptions): CompressResult {
  const { budget, encoding } = limits;
  const ref = opts.historyRef.replace(/\s+/g, ' ').trim() || '.supervise/history/';
  const units = h.sections.map((s, i) => makeUnit(s.name, i, [...proseItems(s), ...s.items], s));
  const pre = makeUnit('(preamble)', -1, (h.preamble ?? []).map((text) => ({ text, marker: 'bullet' as const })));

  const build = (): Handoff => {
    const out: Handoff = { title: h.title, sections: units.map((u) => buildSection(u, ref)) };
    const lines = pre.items.filter((_, i) => !pre.order.slice(0, pre.k).includes(i)).map((it) => it.text);
    if (pre.k > 0) lines.push(pointerText(pre.oldCount + pre.k, false, ref));
    if (lines.length) out.preamble = lines;
    return out;
  };
  const sectionTokens = (u: Unit): number => countTokens(renderSection(buildSection(u, ref)).trimEnd(), encoding);
  const totalTokens = (): number => countTokens(renderHandoff(build()), encoding);
  const sectionsFit = (): boolean => units.every((u) => sectionTokens(u) <= budget.section);

  const before = totalTokens();
  if (before <= budget.total && sectionsFit()) {
    return { handoff: h, removed: [], before, after: before, withinBudget: true };
  }
  for (const u of units) if (sectionTokens(u) > budget.section) shrink(u, () => sectionTokens(u) <= budget.section);
  for (const u of [pre, ...byPriority(units)]) {
    if (totalTokens() <= budget.total) break;
    shrink(u, () => totalTokens() <= budget.total);
  }

  const removed: RemovedItems[] = [];
  for (const u of [pre, ...units]) {
    if (u.k === 0) continue;
    removed.push({ section: u.name, reason: 'over budget', items: [...leaving(u), ...u.oldPointers] });
  }
  const after = totalTokens();
  const over = units.find((u) => sectionTokens(u) > budget.section);
  const result: CompressResult = { handoff: build(), removed, before, after, withinBudget: !over && after <= budget.total };
  if (over) {
    result.reason = `"${over.name}" is still ${sectionTokens(over)} tokens with every item moved out (its heading and pointer), budget ${budget.section}`;
  } else if (after > budget.total) {
    result.reason = `the handoff is still ${after} tokens with every item moved out (title, headings and pointers), budget ${budget.total}`;
  }
  return result;
}

function byPriority(units: Unit[]): Unit[] {
  const rank = (u: Unit): number => {
    const i = PRIORITY.indexOf(u.original?.known ? u.name : '(other)');
    return i < 0 ? 1 : i;
  };
  return units.map((u, i) => ({ u, i, r: rank(u) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.u);
}

/** Move out the fewest items (in the unit's order) that make `fits` true, or all of them. */
function shrink(u: Unit, fits: () => boolean): void {
  if (fits()) return;
  let lo = u.k;
  const max = u.order.length;
  u.k = max;
  if (lo >= max || !fits()) return;
  let hi = max;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    u.k = mid;
    if (fits()) hi = mid;
    else lo = mid;
  }
  u.k = hi;
}
