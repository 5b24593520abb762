import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { waitFor } from '../../../test/helpers/wait.js';
import { TuiController } from '../controller.js';
import { createKeymap } from '../keys/keymap.js';
import { initialState } from '../state/reducer.js';
import { Store } from '../state/store.js';
import { agent } from '../testing/fixtures.js';
import { FakeLanding, fakeDiff, fakePlan } from '../testing/fakeLanding.js';
import { FakeSupervisor } from '../testing/fakeSupervisor.js';
import { App } from './App.js';

const disposers: (() => void)[] = [];
afterEach(() => {
  cleanup();
  for (const d of disposers.splice(0)) d();
});

function mount() {
  const agents = [agent('backend', { pid: 11 }), agent('frontend', { pid: 12, status: 'idle' })];
  const sup = new FakeSupervisor(agents);
  const landing = new FakeLanding();
  const store = new Store(initialState({ cols: 100, rows: 30, color: false, project: 'Demo', budget: { total: 500, section: 100 }, agents, now: 0 }));
  let quit = 0;
  const keymap = createKeymap();
  const panes: string[][] = [];
  const controller = new TuiController({ store, keymap, panes: { setPanes: (p) => panes.push(p.map((x) => x.id)), markDirty: () => {} }, write: () => {}, onQuit: () => quit++, now: () => 0, landing: () => landing });
  controller.connect(sup);
  disposers.push(() => controller.dispose(), () => sup.dispose());
  const app = render(<App store={store} keymap={keymap} />);
  const frame = () => app.lastFrame() ?? '';
  const shows = (text: string | RegExp) => waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), { message: () => `${String(text)} in:\n${frame()}` });
  const hides = (text: string) => waitFor(() => !frame().includes(text), { message: () => `no ${text} in:\n${frame()}` });
  return { sup, landing, store, controller, frame, shows, hides, quits: () => quit, panes: () => panes.at(-1) ?? [] };
}

describe('diff view (d)', () => {
  it('shows the selected agent’s commits and diff, pages with j/pgdn, closes with q without quitting', async () => {
    const m = mount();
    const body = Array.from({ length: 80 }, (_, i) => `+line ${i + 1}`);
    m.landing.diffs.set('backend', fakeDiff('backend', ['diff --git a/src/api.ts b/src/api.ts', '@@ -1 +1,80 @@', ...body, '+evil \x1b]52;c;aGk=\x07 end']));
    m.controller.input('d');
    await m.shows('diff · backend');
    await m.shows('agent/backend vs main · 1 file +1 -1 · 1 commit');
    await m.shows('ddddddd backend: add api');
    await m.shows('+line 1');
    // The live pane is not drawn over the view.
    expect(m.panes()).toEqual([]);
    expect(m.frame()).not.toContain('+line 40');
    m.controller.input('\x1b[6~');
    await m.shows('+line 40');
    await m.hides('ddddddd');
    m.controller.input('jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj');
    await m.shows('+evil �]52;c;aGk=� end');
    expect(m.frame()).toContain('q/esc back');
    m.controller.input('q');
    await m.hides('diff · backend');
    expect(m.quits()).toBe(0);
    expect(m.panes()).toEqual(['backend']);
    m.controller.input('2');
    m.controller.input('d');
    await m.shows('diff · frontend');
    m.controller.input('\x1b');
    await m.hides('diff · frontend');
    expect(m.landing.calls).toEqual(['diff backend', 'diff frontend']);
  });
});

describe('landing (m)', () => {
  it('offers to commit the uncommitted work of an agent that has ended, and does so on y', async () => {
    const m = mount();
    m.sup.report(agent('frontend', { status: 'exited', exitCode: 0, pid: undefined }));
    m.landing.plans.set('frontend', fakePlan('frontend', { uncommitted: ['notes.md'], commitFirst: true }));
    m.controller.input('2');
    m.controller.input('m');
    await m.shows('commits its uncommitted work first: notes.md');
    await m.shows('commit its work, land it into main and sync the agents? (y/n)');
    m.controller.input('y');
    await waitFor(() => m.sup.calls.includes('sync'));
    expect(m.landing.calls).toEqual(['plan frontend --commit', 'land frontend --commit']);
  });

  it('shows the diff stat and asks; y lands and then syncs', async () => {
    const m = mount();
    m.controller.input('m');
    await m.shows('land backend: agent/backend → main');
    await m.shows('1 commit, 1 file +3 -1');
    await m.shows('land it into main and sync the agents? (y/n)');
    m.controller.input('y');
    await m.shows(/landed backend into main as eeeeeee/);
    await waitFor(() => m.sup.calls.includes('sync'));
    expect(m.landing.calls).toEqual(['plan backend', 'land backend']);
    expect(m.quits()).toBe(0);
  });

  it('names a predicted conflict and does not land on y', async () => {
    const m = mount();
    m.landing.plans.set('backend', fakePlan('backend', { conflicts: ['src/api.ts'], problems: ['merging agent/backend into main would conflict in src/api.ts: …'] }));
    m.controller.input('m');
    await m.shows('✗ conflict predicted against main: src/api.ts');
    await m.shows('cannot land — esc closes');
    m.controller.input('y');
    expect(m.store.getState().dialog?.kind).toBe('land');
    m.controller.input('\x1b');
    await m.hides('conflict predicted');
    expect(m.landing.calls).toEqual(['plan backend']);
    expect(m.sup.calls).not.toContain('sync');
  });
});
