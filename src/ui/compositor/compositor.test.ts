import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { PaneCompositor } from './compositor.js';
import { feed, outerTerminal, regionCells, rowText, screenCells, screenWith, Sink } from './testing.js';
import type { Screen } from '../../session/screen.js';
import type { Rect } from './types.js';

const COLOURFUL =
  '\x1b[1;31mbold red\x1b[0m \x1b[38;5;209maccent\x1b[0m \x1b[38;2;10;200;30;48;5;17mtrue\x1b[0m\r\n' +
  '\x1b[4munder\x1b[24m \x1b[7minverse\x1b[27m \x1b[3;2mitalic dim\x1b[0m \x1b[9mstrike\x1b[0m\r\n' +
  'wide: 漢字 and ✅ done\r\n' +
  'combining: e\u0301 n\u0303 a\u0300!\r\n' +
  '\x1b[44m' + ' '.repeat(20) + '\x1b[0m blue blanks\r\n' +
  'last line\x1b[5;3H';

/** A compositor drawing `screen` into `rect` of a `cols` × `rows` terminal whose chrome is all '#'. */
async function setup(screen: Screen | undefined, rect: Rect, cols = 60, rows = 16, color = true) {
  const sink = new Sink(cols, rows);
  const outer = outerTerminal(cols, rows);
  await feed(outer, `${'#'.repeat(cols * rows)}\x1b[${rows};1H`);
  const comp = new PaneCompositor(sink, { color });
  comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
  // Whatever a timer already drew, then a frame now.
  const frame = async (full = false) => {
    const out = sink.take() + comp.composeNow(full);
    await feed(outer, out);
    return out;
  };
  return { sink, outer, comp, frame };
}

