/**
 * Handoff → HANDOFF.md, canonical and strict (SPEC §3): `# HANDOFF - <title>`, the known sections
 * in template order, unknown ones after them, prose before items, `- [x] `/`- [ ] `/`1. `/`- `
 * markers, a ` (@agent)` suffix for attribution, LF line ends and a final newline.
 * `renderHandoff(parseHandoff(x))` is a fixed point of parse-then-render.
 */
import { agentSuffix } from './syntax.js';
import { SECTION_NAMES } from './types.js';
import type { Handoff, HandoffItem, HandoffSection } from './types.js';

/** One line of output: a field from memory could hold a line break; it must not split a line. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim();
}

/** The item as one Markdown line; `n` numbers a numbered item. */
export function renderItem(item: HandoffItem, n = 1): string {
  const text = oneLine(item.text);
  const body = `${text}${agentSuffix(item.agent)}`.trim();
  switch (item.marker) {
    case 'checkbox':
      return `- [${item.checked ? 'x' : ' '}] ${body}`;
    case 'numbered':
      return `${n}. ${body}`;
    case 'bullet':
      return `- ${body}`;
  }
}

/** The section's block: heading, prose, items; no trailing blank line. */
export function renderSection(section: HandoffSection): string {
  const name = oneLine(section.name);
  const out = [name ? `## ${name}` : '##'];
  for (const t of section.text) {
    const line = oneLine(t);
    if (line) out.push(line);
  }
  let n = 0;
  for (const item of section.items) out.push(renderItem(item, item.marker === 'numbered' ? ++n : 0));
  return out.join('\n');
}

/** The title line. */
export function renderTitle(title: string): string {
  const t = oneLine(title);
  return t ? `# HANDOFF - ${t}` : '# HANDOFF';
}

/** Known sections in SECTION_NAMES order, then unknown ones in their own order. */
export function canonicalOrder(sections: readonly HandoffSection[]): HandoffSection[] {
  const rank = (s: HandoffSection): number => {
    const i = s.known ? (SECTION_NAMES as readonly string[]).indexOf(s.name) : -1;
    return i < 0 ? SECTION_NAMES.length : i;
  };
  return sections
    .map((s, i) => ({ s, i, r: rank(s) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.s);
}

/** Render a handoff canonically. */
export function renderHandoff(h: Handoff): string {
  const blocks = [renderTitle(h.title)];
  const pre = (h.preamble ?? []).map(oneLine).filter(Boolean);
  if (pre.length) blocks.push(pre.join('\n'));
  for (const s of canonicalOrder(h.sections)) blocks.push(renderSection(s));
  return `${blocks.join('\n\n')}\n`;
}
