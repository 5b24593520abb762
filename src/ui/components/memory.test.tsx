import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { waitFor } from '../../../test/helpers/wait.js';
import { openMemory, type MemoryClient } from '../../memory/index.js';
import { writeWhy, type WhyRecord } from '../../memory/why.js';
import { TuiController } from '../controller.js';
import { createKeymap } from '../keys/keymap.js';
import { memoryAccess } from '../memory.js';
import { initialState } from '../state/reducer.js';
import { Store } from '../state/store.js';
import { agent } from '../testing/fixtures.js';
import { FakeSupervisor } from '../testing/fakeSupervisor.js';
import { App } from './App.js';
import { MemoryView } from './MemoryView.js';

const record: WhyRecord = {
  agent: 'backend',
  at: '2026-12-07T06:00:00.000Z',
  query: 'Add refunds; webhook secret missing',
  budget: 150,
  tokens: 31,
  injected: [
    { id: 'm1', kind: 'mistake', text: 'Floats lost cents in refunds: keep money in integer cents', score: 0.71, vectorScore: 0.6, textScore: 0.4, project: 'Billing', agent: 'api', tokens: 19 },
    { id: 'm2', kind: 'pattern', text: 'Webhook secrets come from the vault, never from .env', score: 0.52, vectorScore: 0.5, textScore: 0.2, project: 'Shop', agent: 'ops', tokens: 12 },
  ],
  skipped: [{ id: 'm3', kind: 'learning', text: 'The ledger pages with cursors', score: 0.11, vectorScore: 0.1, textScore: 0, tokens: 9, reason: 'unrelated (vector 0.10 < 0.2, no shared words)' }],
};

const dirs: string[] = [];
const fakes: FakeSupervisor[] = [];
const controllers: TuiController[] = [];
let client: MemoryClient | undefined;
afterEach(() => {
  cleanup();
  for (const c of controllers.splice(0)) c.dispose();
  for (const f of fakes.splice(0)) f.dispose();
});
afterAll(async () => {
  await client?.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'supervise-memview-'));
  dirs.push(d);
  return d;
}

describe('MemoryView', () => {
  it('shows the query, each memory given with its kind, origin and score, and what was left out and why', () => {
    const panel = { agent: 'backend', status: 'ready' as const, record, query: '', typing: false, scroll: 0 };
    const { lastFrame } = render(<MemoryView panel={panel} cols={120} rows={40} width={95} height={37} color={false} />);
    const frame = lastFrame()!;
    expect(frame).toContain('memory · given to backend');
    expect(frame).toContain('/ search the memory');
    expect(frame).toContain('query: Add refunds; webhook secret missing');
    expect(frame).toContain('given 2 memories, 31/150 tokens');
    expect(frame).toContain('0.710 [mistake · Billing/api] Floats lost cents in refunds: keep money in integer cents');
    expect(frame).toContain('0.520 [pattern · Shop/ops] Webhook secrets come from the vault');
    expect(frame).toContain('left out (1):');
    expect(frame).toContain('unrelated (vector 0.10 < 0.2, no shared words)');
  });

  it('says when the agent started without memories, and why', () => {
    const panel = { agent: 'backend', status: 'ready' as const, record: { ...record, injected: [], skipped: [], error: 'the memory search took over 5 s' }, query: '', typing: false, scroll: 0 };
    const { lastFrame } = render(<MemoryView panel={panel} cols={120} rows={40} width={95} height={37} color={false} />);
    expect(lastFrame()).toContain('started without memories: the memory search took over 5 s');
  });
});

describe('M in the app', () => {
  it('opens the selected agent’s record, searches the store from its box, and is in the help', async () => {
    const root = temp();
    await writeWhy(root, record);
    const home = temp();
    client = openMemory({ settings: { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } }, env: { ...process.env, SUPERVISE_MEMORY_DIR: join(home, 'memory'), SUPERVISE_MEMORY_URL: '', HOME: home, XDG_CACHE_HOME: join(tmpdir(), 'supervise-test-cache') } })!;
    await client.add({ kind: 'decision', text: 'Refunds go through the payments queue, never inline', project: 'Billing', agent: 'api' });

    const agents = [agent('backend', { pid: 11 }), agent('frontend', { pid: 12 })];
    const sup = new FakeSupervisor(agents);
    fakes.push(sup);
    const store = new Store(initialState({ cols: 110, rows: 30, color: false, project: 'Demo', budget: { total: 500, section: 100 }, agents, now: 0 }));
    const keymap = createKeymap();
    const controller = new TuiController({ store, keymap, panes: { setPanes: () => {}, markDirty: () => {} }, write: () => {}, onQuit: () => {}, now: () => 0, memory: () => memoryAccess(root, client) });
    controllers.push(controller);
    controller.connect(sup);
    const app = render(<App store={store} keymap={keymap} />);
    const frame = () => app.lastFrame() ?? '';
    const shows = (text: string) => waitFor(() => frame().includes(text), { timeout: 60_000, message: () => `${text} in:\n${frame()}` });

    controller.input('M');
    await shows('[mistake · Billing/api] Floats lost cents');
    await shows('/ search');
    // Typing goes into the box: `q` is a letter there, not quit or back.
    controller.input('/');
    controller.input('refunds queue');
    await shows('/ search: refunds queue');
    controller.input('\r');
    await shows('search "refunds queue" · 1 found');
    await shows('[decision · Billing/api] Refunds go through the payments queue');
    // Another agent: its record (none yet).
    controller.input('2');
    await shows('frontend has not started with memory yet');
    controller.input('q');
    await waitFor(() => !frame().includes('memory · given to'), { message: () => frame() });

    // The help lists M, and the whole table still fits at 30 rows.
    controller.input('?');
    await shows('M                 memory: what the selected agent was given');
    await shows('Handoff view');
    await shows('back to the panes');
    await shows('j/k, ↓/↑          select the next / previous agent');
  }, 120_000);
});