describe('PaneCompositor drawing', () => {
  it('draws the agent screen into the pane rect: text, colours, attributes, wide and combining characters', async () => {
    const screen = await screenWith(40, 10, COLOURFUL);
    const rect = { x: 5, y: 2, width: 40, height: 10 };
    const { outer, frame, comp } = await setup(screen, rect);
    const out = await frame();
    expect(out.length).toBeGreaterThan(0);
    expect(comp.frameCount).toBe(1);
    expect(regionCells(outer, rect)).toEqual(screenCells(screen, 40, 10));
    // Nothing outside the rect was touched.
    expect(rowText(outer, 1)).toBe('#'.repeat(60));
    expect(rowText(outer, 3).slice(0, 5)).toBe('#####');
    expect(rowText(outer, 3).slice(45)).toBe('#'.repeat(15));
    expect(rowText(outer, 12)).toBe('#'.repeat(60));
  });

  it('draws the same once lines are copied in bulk (after the first lines with content)', async () => {
    const rich = COLOURFUL.replace('\x1b[5;3H', '\r\n');
    const screen = await screenWith(40, 30, rich.repeat(6));
    const rect = { x: 2, y: 1, width: 40, height: 30 };
    const { outer, frame, comp } = await setup(screen, rect, 44, 32);
    await frame();
    await feed(screen, rich);
    comp.markDirty('a');
    await frame();
    expect(regionCells(outer, rect)).toEqual(screenCells(screen, 40, 30));
  });

  it('draws log lines (ASCII runs, single and double spaces, blank runs, style changes mid-word) exactly', async () => {
    const log =
      '[12:00:01.234] \x1b[31mERROR\x1b[0m src/a.ts:12 x y  z' + ' '.repeat(8) + 'ed\r\n' +
      'ab\x1b[1mcd\x1b[0mef gh \x1b[7m \x1b[0m i  j\r\n' +
      'tail  \r\n';
    const screen = await screenWith(50, 4, log);
    const rect = { x: 3, y: 2, width: 50, height: 4 };
    const { outer, frame } = await setup(screen, rect);
    await frame();
    expect(regionCells(outer, rect)).toEqual(screenCells(screen, 50, 4));
    expect(rowText(outer, 2).slice(3, 53).trimEnd()).toBe('[12:00:01.234] ERROR src/a.ts:12 x y  z' + ' '.repeat(8) + 'ed');
    expect(rowText(outer, 3).slice(3, 53).trimEnd()).toBe('abcdef gh   i  j');
  });

  it('writes only a few bytes for a one-character change', async () => {
    const screen = await screenWith(40, 10, COLOURFUL);
    const rect = { x: 5, y: 2, width: 40, height: 10 };
    const { outer, frame, comp } = await setup(screen, rect);
    await frame();
    await feed(screen, 'X');
    comp.markDirty('a');
    const second = await frame();
    expect(second.length).toBeGreaterThan(0);
    expect(second.length).toBeLessThan(40);
    expect(regionCells(outer, rect)).toEqual(screenCells(screen, 40, 10));
  });

  it('draws nothing and counts no frame when the screen did not change', async () => {
    const screen = await screenWith(40, 10, COLOURFUL);
    const { frame, comp } = await setup(screen, { x: 0, y: 0, width: 40, height: 10 });
    await frame();
    comp.markDirty('a');
    expect(await frame()).toBe('');
    expect(comp.frameCount).toBe(1);
  });

  it('brackets every frame with cursor save and restore, leaving the cursor where it was', async () => {
    const screen = await screenWith(40, 10, COLOURFUL);
    const { outer, frame } = await setup(screen, { x: 5, y: 2, width: 40, height: 10 });
    await feed(outer, '\x1b[14;7H');
    const out = await frame();
    expect(out.startsWith('\x1b7')).toBe(true);
    expect(out.endsWith('\x1b8')).toBe(true);
    expect(outer.buffer.active.cursorX).toBe(6);
    expect(outer.buffer.active.cursorY).toBe(13);
    // The restored style is the one before the frame: text written next is unstyled.
    await feed(outer, 'z');
    expect(outer.buffer.active.getLine(13)?.getCell(6)?.isAttributeDefault()).toBe(true);
  });

  it('clips to the rect and to the terminal; a wide character cut in half becomes a blank', async () => {
    const screen = await screenWith(30, 8, 'abcdefghij漢字klmnop\r\n0123456789');
    // The rect is 11 wide: 漢 sits on columns 10-11, so its right half is clipped away.
    const rect = { x: 2, y: 1, width: 11, height: 3 };
    const { outer, frame } = await setup(screen, rect, 20, 6);
    await frame();
    expect(rowText(outer, 1)).toBe('##abcdefghij #######');
    expect(rowText(outer, 2)).toBe('##0123456789 #######');
    expect(rowText(outer, 4)).toBe('#'.repeat(20));
    // A rect past the terminal's right edge is cut at the edge.
    const wide = await setup(screen, { x: 15, y: 0, width: 30, height: 2 }, 20, 6);
    const out = await wide.frame();
    expect(out).not.toBe('');
    expect(rowText(wide.outer, 0)).toBe('###############abcde');
    expect(rowText(wide.outer, 1)).toBe('###############01234');
  });

  it('blanks the part of the rect the screen does not cover, and a pane without a screen', async () => {
    const screen = await screenWith(10, 2, 'hello\r\nworld');
    const { outer, frame, comp } = await setup(screen, { x: 1, y: 1, width: 14, height: 4 }, 20, 6);
    await frame();
    expect(rowText(outer, 1)).toBe('#hello         #####');
    expect(rowText(outer, 3)).toBe('#              #####');
    comp.setPanes([{ id: 'a', rect: { x: 1, y: 1, width: 14, height: 4 }, screen: undefined, showCursor: false }]);
    await frame();
    expect(rowText(outer, 1)).toBe('#              #####');
  });

  it('keeps columns right on a terminal that draws an emoji one column wide', async () => {
    const screen = await screenWith(20, 2, 'a✅b漢c');
    const sink = new Sink(20, 2);
    // A terminal with the old Unicode 6 widths: ✅ is one column there, 漢 two.
    const outer = new xterm.Terminal({ cols: 20, rows: 2, allowProposedApi: true, logLevel: 'off' });
    const comp = new PaneCompositor(sink);
    comp.setPanes([{ id: 'a', rect: { x: 0, y: 0, width: 20, height: 2 }, screen, showCursor: false }]);
    await feed(outer, sink.take() + comp.composeNow(false));
    const line = outer.buffer.active.getLine(0)!;
    expect(line.getCell(1)?.getChars()).toBe('✅');
    expect(line.getCell(2)?.getChars() || ' ').toBe(' ');
    expect(line.getCell(3)?.getChars()).toBe('b');
    expect(line.getCell(4)?.getChars()).toBe('漢');
    expect(line.getCell(6)?.getChars()).toBe('c');
  });

  it('draws a scrolled-back viewport', async () => {
    let text = '';
    for (let i = 0; i < 60; i++) text += `\x1b[3${i % 8}mline ${i}\x1b[0m\r\n`;
    const screen = await screenWith(20, 8, text);
    const rect = { x: 0, y: 0, width: 20, height: 8 };
    const { outer, frame, comp } = await setup(screen, rect, 20, 8);
    await frame();
    screen.scrollLines(-10);
    comp.markDirty('a');
    await frame();
    expect(rowText(outer, 0).trim()).toBe('line 43');
    expect(regionCells(outer, rect)).toEqual(screenCells(screen, 20, 8));
    screen.scrollToBottom();
    comp.markDirty('a');
    await frame();
    expect(rowText(outer, 6).trim()).toBe('line 59');
  });

  it('shows the agent cursor as an inverse cell when attached, and moves it', async () => {
    const screen = await screenWith(20, 4, 'prompt> ab');
    const rect = { x: 0, y: 0, width: 20, height: 4 };
    const { outer, frame, comp } = await setup(screen, rect, 20, 4, false);
    comp.setPanes([{ id: 'a', rect, screen, showCursor: true }]);
    await frame();
    const line = () => outer.buffer.active.getLine(0)!;
    expect(line().getCell(10)?.isInverse()).toBeTruthy();
    await feed(screen, 'c');
    comp.markDirty('a');
    await frame();
    expect(line().getCell(10)?.getChars()).toBe('c');
    expect(line().getCell(10)?.isInverse()).toBeFalsy();
    expect(line().getCell(11)?.isInverse()).toBeTruthy();
    // Detached: no cursor.
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    await frame();
    expect(line().getCell(11)?.isInverse()).toBeFalsy();
  });

  it('without colour draws no colours but keeps attributes', async () => {
    const screen = await screenWith(30, 3, '\x1b[1;31mred\x1b[0m \x1b[7;44minv\x1b[0m');
    const { outer, frame } = await setup(screen, { x: 0, y: 0, width: 30, height: 3 }, 30, 3, false);
    const out = await frame();
    expect(out).not.toMatch(/\x1b\[[0-9;]*(?:3[0-8]|4[0-8])[;m]/);
    const line = outer.buffer.active.getLine(0)!;
    expect(line.getCell(0)?.isBold()).toBeTruthy();
    expect(line.getCell(0)?.isFgDefault()).toBe(true);
    expect(line.getCell(4)?.isInverse()).toBeTruthy();
    expect(line.getCell(4)?.isBgDefault()).toBe(true);
  });
});
