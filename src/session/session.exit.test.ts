import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NodePtySpawner } from './pty.js';
import type { PtySpawner } from './pty.js';
import { Session, signalName } from './session.js';
import type { SessionExit, SessionOptions } from './session.js';
import { alive } from '../../test/helpers/process.js';

let cwd: string;
const sessions: Session[] = [];
const realSpawner = new NodePtySpawner();

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'session-exit-'));
});

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
});

function session(file: string, args: string[], extra: Partial<SessionOptions> = {}): Session {
  const s = new Session({
    spawner: realSpawner,
    file,
    args,
    cwd,
    env: { PATH: process.env.PATH ?? '' },
    cols: 80,
    rows: 24,
    ...extra,
  });
  sessions.push(s);
  return s;
}

function screenText(s: Session): string {
  return s.screen
    .snapshot()
    .lines.map((runs) => runs.map((r) => r.text).join('').trimEnd())
    .join('\n');
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// A zombie (dead, not yet reaped by its new parent) counts as gone.

// Installs handlers for the given signals, says so, then idles.
function stubborn(signals: string[]): [string, string[]] {
  const handlers = signals.map((sig) => `process.on('${sig}', () => {});`).join('');
  return [process.execPath, ['-e', `${handlers} console.log('ready'); setInterval(() => {}, 1000);`]];
}

describe('Session exits', () => {
  it('reports an agent killed with SIGKILL as that signal and leaves the others running', async () => {
    const victim = session('sleep', ['1000']);
    const bystander = session('sleep', ['1000']);
    victim.start();
    bystander.start();
    const pid = victim.pid;
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    expect(await victim.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(victim.running).toBe(false);
    expect(bystander.running).toBe(true);
    expect(alive(bystander.pid as number)).toBe(true);
  });

  it('reports a missing command without spawning, and the others still run', async () => {
    let spawned = 0;
    const counting: PtySpawner = {
      spawn: (file, args, opts) => {
        spawned++;
        return realSpawner.spawn(file, args, opts);
      },
    };
    const missing = session('nope-xyz', [], { spawner: counting });
    const other = session('sleep', ['1000'], { spawner: counting });
    const heard: SessionExit[] = [];
    missing.start();
    missing.on('exit', (e) => heard.push(e));
    other.start();
    const exit = await missing.exited;
    expect(exit).toEqual({ exitCode: null, signal: null, message: 'command not found: nope-xyz' });
    expect(heard).toEqual([exit]);
    expect(spawned).toBe(1);
    expect(other.running).toBe(true);
  });

  it('reports a missing working directory', async () => {
    const s = session('sleep', ['1'], { cwd: join(cwd, 'missing') });
    s.start();
    expect((await s.exited).message).toBe(`working directory not found: ${join(cwd, 'missing')}`);
  });

  it('stops a well-behaved agent with the hang-up', async () => {
    const s = session('sleep', ['1000']);
    s.start();
    const pid = s.pid as number;
    expect(await s.stop()).toEqual({ exitCode: null, signal: 'SIGHUP' });
    expect(alive(pid)).toBe(false);
  });

  it('escalates to SIGTERM for the whole process group when the hang-up is ignored', async () => {
    // The shell waits on sleep; both ignore SIGHUP (an ignored signal survives exec).
    const s = session('sh', ['-c', 'trap "" HUP; echo ready; sleep 1000; echo after']);
    s.start();
    await waitFor(() => screenText(s).includes('ready'), 'the trap');
    const exit = await s.stop({ hangupMs: 200, termMs: 5000 });
    expect(exit.signal).toBe('SIGTERM');
    expect(screenText(s)).not.toContain('after');
  });

  it('ends with SIGKILL an agent that ignores SIGHUP and SIGTERM', async () => {
    const [file, args] = stubborn(['SIGHUP', 'SIGTERM']);
    const s = session(file, args);
    s.start();
    await waitFor(() => screenText(s).includes('ready'), 'the handlers');
    const pid = s.pid as number;
    const exit = await s.stop({ hangupMs: 200, termMs: 200 });
    expect(exit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(alive(pid)).toBe(false);
    // Stopping again changes nothing.
    expect(await s.stop()).toEqual(exit);
  });

  it('has the last output on the screen when it reports the exit (20 runs)', async () => {
    for (let i = 0; i < 20; i++) {
      const s = session('sh', ['-c', `seq 1 3000; printf 'FINAL-LINE-${i}'`], { scrollback: 10 });
      let atExit = '';
      s.on('exit', () => (atExit = screenText(s)));
      s.start();
      await s.exited;
      expect(atExit).toContain(`FINAL-LINE-${i}`);
      s.dispose();
    }
  });

  it('keeps the last output when the agent ends while flow control holds its output back', async () => {
    let pauses = 0;
    const counting: PtySpawner = {
      spawn: (file, args, opts) => {
        const pty = realSpawner.spawn(file, args, opts);
        const pause = pty.pause.bind(pty);
        pty.pause = () => {
          pauses++;
          pause();
        };
        return pty;
      },
    };
    const flood = 'yes "$(printf "\\033[31mfail\\033[0m \\033[1mok\\033[0m padding")" | head -n 200000; printf FLOOD-END';
    const s = session('sh', ['-c', flood], {
      spawner: counting,
      scrollback: 10,
      flowControl: { high: 16 * 1024, low: 4 * 1024 },
      deferParsing: true,
    });
    let atExit = '';
    s.on('exit', () => (atExit = screenText(s)));
    s.start();
    expect(await s.exited).toEqual({ exitCode: 0, signal: null });
    expect(pauses).toBeGreaterThan(0);
    expect(atExit).toContain('FLOOD-END');
  });

  it('kills the agent when disposed, and still settles its exit', async () => {
    const s = session('sleep', ['1000']);
    s.start();
    const pid = s.pid as number;
    s.dispose();
    expect(await s.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(alive(pid)).toBe(false);
  });

  it('names signals', () => {
    expect(signalName(9)).toBe('SIGKILL');
    expect(signalName(1)).toBe('SIGHUP');
    expect(signalName(999)).toBe('signal 999');
  });
});
