import { describe, expect, it } from 'vitest';
import { BG_HIDDEN, CellGrid, FG_BOLD, FG_INVERSE, FG_STRIKETHROUGH, BG_ITALIC, IS_COMBINED, widthOf } from './grid.js';
import { RowReader } from './read.js';
import { screenWith } from './testing.js';

const RICH =
  '\x1b[1;31mbold red\x1b[0m \x1b[38;5;209maccent\x1b[0m \x1b[38;2;10;200;30;48;5;17mtrue\x1b[0m\r\n' +
  '\x1b[4munder\x1b[24m \x1b[7minverse\x1b[27m \x1b[3;2mitalic dim\x1b[0m \x1b[9mstrike\x1b[0m \x1b[53mover\x1b[0m\r\n' +
  'wide: 漢字 ✅ \x1b[8msecret\x1b[28m e\u0301 n\u0303 👍🏽 \x1b[4:3mcurly\x1b[0m\r\n';

function rows(reader: RowReader, screen: Awaited<ReturnType<typeof screenWith>>, width: number) {
  const out: { words: number[]; combined: (string | undefined)[] }[] = [];
  for (let y = 0; y < screen.rows; y++) {
    const row = new CellGrid(width, 1);
    reader.read(screen.viewportLine(y), screen.cols, row);
    const combined = [...Array(width).keys()].map((x) => (row.words[x * 3]! & IS_COMBINED ? row.combined[x] : undefined));
    // The copy keeps background bits the API does not show; drawing ignores them.
    const words = [...row.words].map((word, i) => (i % 3 === 2 ? (word & ~BG_HIDDEN) >>> 0 : word));
    out.push({ words, combined });
  }
  return out;
}

describe('RowReader', () => {
  it('copies lines in bulk once they matched the cell API, with the same result', async () => {
    const screen = await screenWith(40, 30, RICH.repeat(9));
    const auto = new RowReader();
    const first = rows(auto, screen, 40);
    expect(auto.bulk).toBe(true);
    const again = rows(auto, screen, 40);
    const reference = rows(new RowReader('api'), screen, 40);
    expect(first).toEqual(reference);
    expect(again).toEqual(reference);
  });

  it('reads colours, attributes, widths and combined characters', async () => {
    const screen = await screenWith(40, 4, RICH);
    const row = new CellGrid(40, 1);
    const reader = new RowReader('api');
    reader.read(screen.viewportLine(0), 40, row);
    expect(row.charsAt(0)).toBe('b');
    expect(row.words[1]! & FG_BOLD).not.toBe(0);
    reader.read(screen.viewportLine(1), 40, row);
    expect(row.words[6 * 3 + 1]! & FG_INVERSE).not.toBe(0);
    expect(row.words[14 * 3 + 2]! & BG_ITALIC).not.toBe(0);
    expect((row.words[25 * 3 + 1]! & FG_STRIKETHROUGH) >>> 0).not.toBe(0);
    reader.read(screen.viewportLine(2), 40, row);
    expect(row.charsAt(6)).toBe('漢');
    expect(widthOf(row.words[6 * 3]!)).toBe(2);
    expect(widthOf(row.words[7 * 3]!)).toBe(0);
    const accented = [...Array(40).keys()].find((x) => row.charsAt(x) === 'e\u0301');
    expect(accented).toBeDefined();
  });

  it('blanks what lies past the screen and a wide character cut by the clip', async () => {
    const screen = await screenWith(10, 2, 'abcd漢');
    const row = new CellGrid(5, 1);
    new RowReader().read(screen.viewportLine(0), 10, row);
    expect([0, 1, 2, 3, 4].map((x) => row.charsAt(x)).join('')).toBe('abcd ');
    const wider = new CellGrid(14, 1);
    new RowReader().read(screen.viewportLine(0), 10, wider);
    expect(wider.charsAt(4)).toBe('漢');
    expect(wider.charsAt(12)).toBe(' ');
    expect(widthOf(wider.words[13 * 3]!)).toBe(1);
  });
});
