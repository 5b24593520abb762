import { afterEach, describe, expect, it } from 'vitest';
import { Screen } from './screen.js';
import type { ScreenSnapshot } from './screen.js';

const screens: Screen[] = [];

function screen(cols = 20, rows = 5, extra: Partial<ConstructorParameters<typeof Screen>[0]> = {}): Screen {
  const s = new Screen({ cols, rows, ...extra });
  screens.push(s);
  return s;
}

function write(s: Screen, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => s.write(data, resolve));
}

function rowText(snap: ScreenSnapshot, y: number): string {
  return (snap.lines[y] ?? []).map((r) => r.text).join('');
}

afterEach(() => {
  for (const s of screens.splice(0)) s.dispose();
});

describe('Screen', () => {
  it('parses output as it is written: no timer, one parse event per write', () => {
    const s = screen(20, 3);
    let parsed = 0;
    s.onParsed(() => parsed++);
    const before = s.version;
    s.write('hello\r\nworld');
    expect(s.viewportText().slice(0, 2)).toEqual(['hello', 'world']);
    expect(parsed).toBe(1);
    expect(s.version).toBeGreaterThan(before);
    expect(s.pendingBytes).toBe(0);
  });

  it('can defer parsing to the terminal timer, counting the bytes not parsed yet', async () => {
    const s = screen(20, 3, { deferParsing: true });
    s.write('later');
    expect(s.viewportText()[0]).toBe('');
    expect(s.pendingBytes).toBe(5);
    await s.flush();
    expect(s.viewportText()[0]).toBe('later');
    expect(s.pendingBytes).toBe(0);
  });

  it('publishes colours and attributes as merged runs covering the row', async () => {
    const s = screen(30, 3);
    await write(s, 'ab\x1b[31mred\x1b[0m \x1b[1;38;2;10;20;30mrgb\x1b[0m\x1b[44;2mbg\x1b[0m');
    const runs = s.snapshot().lines[0] ?? [];
    expect(runs[0]).toEqual({ text: 'ab' });
    expect(runs[1]).toEqual({ text: 'red', fg: { mode: 'palette', index: 1 } });
    expect(runs[2]).toEqual({ text: ' ' });
    expect(runs[3]).toEqual({ text: 'rgb', fg: { mode: 'rgb', r: 10, g: 20, b: 30 }, bold: true });
    expect(runs[4]).toEqual({ text: 'bg', bg: { mode: 'palette', index: 4 }, dim: true });
    // The rest of the row is one default-style run of blanks.
    expect(runs[5]).toEqual({ text: ' '.repeat(30 - 11) });
    expect(runs).toHaveLength(6);
  });

  it('lets a wide character cover two columns without an extra blank', async () => {
    const s = screen(10, 2);
    await write(s, 'A中B\x1b[32m😀\x1b[0m');
    const runs = s.snapshot().lines[0] ?? [];
    expect(runs[0]?.text).toBe('A中B');
    expect(runs[1]).toEqual({ text: '😀', fg: { mode: 'palette', index: 2 } });
    // A, 中 (2), B, 😀 (2): 6 columns used, 4 blanks left.
    expect(runs[2]?.text).toBe('    ');
    expect(s.snapshot().cursor.x).toBe(6);
  });

  it('counts emoji as two columns the way agents do, and combining marks as none', async () => {
    const s = screen(10, 2);
    await write(s, '✅x e\u0301y');
    expect(s.snapshot().cursor.x).toBe(6);
    expect(s.snapshot().lines[0]?.[0]?.text).toBe('✅x e\u0301y    ');
  });

  it('reports the cursor and whether the agent hid it', async () => {
    const s = screen(20, 5);
    await write(s, 'hello\r\nab');
    expect(s.snapshot().cursor).toEqual({ x: 2, y: 1, visible: true });
    await write(s, '\x1b[?25l');
    expect(s.snapshot().cursor.visible).toBe(false);
    await write(s, '\x1b[?25h');
    expect(s.snapshot().cursor.visible).toBe(true);
    await write(s, '\x1b[?25l\x1bc');
    expect(s.snapshot().cursor.visible).toBe(true);
  });

  it('keeps scrollback and shows the viewport at the scroll position', async () => {
    const s = screen(10, 3, { scrollback: 5 });
    await write(s, Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\r\n'));
    let snap = s.snapshot();
    expect(rowText(snap, 2).trim()).toBe('line 19');
    expect(snap.viewportOffset).toBe(0);
    s.scrollLines(-2);
    snap = s.snapshot();
    expect(rowText(snap, 2).trim()).toBe('line 17');
    expect(snap.viewportOffset).toBe(2);
    expect(snap.cursor.visible).toBe(false);
    // Scrollback is bounded: 5 lines above the 3 visible ones.
    s.scrollLines(-100);
    expect(rowText(s.snapshot(), 0).trim()).toBe('line 12');
    s.scrollToBottom();
    expect(s.snapshot().viewportOffset).toBe(0);
  });

  it('reports title changes and answers device queries', async () => {
    const s = screen();
    const titles: string[] = [];
    const answers: string[] = [];
    s.onTitle((t) => titles.push(t));
    s.onResponse((d) => answers.push(d));
    await write(s, '\x1b]0;my agent\x07\x1b[c\x1b[2;3H\x1b[6n');
    expect(titles).toEqual(['my agent']);
    expect(s.snapshot().title).toBe('my agent');
    expect(answers).toEqual(['\x1b[?1;2c', '\x1b[2;3R']);
  });

  it('answers colour queries only when given theme colours', async () => {
    const plain = screen();
    const themed = screen(20, 5, { themeColors: { foreground: '#ffffff', background: '#1e1e2e' } });
    const answers: string[] = [];
    plain.onResponse((d) => answers.push(`plain:${d}`));
    themed.onResponse((d) => answers.push(d));
    await write(plain, '\x1b]11;?\x07');
    await write(themed, '\x1b]11;?\x07\x1b]10;?\x1b\\');
    expect(answers).toEqual(['\x1b]11;rgb:1e1e/1e1e/2e2e\x1b\\', '\x1b]10;rgb:ffff/ffff/ffff\x1b\\']);
  });

  it('moves version and line signatures only when something changed', async () => {
    const s = screen(20, 3);
    await write(s, 'same\r\nother');
    const v = s.version;
    const sig0 = s.lineSignature(0);
    const sig1 = s.lineSignature(1);
    await write(s, '\x1b[2;1H\x1b[31mother');
    expect(s.version).toBeGreaterThan(v);
    expect(s.lineSignature(0)).toBe(sig0);
    expect(s.lineSignature(1)).not.toBe(sig1);
    expect(s.lineRuns(1)[0]).toEqual({ text: 'other', fg: { mode: 'palette', index: 1 } });
  });

  it('takes UTF-8 bytes split anywhere, and resizes', async () => {
    const s = screen(10, 2);
    const bytes = new TextEncoder().encode('é中');
    await write(s, bytes.subarray(0, 1));
    await write(s, bytes.subarray(1, 3));
    await write(s, bytes.subarray(3));
    expect(rowText(s.snapshot(), 0).startsWith('é中')).toBe(true);
    expect(s.pendingBytes).toBe(0);
    s.resize(12, 4);
    const snap = s.snapshot();
    expect([snap.cols, snap.rows, snap.lines.length]).toEqual([12, 4, 4]);
  });
});
