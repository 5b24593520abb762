import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyFileName, renderRemoved, writeHistory } from './history.js';
import { parseHandoff } from './parse.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handoff-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('history', () => {
  it('names files by time, safely, uniquely within one millisecond', () => {
    const now = new Date('2025-01-31T12:34:56.789Z');
    const names = new Set(Array.from({ length: 50 }, () => historyFileName('compressed backend/../x', now)));
    expect(names.size).toBe(50);
    for (const n of names) expect(n).toMatch(/^2025-01-31T12-34-56-789Z-[0-9a-f]{8}-compressed-backend-.-x\.md$/);
  });

  it('writes atomically under the directory and returns the path, even for same-moment calls', async () => {
    const paths = await Promise.all(Array.from({ length: 10 }, (_, i) => writeHistory(join(dir, 'history'), 'merge', `content ${i}\n`)));
    expect(new Set(paths).size).toBe(10);
    const files = await readdir(join(dir, 'history'));
    expect(files.sort()).toEqual(paths.map((p) => basename(p)).sort());
    expect(await readFile(paths[3] as string, 'utf8')).toBe('content 3\n');
  });

  it('writes under a name chosen beforehand', async () => {
    const name = historyFileName('team');
    const path = await writeHistory(dir, 'ignored', 'x', name);
    expect(path).toBe(join(dir, name));
  });

  it('renders removed items as a readable, re-parseable handoff-like file', () => {
    const md = renderRemoved(
      [
        {
          section: 'Completed',
          reason: 'over budget',
          items: [
            { text: 'Login endpoint', marker: 'checkbox', checked: true, agent: 'backend' },
            { text: 'Cookie', marker: 'checkbox', checked: true },
          ],
        },
        { section: 'Next Steps', reason: 'no longer listed by tests', items: [{ text: 'Write login tests', marker: 'numbered', agent: 'tests' }] },
      ],
      { project: 'Auth', reason: 'compressed while merging backend', date: new Date('2025-01-31T00:00:00.000Z') },
    );
    expect(md).toBe(
      [
        '# History - Auth',
        '',
        '3 items moved out at 2025-01-31T00:00:00.000Z (compressed while merging backend).',
        '',
        '## Completed — over budget',
        '- [x] Login endpoint (@backend)',
        '- [x] Cookie',
        '',
        '## Next Steps — no longer listed by tests',
        '1. Write login tests (@tests)',
        '',
      ].join('\n'),
    );
    expect(parseHandoff(md).sections[0]?.items[0]).toEqual({ text: 'Login endpoint', marker: 'checkbox', checked: true, agent: 'backend' });
  });
});
