/**
 * HANDOFF.md → Handoff. Lenient in what it reads (SPEC §3): CRLF or CR, a BOM, heading case and
 * spacing, `*`/`-`/`+`/numbered bullets, `[x]`/`[ ]`, a first item on the heading line, HTML
 * comments (the template's guidance) ignored. It never throws: anything it cannot place is kept
 * as prose (`section.text`, `preamble`), so rendering loses nothing a writer put there.
 * Fenced code blocks get no special treatment: a `## ` line inside one starts a section.
 */
import { parseHeading, parseItemLine, sectionKey, splitAgentSuffix, stripHeadingEnd } from './syntax.js';
import type { Handoff, HandoffItem, HandoffSection } from './types.js';

/** Where one `##` heading's block sits in the source, for per-section token counts. */
export interface SectionSpan {
  name: string;
  /** `sectionKey(name)`, computed once: callers group spans by it. */
  key: string;
  known: boolean;
  /** 0-based index of the heading line in `lines`. */
  start: number;
  /** 0-based index one past the block's last line. */
  end: number;
}

export interface HandoffScan {
  handoff: Handoff;
  /** The source without BOM, with LF line ends: what budgets are counted on. */
  source: string;
  /** `source` split into lines (comments still in). */
  lines: string[];
  /** Every `##` heading in source order; a repeated section has several. */
  spans: SectionSpan[];
  /** The parsed sections by `sectionKey`, so a lookup is not a scan of every section. */
  byKey: Map<string, HandoffSection>;
  /** True when the source had a level-1 heading before its first section. */
  hasTitle: boolean;
}

/** Parse a handoff. Never throws. */
export function parseHandoff(text: string): Handoff {
  return scanHandoff(text).handoff;
}

/** BOM off, CRLF and CR to LF. */
export function normalizeSource(text: string): string {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

/**
 * Blank out `<!-- … -->` (an unclosed one runs to the end, as in Markdown) but keep its line
 * breaks, so line numbers still match the source. A space stands in for it, so that removing a
 * comment never joins its neighbours into a new `<!--`.
 */
function stripComments(source: string): string {
  return source.replace(/<!--[\s\S]*?(?:-->|$)/g, (m) => ` ${m.replace(/[^\n]/g, '')}`);
}

interface Builder {
  section: HandoffSection;
  last: HandoffItem | undefined;
}

/** Parse and also report where each section's block is, for validation. Never throws. */
export function scanHandoff(text: string): HandoffScan {
  const source = normalizeSource(typeof text === 'string' ? text : '');
  const lines = source.split('\n');
  const bare = stripComments(source).split('\n');
  const handoff: Handoff = { title: '', sections: [] };
  const preamble: string[] = [];
  const spans: SectionSpan[] = [];
  const byKey = new Map<string, HandoffSection>();
  let hasTitle = false;
  let cur: Builder | undefined;

  for (let i = 0; i < bare.length; i++) {
    const raw = bare[i] as string;
    const t = raw.trim();
    if (!t) {
      if (cur) cur.last = undefined;
      continue;
    }
    const h = /^(#+)(.*)$/s.exec(t);
    if (h && (h[1] as string).length === 2) {
      const head = parseHeading(h[2] as string);
      const prev = spans[spans.length - 1];
      if (prev) prev.end = i;
      const key = sectionKey(head.name);
      spans.push({ name: head.name, key, known: head.known, start: i, end: lines.length });
      let section = byKey.get(key);
      if (!section) {
        section = { name: head.name, known: head.known, items: [], text: [], line: i + 1 };
        byKey.set(key, section);
        handoff.sections.push(section);
      }
      cur = { section, last: undefined };
      if (head.inline) bodyLine(cur, head.inline, false);
      continue;
    }
    if (h && (h[1] as string).length === 1 && !hasTitle && !cur) {
      hasTitle = true;
      handoff.title = titleOf(h[2] as string);
      continue;
    }
    if (cur) bodyLine(cur, t, /^\s/.test(raw));
    else preamble.push(t);
  }
  for (const s of handoff.sections) s.items = s.items.map(finishItem).filter((it) => it.text !== '');
  if (preamble.length) handoff.preamble = preamble;
  return { handoff, source, lines, spans, byKey, hasTitle };
}

function bodyLine(cur: Builder, t: string, indented: boolean): void {
  const item = parseItemLine(t);
  if (item === 'empty') {
    cur.last = undefined;
    return;
  }
  if (item) {
    const it: HandoffItem = { text: item.text, marker: item.marker };
    if (item.marker === 'checkbox') it.checked = item.checked ?? false;
    cur.section.items.push(it);
    cur.last = it;
    return;
  }
  // An indented line under an item continues it; anything else is prose.
  if (indented && cur.last) {
    cur.last.text = `${cur.last.text} ${t}`;
    return;
  }
  cur.section.text.push(t);
  cur.last = undefined;
}

function finishItem(it: HandoffItem): HandoffItem {
  const { text, agent } = splitAgentSuffix(it.text.trim());
  const out: HandoffItem = { text, marker: it.marker };
  if (it.checked !== undefined) out.checked = it.checked;
  if (agent) out.agent = agent;
  return out;
}

/** `HANDOFF - Auth System` → `Auth System`; any other H1 is the title as written. */
function titleOf(rest: string): string {
  const s = stripHeadingEnd(rest);
  const m = /^handoff(?:\s*[-–—:]\s*(.*))?$/is.exec(s);
  return m ? (m[1] ?? '').trim() : s;
}
