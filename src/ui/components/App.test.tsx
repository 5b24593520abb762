import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { waitFor } from '../../../test/helpers/wait.js';
import { Screen } from '../../session/screen.js';
import type { PaneSpec } from '../compositor/index.js';
import { TuiController } from '../controller.js';
import { createKeymap } from '../keys/keymap.js';
import { initialState } from '../state/reducer.js';
import { Store } from '../state/store.js';
import { agent } from '../testing/fixtures.js';
import { FakeSupervisor } from '../testing/fakeSupervisor.js';
import { App } from './App.js';

const fakes: FakeSupervisor[] = [];
const controllers: TuiController[] = [];
afterEach(() => {
  cleanup();
  for (const c of controllers.splice(0)) c.dispose();
  for (const f of fakes.splice(0)) f.dispose();
});

/** The app on a fake supervisor: keys go in through the controller, as raw stdin would. */
function mount(opts: { connect?: boolean } = {}) {
  const agents = [agent('backend', { pid: 11 }), agent('frontend', { pid: 12, status: 'idle' }), agent('tests', { pid: 13 })];
  const sup = new FakeSupervisor(agents);
  fakes.push(sup);
  const store = new Store(initialState({ cols: 100, rows: 30, color: false, project: 'Demo', budget: { total: 500, section: 100 }, agents, now: 0 }));
  const panes: PaneSpec[][] = [];
  const terminal: string[] = [];
  let quit = 0;
  const keymap = createKeymap();
  const controller = new TuiController({
    store,
    keymap,
    panes: { setPanes: (p) => panes.push(p), markDirty: () => {} },
    write: (s) => terminal.push(s),
    onQuit: () => quit++,
    now: () => 0,
  });
  controllers.push(controller);
  if (opts.connect !== false) controller.connect(sup);
  const app = render(<App store={store} keymap={keymap} />);
  const frame = () => app.lastFrame() ?? '';
  // Ink draws a store change on a later turn of the event loop: wait for what should be seen.
  const shows = (text: string | RegExp) =>
    waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())), { message: () => `${String(text)} in:\n${frame()}` });
  const hides = (text: string) => waitFor(() => !frame().includes(text), { message: () => `no ${text} in:\n${frame()}` });
  return { sup, store, controller, app, panes, terminal, quits: () => quit, frame, shows, hides };
}

