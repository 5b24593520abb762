/**
 * The line grammar of a handoff, shared by the parser (lenient) and the renderer (strict):
 * headings, item markers and the ` (@agent)` attribution suffix.
 */
import { SECTION_NAMES } from './types.js';
import type { ItemMarker, SectionName } from './types.js';

export interface ItemLine {
  marker: ItemMarker;
  checked?: boolean;
  text: string;
}

/**
 * Classify one trimmed, non-blank line: an item, `'empty'` for a marker with no text (`-`,
 * `1.`, `- [ ]`), which carries nothing and is dropped, or null for anything else.
 * A checkbox needs a space (or the end) after its `]`, so `- [x](url)` stays a link.
 */
export function parseItemLine(t: string): ItemLine | 'empty' | null {
  let m = /^[-*+]\s*\[([ xX])\](?:\s+(.*))?$/s.exec(t) ?? /^\[([ xX])\](?:\s+(.*))?$/s.exec(t);
  if (m) {
    const text = (m[2] ?? '').trim();
    return text ? { marker: 'checkbox', checked: m[1] !== ' ', text } : 'empty';
  }
  if (/^[-*+]$/.test(t) || /^\d{1,9}[.)]$/.test(t)) return 'empty';
  m = /^[-*+]\s+(.*)$/s.exec(t);
  if (m) return { marker: 'bullet', text: (m[1] ?? '').trim() };
  m = /^\d{1,9}[.)]\s+(.*)$/s.exec(t);
  if (m) return { marker: 'numbered', text: (m[1] ?? '').trim() };
  return null;
}

const AGENT = '[a-z0-9][a-z0-9_-]{0,31}';
const SUFFIX = new RegExp(`\\s\\(@(${AGENT}(?:\\s*,\\s*@${AGENT})*)\\)$`);

/** Split a trailing ` (@a)` or ` (@a, @b)` off an item's text. */
export function splitAgentSuffix(text: string): { text: string; agent?: string } {
  const m = SUFFIX.exec(text);
  if (!m) return { text };
  const agent = (m[1] as string).split(/\s*,\s*@?/).join(', ');
  return { text: text.slice(0, m.index).trim(), agent };
}

/** The suffix the renderer writes for `agent` ('' when there is none). */
export function agentSuffix(agent: string | undefined): string {
  const names = agentNames(agent);
  return names.length ? ` (${names.map((n) => `@${n}`).join(', ')})` : '';
}

/** The agent names an item's `agent` field holds. */
export function agentNames(agent: string | undefined): string[] {
  if (!agent) return [];
  return agent
    .split(',')
    .map((s) => s.trim().replace(/^@/, ''))
    .filter(Boolean);
}

/** Case, spacing, `_` and `-` do not matter when a heading is matched to a known section. */
function headingKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
}

const KNOWN_KEYS = new Map<string, SectionName>(SECTION_NAMES.map((n) => [headingKey(n), n]));
const KNOWN_PREFIXES = SECTION_NAMES.map((name) => ({
  name,
  re: new RegExp(`^[\\s_-]*${name.split(' ').join('[\\s_-]*')}(?!\\p{L})`, 'iu'),
}));

/**
 * Drop a closing `##` sequence and trailing colons, as Markdown and habit allow. A loop, not a
 * regex: `(?:\s+#+|[\s:])+$` backtracks cubically on a long run of spaces.
 */
export function stripHeadingEnd(s: string): string {
  let out = s.trim();
  for (;;) {
    if (out.endsWith(':')) {
      out = out.slice(0, -1).trimEnd();
      continue;
    }
    let i = out.length;
    while (i > 0 && out[i - 1] === '#') i--;
    // A closing sequence must stand apart from the text (`C#` is a name).
    if (i < out.length && (i === 0 || /\s/.test(out[i - 1] as string))) {
      out = out.slice(0, i).trimEnd();
      continue;
    }
    return out;
  }
}

export interface HeadingLine {
  name: string;
  known: boolean;
  /** Body text written on the heading line itself (`## Completed - [x] thing`, `## Blockers: none`). */
  inline?: string;
}

/** Read the text after `##`. */
export function parseHeading(rest: string): HeadingLine {
  const s = rest.trim();
  for (const { name, re } of KNOWN_PREFIXES) {
    const m = re.exec(s);
    if (!m) continue;
    const after = s.slice(m[0].length);
    // `## Completed- [x] thing`, `## Next Steps1. thing`: an item marker right after the name.
    const marker = /^[\s:]*/.exec(after)?.[0] ?? '';
    const body = after.slice(marker.length);
    const item = body ? parseItemLine(body) : null;
    if (item && item !== 'empty') return { name, known: true, inline: body };
    // `## Blockers: none`: prose after a colon.
    // Not when it starts with `#`: written back as a body line, it would read as a heading.
    const colon = /^\s*:\s*([^\s#].*)$/su.exec(after);
    if (colon) return { name, known: true, inline: (colon[1] as string).trim() };
  }
  const name = stripHeadingEnd(s).replace(/\s+/g, ' ');
  const known = KNOWN_KEYS.get(headingKey(name));
  return known ? { name: known, known: true } : { name, known: false };
}

/** The section name as the parser would canonicalise it, for grouping duplicates. */
export function sectionKey(name: string): string {
  return headingKey(name);
}
