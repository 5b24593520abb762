import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Terminal as XTerminal } from '@xterm/headless';
import { PaneCompositor } from './compositor.js';
import { BEGIN_SYNC, END_SYNC } from './mirror.js';
import { RowCache } from './rowcache.js';
import { feed, outerTerminal, regionCells, screenCells, Sink } from './testing.js';
import { Screen } from '../../session/screen.js';
import type { Rect, TextRow } from './types.js';
import { FrameWriter } from './writer.js';

// A 40×8 pane inside a 50×14 terminal whose chrome is all '#'.
const COLS = 50;
const ROWS = 14;
const RECT: Rect = { x: 4, y: 3, width: 40, height: 8 };
// What brackets every frame: cursor save, then style reset and cursor restore.
const WRAPPER = '\x1b7'.length + '\x1b[0m\x1b8'.length;

/** A deterministic pseudo-random generator (a linear congruential one). */
function random(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const STYLES = ['', '\x1b[31m', '\x1b[1;32m', '\x1b[38;5;209m', '\x1b[38;2;250;120;30m', '\x1b[2;3m', '\x1b[4;38;5;33;48;5;236m', '\x1b[7m', '\x1b[48;2;20;40;60m', '\x1b[1;9;94m'];
const ASCII = ['build', 'ok', 'src/a.ts:12', 'ERROR', '12ms', '->', 'compiling', '[3/9]', ' ', 'done.'];
const WIDE = [...ASCII, '日本語', '✅', '🚀', 'cafe\u0301', 'n\u0303o', '漢字テスト', 'e\u0301\u0301'];

/** One log line: numbered words in random styles; some blank, some wider than the pane (they wrap). */
function logLine(r: () => number, n: number, words: readonly string[]): string {
  if (r() < 0.1) return '';
  const count = 1 + Math.floor(r() * (r() < 0.2 ? 14 : 5));
  let s = `${n}`;
  for (let i = 0; i < count; i++) s += ` ${pick(r, STYLES)}${pick(r, words)}\x1b[0m`;
  // Now and then a background colour up to the end of the line.
  if (r() < 0.1) s += `\x1b[48;5;${Math.floor(r() * 256)}m\x1b[K\x1b[0m`;
  return s;
}

/** 0-5 new lines, and sometimes a spinner rewriting the last line in place. */
function chunk(r: () => number, n: { i: number }, words: readonly string[]): string {
  let s = '';
  const lines = r() < 0.2 ? 0 : 1 + Math.floor(r() * 5);
  for (let k = 0; k < lines; k++) s += `\r\n${logLine(r, n.i++, words)}`;
  if (lines === 0 || r() < 0.3) s += `\r\x1b[2K\x1b[35m${pick(r, ['⠋', '⠙', '⠹', '⠸'])}\x1b[0m working ${n.i}...`;
  return s;
}

// A blank that shows nothing (a space on the default background, no inverse, underline or
// strikethrough) may be drawn as a plain blank, whatever its foreground, bold, dim or italic.
const PLAIN_BLANK = ' |1|-1|-1|000000';
const shown = (cells: string[][]) =>
  cells.map((row) => row.map((c) => (/^ \|1\|-?\d+\|-1\|\d\d\d000$/.test(c) ? PLAIN_BLANK : c)));

/** The screen's cells, with the agent's cursor as an inverted cell (both halves of a wide one) when shown. */
function expected(screen: Screen, showCursor: boolean): string[][] {
  const cells = screenCells(screen, RECT.width, RECT.height);
  const c = screen.snapshot().cursor;
  if (!showCursor || !c.visible) return cells;
  const row = cells[c.y]!;
  const width = (i: number) => row[i]!.split('|')[1];
  const x = c.x > 0 && width(c.x) === '0' ? c.x - 1 : c.x;
  for (let i = x; i <= x + (width(x) === '2' ? 1 : 0); i++) {
    row[i] = row[i]!.replace(/(\d{4})(\d)(\d)$/, (_, a: string, inv: string, b: string) => `${a}${inv === '1' ? 0 : 1}${b}`);
  }
  return cells;
}

/** Chrome cells that are no longer an unstyled '#'. */
function chromeDamage(outer: XTerminal): string[] {
  const bad: string[] = [];
  for (let y = 0; y < ROWS; y++) {
    const line = outer.buffer.active.getLine(outer.buffer.active.viewportY + y);
    for (let x = 0; x < COLS; x++) {
      const cell = x >= RECT.x && x < RECT.x + RECT.width && y >= RECT.y && y < RECT.y + RECT.height ? undefined : line?.getCell(x);
      if (cell && (cell.getChars() !== '#' || !cell.isAttributeDefault())) bad.push(`${x},${y}`);
    }
  }
  return bad;
}

async function setup(showCursor = false) {
  const screen = new Screen({ cols: RECT.width, rows: RECT.height, scrollback: 200 });
  const sink = new Sink(COLS, ROWS);
  const outer = outerTerminal(COLS, ROWS);
  await feed(outer, `${'#'.repeat(COLS * ROWS)}\x1b[${ROWS};1H`);
  const comp = new PaneCompositor(sink);
  comp.setPanes([{ id: 'a', rect: RECT, screen, showCursor }]);
  const write = (data: string) => (screen.write(data), comp.markDirty('a'));
  // Whatever a timer already drew, then a frame now.
  const frame = async () => {
    const out = sink.take() + comp.composeNow(false);
    await feed(outer, out);
    return out;
  };
  // The pane shows exactly the screen, and nothing around it was touched.
  const check = (label: string) => {
    expect(shown(regionCells(outer, RECT)), label).toEqual(shown(expected(screen, showCursor)));
    expect(chromeDamage(outer), label).toEqual([]);
  };
  return { screen, outer, comp, write, frame, check };
}

/** The bytes a frame wrote for the row at terminal row y: from its cursor position to the next one. */
function rowBytes(out: string, y: number): string {
  const at = `\x1b[${y + 1};${RECT.x + 1}H`;
  const start = out.indexOf(at);
  expect(start, `no move to row ${y}`).toBeGreaterThanOrEqual(0);
  const rest = out.slice(start + at.length);
  return rest.slice(0, rest.search(/\x1b\[\d+;\d+H|\x1b\[0m\x1b8$/));
}

describe('PaneCompositor scrolling panes', () => {
  afterEach(() => vi.restoreAllMocks());

  // Streaming output: the scroll path (moved rows replayed, new rows drawn whole) and the diff
  // path (spinner rewrites) together keep the pane identical to the screen.
  it('streams coloured log lines: the pane matches the screen after every frame', async () => {
    const replay = vi.spyOn(RowCache.prototype, 'replay');
    const { write, frame, check } = await setup();
    const r = random(1);
    const n = { i: 0 };
    for (let f = 0; f < 40; f++) {
      write(chunk(r, n, ASCII));
      await frame();
      check(`frame ${f}`);
    }
    expect(replay).toHaveBeenCalled();
  });

  // Wide and combined characters in moved rows, rows equal but for a combining mark (only the
  // combined-character check in sameRow tells them apart), and the cursor cell moving along.
  it('streams lines with wide and combining characters, with the cursor shown', async () => {
    const { write, frame, check } = await setup(true);
    const r = random(2);
    const n = { i: 0 };
    for (let f = 0; f < 40; f++) {
      let data = chunk(r, n, WIDE);
      if (f % 7 === 3) data += '\r\nsame words e\u0301 \x1b[32m日本\x1b[0m\r\nsame words e\u0300 \x1b[32m日本\x1b[0m';
      write(data);
      await frame();
      check(`frame ${f}`);
    }
    // Eight rows alternating é / è: one more line moves every row onto one whose words match.
    const alt = (i: number) => `\r\nsame words e${i % 2 ? '\u0300' : '\u0301'} ✅`;
    write(Array.from({ length: 8 }, (_, i) => alt(i)).join(''));
    await frame();
    check('alternating');
    for (let i = 8; i < 11; i++) {
      write(alt(i));
      await frame();
      check(`alternating + ${i - 7}`);
    }
  });

  // A row that only moved is drawn by copying the bytes that drew it, not by encoding it again;
  // invalidate() forgets them and the pane is drawn whole again.
  it('replays the bytes of a moved row, and draws everything again after invalidate()', async () => {
    const line = (c: string, i: number) =>
      `${c}: \x1b[1;3${i % 8}mline ${c}\x1b[0m \x1b[38;5;${100 + i}m✅ e\u0301 日本\x1b[0m \x1b[38;2;1;${i * 20};200m${c.repeat(5)}\x1b[0m`;
    const { write, frame, check, outer, comp } = await setup();
    write([...'ABCDEFGH'].map(line).join('\r\n'));
    await frame();
    check('A..H');
    write(`\r\n${line('I', 8)}`);
    const second = await frame();
    check('B..I');
    const replay = vi.spyOn(RowCache.prototype, 'replay');
    write(`\r\n${line('J', 9)}`);
    const third = await frame();
    check('C..J');
    // Rows C..I moved up by one: all seven replayed, and D's bytes are the very ones drawn before.
    expect(replay).toHaveBeenCalledTimes(7);
    const before = rowBytes(second, RECT.y + 2);
    expect(before).toContain('line D');
    // Bytes kept for replay carry their own style: they may follow any row.
    expect(before.startsWith('\x1b[0')).toBe(true);
    expect(rowBytes(third, RECT.y + 1)).toBe(before);
    // Something overdraws the pane; after invalidate() the next frame repairs all of it.
    await feed(outer, `\x1b[${RECT.y + 2};${RECT.x + 3}H\x1b[41mXXXXXXXX\x1b[0m\x1b[${ROWS};1H`);
    comp.invalidate();
    await frame();
    check('after invalidate');
    for (const [i, c] of [...'KLM'].entries()) {
      write(`\r\n${line(c, 10 + i)}`);
      await frame();
      check(`after invalidate, ${c}`);
    }
  });

  // Viewport scrolls into the scrollback move rows down (no shift found) and back up (shift 3).
  it('follows the viewport scrolled back and forth while output continues', async () => {
    const { screen, write, frame, check, comp } = await setup();
    const r = random(4);
    const n = { i: 0 };
    for (let i = 0; i < 30; i++) write(`\r\n${logLine(r, n.i++, ASCII)}`);
    await frame();
    check('start');
    for (const [f, lines] of [-3, -3, 3, -3, 3, 3, 3, -3, 3, -3, -3, 3, 3].entries()) {
      screen.scrollLines(lines);
      comp.markDirty('a');
      await frame();
      check(`scroll ${lines} (${f})`);
      write(chunk(r, n, ASCII));
      await frame();
      check(`output after scroll ${f}`);
    }
    screen.scrollToBottom();
    comp.markDirty('a');
    await frame();
    check('bottom');
  });

  // A frame without scrolling writes only the changed cells; the diffed row's old bytes are
  // dropped, so when it moves later it is not drawn as it was before the change.
  it('writes a short diff when only a counter changed, and draws that row right when it moves', async () => {
    const { write, frame, check } = await setup();
    const status = '\x1b[36m[build]\x1b[0m progress \x1b[1m0041\x1b[0m of 0100 \x1b[32mfiles ok\x1b[0m';
    const lines = Array.from({ length: 9 }, (_, i) => (i === 3 ? status : `\x1b[33mline ${i}\x1b[0m some words here`));
    write(lines.slice(0, 8).join('\r\n'));
    await frame();
    write(`\r\n${lines[8]}`);
    await frame();
    check('scrolled once: the status is on row 2');
    // The counter (columns 18-21) changes in place; the agent's cursor goes back where it was.
    write(`\x1b7\x1b[3;18H\x1b[1m0042\x1b[0m\x1b8`);
    const out = await frame();
    expect(out.length).toBeGreaterThan(WRAPPER);
    expect(Buffer.byteLength(out)).toBeLessThan(40 + WRAPPER);
    check('counter changed');
    write('\r\nline 9 after the counter');
    await frame();
    check('the changed status row moved up');
  });

  // A full clear, then a repaint from the top that repeats rows shown lower before, then output.
  it('draws a full-screen clear and the text after it, after scrolling frames', async () => {
    const { write, frame, check } = await setup(true);
    const lines = Array.from({ length: 14 }, (_, i) => `\x1b[3${i % 7}m${i}: \x1b[1mentry\x1b[0m ${'=-'.repeat(i)} ✅`);
    write(lines[0]!);
    for (let i = 1; i < 14; i++) {
      write(`\r\n${lines[i]}`);
      await frame();
      check(`line ${i}`);
    }
    // Rows 0..7 show lines 6..13; after the clear lines 8..10 sit at the top again.
    write(`\x1b[2J\x1b[H${lines[8]}\r\n${lines[9]}\r\n${lines[10]}\r\n\x1b[1;31mnew text\x1b[0m after the clear`);
    await frame();
    check('after clear');
    const r = random(6);
    const n = { i: 100 };
    for (let f = 0; f < 10; f++) {
      write(chunk(r, n, WIDE));
      await frame();
      check(`after clear, frame ${f}`);
    }
  });
});

// The chrome as Ink draws it: a sidebar with text on some rows, a frame around the pane, in
// colour; and a clock row the compositor draws itself.
function inkChrome(label = 'a'): string {
  const rows: string[] = [];
  for (let y = 0; y < ROWS; y++) {
    const side = y % 3 === 0 ? `\x1b[1;36m${`${label}${y}`.padEnd(RECT.x - 1)}\x1b[0m` : ' '.repeat(RECT.x - 1);
    const inside = y === RECT.y - 1 || y === RECT.y + RECT.height ? '─'.repeat(RECT.width) : ' '.repeat(RECT.width);
    rows.push(`${side}\x1b[35m│${inside}│\x1b[0m${' '.repeat(COLS - RECT.x - RECT.width - 1)}`);
  }
  // Ink ends every line but the last with a newline, which the terminal driver makes CR LF.
  return `\x1b[H${rows.join('\n')}`;
}
const CLOCK: TextRow = { x: 0, y: RECT.y + 2, line: [{ text: '12s', color: 'gray' }] };

async function mirrored(showCursor = false) {
  const screen = new Screen({ cols: RECT.width, rows: RECT.height, scrollback: 200 });
  const sink = new Sink(COLS, ROWS);
  const outer = outerTerminal(COLS, ROWS);
  // What the user's terminal should show around the pane: Ink's chrome, the clock over it.
  const chrome = outerTerminal(COLS, ROWS);
  await feed(chrome, `${inkChrome()}\x1b[${CLOCK.y + 1};1H\x1b[90m12s\x1b[0m`);
  const comp = new PaneCompositor(sink);
  comp.mirrorChrome(new Screen({ cols: COLS, rows: ROWS, scrollback: 0, convertEol: true }));
  for (const text of [BEGIN_SYNC, inkChrome(), END_SYNC]) {
    comp.noteChrome(text);
    await feed(outer, text);
  }
  comp.setPanes([{ id: 'a', rect: RECT, screen, showCursor }]);
  comp.setChrome([CLOCK]);
  const write = (data: string) => (screen.write(data), comp.markDirty('a'));
  const frame = async () => {
    const out = sink.take() + comp.composeNow(false);
    await feed(outer, out);
    return out;
  };
  // Ink draws the chrome again, with other text: the panes are drawn whole after it, as
  // createInkStdout has them.
  const redraw = async (label: string) => {
    await feed(chrome, `${inkChrome(label)}\x1b[${CLOCK.y + 1};1H\x1b[90m12s\x1b[0m`);
    for (const text of [BEGIN_SYNC, inkChrome(label), END_SYNC]) {
      comp.noteChrome(text);
      await feed(outer, text);
    }
    await feed(outer, comp.composeNow(true));
  };
  const check = (label: string) => {
    expect(shown(regionCells(outer, RECT)), label).toEqual(shown(expected(screen, showCursor)));
    for (let y = 0; y < ROWS; y++) {
      const row = { x: 0, y, width: COLS, height: 1 };
      const inPane = y >= RECT.y && y < RECT.y + RECT.height;
      const cells = (t: XTerminal) => regionCells(t, row)[0]!.filter((_, x) => !inPane || x < RECT.x || x >= RECT.x + RECT.width);
      expect(cells(outer), `${label}: chrome row ${y}`).toEqual(cells(chrome));
    }
  };
  return { screen, comp, write, frame, check, redraw };
}

describe('PaneCompositor scrolling the terminal', () => {
  afterEach(() => vi.restoreAllMocks());

  // Output that streams up moves with the terminal's scroll region, which spans the full width:
  // the sidebar, the pane's frame and the clock on the scrolled rows are put back each frame.
  it('scrolls streaming output with a scroll region and puts the chrome beside it back', async () => {
    const scroll = vi.spyOn(FrameWriter.prototype, 'scrollUp');
    const { write, frame, check, redraw } = await mirrored();
    const r = random(11);
    const n = { i: 0 };
    let bytes = 0;
    for (let f = 0; f < 40; f++) {
      write(chunk(r, n, ASCII));
      bytes += Buffer.byteLength(await frame());
      check(`frame ${f}`);
    }
    // The sidebar's text changes: what was kept to put it back is not used any more.
    await redraw('b');
    check('after Ink drew other chrome');
    for (let f = 0; f < 10; f++) {
      write(chunk(r, n, ASCII));
      await frame();
      check(`frame ${f} after the chrome changed`);
    }
    expect(scroll).toHaveBeenCalled();
    // The same stream drawn by replaying moved rows, without a mirror, costs more bytes.
    scroll.mockClear();
    const plain = await setup();
    const r2 = random(11);
    const n2 = { i: 0 };
    let plainBytes = 0;
    for (let f = 0; f < 40; f++) {
      plain.write(chunk(r2, n2, ASCII));
      plainBytes += Buffer.byteLength(await plain.frame());
    }
    expect(scroll).not.toHaveBeenCalled();
    expect(bytes).toBeLessThan(plainBytes * 0.8);
  });

  it('keeps wide and combining characters and the cursor right while scrolling', async () => {
    const scroll = vi.spyOn(FrameWriter.prototype, 'scrollUp');
    const { write, frame, check, screen, comp } = await mirrored(true);
    const r = random(12);
    const n = { i: 0 };
    for (let f = 0; f < 40; f++) {
      write(chunk(r, n, WIDE));
      await frame();
      check(`frame ${f}`);
      if (f % 10 === 5) {
        screen.scrollLines(-2);
        comp.markDirty('a');
        await frame();
        check(`scrolled back, frame ${f}`);
        screen.scrollToBottom();
        comp.markDirty('a');
      }
    }
    expect(scroll).toHaveBeenCalled();
  });

  // Until the mirror has seen a whole frame of Ink's at the terminal's size, nothing scrolls.
  it('does not scroll before the chrome is mirrored, nor after a resize until Ink draws again', async () => {
    const scroll = vi.spyOn(FrameWriter.prototype, 'scrollUp');
    const screen = new Screen({ cols: RECT.width, rows: RECT.height, scrollback: 200 });
    const sink = new Sink(COLS, ROWS);
    const comp = new PaneCompositor(sink);
    comp.mirrorChrome(new Screen({ cols: COLS, rows: ROWS, scrollback: 0, convertEol: true }));
    comp.noteChrome(inkChrome());
    comp.setPanes([{ id: 'a', rect: RECT, screen, showCursor: false }]);
    const stream = async () => {
      for (let i = 0; i < 12; i++) {
        screen.write(`\r\nline ${i} of some output`);
        comp.markDirty('a');
        comp.composeNow(false);
      }
    };
    await stream();
    expect(scroll).not.toHaveBeenCalled();
    for (const text of [BEGIN_SYNC, inkChrome(), END_SYNC]) comp.noteChrome(text);
    await stream();
    expect(scroll).toHaveBeenCalled();
    scroll.mockClear();
    sink.columns = COLS + 2;
    comp.noteChrome('\x1b[2J');
    comp.setPanes([{ id: 'a', rect: RECT, screen, showCursor: false }]);
    await stream();
    expect(scroll).not.toHaveBeenCalled();
    for (const text of [BEGIN_SYNC, inkChrome(), END_SYNC]) comp.noteChrome(text);
    await stream();
    expect(scroll).toHaveBeenCalled();
  });

  // A pane beside another (the grid) would move the other's rows too: its rows are replayed.
  it('does not scroll a pane that shares its rows with another pane', async () => {
    const scroll = vi.spyOn(FrameWriter.prototype, 'scrollUp');
    const left = new Screen({ cols: 20, rows: 8, scrollback: 0 });
    const right = new Screen({ cols: 20, rows: 8, scrollback: 0 });
    const sink = new Sink(COLS, ROWS);
    const comp = new PaneCompositor(sink);
    comp.mirrorChrome(new Screen({ cols: COLS, rows: ROWS, scrollback: 0, convertEol: true }));
    for (const text of [BEGIN_SYNC, inkChrome(), END_SYNC]) comp.noteChrome(text);
    comp.setPanes([
      { id: 'l', rect: { x: 2, y: 3, width: 20, height: 8 }, screen: left, showCursor: false },
      { id: 'r', rect: { x: 25, y: 3, width: 20, height: 8 }, screen: right, showCursor: false },
    ]);
    for (let i = 0; i < 12; i++) {
      left.write(`\r\nleft ${i}`);
      comp.markDirty('l');
      comp.composeNow(false);
    }
    expect(scroll).not.toHaveBeenCalled();
  });
});
