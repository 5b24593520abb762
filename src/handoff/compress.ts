/**
 * Fit a handoff into its budgets (SPEC §3 Compression), deterministically, one item at a time.
 *
 * Each step does the least it can: an item longer than a third of its section's budget is
 * shortened (its start kept, ending in `…`) before anything else of that section leaves; then
 * items move out whole, oldest (first written) first. A section over its own budget is fitted
 * first; then, while the whole file is over, sections give in priority order: text before the
 * first section, Completed, sections outside the template, Current State (never an agent's status
 * line, only its own words, shortened), Next Steps, In Progress, and only once all of those are
 * spent Blockers and Key Decisions. Status lines and `⚠` flags are the merge's own and never
 * leave; they are only shortened (a flag down to the head that names its agents).
 *
 * Everything that leaves, and the full text of what was shortened, is in `removed`, for the
 * caller to write to history at `ref`. One line under the title counts it and says where
 * (`History: N items moved out or shortened — see <ref>`): one pointer for the file, cheaper than what it
 * replaces. A pointer from an earlier compression is folded into the new count and moved to the
 * new history file too, so the history files chain.
 *
 * Tokens are counted exactly as `validateHandoff` counts the rendered file, so a result within
 * budget here validates within budget there. Per-section counts are cached, so a file of many
 * sections compresses in one pass, not one full count per step.
 */
import { flagHead } from './conflicts.js';
import { ELLIPSIS, isConflictItem, normalizeText, parseStatusLine, pointerCount, pointerLine, proseItems, statusLineText } from './items.js';
import { renderHandoff, renderSection, renderTitle } from './render.js';
import { countEach, countTokens } from './tokens.js';
import type { CompressResult, Handoff, HandoffItem, HandoffLimits, HandoffSection, RemovedItems } from './types.js';

/** A landing recorded in Current State (src/land/record.ts). */
const LANDED = /^Landed: /;

export interface CompressOptions {
  /** Where the removed items will be kept (a history file), as the handoff should name it. */
  historyRef: string;
}

const PRIORITY = ['(preamble)', 'Completed', '(other)', 'Current State', 'Next Steps', 'In Progress', 'Blockers', 'Key Decisions'];
const PREAMBLE = '(preamble)';

interface Slot {
  item: HandoffItem;
  /** A pointer of an earlier compression: it leaves (folded into the new count) once anything moves. */
  pointer: boolean;
  movable: boolean;
  /** The shortest start a shortened text may keep (an agent's status line keeps its head). */
  keep: number;
  state: 'kept' | 'short' | 'gone';
  short?: string;
  /** The item's own token count, once asked for. */
  tokens?: number;
  /** Shortened as far as it goes. */
  spent?: boolean;
}

interface Unit {
  name: string;
  /** Index in `sections`, or -1 for the preamble. */
  index: number;
  original?: HandoffSection;
  slots: Slot[];
  /** Indices into `slots` in the order they leave. */
  order: number[];
  tokens: number;
}

