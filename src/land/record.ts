/**
 * Recording a landing in the team handoff's Current State: one line inserted where that section's
 * items end, under the team handoff's lock. Only that line changes: the rest of the file stays
 * byte for byte as it was (not re-rendered), so a landing never rewrites what agents wrote. The
 * merge keeps such a line (it is not an agent's status line), so later syncs carry it to every agent.
 */
import { readFile } from 'node:fs/promises';
import type { LoadedConfig } from '../config/types.js';
import { withLock, writeFileAtomic } from '../fsutil.js';
import { scanHandoff } from '../handoff/parse.js';
import { renderItem } from '../handoff/render.js';
import { lockPath } from '../supervisor/team.js';

/** `text` with `item` added at the end of its Current State (a new section first when it has none). */
export function withLandedLine(text: string, item: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = renderItem({ text: item, marker: 'bullet' });
  // Lines as the parser numbers them; a file with bare CR line ends is rewritten with LF.
  const raw = /\r(?!\n)/.test(text) ? text.replace(/\r\n?/g, '\n') : text;
  const lines = raw.split('\n');
  const scan = scanHandoff(raw);
  const span = scan.spans.find((s) => s.known && s.name === 'Current State');
  if (span) {
    let at = span.end;
    while (at > span.start + 1 && lines[at - 1]!.trim() === '') at--;
    lines.splice(at, 0, line + (eol === '\r\n' ? '\r' : ''));
    return lines.join('\n');
  }
  const first = scan.spans[0];
  const block = [`## Current State${eol === '\r\n' ? '\r' : ''}`, line + (eol === '\r\n' ? '\r' : ''), eol === '\r\n' ? '\r' : ''];
  if (first) {
    lines.splice(first.start, 0, ...block);
    return lines.join('\n');
  }
  const end = raw.endsWith('\n') || raw === '' ? '' : eol;
  return `${raw}${end}${eol}## Current State${eol}${line}${eol}`;
}

/** Add `item` to the team handoff's Current State (nothing when there is no team handoff). */
export async function recordLanded(loaded: LoadedConfig, item: string): Promise<void> {
  await withLock(lockPath(loaded.root), async () => {
    let text: string;
    try {
      text = await readFile(loaded.handoffPath, 'utf8');
    } catch {
      return;
    }
    await writeFileAtomic(loaded.handoffPath, withLandedLine(text, item));
  });
}
