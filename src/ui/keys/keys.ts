/**
 * Raw terminal input ↔ key names (`q`, `enter`, `ctrl-]`, `pgup`, `shift-tab`). The router reads
 * raw bytes itself: attached mode must pass escape sequences through untouched, which a key
 * parser would mangle.
 */

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

const NAMED: Record<string, string> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x1b': 'esc',
  '\x7f': 'backspace',
  '\b': 'backspace',
  ' ': 'space',
  '\x1b[Z': 'shift-tab',
  '\x1b[A': 'up',
  '\x1b[B': 'down',
  '\x1b[C': 'right',
  '\x1b[D': 'left',
  '\x1bOA': 'up',
  '\x1bOB': 'down',
  '\x1bOC': 'right',
  '\x1bOD': 'left',
  '\x1b[5~': 'pgup',
  '\x1b[6~': 'pgdn',
  '\x1b[H': 'home',
  '\x1b[F': 'end',
  '\x1bOH': 'home',
  '\x1bOF': 'end',
  '\x1b[1~': 'home',
  '\x1b[4~': 'end',
  '\x1b[7~': 'home',
  '\x1b[8~': 'end',
  '\x1b[3~': 'delete',
};

const BYTES: Record<string, string> = {
  enter: '\r',
  tab: '\t',
  esc: '\x1b',
  backspace: '\x7f',
  space: ' ',
  'shift-tab': '\x1b[Z',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pgup: '\x1b[5~',
  pgdn: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  delete: '\x1b[3~',
};

/** Control characters 0x1c–0x1f, written as the key that makes them with ctrl. */
const CTRL_PUNCT: Record<string, string> = { '\\': '\x1c', ']': '\x1d', '^': '\x1e', _: '\x1f', '@': '\x00' };

/** The bytes a key sends (`ctrl-]` → `\x1d`); undefined for a name no terminal sends as such. */
export function keyBytes(name: string): string | undefined {
  const named = BYTES[name];
  if (named) return named;
  const ctrl = /^ctrl-(.)$/.exec(name);
  if (ctrl) {
    const c = ctrl[1]!;
    if (/[a-z]/.test(c)) return String.fromCharCode(c.charCodeAt(0) - 96);
    return CTRL_PUNCT[c];
  }
  if ([...name].length === 1) return name;
  return undefined;
}

/** The name of one key token (see tokenize). Unknown escape sequences keep their bytes as the name. */
export function keyName(token: string): string {
  const named = NAMED[token];
  if (named) return named;
  if (token.length === 1) {
    const code = token.charCodeAt(0);
    if (code >= 1 && code <= 26) return `ctrl-${String.fromCharCode(code + 96)}`;
    for (const [c, b] of Object.entries(CTRL_PUNCT)) if (b === token) return `ctrl-${c}`;
  }
  if (token.length === 2 && token[0] === '\x1b') return `alt-${keyName(token[1]!)}`;
  return token;
}

/**
 * Splits input into key tokens: CSI and SS3 sequences, alt+key, a bracketed paste as one token
 * (start marker to end marker, or to the end of the chunk), otherwise one code point each.
 * A lone trailing ESC is the esc key: terminals send a sequence in one write.
 */
export function tokenize(data: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < data.length) {
    if (data.startsWith(PASTE_START, i)) {
      const end = data.indexOf(PASTE_END, i + PASTE_START.length);
      const stop = end < 0 ? data.length : end + PASTE_END.length;
      tokens.push(data.slice(i, stop));
      i = stop;
      continue;
    }
    const c = data[i]!;
    if (c === '\x1b' && i + 1 < data.length) {
      const next = data[i + 1]!;
      if (next === '[') {
        let j = i + 2;
        while (j < data.length && !/[\x40-\x7e]/.test(data[j]!)) j++;
        const stop = Math.min(j + 1, data.length);
        tokens.push(data.slice(i, stop));
        i = stop;
        continue;
      }
      if (next === 'O' && i + 2 < data.length) {
        tokens.push(data.slice(i, i + 3));
        i += 3;
        continue;
      }
      if (next !== '\x1b') {
        const cp = String.fromCodePoint(data.codePointAt(i + 1)!);
        tokens.push(c + cp);
        i += 1 + cp.length;
        continue;
      }
    }
    const cp = String.fromCodePoint(data.codePointAt(i)!);
    tokens.push(cp);
    i += cp.length;
  }
  return tokens;
}
