/**
 * Key bindings as data: a command enum and a default map, overridable per command. The router,
 * the key bar and the help overlay all read this one table.
 */

export const COMMANDS = [
  'select',
  'next',
  'prev',
  'attach',
  'detach',
  'grid',
  'handoff',
  'sync',
  'restart',
  'startOver',
  'stop',
  'help',
  'quit',
  'pageUp',
  'pageDown',
  'lineUp',
  'lineDown',
  'bottom',
  'tabNext',
  'tabPrev',
  'back',
  'yes',
  'no',
  'diff',
  'land',
  'memory',
  'memoryFind',
] as const;
export type Command = (typeof COMMANDS)[number];

/**
 * Where a binding applies. `global` works whenever no dialog is open and no agent is attached;
 * `panes` and `handoff` are the focused views; `attached` holds only the way out; `confirm` (quit),
 * `confirmAgent` (restart or stop a running agent) and `help` are dialogs.
 */
export type Scope = 'global' | 'panes' | 'handoff' | 'diff' | 'memory' | 'attached' | 'confirm' | 'confirmAgent' | 'help';

/** The dialogs the router knows, by kind. */
export type DialogKind = 'quit' | 'agent' | 'land' | 'help';

/** The scope whose keys an open dialog takes. */
export function dialogScope(kind: DialogKind): 'confirm' | 'confirmAgent' | 'help' {
  // Landing, like restarting a running agent, goes ahead on y only.
  return kind === 'quit' ? 'confirm' : kind === 'agent' || kind === 'land' ? 'confirmAgent' : 'help';
}

