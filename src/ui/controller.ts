/**
 * The TUI's effects, outside React: runs the router's commands against the supervisor, feeds
 * supervisor events into the store, keeps the PTY sizes and the compositor's panes in line with
 * the layout, and runs the only timers (message expiry, elapsed-time redraws) — each one-shot,
 * none while nothing can change. Elapsed times tick without a chrome render: the store's clock
 * moves quietly and the compositor redraws the rows that show it.
 */
import type { Disposable } from '../session/events.js';
import { clockRows } from './clock.js';
import type { PaneSpec, TextRow } from './compositor/index.js';
import type { Command, Keymap } from './keys/keymap.js';
import { InputRouter, type RouterTarget, type RouterView } from './keys/router.js';
import { LandingActions, type LandingFactory } from './landing.js';
import type { MemoryAccess } from './memory.js';
import { agentSizes, hasTerminal, visibleSlots } from './panes.js';
import { nextElapsedChange } from './state/format.js';
import { isLive, selectedAgent } from './state/reducer.js';
import type { Store } from './state/store.js';
import type { AgentAction, AppState, MessageLevel } from './state/types.js';
import type { TuiSupervisor } from './types.js';

/** The compositor as the controller uses it. */
export interface PaneSink {
  setPanes(panes: PaneSpec[]): void;
  markDirty(id: string): void;
  /** The chrome rows that show elapsed times, as they should read now (see clock.ts). */
  setChrome?(rows: TextRow[]): void;
}

export interface ControllerDeps {
  store: Store;
  keymap: Keymap;
  panes: PaneSink;
  /** Raw writes to the user's terminal (bracketed paste on/off while attached). */
  write(s: string): void;
  /** The user confirmed quitting, or asked while nothing runs. */
  onQuit(): void;
  now?: () => number;
  /** Where the diff view and landing come from (default: src/land/ on the supervisor's config). */
  landing?: LandingFactory;
  /** What the memory view reads (undefined until the supervisor is there). */
  memory?: () => MemoryAccess | undefined;
}

const MESSAGE_MS = { info: 4000, warn: 8000, error: 8000 } as const;
const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/** Connects the store, the router, the supervisor and the compositor. */
export class TuiController {
  private sup: TuiSupervisor | undefined;
  private readonly router: InputRouter;
  private readonly subs: Disposable[] = [];
  private readonly unsubscribe: () => void;
  private readonly sizes = new Map<string, string>();
  private visible = new Set<string>();
  private panesKey = '';
  private prev: AppState;
  private tickTimer: ReturnType<typeof setTimeout> | undefined;
  private messageTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly now: () => number;
  private readonly screenIds = new WeakMap<object, number>();
  private nextScreenId = 1;
  private readonly landing: LandingActions;

  constructor(private readonly deps: ControllerDeps) {
    this.router = new InputRouter(deps.keymap);
    this.now = deps.now ?? Date.now;
    this.landing = new LandingActions({ store: deps.store, supervisor: () => this.sup, message: (t, l) => this.message(t, l), factory: deps.landing });
    this.prev = deps.store.getState();
    this.unsubscribe = deps.store.subscribe(() => this.afterChange());
    this.syncOutside(this.prev, true);
    this.deps.panes.setChrome?.(clockRows(this.prev, deps.keymap.detachKey));
    this.scheduleTick(this.prev);
  }

  /** The supervisor is ready (it is created after the first frame): follow it from now on. */
  connect(sup: TuiSupervisor): void {
    this.sup = sup;
    const { dispatch } = this.deps.store;
    this.subs.push(
      sup.on('status', (agent) => {
        const before = this.deps.store.getState().agents.find((a) => a.name === agent.name)?.status;
        dispatch({ type: 'agent', agent });
        if (agent.status === 'needs-input' && before !== 'needs-input') this.hintInput(agent.name);
      }),
      sup.on('message', (text) => this.message(text)),
      sup.on('output', (name) => {
        if (this.visible.has(name)) this.deps.panes.markDirty(name);
      }),
    );
    const agents = sup.agents();
    if (agents.length > 0) dispatch({ type: 'agents', agents });
    this.syncOutside(this.deps.store.getState(), true);
  }

  /** Every agent has been launched. */
  started(): void {
    if (!this.sup) return;
    this.deps.store.dispatch({ type: 'agents', agents: this.sup.agents() });
    this.deps.store.dispatch({ type: 'started' });
  }

  /** Raw input from the terminal. */
  input(data: string): void {
    this.router.feed(data, this.target);
  }

