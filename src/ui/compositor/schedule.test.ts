import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PaneCompositor } from './compositor.js';
import { feed, outerTerminal, regionCells, rowText, screenCells, screenWith, Sink } from './testing.js';
import type { Screen } from '../../session/screen.js';

const rect = { x: 2, y: 1, width: 20, height: 4 };

describe('PaneCompositor frame timing', () => {
  let screen: Screen;
  let sink: Sink;
  let comp: PaneCompositor;

  beforeEach(async () => {
    screen = await screenWith(20, 4, 'hello\r\nworld');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
    sink = new Sink(40, 10);
    comp = new PaneCompositor(sink);
  });

  afterEach(() => {
    comp.dispose();
    vi.useRealTimers();
  });

  it('runs no timer while nothing is dirty', () => {
    expect(comp.pending).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    comp.markDirty('nobody');
    expect(vi.getTimerCount()).toBe(0);
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    expect(vi.getTimerCount()).toBe(1);
    vi.runOnlyPendingTimers();
    expect(sink.writes).toHaveLength(1);
    expect(comp.frameCount).toBe(1);
    expect(comp.pending).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('draws a change that comes too soon after a frame once, two intervals after that frame', () => {
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    vi.runOnlyPendingTimers();
    sink.take();
    screen.write('!'); // parsed at once: the content changes now
    for (let i = 0; i < 5; i++) comp.markDirty('a');
    expect(vi.getTimerCount()).toBe(1);
    // 30 fps at most: frames 33 ms apart; a change that waits is drawn 67 ms after the last frame.
    vi.advanceTimersByTime(60);
    expect(comp.pending).toBe(true);
    vi.advanceTimersByTime(10);
    expect(comp.pending).toBe(false);
    expect(comp.frameCount).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('draws a change that is due before the process sleeps (no timer)', () => {
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    vi.runOnlyPendingTimers();
    sink.take();
    vi.advanceTimersByTime(100);
    screen.write('!');
    comp.markDirty('a');
    expect(comp.pending).toBe(true);
    // An immediate: runs at the end of this turn of the event loop, before timers would.
    vi.advanceTimersByTime(0);
    expect(comp.pending).toBe(false);
    expect(comp.frameCount).toBe(2);
  });

  it('draws a waiting change with the next one that is due (an agent writing frames of its own)', () => {
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    vi.runOnlyPendingTimers();
    // The rest of a write that came split: too soon, it waits.
    screen.write('!');
    comp.markDirty('a');
    vi.advanceTimersByTime(35);
    expect(comp.frameCount).toBe(1);
    // The agent's next write, 35 ms on: drawn at once, with the waiting change; the timer is gone.
    screen.write('!');
    comp.markDirty('a');
    vi.advanceTimersByTime(0);
    expect(comp.frameCount).toBe(2);
    expect(comp.pending).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('honours maxFps', () => {
    const slow = new PaneCompositor(sink, { maxFps: 5 });
    slow.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    vi.runOnlyPendingTimers();
    slow.invalidate();
    vi.advanceTimersByTime(150);
    slow.invalidate();
    vi.advanceTimersByTime(0);
    // Frames 200 ms apart: a change 150 ms after a frame waits (for 400 ms after it at most).
    expect(slow.pending).toBe(true);
    expect(slow.frameCount).toBe(1);
    vi.advanceTimersByTime(60);
    slow.invalidate();
    vi.advanceTimersByTime(0);
    expect(slow.pending).toBe(false);
    expect(slow.frameCount).toBe(2);
    slow.dispose();
  });

  it('cancels its timer on dispose', () => {
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    expect(vi.getTimerCount()).toBe(1);
    comp.dispose();
    expect(vi.getTimerCount()).toBe(0);
    comp.markDirty('a');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('PaneCompositor layout changes', () => {
  async function setup() {
    const screen = await screenWith(20, 4, '\x1b[32mhello\x1b[0m\r\nworld');
    const sink = new Sink(40, 10);
    const outer = outerTerminal(40, 10);
    const comp = new PaneCompositor(sink);
    const frame = async (full = false) => {
      const out = sink.take() + comp.composeNow(full);
      await feed(outer, out);
      return out;
    };
    return { screen, sink, outer, comp, frame };
  }

  it('redraws in full after invalidate (the chrome was repainted over the pane)', async () => {
    const { screen, outer, comp, frame } = await setup();
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    await frame();
    await feed(outer, '\x1b[2J');
    comp.invalidate();
    await frame();
    expect(regionCells(outer, rect)).toEqual(screenCells(screen, 20, 4));
  });

  it('keeps what it drew when setPanes repeats the layout, redraws a moved pane', async () => {
    const { screen, outer, comp, frame } = await setup();
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    await frame();
    comp.setPanes([{ id: 'a', rect: { ...rect }, screen, showCursor: false }]);
    expect(await frame()).toBe('');
    const moved = { x: 10, y: 5, width: 20, height: 4 };
    await feed(outer, '\x1b[2J');
    comp.setPanes([{ id: 'a', rect: moved, screen, showCursor: false }]);
    await frame();
    expect(regionCells(outer, moved)).toEqual(screenCells(screen, 20, 4));
    expect(rowText(outer, 1).trim()).toBe('');
  });

  it('after a terminal resize draws nothing until setPanes brings the new layout, then everything', async () => {
    const { screen, sink, outer, comp, frame } = await setup();
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    await frame();
    sink.columns = 30;
    outer.resize(30, 10);
    await feed(outer, '\x1b[2J');
    comp.markDirty('a');
    comp.invalidate();
    expect(await frame()).toBe('');
    const next = { x: 1, y: 1, width: 20, height: 4 };
    comp.setPanes([{ id: 'a', rect: next, screen, showCursor: false }]);
    await frame();
    expect(regionCells(outer, next)).toEqual(screenCells(screen, 20, 4));
  });

  it('draws nothing for setPanes([]) and forgets removed panes', async () => {
    const { screen, comp, frame } = await setup();
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    await frame();
    comp.setPanes([]);
    comp.markDirty('a');
    comp.invalidate();
    expect(await frame()).toBe('');
    expect(comp.pending).toBe(false);
  });
});

describe('PaneCompositor and a terminal that falls behind', () => {
  /** A stream that keeps the frames it was given, as given; while `queueing`, it has taken none of them. */
  class QueueSink {
    readonly frames: Uint8Array[] = [];
    writableLength = 0;
    queueing = false;
    constructor(
      public columns: number,
      public rows: number,
    ) {}
    write(s: string | Uint8Array): void {
      this.frames.push(typeof s === 'string' ? Buffer.from(s) : s);
      if (this.queueing) this.writableLength += s.length;
    }
  }

  afterEach(() => vi.useRealTimers());

  it('leaves a frame the stream still holds to it: the next frame goes elsewhere', async () => {
    const screen = await screenWith(20, 4, 'first frame');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
    const out = new QueueSink(40, 10);
    const comp = new PaneCompositor(out);
    out.queueing = true;
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    vi.runOnlyPendingTimers();
    const held = Buffer.from(out.frames[0]!);
    screen.write('\r\x1b[2Ksecond frame');
    comp.markDirty('a');
    vi.advanceTimersByTime(100);
    expect(out.frames).toHaveLength(2);
    expect(Buffer.from(out.frames[0]!).equals(held)).toBe(true);
    expect(Buffer.from(out.frames[1]!).toString()).toContain('second');
    comp.dispose();
  });

  it('draws nothing while the terminal is more than 1 MiB behind, then the latest state', async () => {
    const screen = await screenWith(20, 4, 'one');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
    const out = new QueueSink(40, 10);
    const comp = new PaneCompositor(out);
    comp.setPanes([{ id: 'a', rect, screen, showCursor: false }]);
    vi.runOnlyPendingTimers();
    out.writableLength = 2 << 20;
    screen.write(' two');
    comp.markDirty('a');
    vi.advanceTimersByTime(500);
    expect(out.frames).toHaveLength(1);
    expect(comp.pending).toBe(true);
    out.writableLength = 0;
    screen.write(' three');
    vi.advanceTimersByTime(100);
    expect(out.frames).toHaveLength(2);
    expect(Buffer.from(out.frames[1]!).toString()).toContain('two three');
    comp.dispose();
  });
});
