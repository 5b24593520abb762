/** Holds the app state outside React, so the input router and the controller read it synchronously. */
import { reducer } from './reducer.js';
import type { Action, AppState } from './types.js';

/** The app state and its subscribers. */
export class Store {
  private state: AppState;
  private readonly listeners = new Set<() => void>();

  constructor(initial: AppState) {
    this.state = initial;
  }

  readonly getState = (): AppState => this.state;

  /** Applies `action`; listeners run only when the state actually changed. */
  readonly dispatch = (action: Action): void => {
    const next = reducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  };

  /**
   * Applies `action` without telling anyone: for changes drawn outside React (the clocks, see
   * clock.ts). The next render for another reason shows them too.
   */
  readonly advance = (action: Action): void => {
    this.state = reducer(this.state, action);
  };

  /** For useSyncExternalStore and the controller; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
