/** Something to call to stop listening. */
export interface Disposable {
  dispose(): void;
}

type Listener<T> = (value: T) => void;

/** A minimal typed event emitter: `Events` maps each event name to its payload type. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Calls `listener` on every `event` until the returned handle is disposed. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): Disposable {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return { dispose: () => set.delete(listener as Listener<never>) };
  }

  /** Calls `listener` on the next `event` only. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): Disposable {
    const handle = this.on(event, (value) => {
      handle.dispose();
      listener(value);
    });
    return handle;
  }

  /** Whether anyone listens to `event` (lets a hot path skip building a payload). */
  protected hasListeners(event: keyof Events): boolean {
    const set = this.listeners.get(event);
    return set !== undefined && set.size > 0;
  }

  protected emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) (listener as Listener<Events[K]>)(value);
  }

  /** Drops every listener. */
  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
