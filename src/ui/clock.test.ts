import { describe, expect, it } from 'vitest';
import { clockRows } from './clock.js';
import { PaneCompositor } from './compositor/index.js';
import { feed, outerTerminal, rowText, Sink } from './compositor/testing.js';
import { computeLayout } from './layout.js';
import { initialState, reducer } from './state/reducer.js';
import { lineText } from './state/styled.js';
import { agent } from './testing/fixtures.js';

const budget = { total: 500, section: 100 };
const state = (now: number) =>
  initialState({ cols: 100, rows: 30, color: true, project: 'Demo', budget, agents: [agent('backend', { pid: 1 }), agent('tests', { pid: 2, status: 'idle' })], now });

describe('clockRows', () => {
  it('places the sidebar lines and the pane header where the chrome draws them, at the state’s time', () => {
    const rows = clockRows(state(72_000), 'ctrl-]');
    const { sidebar, paneArea } = computeLayout(100, 30);
    const header = rows.find((r) => r.y === paneArea.y && r.x === paneArea.x);
    expect(lineText(header!.line)).toMatch(/^┌ backend · agent\/backend · working 1m12s ─+┐$/);
    expect(lineText(header!.line)).toHaveLength(paneArea.width);
    const branch = rows.find((r) => r.y === sidebar.y + 2)!;
    expect(branch.x).toBe(sidebar.x + 1);
    expect(lineText(branch.line)).toMatch(/^ +agent\/backend +1m12s$/);
    expect(lineText(branch.line)).toHaveLength(sidebar.width - 2);
  });

  it('leaves the pane header out while a dialog covers it', () => {
    const s = reducer(state(0), { type: 'openHelp' });
    const { paneArea } = computeLayout(100, 30);
    expect(clockRows(s, 'ctrl-]').some((r) => r.x === paneArea.x)).toBe(false);
  });
});

describe('PaneCompositor chrome rows', () => {
  it('draws the rows that changed, and all of them again after the chrome was repainted', async () => {
    const sink = new Sink(100, 30);
    const outer = outerTerminal(100, 30);
    const comp = new PaneCompositor(sink);
    const { paneArea } = computeLayout(100, 30);
    comp.setChrome(clockRows(state(5_000), 'ctrl-]'));
    await feed(outer, comp.composeNow(false));
    expect(rowText(outer, paneArea.y)).toContain('working 5s');
    comp.setChrome(clockRows(state(6_000), 'ctrl-]'));
    const tick = comp.composeNow(false);
    await feed(outer, tick);
    expect(rowText(outer, paneArea.y)).toContain('working 6s');
    // The header and both agents' branch lines: the idle agent's clock runs too.
    expect(tick.match(/\x1b\[\d+;\d+H/g)).toHaveLength(3);
    const { sidebar } = computeLayout(100, 30);
    expect(rowText(outer, sidebar.y + 4)).toMatch(/agent\/tests +6s/);
    expect(comp.composeNow(false)).toBe('');
    expect(comp.composeNow(true)).toContain('working 6s');
    comp.dispose();
  });
});
