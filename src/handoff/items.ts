/** Item identity and the items the supervisor writes itself (status lines, conflict flags, history pointers). */
import { agentNames, splitAgentSuffix } from './syntax.js';
import type { HandoffItem, HandoffSection } from './types.js';

/**
 * The text two items are "the same" by. Only what cannot change a fact is ignored: Unicode
 * composition and runs of white space. Case and punctuation count ("Port: 8080" and "Port 8080!"
 * stay two items), because de-duplication must never join two different statements.
 */
export function normalizeText(text: string): string {
  let key = normalized.get(text);
  if (key === undefined) {
    key = text.normalize('NFC').replace(/\s+/gu, ' ').trim();
    // Merge and compression ask for the same few hundred items' keys again and again.
    if (normalized.size >= 20_000) normalized.clear();
    normalized.set(text, key);
  }
  return key;
}
const normalized = new Map<string, string>();

/**
 * A loose key for "is this the same piece of work": the part of an item before its first ` - `,
 * `: ` or ` — `, case and punctuation ignored (`Logout endpoint - needs …` → `logout endpoint`).
 * Used only to move an In Progress item out once it is completed, and that move is logged.
 */
export function subjectKey(text: string): string {
  const head = text.split(/\s[-–—]\s|:\s/u)[0] ?? text;
  const key = head
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return key || head.trim();
}

/** A copy of the item with `agent` set to the given names (sorted, de-duplicated) or removed. */
export function withAgents(item: HandoffItem, names: Iterable<string>): HandoffItem {
  const list = [...new Set(names)].sort();
  const out: HandoffItem = { text: item.text, marker: item.marker };
  if (item.checked !== undefined) out.checked = item.checked;
  if (list.length) out.agent = list.join(', ');
  return out;
}

/** The item's attributed agents. */
export function itemAgents(item: HandoffItem): string[] {
  return agentNames(item.agent);
}

/** Prefix of the Blockers items the merge writes for contradictions, shared files and the radar's findings. */
export const CONFLICT_PREFIX = '⚠ ';

/** True for an item the merge generated (it is regenerated on every merge, never merged itself). */
export function isConflictItem(item: HandoffItem): boolean {
  return /^⚠\s*(?:(?:conflict|shared files?)\b|(?:merge conflict|contract):)/iu.test(item.text);
}

/** The end of a shortened item: the handoff keeps its start, history keeps it whole. */
export const ELLIPSIS = '…';

/** Whether `short` is `full` shortened by the compressor (its start, then `…`). */
export function isShortenedFrom(short: string, full: string): boolean {
  if (!short.endsWith(ELLIPSIS)) return false;
  const head = normalizeText(short.slice(0, -ELLIPSIS.length));
  return head !== '' && normalizeText(full).startsWith(head) && normalizeText(full) !== normalizeText(short);
}

// ---- history pointers ---------------------------------------------------------------------------

/** The one line (before the first section) that says how many items left and where they are. */
const POINTER_LINE = /^History: (\d{1,9}) items? moved out or shortened — see (\S.*)$/u;
/** The per-section pointer items of earlier versions, still read so that their counts fold in. */
const LEGACY_POINTER = /^(\d{1,9}) (?:earlier|more) items? — see (\S.*)$/u;

/** `History: 12 items moved out or shortened — see …` (or a legacy pointer item) → 12; undefined otherwise. */
export function pointerCount(item: HandoffItem | string): number | undefined {
  const text = typeof item === 'string' ? item : item.text;
  const m = POINTER_LINE.exec(text) ?? LEGACY_POINTER.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Where a pointer points, or undefined for an ordinary line. */
export function pointerRef(text: string): string | undefined {
  return (POINTER_LINE.exec(text) ?? LEGACY_POINTER.exec(text))?.[2];
}

/** The pointer line for `count` items kept in `ref`. */
export function pointerLine(count: number, ref: string): string {
  return `History: ${count} item${count === 1 ? '' : 's'} moved out or shortened — see ${ref.replace(/\s+/g, ' ').trim()}`;
}

/** The same pointer with its reference rewritten (e.g. to open from an agent's worktree). */
export function repointLine(text: string, rewrite: (ref: string) => string): string {
  const m = POINTER_LINE.exec(text);
  return m ? pointerLine(Number(m[1]), rewrite(m[2] as string)) : text;
}

// ---- Current State status lines -----------------------------------------------------------------

/** One agent's line in the team's Current State. */
export interface StatusLine {
  agent: string;
  branch: string;
  /** What the process is doing (`working`, `exited (exit 0)`). */
  status: string;
  /** What the supervisor found wrong with its handoff (`handoff not updated`), if anything. */
  flag?: string;
  /** The agent's own `Status:` words, if it wrote any. */
  own?: string;
}

const SEP = ' · ';
const FLAG = '⚠ ';
const OWN = 'Status: ';
const STATUS_HEAD = /^([a-z0-9][a-z0-9_-]{0,31}) · (\S+) · /u;

/** `docs · agent/docs · exited (exit 0) · ⚠ handoff not updated · Status: README table written`. */
export function statusLineText(s: StatusLine): string {
  const one = (t: string) => t.replace(/\s+/g, ' ').trim();
  const parts = [s.agent, one(s.branch) || '?', one(s.status) || 'unknown'];
  if (s.flag) parts.push(`${FLAG}${one(s.flag)}`);
  if (s.own) parts.push(`${OWN}${one(s.own)}`);
  return parts.join(SEP);
}

/** Reads a status line back; undefined for any other item. */
export function parseStatusLine(text: string): StatusLine | undefined {
  const head = STATUS_HEAD.exec(text);
  if (!head) return undefined;
  const rest = text.slice(head[0].length).split(SEP);
  const line: StatusLine = { agent: head[1] as string, branch: head[2] as string, status: rest.shift() ?? '' };
  while (rest.length) {
    const part = rest[0] as string;
    if (part.startsWith(OWN)) {
      line.own = rest.join(SEP).slice(OWN.length);
      break;
    }
    if (part.startsWith(FLAG) && line.flag === undefined) line.flag = part.slice(FLAG.length);
    else line.status = `${line.status}${SEP}${part}`;
    rest.shift();
  }
  return line;
}

/** The agent a status line is about, or undefined. */
export function statusLineAgent(text: string): string | undefined {
  return STATUS_HEAD.exec(text)?.[1];
}

// ---- template placeholders ----------------------------------------------------------------------

/** Items templates/HANDOFF.md writes as placeholders: they say nothing once real items exist. */
const PLACEHOLDERS = new Set(['Read this file, then start on the task'].map(normalizeText));

export function isPlaceholder(item: HandoffItem): boolean {
  return PLACEHOLDERS.has(normalizeText(item.text));
}

/**
 * A section's prose lines as bullet items, so merge and compress treat everything alike. A
 * trailing ` (@agent)` is read as the attribution it becomes once the line is written as an item.
 */
export function proseItems(section: HandoffSection): HandoffItem[] {
  return section.text.map((t) => {
    const { text, agent } = splitAgentSuffix(t);
    const item: HandoffItem = { text, marker: 'bullet' };
    if (agent) item.agent = agent;
    return item;
  });
}
