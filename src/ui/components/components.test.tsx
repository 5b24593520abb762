import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { createKeymap } from '../keys/keymap.js';
import { agent, handoffView } from '../testing/fixtures.js';
import { HandoffView } from './HandoffView.js';
import { KeyBar } from './KeyBar.js';
import { Sidebar } from './Sidebar.js';

afterEach(() => cleanup());

const budget = { total: 500, section: 100 };

describe('Sidebar', () => {
  it('lists every agent with its status, stats and warnings inside a frame', () => {
    const agents = [
      agent('backend', { diff: { files: ['src/api.ts'], added: 120, removed: 8 }, handoffTokens: 312 }),
      agent('frontend', { status: 'needs-input', diff: { files: ['src/api.ts'], added: 2, removed: 0 } }),
      agent('tests', { status: 'exited', exitCode: 0, endedAt: 1000, warnings: ['handoff not updated'] }),
    ];
    const { lastFrame } = render(<Sidebar agents={agents} selected={0} now={192_000} budget={budget} width={25} height={16} color={false} />);
    const frame = lastFrame()!;
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/^┌ agents ─+┐$/);
    expect(lines).toHaveLength(16);
    expect(frame).toContain('│1 ● backend     working│');
    expect(frame).toContain('│    +120 -8     312/500│');
    expect(frame).toContain('│2 ◐ frontend      input│');
    expect(frame).toContain('│3 ✓ tests        exit 0│');
    expect(frame).toContain('│  ! handoff not updated│');
    expect(frame).toContain('│! src/api.ts   ');
    expect(frame).toContain('│    backend, frontend  │');
    for (const l of lines) expect([...l].length).toBe(25);
  });
});

describe('KeyBar', () => {
  it('shows the whole key table when there is room', () => {
    const { lastFrame } = render(<KeyBar keymap={createKeymap()} context="panes" width={120} color={false} />);
    expect(lastFrame()).toBe(' 1-9 select · enter attach · ctrl-] detach · g grid · h handoff · s sync · r restart · n new · x stop · ? help · q quit');
  });

  it('drops entries instead of wrapping at 80 columns', () => {
    const { lastFrame } = render(<KeyBar keymap={createKeymap()} context="panes" width={80} color={false} />);
    const text = lastFrame()!;
    expect(text.split('\n')).toHaveLength(1);
    expect([...text].length).toBeLessThanOrEqual(80);
    expect(text).toContain('q quit');
    expect(text).toContain('s sync');
  });

  it('says where the keys go while attached', () => {
    const { lastFrame } = render(<KeyBar keymap={createKeymap({ detach: ['ctrl-a'] })} context="attached" width={100} color={false} agent="backend" />);
    expect(lastFrame()).toContain('ATTACHED to backend');
    expect(lastFrame()).toContain('ctrl-a detach');
  });
});

describe('HandoffView', () => {
  it('shows tabs, section token bars, who wrote each item and the conflicts', () => {
    const panel = { status: 'ready' as const, data: handoffView(), tab: 0, scroll: 0 };
    const agents = [agent('backend'), agent('frontend'), agent('tests')];
    const { lastFrame } = render(<HandoffView panel={panel} agents={agents} cols={100} rows={40} width={75} height={37} color={false} />);
    const frame = lastFrame()!;
    expect(frame).toContain(' team  | backend | frontend | tests');
    expect(frame).toContain('⚠ 1 conflict flagged');
    expect(frame).toContain('shared file backend, tests: src/api.ts');
    expect(frame).toMatch(/Blockers\s+███████░░░ 72\/100/);
    expect(frame).toContain('[x] Token denylist @backend');
    expect(frame).toContain('1.  Write tests @tests');
  });

  it('shows an agent’s own handoff on its tab, and says when it was not updated', () => {
    const data = handoffView();
    const agents = [agent('backend'), agent('frontend'), agent('tests')];
    const { lastFrame } = render(<HandoffView panel={{ status: 'ready', data, tab: 2, scroll: 0 }} agents={agents} cols={100} rows={30} width={75} height={27} color={false} />);
    expect(lastFrame()).toContain(' frontend ');
    expect(lastFrame()).toContain('not updated since it was handed to the agent');
  });

  it('scrolls', () => {
    const panel = { status: 'ready' as const, data: handoffView(), tab: 0, scroll: 6 };
    const { lastFrame } = render(<HandoffView panel={panel} agents={[]} cols={100} rows={20} width={75} height={17} color={false} />);
    expect(lastFrame()).not.toContain('Team handoff');
    expect(lastFrame()).toMatch(/lines 7–\d+ of \d+/);
  });
});