/** Compress a handoff into `limits`; within budget already, it is returned as it is. */
export function compressHandoff(h: Handoff, limits: HandoffLimits, opts: CompressOptions): CompressResult {
  const { budget, encoding } = limits;
  const ref = opts.historyRef.replace(/\s+/g, ' ').trim() || '.supervise/history/';
  const count = (text: string): number => countTokens(text, encoding);
  const before = count(renderHandoff(h));
  const units = h.sections.map((s, i) => makeUnit(s.name, i, [...proseItems(s), ...s.items], s));
  const pre = makeUnit(PREAMBLE, -1, (h.preamble ?? []).map((text) => ({ text, marker: 'bullet' as const })));
  const all = [pre, ...units];
  const oldCount = all.reduce((n, u) => n + u.slots.reduce((m, s) => m + (s.pointer ? (pointerCount(s.item) ?? 0) : 0), 0), 0);
  const moved = (): number => all.reduce((n, u) => n + u.slots.filter((s) => !s.pointer && s.state !== 'kept').length, 0);

  // `estimate`: the History line's number as nines of the same width, which count the same: the
  // estimate then needs no new count each time an item leaves (the file's exact count follows).
  const preambleLines = (estimate = false): string[] => {
    const n = moved();
    const lines = pre.slots.filter((s) => s.state !== 'gone' && !(s.pointer && n > 0)).map((s) => textOf(s));
    const shown = estimate ? Number('9'.repeat(String(oldCount + n).length)) : oldCount + n;
    return n > 0 ? [pointerLine(shown, ref), ...lines] : lines;
  };
  const build = (): Handoff => {
    // A section outside the template whose every item left says nothing: its heading goes too.
    const emptied = (u: Unit): boolean => !u.original?.known && u.slots.length > 0 && u.slots.every((x) => x.state === 'gone' || x.pointer);
    const out: Handoff = { title: h.title, sections: units.filter((u) => !emptied(u)).map((u) => buildSection(u, moved() > 0)) };
    const lines = preambleLines();
    if (lines.length) out.preamble = lines;
    return out;
  };
  // The text a unit's count is taken of ('' for a section that says nothing and goes).
  const measured = (u: Unit): string => {
    if (u.index < 0) {
      const lines = preambleLines(true).join('\n');
      return lines ? `${renderTitle(h.title)}\n\n${lines}` : renderTitle(h.title);
    }
    if (!u.original?.known && u.slots.length > 0 && u.slots.every((x) => x.state === 'gone' || x.pointer)) return '';
    return renderSection(buildSection(u, moved() > 0)).trimEnd();
  };
  // Each unit's count, asked of the tokenizer in one go.
  const measure = (us: Unit[]): number[] => countEach(us.map(measured), encoding);
  const exactTotal = (): number => count(renderHandoff(build()));
  measure(all).forEach((t, i) => (all[i]!.tokens = t));
  const sep = count('\n\n');
  let estimate = all.reduce((n, u) => n + u.tokens, 0) + units.length * sep;

  if (before <= budget.total && units.every((u) => u.tokens <= budget.section)) {
    return { handoff: h, removed: [], before, after: before, withinBudget: true };
  }
  const cap = Math.max(8, Math.floor(budget.section / 3));
  // Every item's own count in one go, before the steps below ask for them one at a time.
  const items = all.flatMap((u) => u.slots.filter((s) => !s.pointer));
  countEach(items.map((s) => s.item.text), encoding).forEach((t, i) => (items[i]!.tokens = t));
  // The blocks a step in `u` can change: its own, the History line, sections with old pointers.
  const refresh = (u: Unit): void => {
    const xs = [...new Set([pre, u, ...units.filter((y) => y.slots.some((s) => s.pointer))])];
    measure(xs).forEach((t, i) => {
      estimate += t - xs[i]!.tokens;
      xs[i]!.tokens = t;
    });
  };
  const steps = (u: Unit, n: number): number => {
    let k = 0;
    while (k < n && shrinkOne(u, cap, count)) k++;
    return k;
  };
  /**
   * The fewest steps in `u` after which `over()` is false, or every step it has. Which step comes
   * next never depends on what was measured, so doubling and then halving finds that number with
   * a few measures of the section instead of one per item (a section of thousands of items).
   */
  const shrinkWhile = (u: Unit, over: () => boolean): void => {
    for (let batch = 1; over(); batch *= 2) {
      const saved = save(u);
      const took = steps(u, batch);
      if (took === 0) return;
      refresh(u);
      if (over()) {
        if (took < batch) return;
        continue;
      }
      restore(u, saved);
      refresh(u);
      let lo = 0;
      let hi = took;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const at = save(u);
        steps(u, mid - lo);
        refresh(u);
        if (over()) lo = mid;
        else {
          restore(u, at);
          refresh(u);
          hi = mid;
        }
      }
      steps(u, hi - lo);
      refresh(u);
      return;
    }
  };

  for (const u of units) shrinkWhile(u, () => u.tokens > budget.section);
  const ranked = [pre, ...byPriority(units)];
  for (const u of ranked) shrinkWhile(u, () => estimate > budget.total);
  // The estimate sums blocks; the exact count of the whole file has the last word.
  let after = exactTotal();
  while (after > budget.total) {
    const u = ranked.find((x) => canShrink(x, cap, count));
    if (!u || steps(u, 1) === 0) break;
    refresh(u);
    after = exactTotal();
  }

  measure(units).forEach((t, i) => (units[i]!.tokens = t));
  const removed: RemovedItems[] = [];
  const folded = moved() > 0;
  for (const u of all) {
    const gone = u.slots.filter((s) => !s.pointer && s.state === 'gone').map((s) => s.item);
    const shortened = u.slots.filter((s) => s.state === 'short').map((s) => s.item);
    const pointers = folded ? u.slots.filter((s) => s.pointer).map((s) => s.item) : [];
    if (gone.length) removed.push({ section: u.name, reason: 'over budget', items: gone });
    if (shortened.length) removed.push({ section: u.name, reason: 'shortened in the handoff, in full here', items: shortened });
    if (pointers.length) removed.push({ section: u.name, reason: 'the history before this one', items: pointers });
  }
  const over = units.find((u) => u.tokens > budget.section);
  const result: CompressResult = { handoff: build(), removed, before, after, withinBudget: !over && after <= budget.total };
  if (over) {
    result.reason = `"${over.name}" is still ${over.tokens} tokens with every item it may lose moved out or shortened, budget ${budget.section}`;
  } else if (after > budget.total) {
    result.reason = `the handoff is still ${after} tokens with every item it may lose moved out or shortened (title, headings, status lines and the history line stay), budget ${budget.total}`;
  }
  return result;
}

