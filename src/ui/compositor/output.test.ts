import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait.js';
import { PaneCompositor } from './compositor.js';
import { createInkStdout } from './output.js';
import { feed, outerTerminal, regionCells, rowText, screenCells, screenWith } from './testing.js';

const BSU = '\x1b[?2026h';
const ESU = '\x1b[?2026l';

/** Stands for process.stdout: a TTY of a given size that records what is written. */
class FakeTty extends EventEmitter {
  isTTY = true;
  writes: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write(chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean {
    this.writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }
  take(): string {
    const all = this.writes.join('');
    this.writes = [];
    return all;
  }
}

async function setup() {
  const screen = await screenWith(10, 2, '\x1b[35magent\x1b[0m out');
  const real = new FakeTty(40, 12);
  const comp = new PaneCompositor(real as unknown as NodeJS.WriteStream);
  const rect = { x: 2, y: 1, width: 10, height: 2 };
  comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
  comp.composeNow(false);
  const stdout = createInkStdout(real as unknown as NodeJS.WriteStream, comp);
  return { screen, real, comp, rect, stdout };
}

describe('createInkStdout', () => {
  it("is the real stream's size, TTY-ness and resize events", async () => {
    const { real, stdout } = await setup();
    expect(stdout.columns).toBe(40);
    expect(stdout.rows).toBe(12);
    expect(stdout.isTTY).toBe(true);
    real.columns = 50;
    expect(stdout.columns).toBe(50);
    let resized = 0;
    const onResize = () => resized++;
    stdout.on('resize', onResize);
    real.emit('resize');
    stdout.off('resize', onResize);
    real.emit('resize');
    expect(resized).toBe(1);
  });

  it("repaints the panes inside Ink's synchronized update, before it ends", async () => {
    const { real, stdout } = await setup();
    real.take();
    stdout.write(BSU);
    stdout.write('\x1b[2J\x1b[Hchrome');
    expect(real.writes).toEqual([BSU, '\x1b[2J\x1b[Hchrome']);
    let called = false;
    stdout.write(ESU, () => (called = true));
    expect(called).toBe(true);
    const last = real.writes[2]!;
    expect(last.endsWith(ESU)).toBe(true);
    expect(last).toContain('agent');
    expect(last.startsWith('\x1b7')).toBe(true);
  });

  it('repaints after plain writes once the current tick is over, and not after cursor-only writes', async () => {
    const { real, stdout } = await setup();
    real.take();
    stdout.write('\x1b[?25l');
    await Promise.resolve();
    expect(real.writes).toEqual(['\x1b[?25l']);
    stdout.write('one');
    stdout.write('two');
    expect(real.writes).toHaveLength(3);
    await Promise.resolve();
    expect(real.writes).toHaveLength(4);
    expect(real.writes[3]).toContain('agent');
  });

  it('keeps Ink drawing in the right place around the pane frames', async () => {
    const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    const { render, Box, Text } = await import('ink');
    const React = await import('react');
    const { screen, real, comp, stdout } = await setup();
    // Ink starts below what the shell printed before: its moves are relative, clamping cannot hide a stray cursor.
    const outer = outerTerminal(40, 12);
    await feed(outer, 'shell 1\nshell 2\nshell 3\n');
    const rect = { x: 1, y: 4, width: 10, height: 2 };
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    const app = (label: string) =>
      React.createElement(
        Box,
        { flexDirection: 'column', width: 40 },
        React.createElement(Box, { borderStyle: 'single', width: 12, height: 4 }),
        React.createElement(Text, null, label),
      );
    const ink = render(app('first'), {
      stdout,
      stdin: stdin as unknown as NodeJS.ReadStream,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    try {
      await waitFor(() => real.writes.join('').includes('first'), { message: "Ink's first render" });
      await feed(outer, real.take());
      expect(rowText(outer, 7).trim()).toBe('first');
      expect(rowText(outer, 3).startsWith('┌──────────┐')).toBe(true);
      expect(regionCells(outer, rect)).toEqual(screenCells(screen, 10, 2));
      // Ink redraws relative to where it left the cursor: the pane frames in between must not move it.
      await feed(screen, 'X');
      comp.markDirty('a');
      await feed(outer, real.take() + comp.composeNow(false));
      ink.rerender(app('second line'));
      await waitFor(() => real.writes.join('').includes('second line'), { message: "Ink's second render" });
      await feed(outer, real.take());
      expect(rowText(outer, 7).trim()).toBe('second line');
      expect(rowText(outer, 2)).toBe(`shell 3${' '.repeat(33)}`);
      expect(rowText(outer, 3).startsWith('┌──────────┐')).toBe(true);
      expect(rowText(outer, 6).startsWith('└──────────┘')).toBe(true);
      expect(regionCells(outer, rect)).toEqual(screenCells(screen, 10, 2));
      expect(rowText(outer, 4)).toContain('agent out');
    } finally {
      ink.unmount();
      comp.dispose();
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
    }
  });
});
