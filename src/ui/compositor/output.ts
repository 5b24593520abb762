import type { PaneCompositor } from './compositor.js';
import { BEGIN_SYNC, END_SYNC } from './mirror.js';

// Writes that change nothing on screen: no repaint needed after them.
const NO_DRAWING = /^(?:\x1b\[\?25[hl])*$/;

type WriteArgs = [encoding?: unknown, cb?: unknown];

/**
 * A stdout stand-in for Ink that keeps Ink's cursor bookkeeping intact around the compositor's
 * writes. Everything but `write` is the real stream's (columns, rows, isTTY, 'resize' events).
 * After Ink draws, the panes it may have drawn over are repainted in full: inside Ink's own
 * synchronized update when it uses one, else right after the writes of the current tick.
 */
export function createInkStdout(real: NodeJS.WriteStream, compositor: PaneCompositor): NodeJS.WriteStream {
  let inSync = false;
  let drewInSync = false;
  let repaintQueued = false;
  const writeReal = (chunk: unknown, args: WriteArgs): boolean =>
    (real.write as (chunk: unknown, ...rest: unknown[]) => boolean)(chunk, ...args);

  const repaintSoon = (): void => {
    if (repaintQueued) return;
    repaintQueued = true;
    queueMicrotask(() => {
      repaintQueued = false;
      const frame = compositor.composeNow(true);
      if (frame !== '') real.write(frame);
    });
  };

  const write = (chunk: string | Uint8Array, ...args: WriteArgs): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    compositor.noteChrome(text);
    if (text === BEGIN_SYNC) {
      inSync = true;
      drewInSync = false;
      return writeReal(chunk, args);
    }
    if (text === END_SYNC && inSync) {
      inSync = false;
      const frame = drewInSync ? compositor.composeNow(true) : '';
      return writeReal(frame + END_SYNC, args);
    }
    const result = writeReal(chunk, args);
    if (!NO_DRAWING.test(text)) {
      if (inSync) drewInSync = true;
      else repaintSoon();
    }
    return result;
  };

  // Methods run on the real stream; each is bound once.
  const bound = new WeakMap<object, unknown>();
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(value);
      if (fn === undefined) {
        fn = (value as (...a: unknown[]) => unknown).bind(target);
        bound.set(value, fn);
      }
      return fn;
    },
  });
}