function makeUnit(name: string, index: number, all: HandoffItem[], original?: HandoffSection): Unit {
  const slots: Slot[] = all.map((item) => {
    const pointer = pointerCount(item) !== undefined;
    const status = name === 'Current State' ? parseStatusLine(item.text) : undefined;
    // A status line stays; only the agent's own words after its head may be shortened. A
    // flag keeps the head that names its agents.
    const flag = flagHead(item.text);
    const keep = status ? (status.own ? statusLineText({ ...status, own: '' }).length + ' · Status: '.length : item.text.length) : (flag?.head.length ?? 0);
    // Status lines and ⚠ flags are the merge's own: it would write a moved one again next time.
    return { item, pointer, movable: !pointer && !status && !isConflictItem(item), keep, state: 'kept' };
  });
  // The newest landing stays whole: it is how running agents hear that the base moved.
  const landed = name === 'Current State' ? slots.filter((s) => LANDED.test(s.item.text)).at(-1) : undefined;
  if (landed) Object.assign(landed, { movable: false, keep: landed.item.text.length });
  const idx = slots.map((_, i) => i).filter((i) => !slots[i]!.pointer);
  const order = idx;
  const unit: Unit = { name, index, slots, order, tokens: 0 };
  if (original) unit.original = original;
  return unit;
}

type SlotState = Pick<Slot, 'state' | 'short' | 'tokens' | 'spent'>;

function save(u: Unit): SlotState[] {
  return u.slots.map((s) => ({ state: s.state, short: s.short, tokens: s.tokens, spent: s.spent }));
}

function restore(u: Unit, saved: SlotState[]): void {
  u.slots.forEach((s, i) => {
    const was = saved[i] as SlotState;
    s.state = was.state;
    s.short = was.short;
    s.tokens = was.tokens;
    s.spent = was.spent;
  });
}

function textOf(s: Slot): string {
  return s.state === 'short' ? (s.short as string) : s.item.text;
}

function buildSection(u: Unit, folded: boolean): HandoffSection {
  const orig = u.original as HandoffSection;
  if (!folded && u.slots.every((s) => s.state === 'kept')) return orig;
  const items = u.slots
    .filter((s) => s.state !== 'gone' && !(s.pointer && folded))
    .map((s) => (s.state === 'short' ? { ...s.item, text: s.short as string } : s.item));
  return { ...orig, items, text: [] };
}

