import { describe, expect, it } from 'vitest';
import { barEntries, barText, createKeymap, fitEntries, helpSections, type Command } from './keymap.js';
import { keyBytes, keyName, tokenize } from './keys.js';
import { InputRouter, type RouterTarget, type RouterView } from './router.js';

/** A target that records what the router did and plays the commands' effect on the view. */
function harness(start: Partial<RouterView> = {}, keys = createKeymap()) {
  const view: RouterView = { attached: false, handoff: false, agentPaste: false, ...start };
  const log: string[] = [];
  const target: RouterTarget = {
    view: () => ({ ...view }),
    run: (command: Command, arg?: number) => {
      log.push(arg === undefined ? command : `${command}:${arg}`);
      if (command === 'attach') view.attached = true;
      if (command === 'detach') view.attached = false;
      if (command === 'quit') view.dialog = 'quit';
      if (command === 'restart' || command === 'stop') view.dialog = 'agent';
      if (command === 'no' || command === 'yes' || command === 'back') view.dialog = undefined;
      if (command === 'handoff') view.handoff = !view.handoff;
    },
    forward: (data) => log.push(`>${JSON.stringify(data)}`),
  };
  const router = new InputRouter(keys);
  return { log, view, feed: (data: string) => router.feed(data, target) };
}

describe('keys', () => {
  it('splits input into keys and names them', () => {
    expect(tokenize('j\x1b[A\x1b[5~\x1bOB\r\x1b')).toEqual(['j', '\x1b[A', '\x1b[5~', '\x1bOB', '\r', '\x1b']);
    expect(['\r', '\t', '\x1b[Z', '\x1b', '\x1d', '\x01', '\x1b[6~', '\x1bx', 'é'].map(keyName)).toEqual([
      'enter', 'tab', 'shift-tab', 'esc', 'ctrl-]', 'ctrl-a', 'pgdn', 'alt-x', 'é',
    ]);
    expect(keyBytes('ctrl-]')).toBe('\x1d');
    expect(keyBytes('ctrl-a')).toBe('\x01');
    expect(keyBytes('enter')).toBe('\r');
  });
});

describe('InputRouter', () => {
  it('runs global keys, then the focused view’s keys', () => {
    const h = harness();
    h.feed('2jg?');
    expect(h.log).toEqual(['select:1', 'next', 'grid', 'help']);
  });

  it('asks on ctrl-c as on q, and a second ctrl-c confirms', () => {
    const h = harness();
    h.feed('\x03');
    h.feed('\x03');
    expect(h.log).toEqual(['quit', 'yes']);
  });

  it('gives a dialog every key first', () => {
    const h = harness();
    h.feed('q');
    h.feed('xj');
    h.feed('y');
    expect(h.log).toEqual(['quit', 'yes']);
  });

  it('asks before a restart or a stop: only y confirms, ctrl-c backs out, other keys do nothing', () => {
    const h = harness();
    h.feed('r');
    h.feed('x2sgj');
    h.feed('q');
    expect(h.log).toEqual(['restart', 'no']);
    h.log.length = 0;
    h.feed('x\x03');
    h.feed('x\x1b');
    h.feed('xy');
    expect(h.log).toEqual(['stop', 'no', 'stop', 'no', 'stop', 'yes']);
  });

  it('scrolls instead of selecting in the handoff view, and h or esc leaves it', () => {
    const h = harness({ handoff: true });
    h.feed('j\x1b[6~\t\x1b');
    expect(h.log).toEqual(['lineDown', 'pageDown', 'tabNext', 'back']);
    h.log.length = 0;
    h.feed('h');
    expect(h.log).toEqual(['handoff']);
  });

  it('sends every byte to the attached agent until the detach key, then routes the rest as keys', () => {
    const h = harness();
    h.feed('\rls -la\x03\x1b[A\x1dq');
    expect(h.log).toEqual(['attach', '>"ls -la\\u0003\\u001b[A"', 'detach', 'quit']);
  });

  it('forwards keys typed in the same chunk as enter', () => {
    const h = harness();
    h.feed('\rhello\r');
    expect(h.log).toEqual(['attach', '>"hello\\r"']);
  });

  it('passes a paste through wrapped when the agent asked for bracketed paste, and never detaches inside it', () => {
    const h = harness({ attached: true, agentPaste: true });
    h.feed('a\x1b[200~x\x1dy');
    h.feed('z\x1b[201~b');
    expect(h.log).toEqual(['>"a"', '>"\\u001b[200~"', '>"x\\u001dy"', '>"z\\u001b[201~"', '>"b"']);
  });

  it('unwraps a paste for an agent without bracketed paste', () => {
    const h = harness({ attached: true });
    h.feed('\x1b[200~echo hi\x1b[201~');
    expect(h.log).toEqual(['>"echo hi"']);
  });

  it('ignores pastes when no agent is attached (pasted text is not commands)', () => {
    const h = harness();
    h.feed('\x1b[200~qy');
    h.feed('x\x1b[201~2');
    expect(h.log).toEqual(['select:1']);
  });

  it('uses a configured detach key', () => {
    const h = harness({ attached: true }, createKeymap({ detach: ['ctrl-a'] }));
    h.feed('a\x1db\x01j');
    expect(h.log).toEqual(['>"a\\u001db"', 'detach', 'next']);
  });
});

describe('key bar and help', () => {
  it('renders the SPEC key bar from the table', () => {
    expect(barText(barEntries(createKeymap(), 'panes'))).toBe(' 1-9 select · enter attach · ctrl-] detach · g grid · h handoff · s sync · r restart · n new · x stop · ? help · q quit');
  });

  it('drops the least important entries instead of wrapping', () => {
    const entries = barEntries(createKeymap(), 'panes');
    const fit80 = barText(fitEntries(entries, 80));
    expect([...fit80].length).toBeLessThanOrEqual(80);
    expect(fit80).toContain('q quit');
    expect(fit80).toContain('? help');
    expect(fit80).toContain('enter attach');
    expect(fit80).toContain('s sync');
    expect(fit80).not.toContain('x stop');
    expect(fitEntries(entries, 200)).toHaveLength(entries.length);
  });

  it('shows yes and no in the confirmation’s bar', () => {
    expect(barText(barEntries(createKeymap(), 'confirmAgent'))).toBe(' y yes · n no');
  });

  it('follows a rebound key everywhere it is shown', () => {
    const keymap = createKeymap({ detach: ['ctrl-a'] });
    expect(barText(barEntries(keymap, 'attached'))).toBe(' ctrl-a detach');
    expect(helpSections(keymap).flatMap((s) => s.rows).some((r) => r.keys === 'ctrl-a' && r.help.includes('detach'))).toBe(true);
  });
});
