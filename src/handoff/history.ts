/**
 * `.supervise/history/`: where items that leave a handoff are kept (SPEC §3: nothing is lost).
 * The only module in src/handoff that touches the file system.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil.js';
import { renderItem } from './render.js';
import type { RemovedItems } from './types.js';

/**
 * `2025-01-31T12-00-00-123Z-1a2b3c4d-<name>.md`: sorts by time, safe on every file system, and
 * unique even for two calls in the same millisecond (the random part).
 */
export function historyFileName(name: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const safe =
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 80) || 'handoff';
  return `${stamp}-${randomBytes(4).toString('hex')}-${safe}.md`;
}

/**
 * Write `content` to `<dir>/<timestamp>-<random>-<name>.md` atomically and return its path.
 * Pass `fileName` (from `historyFileName`) when the name had to be known before writing, e.g. to
 * put it in the handoff's pointer items.
 */
export async function writeHistory(dir: string, name: string, content: string, fileName: string = historyFileName(name)): Promise<string> {
  const path = join(dir, fileName);
  await writeFileAtomic(path, content);
  return path;
}

export interface RemovedMeta {
  project?: string;
  /** Why the items left (e.g. "compressed while merging backend"). */
  reason?: string;
  /** The handoff they left (e.g. "HANDOFF.md"). */
  source?: string;
  date?: Date;
}

/** The Markdown of a history file: the removed items by section, as they were written. */
export function renderRemoved(removed: RemovedItems[], meta: RemovedMeta = {}): string {
  const count = removed.reduce((n, g) => n + g.items.length, 0);
  const when = (meta.date ?? new Date()).toISOString();
  const title = meta.project ? `# History - ${oneLine(meta.project)}` : '# History';
  const from = meta.source ? ` from ${oneLine(meta.source)}` : '';
  const why = meta.reason ? ` (${oneLine(meta.reason)})` : '';
  const blocks = [title, `${count} item${count === 1 ? '' : 's'} moved out${from} at ${when}${why}.`];
  for (const g of removed) {
    if (!g.items.length) continue;
    let n = 0;
    const lines = g.items.map((it) => renderItem(it, it.marker === 'numbered' ? ++n : 0));
    blocks.push([`## ${oneLine(g.section)} — ${oneLine(g.reason)}`, ...lines].join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
