import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { parseHandoff } from './parse.js';
import { renderHandoff } from './render.js';
import type { Handoff } from './types.js';

const fixture = (name: string): string => readFileSync(join(packageRoot(), 'test/fixtures/handoff', name), 'utf8');
const section = (h: Handoff, name: string) => h.sections.find((s) => s.name === name);

describe('parseHandoff', () => {
  it('reads the article example, first bullets on the heading lines included', () => {
    const h = parseHandoff(
      [
        '# HANDOFF - Auth System Refactor',
        '## Current State- Branch: feature/auth-refactor',
        '- Status: In progress - OAuth flow partially implemented',
        '## Completed- [x] User model with password hashing',
        '## Next Steps1. Implement logout with token invalidation',
        '2. Add session table migration',
      ].join('\n'),
    );
    expect(h.title).toBe('Auth System Refactor');
    expect(section(h, 'Current State')?.items.map((i) => i.text)).toEqual([
      'Branch: feature/auth-refactor',
      'Status: In progress - OAuth flow partially implemented',
    ]);
    expect(section(h, 'Completed')?.items).toEqual([{ text: 'User model with password hashing', marker: 'checkbox', checked: true }]);
    expect(section(h, 'Next Steps')?.items.map((i) => [i.marker, i.text])).toEqual([
      ['numbered', 'Implement logout with token invalidation'],
      ['numbered', 'Add session table migration'],
    ]);
  });

  it('reads `## Completed - [x] thing` and `## In Progress: - [ ] thing`', () => {
    const h = parseHandoff('## Completed - [x] thing\n## In Progress: - [ ] other\n## Completed tasks');
    expect(section(h, 'Completed')?.items).toEqual([{ text: 'thing', marker: 'checkbox', checked: true }]);
    expect(section(h, 'In Progress')?.items).toEqual([{ text: 'other', marker: 'checkbox', checked: false }]);
    expect(section(h, 'Completed tasks')?.known).toBe(false);
  });

  it('is lenient about BOM, CRLF, CR, heading case and spacing, markers and closing hashes', () => {
    const h = parseHandoff(
      '\uFEFF#   handoff:  Shop\r\n##   key   DECISIONS ##\r\n* one\r+ two\r\n3) three\r\n[X] four\r\n- [ ] five\n##in-progress:\n-   [x]   six',
    );
    expect(h.title).toBe('Shop');
    const kd = section(h, 'Key Decisions');
    expect(kd?.known).toBe(true);
    expect(kd?.items.map((i) => [i.marker, i.text, i.checked])).toEqual([
      ['bullet', 'one', undefined],
      ['bullet', 'two', undefined],
      ['numbered', 'three', undefined],
      ['checkbox', 'four', true],
      ['checkbox', 'five', false],
    ]);
    expect(section(h, 'In Progress')?.items).toEqual([{ text: 'six', marker: 'checkbox', checked: true }]);
  });

  it('ignores HTML comments, keeps prose, joins indented continuation lines, drops empty markers', () => {
    const h = parseHandoff(
      [
        '# HANDOFF - X',
        '## Blockers',
        '<!-- What blocks you',
        '## Not a heading, inside the comment -->',
        'We tried websockets.',
        '- Decided AGAINST redis',
        '  because it is overkill for an MVP',
        '-',
        '- [ ]',
        '### a sub-heading stays prose',
      ].join('\n'),
    );
    expect(h.sections.map((s) => s.name)).toEqual(['Blockers']);
    const b = section(h, 'Blockers');
    expect(b?.items.map((i) => i.text)).toEqual(['Decided AGAINST redis because it is overkill for an MVP']);
    expect(b?.text).toEqual(['We tried websockets.', '### a sub-heading stays prose']);
  });

  it('reads the agent suffix back, one agent or several', () => {
    const h = parseHandoff('## Completed\n- [x] Login endpoint (@backend)\n- [x] Cookie (@frontend, @tests)\n- [x] Release (v2)');
    expect(section(h, 'Completed')?.items.map((i) => [i.text, i.agent])).toEqual([
      ['Login endpoint', 'backend'],
      ['Cookie', 'frontend, tests'],
      ['Release (v2)', undefined],
    ]);
  });

  it('keeps unknown sections, preamble and `## Blockers: text` on the heading line', () => {
    const h = parseHandoff('intro line\n# HANDOFF - P\n## Notes\n- a note\n## Blockers: none yet');
    expect(h.preamble).toEqual(['intro line']);
    expect(section(h, 'Notes')).toMatchObject({ known: false, items: [{ text: 'a note' }] });
    expect(section(h, 'Blockers')?.text).toEqual(['none yet']);
  });

  it('merges a repeated section into its first occurrence', () => {
    const h = parseHandoff('## Completed\n- [x] a\n## Blockers\n- b\n## completed\n- [x] c');
    expect(h.sections.map((s) => s.name)).toEqual(['Completed', 'Blockers']);
    expect(section(h, 'Completed')?.items.map((i) => i.text)).toEqual(['a', 'c']);
  });

  it('never throws, even on nonsense', () => {
    for (const s of ['', '\uFEFF', '\r\r\n', '##', '#', '<!--', '- [x]', '## Completed\n<!-- never closed\n- item']) {
      expect(() => parseHandoff(s)).not.toThrow();
    }
    expect(parseHandoff('## Completed\n<!-- never closed\n- item').sections[0]?.items).toEqual([]);
  });
});

describe('renderHandoff', () => {
  it('writes the canonical form: title, template order, markers, suffixes, LF and a final newline', () => {
    const h = parseHandoff(
      '## Key Decisions\n* JWT 7 days\n## Notes\nfree text\n## Completed\n- [X] Login (@backend)\n## Next Steps\n3) later\n7. then\r\n',
    );
    expect(renderHandoff(h)).toBe(
      [
        '# HANDOFF',
        '',
        '## Completed',
        '- [x] Login (@backend)',
        '',
        '## Next Steps',
        '1. later',
        '2. then',
        '',
        '## Key Decisions',
        '- JWT 7 days',
        '',
        '## Notes',
        'free text',
        '',
      ].join('\n'),
    );
  });

  it('is a fixed point on every fixture: render(parse(render(parse(x)))) === render(parse(x))', () => {
    for (const name of ['root.md', 'backend.md', 'frontend.md', 'tests.md']) {
      const once = renderHandoff(parseHandoff(fixture(name)));
      expect(renderHandoff(parseHandoff(once))).toBe(once);
      expect(once).toBe(fixture(name)); // the fixtures are written canonically
    }
  });
});