describe('App', () => {
  it('draws the sidebar, the focused pane’s header and the key bar', async () => {
    const { shows } = mount();
    await shows('┌ backend · agent/backend · working 0s');
    await shows('1 ● backend');
    await shows('2 ○ frontend');
    await shows('q quit');
  });

  it('selects with digits and j/k, and gives the compositor the selected agent’s screen', async () => {
    const { controller, panes, sup, shows } = mount();
    controller.input('2');
    await shows('┌ frontend · agent/frontend · idle');
    expect(panes.at(-1)![0]!.screen).toBe(sup.sessions.get('frontend')!.screen);
    controller.input('j');
    await shows('┌ tests · agent/tests');
    controller.input('kk');
    await shows('┌ backend · agent/backend');
  });

  it('attaches with enter, forwards raw bytes, and detaches with ctrl-]', async () => {
    const { controller, sup, terminal, shows, hides } = mount();
    controller.input('\r');
    await shows('ATTACHED — ctrl-] to detach');
    expect(terminal).toContain('\x1b[?2004h');
    controller.input('hello\x1b[A\x03\r');
    expect(sup.written).toEqual([{ name: 'backend', data: 'hello\x1b[A\x03\r' }]);
    controller.input('\x1d');
    await hides('ATTACHED');
    expect(terminal.at(-1)).toBe('\x1b[?2004l');
    controller.input('q');
    expect(sup.written).toHaveLength(1);
  });

  it('tiles every agent with g and resizes each agent to its tile', async () => {
    const { controller, panes, sup, shows } = mount();
    sup.calls.length = 0;
    controller.input('g');
    await shows('1 backend · working');
    await shows('3 tests · working');
    expect(panes.at(-1)!.map((p) => p.id)).toEqual(['backend', 'frontend', 'tests']);
    const resized = sup.calls.filter((c) => c.startsWith('resize'));
    expect(resized).toHaveLength(3);
    for (const p of panes.at(-1)!) expect(resized).toContain(`resize ${p.id} ${p.rect.width}x${p.rect.height}`);
  });

  it('sizes a restarted agent’s new terminal to its tile and shows it', async () => {
    const { controller, panes, sup, shows } = mount();
    controller.input('g');
    await shows('2 frontend · idle');
    const tile = panes.at(-1)!.find((p) => p.id === 'frontend')!.rect;
    sup.calls.length = 0;
    const old = sup.sessions.get('frontend')!;
    sup.sessions.set('frontend', { screen: new Screen({ cols: 80, rows: 24 }), running: true });
    old.screen.dispose();
    sup.report(agent('frontend', { pid: 99, status: 'starting' }));
    expect(sup.calls).toEqual([`resize frontend ${tile.width}x${tile.height}`]);
    expect(panes.at(-1)!.find((p) => p.id === 'frontend')!.screen).toBe(sup.sessions.get('frontend')!.screen);
  });

  it('opens the merged handoff with h, switches tabs, and leaves with esc', async () => {
    const { controller, panes, shows, hides } = mount();
    controller.input('h');
    expect(panes.at(-1)).toEqual([]);
    await shows('Team handoff');
    await shows('⚠ 1 conflict flagged');
    controller.input('\t');
    await shows(/\| backend \|/);
    controller.input('\x1b');
    await hides('Team handoff');
    expect(panes.at(-1)).toHaveLength(1);
  });

  it('syncs with s and shows the result in the status line', async () => {
    const { controller, sup, shows } = mount();
    controller.input('s');
    expect(sup.calls).toContain('sync');
    await shows('synced 3 worktrees, nudged 2');
  });

  it('asks before restarting or stopping a running agent, and acts only on y', async () => {
    const { controller, sup, shows, hides } = mount();
    const acted = () => sup.calls.filter((c) => /^(restart|stop) /.test(c));
    controller.input('2r');
    await shows('frontend is running — restart it? (y/n)');
    await shows('y yes · n no');
    // Keys that would mean something elsewhere do nothing here; n, esc and ctrl-c back out.
    controller.input('xsjq');
    await hides('restart it?');
    controller.input('r\x1b');
    await hides('restart it?');
    controller.input('r\x03');
    await hides('restart it?');
    expect(sup.calls).not.toContain('sync');
    expect(acted()).toEqual([]);
    controller.input('ry');
    await waitFor(() => acted().length === 1, { message: 'the restart' });
    expect(acted()).toEqual(['restart frontend']);
    await hides('restart it?');

    controller.input('3x');
    await shows('tests is running — stop it? (y/n)');
    controller.input('n');
    await hides('stop it?');
    expect(acted()).toEqual(['restart frontend']);
    controller.input('xy');
    await waitFor(() => acted().length === 2, { message: 'the stop' });
    expect(acted()).toEqual(['restart frontend', 'stop tests']);
  });

  it('restarts a stopped agent without asking; x on it says it is not running', async () => {
    const { controller, sup, shows } = mount();
    sup.report(agent('tests', { status: 'stopped', pid: undefined }));
    controller.input('3r');
    await waitFor(() => sup.calls.includes('restart tests'), { message: 'restart tests' });
    sup.report(agent('tests', { status: 'exited', exitCode: 0, pid: undefined }));
    controller.input('x');
    await shows('tests is not running');
    expect(sup.calls.filter((c) => c.startsWith('stop'))).toEqual([]);
  });

  it('n starts a finished agent over, and only a finished one', async () => {
    const { controller, sup, shows } = mount();
    controller.input('3n');
    await shows('tests is running; r restarts it, x stops it');
    sup.report(agent('tests', { status: 'exited', exitCode: 0, pid: undefined }));
    controller.input('n');
    await waitFor(() => sup.calls.includes('start over tests'), { message: 'start over tests' });
    expect(sup.calls.filter((c) => /^(restart|start over) /.test(c))).toEqual(['start over tests']);
  });

  it('asks before quitting while agents run; n cancels, y quits', async () => {
    const { controller, quits, shows, hides } = mount();
    controller.input('q');
    await shows('3 agents running — stop them and quit? (y/n)');
    controller.input('n');
    await hides('stop them and quit');
    expect(quits()).toBe(0);
    controller.input('qy');
    expect(quits()).toBe(1);
  });

  it('quits without asking when nothing runs', async () => {
    const { controller, sup, quits } = mount();
    for (const a of sup.agents()) sup.report({ ...a, status: 'exited', exitCode: 0, pid: undefined });
    controller.input('q');
    expect(quits()).toBe(1);
  });

  it('shows the help overlay from the key table', async () => {
    const { controller, shows, hides } = mount();
    controller.input('?');
    await shows('attach: your keys go to the selected agent');
    await shows('ctrl-]');
    controller.input('\x1b');
    await hides('attach: your keys go');
  });

  it('shows agents as starting before the supervisor is there, and says so on a key that needs it', async () => {
    const { controller, shows } = mount({ connect: false });
    controller.input('s');
    await shows('still starting');
  });

  it('follows status changes from the supervisor', async () => {
    const { sup, shows } = mount();
    sup.report(agent('tests', { status: 'failed', exitCode: 3, pid: undefined, diff: { files: ['src/api.ts'], added: 1, removed: 0 } }));
    sup.report(agent('backend', { pid: 11, diff: { files: ['src/api.ts'], added: 4, removed: 1 } }));
    await shows('3 ✗ tests');
    await shows('exit 3');
    await shows('! src/api.ts');
    await shows('    backend, tests');
    sup.report(agent('frontend', { pid: 12, status: 'needs-input' }));
    await shows('frontend is waiting for an answer — 2 then enter to attach and reply');
  });
});