function byPriority(units: Unit[]): Unit[] {
  const rank = (u: Unit): number => {
    const i = PRIORITY.indexOf(u.original?.known ? u.name : '(other)');
    return i < 0 ? 1 : i;
  };
  return units.map((u, i) => ({ u, i, r: rank(u) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.u);
}

type Count = (text: string) => number;

/** The next slot to shorten (over `cap` and long enough to cut), or undefined. */
function toShorten(u: Unit, cap: number, count: Count): Slot | undefined {
  for (const i of u.slots.keys()) {
    const s = u.slots[i] as Slot;
    if (s.state !== 'kept' || s.pointer || s.spent || s.item.text.length <= s.keep + 1) continue;
    s.tokens ??= count(s.item.text);
    if (s.tokens > cap) return s;
  }
  return undefined;
}

function toMove(u: Unit): Slot | undefined {
  for (const i of u.order) {
    const s = u.slots[i] as Slot;
    if (s.movable && s.state !== 'gone') return s;
  }
  return undefined;
}

function canShrink(u: Unit, cap: number, count: Count): boolean {
  return toShorten(u, cap, count) !== undefined || toMove(u) !== undefined || u.slots.some((x) => x.state === 'short' && !x.spent);
}

/**
 * Shorten one over-long item, or else move the next item out; when nothing can move (status
 * lines), shorten again to half as many tokens. False when nothing can go.
 */
function shrinkOne(u: Unit, cap: number, count: Count): boolean {
  for (let long = toShorten(u, cap, count); long; long = toShorten(u, cap, count)) {
    const short = shorten(long.item.text, cap, long.keep, count, (t) => taken(u, long, t));
    // Already as short as it goes (an item shortened by an earlier compression): not a move. Nor
    // may two items become one: a start shared with another item of the section stays whole.
    if (short === long.item.text || taken(u, long, short) || count(short) >= (long.tokens as number)) {
      long.spent = true;
      continue;
    }
    long.short = short;
    long.state = 'short';
    long.tokens = count(short);
    return true;
  }
  const next = toMove(u);
  if (next) {
    next.state = 'gone';
    return true;
  }
  // Evenly: the longest shortened item loses a few tokens at a time. When none is shortened and
  // nothing may leave (agents' status lines), the longest item that may still be cut does.
  const longest = (xs: Slot[]): Slot | undefined => xs.sort((a, b) => (b.tokens ?? 0) - (a.tokens ?? 0))[0];
  const cut =
    longest(u.slots.filter((x) => x.state === 'short' && !x.spent)) ??
    longest(u.slots.filter((x) => x.state === 'kept' && !x.pointer && !x.spent && x.item.text.length > x.keep + 1).map((x) => ((x.tokens ??= count(x.item.text)), x)));
  if (!cut) return false;
  const t = cut.tokens ?? count(textOf(cut));
  const shorter = shorten(cut.item.text, t - Math.max(2, Math.floor(t / 8)), cut.keep, count, (x) => taken(u, cut, x));
  if (shorter === textOf(cut) || taken(u, cut, shorter) || count(shorter) >= t) cut.spent = true;
  else Object.assign(cut, { short: shorter, state: 'short', tokens: count(shorter) });
  return true;
}

/** Whether another item of the section already reads `text`: shortening may not make two items one. */
function taken(u: Unit, slot: Slot, text: string): boolean {
  const key = normalizeText(text);
  return u.slots.some((x) => x !== slot && x.state !== 'gone' && normalizeText(textOf(x)) === key);
}

/**
 * The longest start of `text` (cut at a space, never before `keep` characters) that fits `cap`
 * tokens with `…` and that `avoid` does not refuse; `text` itself when there is none.
 */
function shorten(text: string, cap: number, keep: number, count: Count, avoid: (short: string) => boolean): string {
  const cuts = [...text.matchAll(/\s+/g)].map((m) => m.index).filter((i) => i >= keep);
  const candidates = cuts.length ? cuts : [Math.max(keep, Math.min(text.length - 1, keep + 16))];
  const at = (i: number): string => `${text.slice(0, candidates[i] as number).trimEnd()}${ELLIPSIS}`;
  const fits = (i: number): boolean => count(at(i)) <= cap;
  // Shorter starts count fewer tokens. The answer is at most `cap` tokens, so search upward from
  // the shortest start (doubling, then halving): a huge item's long starts are never counted.
  let best = 0;
  let step = 1;
  while (best + step < candidates.length && fits(best + step)) {
    best += step;
    step *= 2;
  }
  let lo = best + 1;
  let hi = Math.min(best + step, candidates.length) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = best; i >= 0; i--) if (!avoid(at(i))) return at(i);
  return text;
}
