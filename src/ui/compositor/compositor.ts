import { ChromeRows } from './chrome.js';
import { FrameWriter } from './writer.js';
import { ChromeMirror } from './mirror.js';
import type { MirrorScreen } from './mirror.js';
import { PaneView } from './pane.js';
import { RowReader } from './read.js';
import { RESET_STYLE, RESTORE_CURSOR, SAVE_CURSOR } from './sgr.js';
import type { PaneSpec, TerminalOutput, TextRow } from './types.js';

export interface CompositorOptions {
  /** Frames per second at most (default 30): frames are at least `1000 / maxFps` ms apart. */
  maxFps?: number;
  /** Draw colours (default true); false for NO_COLOR: attributes such as inverse stay. */
  color?: boolean;
}

// A terminal this far behind (bytes queued in the stream) gets no new frame until it catches up:
// the dirty panes are drawn once it has, from their latest state.
const BACKLOG_LIMIT = 1 << 20;

/** Draws live agent panes straight to the terminal, cell-diffed, while Ink draws the chrome. */
export class PaneCompositor {
  /** Frames actually drawn (a frame that changed nothing is not counted). */
  frameCount = 0;
  private readonly interval: number;
  private readonly writer: FrameWriter;
  private readonly reader = new RowReader();
  private views: PaneView[] = [];
  private readonly dirty = new Set<string>();
  private readonly chrome = new ChromeRows();
  private chromeDirty = false;
  private mirror: ChromeMirror | undefined;
  // The next frame: an immediate when it is due, else a timeout.
  private timer: { immediate: ReturnType<typeof setImmediate> } | { timeout: ReturnType<typeof setTimeout> } | undefined;
  private lastFrameAt = -Infinity;
  private cols: number;
  private rows: number;
  private disposed = false;

  constructor(
    private readonly out: TerminalOutput,
    opts: CompositorOptions = {},
  ) {
    this.interval = 1000 / Math.max(1, opts.maxFps ?? 30);
    this.writer = new FrameWriter(opts.color ?? true);
    this.cols = out.columns;
    this.rows = out.rows;
  }

  /** Layout or focus changed: panes whose rect or screen changed are drawn afresh. */
  setPanes(panes: PaneSpec[]): void {
    if (this.disposed) return;
    const resized = this.syncSize();
    const old = new Map(this.views.map((v) => [v.spec.id, v]));
    this.views = panes.map((spec) => {
      const view = old.get(spec.id);
      if (view && !resized && view.keeps(spec, this.cols, this.rows)) {
        if (view.spec.showCursor !== spec.showCursor) this.dirty.add(spec.id);
        view.spec = spec;
        return view;
      }
      this.dirty.add(spec.id);
      return new PaneView(spec, this.cols, this.rows, this.reader);
    });
    this.schedule();
  }

  /** That pane's screen changed: a frame is scheduled (rate-capped; nothing runs when nothing is dirty). */
  markDirty(id: string): void {
    if (this.disposed) return;
    if (!this.dirty.has(id)) {
      if (!this.views.some((v) => v.spec.id === id)) return;
      this.dirty.add(id);
    }
    // Even when already dirty: a waiting frame may be due by now.
    this.schedule();
  }

  /** Chrome rows drawn with the panes (the clocks), as they should read now; drawn when they change. */
  setChrome(rows: TextRow[]): void {
    if (this.disposed) return;
    if (this.chrome.set(rows)) {
      this.chromeDirty = true;
      this.schedule();
    }
  }

  /**
   * From now on everything Ink writes (`noteChrome`) is also replayed into `screen`, a terminal
   * emulator: once it shows the chrome, panes scroll with the terminal's scroll region.
   */
  mirrorChrome(screen: MirrorScreen): void {
    this.mirror = new ChromeMirror(screen);
  }

  /** Ink wrote `text` to the terminal. */
  noteChrome(text: string): void {
    this.mirror?.note(text, this.out.columns, this.out.rows);
  }

  /** The chrome was just repainted (maybe over the panes): every pane is drawn in full next frame. */
  invalidate(): void {
    if (this.disposed) return;
    this.chrome.forget();
    this.chromeDirty = true;
    for (const view of this.views) {
      view.forget();
      this.dirty.add(view.spec.id);
    }
    this.schedule();
  }

