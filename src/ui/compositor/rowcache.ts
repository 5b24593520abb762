import type { FrameWriter } from './writer.js';

/**
 * The bytes that drew each row a pane shows, each from the row's first column with the style
 * unknown beforehand. When the pane scrolls, a row whose cells only moved up is drawn at its new
 * place by copying them instead of encoding its cells again: streaming output moves half of a
 * pane's rows every frame.
 *
 * Invariant: when row y has bytes, they draw exactly what the pane's grid says row y shows.
 */
export class RowCache {
  private readonly bytes: Buffer[];
  // Byte count per row; -1: none kept (the row was drawn in pieces, or is unknown).
  private readonly lengths: Int32Array;
  // The writer's column and style after each row's bytes (four numbers a row).
  private readonly states: Int32Array;

  constructor(height: number) {
    this.bytes = Array.from({ length: height }, () => Buffer.allocUnsafe(256));
    this.lengths = new Int32Array(height).fill(-1);
    this.states = new Int32Array(height * 4);
  }

  has(y: number): boolean {
    return this.lengths[y]! >= 0;
  }

  /** Row y no longer has bytes of its own (it was drawn in pieces). */
  drop(y: number): void {
    this.lengths[y] = -1;
  }

  clear(): void {
    this.lengths.fill(-1);
  }

  /** Keeps what `w` wrote from `start` on as row y's bytes. */
  record(y: number, w: FrameWriter, start: number): void {
    const length = w.length - start;
    if (length > this.bytes[y]!.length) this.bytes[y] = Buffer.allocUnsafe(length * 2);
    w.copySince(start, this.bytes[y]!);
    this.lengths[y] = length;
    w.saveState(this.states, y * 4);
  }

  /** Writes row `from`'s bytes (the cursor is at the start of the row they go to). */
  replay(from: number, w: FrameWriter): void {
    w.replay(this.bytes[from]!, this.lengths[from]!, this.states, from * 4);
  }

  /** Row `from`'s bytes now belong to row `to`; `from` has none until it is drawn again. */
  move(from: number, to: number): void {
    const buffer = this.bytes[to]!;
    this.bytes[to] = this.bytes[from]!;
    this.bytes[from] = buffer;
    this.lengths[to] = this.lengths[from]!;
    this.lengths[from] = -1;
    this.states.copyWithin(to * 4, from * 4, from * 4 + 4);
  }
}