  /** Shows `text` in the status line for a few seconds. */
  message(text: string, level: MessageLevel = 'info'): void {
    if (this.disposed) return;
    const { store } = this.deps;
    store.dispatch({ type: 'message', text, level });
    const seq = store.getState().message?.seq ?? 0;
    clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => store.dispatch({ type: 'clearMessage', seq }), MESSAGE_MS[level]);
  }

  /** An agent asks a question: say how to answer it, unless the user is already typing to it. */
  private hintInput(name: string): void {
    const state = this.deps.store.getState();
    const index = state.agents.findIndex((a) => a.name === name);
    if (state.attached && index === state.selected) return;
    const how = index === state.selected ? 'enter' : `${index + 1} then enter`;
    this.message(`${name} is waiting for an answer — ${how} to attach and reply`, 'warn');
  }

  /** The terminal changed size. */
  resize(cols: number, rows: number): void {
    this.deps.store.dispatch({ type: 'resize', cols, rows });
  }

  /** How many agents still run (asked before quitting). */
  running(): number {
    return this.deps.store.getState().agents.filter(isLive).length;
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    for (const s of this.subs) s.dispose();
    this.subs.length = 0;
    clearTimeout(this.tickTimer);
    clearTimeout(this.messageTimer);
    if (this.prev.attached) this.deps.write(BRACKETED_PASTE_OFF);
  }

  private readonly target: RouterTarget = {
    view: (): RouterView => {
      const s = this.deps.store.getState();
      const a = selectedAgent(s);
      return {
        dialog: s.dialog?.kind,
        attached: s.attached,
        handoff: s.handoff !== undefined,
        diff: s.diff !== undefined,
        memory: s.memory !== undefined,
        typing: Boolean(s.memory?.typing),
        agentPaste: Boolean(a && this.sup?.session(a.name)?.screen.modes.bracketedPasteMode),
      };
    },
    run: (command, arg) => this.run(command, arg),
    forward: (data) => {
      const a = selectedAgent(this.deps.store.getState());
      if (a) this.sup?.write(a.name, data);
    },
    type: (key) => this.typeSearch(key),
  };

  /** Carries out one command of the key table. */
  run(command: Command, arg?: number): void {
    const { store } = this.deps;
    const { dispatch } = store;
    const state = store.getState();
    const agent = selectedAgent(state);
    switch (command) {
      case 'select':
        dispatch({ type: 'select', index: arg ?? 0 });
        if (state.diff && store.getState().selected !== state.selected) this.landing.openDiff();
        if (state.memory && store.getState().selected !== state.selected) this.openMemory();
        return;
      case 'diff':
        return this.landing.toggleDiff();
      case 'land':
        return this.landing.askLand();
      case 'memory':
        return state.memory ? dispatch({ type: 'closeMemory' }) : this.openMemory();
      case 'memoryFind':
        return dispatch({ type: 'memoryTyping', typing: true });
      case 'next':
        return dispatch({ type: 'move', delta: 1 });
      case 'prev':
        return dispatch({ type: 'move', delta: -1 });
      case 'attach':
        if (!agent) return;
        if (!isLive(agent)) return this.message(`${agent.name} has ended (${agent.status}); r restarts it`);
        if (!this.sup?.session(agent.name)) return this.message(`${agent.name} is still starting`);
        this.followOutput(agent.name);
        return dispatch({ type: 'attach' });
      case 'detach':
        return dispatch({ type: 'detach' });
      case 'grid':
        return dispatch({ type: 'toggleGrid' });
      case 'handoff':
        if (state.handoff) return dispatch({ type: 'closeHandoff' });
        dispatch({ type: 'openHandoff' });
        return this.loadHandoff();
      case 'back':
        if (state.dialog) return dispatch({ type: 'closeDialog' });
        if (state.diff) return dispatch({ type: 'closeDiff' });
        if (state.memory) return dispatch({ type: 'closeMemory' });
        return dispatch({ type: 'closeHandoff' });
      case 'sync':
        return this.sync();
      case 'restart':
      case 'stop':
        if (!agent) return;
        if (!this.sup) return this.message('the agents are still starting');
        // A stopped agent restarts at once; a running one is only interrupted after a y.
        if (isLive(agent)) return dispatch({ type: 'askAgent', action: command, agent: agent.name });
        return command === 'restart' ? this.act('restart', agent.name) : this.message(`${agent.name} is not running`);
      case 'startOver':
        if (!agent) return;
        if (!this.sup) return this.message('the agents are still starting');
        if (isLive(agent)) return this.message(`${agent.name} is running; r restarts it, x stops it`);
        return this.act('startOver', agent.name);
      case 'help':
        return dispatch({ type: 'openHelp' });
      case 'quit': {
        const running = this.running();
        if (running === 0) return this.deps.onQuit();
        return dispatch({ type: 'askQuit', running });
      }
      case 'yes':
        // The land dialog stays until its plan is checked and says it can land.
        if (state.dialog?.kind === 'land' && !LandingActions.canLand(state.dialog)) return;
        dispatch({ type: 'closeDialog' });
        if (state.dialog?.kind === 'agent') return this.act(state.dialog.action, state.dialog.agent);
        if (state.dialog?.kind === 'land') return this.landing.confirm(state.dialog);
        return this.deps.onQuit();
      case 'no':
        return dispatch({ type: 'closeDialog' });
      case 'pageUp':
      case 'pageDown':
        if (state.diff) return dispatch({ type: 'diffScroll', delta: (command === 'pageUp' ? -1 : 1) * this.handoffPage() });
        if (state.memory) return dispatch({ type: 'memoryScroll', delta: (command === 'pageUp' ? -1 : 1) * this.handoffPage() });
        if (state.handoff) return dispatch({ type: 'handoffScroll', delta: (command === 'pageUp' ? -1 : 1) * this.handoffPage() });
        return this.scrollPane(command === 'pageUp' ? -1 : 1);
      case 'lineUp':
      case 'lineDown':
        return dispatch({ type: state.diff ? 'diffScroll' : state.memory ? 'memoryScroll' : 'handoffScroll', delta: command === 'lineUp' ? -1 : 1 });
      case 'bottom':
        if (agent) this.followOutput(agent.name);
        return;
      case 'tabNext':
        return dispatch({ type: 'handoffTab', delta: 1 });
      case 'tabPrev':
        return dispatch({ type: 'handoffTab', delta: -1 });
    }
  }

  private handoffPage(): number {
    const s = this.deps.store.getState();
    return Math.max(1, s.rows - 8);
  }

  private loadHandoff(): void {
    const sup = this.sup;
    const { dispatch } = this.deps.store;
    if (!sup) return dispatch({ type: 'handoffFailed', error: 'the agents are still starting' });
    // Yield first: reading the handoffs may build the token encoder (a few hundred ms), and the
    // `reading handoffs…` frame should be on screen before that.
    setTimeout(() => {
      if (this.disposed) return;
      sup.handoffView().then(
        (data) => dispatch({ type: 'handoffLoaded', data }),
        (err: unknown) => dispatch({ type: 'handoffFailed', error: errorText(err) }),
      );
    }, 0);
  }

  /** `M`: the selected agent's injection record, read from disk. */
  private openMemory(): void {
    const agent = selectedAgent(this.deps.store.getState());
    if (!agent) return;
    const { dispatch } = this.deps.store;
    dispatch({ type: 'openMemory', agent: agent.name });
    const access = this.deps.memory?.();
    if (!access) return dispatch({ type: 'memoryLoaded', agent: agent.name, error: 'the agents are still starting' });
    access.why(agent.name).then(
      (record) => dispatch({ type: 'memoryLoaded', agent: agent.name, record }),
      (err: unknown) => dispatch({ type: 'memoryLoaded', agent: agent.name, error: errorText(err) }),
    );
  }

  /** A key for the memory view's search box. */
  private typeSearch(key: string): void {
    const { dispatch, getState } = this.deps.store;
    const panel = getState().memory;
    if (!panel) return;
    if (key === 'esc') return dispatch({ type: 'memoryTyping', typing: false });
    if (key === 'backspace') return dispatch({ type: 'memoryQuery', query: [...panel.query].slice(0, -1).join('') });
    if (key === 'enter') {
      const query = panel.query.trim();
      if (!query) return dispatch({ type: 'memoryTyping', typing: false });
      dispatch({ type: 'memorySearch', query });
      const access = this.deps.memory?.();
      const found = access ? access.search(query) : Promise.reject(new Error('the agents are still starting'));
      found.then(
        (rows) => dispatch({ type: 'memoryResults', query, rows }),
        (err: unknown) => dispatch({ type: 'memoryResults', query, error: errorText(err) }),
      );
      return;
    }
    const text = key === 'space' ? ' ' : key;
    if ([...text].length === 1 && text >= ' ') dispatch({ type: 'memoryQuery', query: panel.query + text });
  }

  private sync(): void {
    const sup = this.sup;
    if (!sup) return this.message('the agents are still starting; sync once they run');
    this.message('syncing handoffs…');
    sup.sync().then(
      () => {
        if (this.deps.store.getState().handoff) this.loadHandoff();
      },
      (err: unknown) => this.message(`sync failed: ${errorText(err)}`, 'error'),
    );
  }

  private act(action: AgentAction | 'startOver', name: string): void {
    const sup = this.sup;
    if (!sup) return this.message('the agents are still starting');
    const [doing, done] = action === 'restart' ? ['restarting', 'restarted'] : action === 'startOver' ? ['starting over', 'started over'] : ['stopping', 'stopped'];
    this.message(`${doing} ${name}…`);
    (action === 'stop' ? sup.stopAgent(name) : sup.restartAgent(name, action === 'startOver')).then(
      () => this.message(`${done} ${name}`),
      (err: unknown) => this.message(`${name}: ${errorText(err)}`, 'error'),
    );
  }

  private scrollPane(direction: number): void {
    const state = this.deps.store.getState();
    const agent = selectedAgent(state);
    const screen = agent && this.sup?.session(agent.name)?.screen;
    if (!agent || !screen) return;
    screen.scrollLines(direction * Math.max(1, screen.rows - 1));
    this.deps.panes.markDirty(agent.name);
    this.deps.store.dispatch({ type: 'scrolledBack', agent: agent.name, back: screen.snapshot().viewportOffset > 0 });
  }

  private followOutput(name: string): void {
    const screen = this.sup?.session(name)?.screen;
    if (screen && this.deps.store.getState().scrolledBack.includes(name)) {
      screen.scrollToBottom();
      this.deps.panes.markDirty(name);
    }
    this.deps.store.dispatch({ type: 'scrolledBack', agent: name, back: false });
  }

  private afterChange(): void {
    if (this.disposed) return;
    const next = this.deps.store.getState();
    const prev = this.prev;
    this.prev = next;
    if (prev.attached !== next.attached) this.deps.write(next.attached ? BRACKETED_PASTE_ON : BRACKETED_PASTE_OFF);
    this.syncOutside(next, false);
    this.deps.panes.setChrome?.(clockRows(next, this.deps.keymap.detachKey));
    if (prev.agents !== next.agents || prev.now !== next.now) this.scheduleTick(next);
  }

  /** PTY sizes and the compositor's panes follow the state. */
  private syncOutside(state: AppState, force: boolean): void {
    const sup = this.sup;
    if (sup) {
      for (const [name, size] of agentSizes(state)) {
        const session = sup.session(name);
        if (!session) continue;
        // Keyed by the screen too: a restart brings a new session at the supervisor's first size.
        const key = `${this.screenId(session.screen)}:${size.cols}x${size.rows}`;
        if (!force && this.sizes.get(name) === key) continue;
        this.sizes.set(name, key);
        sup.resize(name, size.cols, size.rows);
      }
    }
    const specs: PaneSpec[] = visibleSlots(state)
      .filter((slot) => hasTerminal(state.agents[slot.index]!))
      .map((slot) => ({
      id: slot.id,
      rect: slot.content,
      screen: sup?.session(slot.id)?.screen,
      showCursor: state.attached && slot.index === state.selected,
    }));
    const key = JSON.stringify(specs.map((s) => [s.id, s.rect, s.showCursor, s.screen ? this.screenId(s.screen) : 0]));
    if (key === this.panesKey && !force) return;
    this.panesKey = key;
    this.visible = new Set(specs.map((s) => s.id));
    this.deps.panes.setPanes(specs);
  }

  // A restart brings a new Screen for the same agent; each Screen object gets a stable number.
  private screenId(screen: object): number {
    let id = this.screenIds.get(screen);
    if (id === undefined) {
      id = this.nextScreenId++;
      this.screenIds.set(screen, id);
    }
    return id;
  }

  private scheduleTick(state: AppState): void {
    clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    const now = this.now();
    const wait = nextElapsedChange(state.agents, now);
    if (wait === undefined) return;
    this.tickTimer = setTimeout(() => this.tick(), wait + 5);
  }

  private tick(): void {
    if (this.disposed) return;
    const { store } = this.deps;
    store.advance({ type: 'tick', now: this.now() });
    const state = store.getState();
    this.prev = state;
    this.deps.panes.setChrome?.(clockRows(state, this.deps.keymap.detachKey));
    this.scheduleTick(state);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