  /**
   * Composes a frame now, outside the rate cap, and returns it instead of writing it (the
   * caller writes it with its own output); `full` repaints every pane. Used after Ink writes.
   */
  composeNow(full: boolean): string {
    if (this.disposed) return '';
    if (full) this.invalidate();
    this.cancelTimer();
    return this.compose() ? this.writer.text() : '';
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.views = [];
    this.dirty.clear();
  }

  /** Whether a frame is scheduled (for tests and the bench: idle means no timer). */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  // Agents draw in frames too (an Ink app such as Claude Code writes at most 30 a second), so a
  // change is drawn as it arrives, before the process sleeps again: waking up costs more than
  // drawing. A change that comes less than `interval` after the last frame (the rest of a write
  // split across reads, an early frame) waits for the agent's next write, which draws it too, or
  // for a timer two intervals after the last frame. A shorter timer would fire just before the
  // agent's next frame and, from then on, every frame would cost a wake-up of its own.
  private schedule(): void {
    if (this.dirty.size === 0 && !this.chromeDirty) return;
    const due = performance.now() - this.lastFrameAt >= this.interval;
    if (this.timer !== undefined) {
      if ('immediate' in this.timer || !due) return;
      clearTimeout(this.timer.timeout);
    }
    if (due) this.timer = { immediate: setImmediate(this.onTimer) };
    else this.timer = { timeout: setTimeout(this.onTimer, this.lastFrameAt + 2 * this.interval - performance.now()) };
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if ((this.out.writableLength ?? 0) > BACKLOG_LIMIT) {
      this.lastFrameAt = performance.now();
      this.schedule();
      return;
    }
    if (!this.compose()) return;
    // The writer's own bytes, neither copied nor decoded: a terminal takes them at once, and when
    // the stream queues some instead, the writer leaves that buffer to it.
    this.out.write(this.writer.view());
    if ((this.out.writableLength ?? 0) > 0) this.writer.release();
  };

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    if ('immediate' in this.timer) clearImmediate(this.timer.immediate);
    else clearTimeout(this.timer.timeout);
    this.timer = undefined;
  }

  // A pane may scroll the terminal, full width, when the chrome beside it can be put back and
  // no other pane shares its rows.
  private canScroll(view: PaneView): boolean {
    if (!this.mirror?.shows(this.cols, this.rows)) return false;
    const { y, height } = view.clip;
    return this.views.every((v) => v === view || v.clip.height === 0 || v.clip.y >= y + height || v.clip.y + v.clip.height <= y);
  }

  // The chrome on the rows `view` just scrolled moved with them: back in place, clocks included.
  private repairChrome(view: PaneView): void {
    const s = view.scrolled!;
    this.mirror!.repair(this.writer, s, view.clip.x, view.clip.x + view.clip.width, (y) => this.chrome.drewOn(y));
    this.chrome.forgetRows(s.top, s.bottom);
    this.chromeDirty = true;
  }

  private syncSize(): boolean {
    if (this.out.columns === this.cols && this.out.rows === this.rows) return false;
    this.cols = this.out.columns;
    this.rows = this.out.rows;
    return true;
  }

  // The whole frame in the writer (true when there is one), bracketed by cursor save/restore so that Ink's relative
  // cursor bookkeeping still holds afterwards.
  private compose(): boolean {
    this.lastFrameAt = performance.now();
    if (this.syncSize()) {
      // The old rects belong to the old layout: draw nothing until setPanes brings the new ones.
      this.views = [];
      this.dirty.clear();
      this.chrome.set([]);
      this.chromeDirty = false;
    }
    if (this.dirty.size === 0 && !this.chromeDirty) return false;
    const w = this.writer;
    w.reset();
    w.ascii(SAVE_CURSOR);
    let drew = false;
    for (const view of this.views) {
      if (!this.dirty.has(view.spec.id)) continue;
      if (view.draw(w, this.canScroll(view))) drew = true;
      if (view.scrolled) this.repairChrome(view);
    }
    this.dirty.clear();
    const chrome = this.chromeDirty && this.chrome.draw(w, this.cols, this.rows);
    this.chromeDirty = false;
    if (!drew && !chrome) return false;
    if (drew) this.frameCount++;
    w.ascii(RESET_STYLE + RESTORE_CURSOR);
    return true;
  }
}
