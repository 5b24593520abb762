/**
 * The one input router (SPEC §5): each chunk of raw input goes to the open dialog, else to the
 * global keys, else to the focused view, else — when attached — to the agent, byte for byte.
 */
import { keyBytes, keyName, PASTE_END, PASTE_START, tokenize } from './keys.js';
import { dialogScope, type Command, type DialogKind, type Keymap, type Scope } from './keymap.js';

/** What the router needs to know about the screen right now; read again after every command. */
export interface RouterView {
  dialog?: DialogKind;
  /** Keys go to the selected agent. */
  attached: boolean;
  /** The handoff view is the focused view (else the panes). */
  handoff: boolean;
  /** The diff view is open: its keys come before the global ones (q closes it, not the app). */
  diff?: boolean;
  /** The memory view is open: its keys come first, like the diff view's. */
  memory?: boolean;
  /** A text box takes the keys (the memory view's search): each goes to `type`. */
  typing?: boolean;
  /** The attached agent turned bracketed paste on: pastes reach it wrapped in their markers. */
  agentPaste: boolean;
}

export interface RouterTarget {
  view(): RouterView;
  run(command: Command, arg?: number): void;
  /** Bytes for the attached agent. */
  forward(data: string): void;
  /** A key for the open text box, by name (`a`, `space`, `backspace`, `enter`, `esc`). */
  type?(key: string): void;
}

type PasteMode = 'none' | 'forward' | 'strip' | 'discard';

/** Routes raw input; remembers only whether a paste is in progress. */
export class InputRouter {
  private paste: PasteMode = 'none';
  private readonly detachBytes: string;

  constructor(private readonly keymap: Keymap) {
    this.detachBytes = keyBytes(keymap.detachKey) ?? '\x1d';
  }

  /** Routes one chunk of raw input. */
  feed(data: string, target: RouterTarget): void {
    let rest = data;
    while (rest.length > 0) {
      if (this.paste !== 'none') {
        rest = this.continuePaste(rest, target);
        continue;
      }
      const view = target.view();
      rest = !view.dialog && view.attached ? this.attached(rest, target, view) : this.keys(rest, target);
    }
  }

  /** Attached: everything goes to the agent except the detach key; a paste is never a detach. */
  private attached(data: string, target: RouterTarget, view: RouterView): string {
    const detach = data.indexOf(this.detachBytes);
    const paste = data.indexOf(PASTE_START);
    if (paste >= 0 && (detach < 0 || paste < detach)) {
      if (paste > 0) target.forward(data.slice(0, paste));
      this.paste = view.agentPaste ? 'forward' : 'strip';
      if (this.paste === 'forward') target.forward(PASTE_START);
      return data.slice(paste + PASTE_START.length);
    }
    if (detach < 0) {
      target.forward(data);
      return '';
    }
    if (detach > 0) target.forward(data.slice(0, detach));
    target.run('detach');
    return data.slice(detach + this.detachBytes.length);
  }

  /** The inside of a paste, up to and including its end marker. */
  private continuePaste(data: string, target: RouterTarget): string {
    const end = data.indexOf(PASTE_END);
    const content = end < 0 ? data : data.slice(0, end);
    if (this.paste === 'forward') target.forward(end < 0 ? content : content + PASTE_END);
    else if (this.paste === 'strip' && content) target.forward(content);
    if (end < 0) return '';
    this.paste = 'none';
    return data.slice(end + PASTE_END.length);
  }

  /** Not attached: key by key through dialog, global and view bindings; returns what is left when a key attached. */
  private keys(data: string, target: RouterTarget): string {
    const tokens = tokenize(data);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.startsWith(PASTE_START)) {
        // A paste is text for an agent, never a string of commands.
        if (!token.endsWith(PASTE_END)) this.paste = 'discard';
        continue;
      }
      const view = target.view();
      if (view.typing && !view.dialog) {
        target.type?.(keyName(token));
        continue;
      }
      const hit = this.resolve(view, keyName(token));
      if (!hit) continue;
      target.run(hit.command, hit.arg);
      const after = target.view();
      if (!after.dialog && after.attached) return tokens.slice(i + 1).join('');
    }
    return '';
  }

  private resolve(view: RouterView, key: string): { command: Command; arg?: number } | undefined {
    if (view.dialog) return this.keymap.lookup(dialogScope(view.dialog), key);
    if (view.diff) return this.keymap.lookup('diff', key) ?? this.keymap.lookup('global', key);
    if (view.memory) return this.keymap.lookup('memory', key) ?? this.keymap.lookup('global', key);
    const focused: Scope = view.handoff ? 'handoff' : 'panes';
    return this.keymap.lookup('global', key) ?? this.keymap.lookup(focused, key);
  }
}