export interface Binding {
  scope: Scope;
  command: Command;
  /** Key names (see keys.ts). For `select`, the n-th key selects the n-th agent. */
  keys: string[];
  /** What the help overlay says. */
  help: string;
  /** Shown on the previous binding's help row, key by key (`j/k, ↓/↑`): a pair such as next and previous. */
  helpJoin?: boolean;
  /** Shown in the key bar as `<keys> <label>`. */
  bar?: { label: string; keys?: string; priority: number };
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The default map. Bar priorities: the lowest goes first when the bar is too narrow. */
export const DEFAULT_BINDINGS: readonly Binding[] = [
  { scope: 'global', command: 'select', keys: DIGITS, help: 'select agent 1–9', bar: { label: 'select', keys: '1-9', priority: 8 } },
  { scope: 'panes', command: 'attach', keys: ['enter'], help: 'attach: your keys go to the selected agent', bar: { label: 'attach', priority: 9 } },
  { scope: 'attached', command: 'detach', keys: ['ctrl-]'], help: 'detach from the agent', bar: { label: 'detach', priority: 4 } },
  { scope: 'global', command: 'grid', keys: ['g'], help: 'all agents tiled, or the selected one', bar: { label: 'grid', priority: 3 } },
  { scope: 'global', command: 'handoff', keys: ['h'], help: 'the merged team handoff (h or esc to leave)', bar: { label: 'handoff', priority: 6 } },
  { scope: 'global', command: 'diff', keys: ['d'], help: "the selected agent's changes against base, with its commits (q or esc to leave)" },
  { scope: 'global', command: 'land', keys: ['m'], help: "land: merge the selected agent's branch into base (shows the diff stat and any conflict, asks first), then sync" },
  { scope: 'global', command: 'memory', keys: ['M'], help: 'memory: what the selected agent was given, and why; / searches' },
  { scope: 'global', command: 'sync', keys: ['s'], help: "sync: merge every agent's handoff and hand it to all", bar: { label: 'sync', priority: 5 } },
  { scope: 'global', command: 'restart', keys: ['r'], help: 'restart the selected agent with a fresh handoff, continuing its conversation; also a finished one (asks first while it runs)', bar: { label: 'restart', priority: 2 } },
  { scope: 'global', command: 'startOver', keys: ['n'], help: 'start a finished agent over: a new conversation with the current team handoff', bar: { label: 'new', priority: 0 } },
  { scope: 'global', command: 'stop', keys: ['x'], help: 'stop the selected agent (asks first)', bar: { label: 'stop', priority: 1 } },
  { scope: 'global', command: 'help', keys: ['?'], help: 'this help', bar: { label: 'help', priority: 10 } },
  { scope: 'global', command: 'quit', keys: ['q', 'ctrl-c'], help: 'quit: stop every agent, capture handoffs', bar: { label: 'quit', priority: 11 } },
  { scope: 'panes', command: 'next', keys: ['j', 'down'], help: 'select the next / previous agent' },
  { scope: 'panes', command: 'prev', keys: ['k', 'up'], help: 'select the previous agent', helpJoin: true },
  { scope: 'panes', command: 'pageUp', keys: ['pgup'], help: "scroll the pane back / forward through the agent's output" },
  { scope: 'panes', command: 'pageDown', keys: ['pgdn'], help: 'scroll the pane forward', helpJoin: true },
  { scope: 'panes', command: 'bottom', keys: ['end'], help: 'follow the output again' },
  { scope: 'handoff', command: 'tabNext', keys: ['tab', 'right', 'l'], help: 'next tab (team, then each agent)', bar: { label: 'tabs', keys: 'tab/←→', priority: 4 } },
  { scope: 'handoff', command: 'tabPrev', keys: ['shift-tab', 'left'], help: 'previous tab' },
  { scope: 'handoff', command: 'lineDown', keys: ['j', 'down'], help: 'scroll down / up a line', bar: { label: 'scroll', keys: 'j/k', priority: 3 } },
  { scope: 'handoff', command: 'lineUp', keys: ['k', 'up'], help: 'scroll up a line', helpJoin: true },
  { scope: 'handoff', command: 'pageDown', keys: ['pgdn', 'space'], help: 'scroll down / up a page', bar: { label: 'page', keys: 'pgup/pgdn', priority: 2 } },
  { scope: 'handoff', command: 'pageUp', keys: ['pgup'], help: 'scroll up a page', helpJoin: true },
  { scope: 'handoff', command: 'back', keys: ['esc'], help: 'back to the panes', bar: { label: 'back', keys: 'h/esc', priority: 9 } },
  { scope: 'diff', command: 'lineDown', keys: ['j', 'down'], help: 'scroll down a line', bar: { label: 'scroll', keys: 'j/k', priority: 3 } },
  { scope: 'diff', command: 'lineUp', keys: ['k', 'up'], help: 'scroll up a line' },
  { scope: 'diff', command: 'pageDown', keys: ['pgdn', 'space'], help: 'scroll down a page', bar: { label: 'page', keys: 'pgup/pgdn', priority: 2 } },
  { scope: 'diff', command: 'pageUp', keys: ['pgup'], help: 'scroll up a page' },
  { scope: 'diff', command: 'back', keys: ['q', 'esc', 'd'], help: 'back to the panes', bar: { label: 'back', keys: 'q/esc', priority: 9 } },
  { scope: 'memory', command: 'memoryFind', keys: ['/'], help: 'type a search; enter runs it, esc stops typing', bar: { label: 'search', priority: 4 } },
  { scope: 'memory', command: 'lineDown', keys: ['j', 'down'], help: 'scroll down a line', bar: { label: 'scroll', keys: 'j/k', priority: 3 } },
  { scope: 'memory', command: 'lineUp', keys: ['k', 'up'], help: 'scroll up a line' },
  { scope: 'memory', command: 'pageDown', keys: ['pgdn', 'space'], help: 'scroll down a page' },
  { scope: 'memory', command: 'pageUp', keys: ['pgup'], help: 'scroll up a page' },
  { scope: 'memory', command: 'back', keys: ['q', 'esc', 'M'], help: 'back to the panes', bar: { label: 'back', keys: 'q/esc', priority: 9 } },
  { scope: 'confirm', command: 'yes', keys: ['y', 'Y', 'ctrl-c'], help: 'yes', bar: { label: 'yes', priority: 2 } },
  { scope: 'confirm', command: 'no', keys: ['n', 'N', 'esc', 'q'], help: 'no', bar: { label: 'no', priority: 2 } },
  // Only y acts on a running agent; ctrl-c backs out here, it never confirms a restart or a stop.
  { scope: 'confirmAgent', command: 'yes', keys: ['y', 'Y'], help: 'yes', bar: { label: 'yes', priority: 2 } },
  { scope: 'confirmAgent', command: 'no', keys: ['n', 'N', 'esc', 'q', 'ctrl-c'], help: 'no', bar: { label: 'no', priority: 2 } },
  { scope: 'help', command: 'back', keys: ['esc', '?', 'q', 'enter', 'space'], help: 'close the help', bar: { label: 'close', keys: 'esc', priority: 2 } },
];

export type KeyOverrides = Partial<Record<Command, string[]>>;

export interface Keymap {
  bindings: readonly Binding[];
  /** The command (and agent index, for select) a key runs in a scope. */
  lookup(scope: Scope, key: string): { command: Command; arg?: number } | undefined;
  /** The detach key's name. */
  detachKey: string;
}

/** The default map with some commands' keys replaced (e.g. `{ detach: ['ctrl-a'] }`). */
export function createKeymap(overrides: KeyOverrides = {}): Keymap {
  const bindings = DEFAULT_BINDINGS.map((b) => {
    const keys = overrides[b.command];
    if (!keys || keys.length === 0) return b;
    // The bar shows the new first key unless the label names a range of its own.
    const bar = b.bar && b.command !== 'select' ? { ...b.bar, keys: undefined } : b.bar;
    return { ...b, keys, bar };
  });
  const table = new Map<string, { command: Command; arg?: number }>();
  for (const b of bindings) {
    b.keys.forEach((key, i) => {
      const id = `${b.scope}\0${key}`;
      if (!table.has(id)) table.set(id, b.command === 'select' ? { command: b.command, arg: i } : { command: b.command });
    });
  }
  const detach = bindings.find((b) => b.command === 'detach');
  return {
    bindings,
    lookup: (scope, key) => table.get(`${scope}\0${key}`),
    detachKey: detach?.keys[0] ?? 'ctrl-]',
  };
}

/** The key bar's contexts: what the user can do right now. */
export type BarContext = 'panes' | 'attached' | 'handoff' | 'diff' | 'memory' | 'confirm' | 'confirmAgent' | 'help';

const BAR_SCOPES: Record<BarContext, Scope[]> = {
  panes: ['global', 'panes', 'attached'],
  attached: ['attached'],
  handoff: ['handoff', 'global'],
  diff: ['diff'],
  memory: ['memory'],
  confirm: ['confirm'],
  confirmAgent: ['confirmAgent'],
  help: ['help'],
};

export interface BarEntry {
  keys: string;
  label: string;
  priority: number;
}

/** Key bar entries for a context, in table order. */
export function barEntries(keymap: Keymap, context: BarContext): BarEntry[] {
  const entries: BarEntry[] = [];
  // The focused view's keys come first; in the panes view the table order is the SPEC's.
  const scopes = context === 'panes' ? [BAR_SCOPES.panes] : BAR_SCOPES[context].map((s) => [s]);
  for (const group of scopes) {
    for (const b of keymap.bindings) {
      if (!b.bar || !group.includes(b.scope)) continue;
      // In the handoff view `h` leaves (the back entry says so); grid and select change nothing visible there.
      if (context === 'handoff' && (b.command === 'handoff' || b.command === 'grid' || b.command === 'select')) continue;
      entries.push({ keys: b.bar.keys ?? b.keys[0]!, label: b.bar.label, priority: b.bar.priority });
    }
  }
  return entries;
}

const SEP = ' · ';

/** The bar's text for some entries: `<keys> <label>` joined by ` · `. */
export function barText(entries: readonly BarEntry[], prefix = ' '): string {
  return prefix + entries.map((e) => `${e.keys} ${e.label}`).join(SEP);
}

/**
 * The entries that fit in `width` after a prefix: the lowest priorities go first (the bar never
 * wraps), then any dropped entry that fits again comes back, most important first.
 */
export function fitEntries(entries: readonly BarEntry[], width: number, prefixWidth = 1): BarEntry[] {
  const size = (list: readonly BarEntry[]) => prefixWidth + [...barText(list, '')].length;
  const kept = new Set(entries);
  const byPriority = [...entries].sort((a, b) => a.priority - b.priority);
  for (const e of byPriority) {
    if (size(entries.filter((x) => kept.has(x))) <= width) break;
    kept.delete(e);
  }
  for (const e of byPriority.reverse()) {
    if (kept.has(e)) continue;
    kept.add(e);
    if (size(entries.filter((x) => kept.has(x))) > width) kept.delete(e);
  }
  return entries.filter((e) => kept.has(e));
}

const ARROWS: Record<string, string> = { up: '↑', down: '↓', left: '←', right: '→' };
const pretty = (key: string) => ARROWS[key] ?? key;

/** Help overlay sections, generated from the same table. */
export function helpSections(keymap: Keymap): { title: string; rows: { keys: string; help: string }[] }[] {
  const titles: [Scope[], string][] = [
    [['global', 'panes', 'attached'], 'Agents and panes'],
    [['handoff'], 'Handoff view'],
  ];
  return titles.map(([scopes, title]) => {
    const rows: { keys: string; help: string }[] = [];
    for (const b of keymap.bindings.filter((x) => scopes.includes(x.scope))) {
      const prev = rows.at(-1);
      if (b.helpJoin && prev) {
        // Key by key: `j/k, ↓/↑`.
        const theirs = prev.keys.split(', ');
        const count = Math.max(theirs.length, b.keys.length);
        prev.keys = Array.from({ length: count }, (_, i) => [theirs[i], b.keys[i] && pretty(b.keys[i])].filter(Boolean).join('/')).join(', ');
        continue;
      }
      rows.push({ keys: b.command === 'select' ? `${b.keys[0]}-${b.keys[b.keys.length - 1]}` : b.keys.map(pretty).join(', '), help: b.help });
    }
    return { title, rows };
  });
}
