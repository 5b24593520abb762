/** Item identity and the items the supervisor writes itself (conflict flags, history pointers). */
import { agentNames, splitAgentSuffix } from './syntax.js';
import type { HandoffItem, HandoffSection } from './types.js';

/**
 * The text two items are "the same" by: case, spacing and punctuation do not count (the agent
 * suffix is already split off by the parser). Text with no letter or digit is its own key.
 */
export function normalizeText(text: string): string {
  const key = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return key || text.trim();
}

/** The part of an item before its first ` - `, `: ` or ` — ` (`Logout endpoint - needs …` → `logout endpoint`). */
export function subjectKey(text: string): string {
  const head = text.split(/\s[-–—]\s|:\s/u)[0] ?? text;
  return normalizeText(head);
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

/** Prefix of the Blockers items the merge writes for contradictions and shared files. */
export const CONFLICT_PREFIX = '⚠ ';

/** True for an item the merge generated (it is regenerated on every merge, never merged itself). */
export function isConflictItem(item: HandoffItem): boolean {
  return /^⚠\s*(?:conflict|shared files?)\b/iu.test(item.text);
}

const POINTER = /^(\d{1,9}) (?:earlier|more) items? — see (.+)$/u;

/** `12 earlier items — see .supervise/history/…` → 12, or undefined for an ordinary item. */
export function pointerCount(item: HandoffItem): number | undefined {
  const m = POINTER.exec(item.text);
  return m ? Number(m[1]) : undefined;
}

/** The item that stands for items moved to history. */
export function pointerText(count: number, first: boolean, ref: string): string {
  return `${count} ${first ? 'earlier' : 'more'} item${count === 1 ? '' : 's'} — see ${ref}`;
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
