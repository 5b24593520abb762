import type { IUnicodeVersionProvider } from '@xterm/headless';

type Width = 0 | 1 | 2;

// East Asian wide and fullwidth ranges (Markus Kuhn's wcwidth, which the terminal's built-in
// Unicode 6 table also follows) plus wide blocks added since.
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3040, 0xa4cf], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4], [0x17000, 0x18cff], [0x1b000, 0x1b2ff], [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;

function computeWidth(cp: number): Width {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x7f) return 1;
  for (const [lo, hi] of WIDE_RANGES) if (cp >= lo && cp <= hi) return 2;
  const ch = String.fromCodePoint(cp);
  if (EMOJI_PRESENTATION.test(ch)) return 2;
  // The soft hyphen is Cf but printed; medial Hangul Jamo and the zero-width space are not.
  if (cp === 0xad) return 1;
  if (ZERO_WIDTH.test(ch) || (cp >= 0x1160 && cp <= 0x11ff) || cp === 0x200b) return 0;
  return 1;
}

let bmpTable: Uint8Array | undefined;

// Computed once per process on first use (a few milliseconds): every screen shares it.
function bmpWidths(): Uint8Array {
  if (!bmpTable) {
    bmpTable = new Uint8Array(0x10000);
    for (let cp = 0; cp < 0x10000; cp++) bmpTable[cp] = computeWidth(cp);
  }
  return bmpTable;
}

/**
 * Character widths as agents count them today: the terminal's built-in table (Unicode 6) counts
 * emoji such as ✅ as one column, while agents' own width functions count two, so their
 * cursor arithmetic and our screen would drift apart on every emoji.
 */
export class ModernWidths implements IUnicodeVersionProvider {
  readonly version = 'modern';
  private readonly bmp = bmpWidths();
  private readonly astral = new Map<number, Width>();

  wcwidth(cp: number): Width {
    if (cp < 0x10000) return this.bmp[cp] as Width;
    let width = this.astral.get(cp);
    if (width === undefined) {
      width = computeWidth(cp);
      this.astral.set(cp, width);
    }
    return width;
  }

  /** The terminal's packed form: width in bits 1-2, "joins the preceding character" in bit 0. */
  charProperties(cp: number, preceding: number): number {
    let width: number = this.wcwidth(cp);
    let join = width === 0 && preceding !== 0;
    if (join) {
      const before = (preceding >> 1) & 3;
      if (before === 0) join = false;
      else if (before > width) width = before;
    }
    return (width << 1) | (join ? 1 : 0);
  }
}
