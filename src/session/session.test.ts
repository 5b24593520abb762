import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NodePtySpawner } from './pty.js';
import { Session, terminalEnv } from './session.js';
import type { SessionOptions } from './session.js';

let cwd: string;
const sessions: Session[] = [];
const spawner = new NodePtySpawner();

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'session-'));
});

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
});

function session(file: string, args: string[], extra: Partial<SessionOptions> = {}): Session {
  const s = new Session({ spawner, file, args, cwd, env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24, ...extra });
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

function node(script: string): [string, string[]] {
  return [process.execPath, ['-e', script]];
}

describe('Session on a real PTY', () => {
  it('puts coloured output on the screen as runs, in the worktree, with a truthful terminal', async () => {
    const s = session('sh', ['-c', 'printf "\\033[31mred\\033[0m %s %s\\n" "$TERM" "$(pwd)"']);
    s.start();
    const exit = await s.exited;
    expect(exit).toEqual({ exitCode: 0, signal: null });
    const first = s.screen.snapshot().lines[0] ?? [];
    expect(first[0]).toEqual({ text: 'red', fg: { mode: 'palette', index: 1 } });
    expect(screenText(s)).toContain(`red xterm-256color ${cwd}`);
  });

  it('reports a non-zero exit code', async () => {
    const s = session('sh', ['-c', 'exit 3']);
    s.start();
    expect(await s.exited).toEqual({ exitCode: 3, signal: null });
  });

  it('echoes input typed into the agent', async () => {
    const s = session('cat', []);
    s.start();
    s.write('hello\r');
    // The terminal echoes the line, then cat prints it back.
    await waitFor(() => screenText(s).startsWith('hello\nhello'), 'the echo');
    expect(s.running).toBe(true);
  });

  it('resizes the PTY and the screen together', async () => {
    const [file, args] = node(
      "const p = () => console.log('size', process.stdout.columns, process.stdout.rows);" +
        "p(); process.stdout.on('resize', p); setInterval(() => {}, 1000);",
    );
    const s = session(file, args);
    s.start();
    await waitFor(() => screenText(s).includes('size 80 24'), 'the first size');
    s.resize(100, 30);
    await waitFor(() => screenText(s).includes('size 100 30'), 'the new size');
    const snap = s.screen.snapshot();
    expect([snap.cols, snap.rows]).toEqual([100, 30]);
  });

  it("answers the agent's device-attributes query through the PTY", async () => {
    const [file, args] = node(
      "process.stdin.setRawMode(true); process.stdout.write('\\x1b[c');" +
        "process.stdin.once('data', (d) => { console.log('GOT', JSON.stringify(d.toString())); process.exit(0); });",
    );
    const s = session(file, args);
    s.start();
    await s.exited;
    expect(screenText(s)).toContain('GOT "\\u001b[?1;2c"');
  });

  it("keeps an agent's clipboard and title sequences away from our own output", async () => {
    const writes: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        writes.push(String(chunk));
        return true;
      }),
    );
    try {
      const s = session('printf', ['\\033]52;c;aGVsbG8=\\007\\033]0;agent title\\007done\\n']);
      const titles: string[] = [];
      s.on('title', (t) => titles.push(t));
      s.start();
      await s.exited;
      expect(titles).toEqual(['agent title']);
      expect(screenText(s)).toContain('done');
      expect(writes.filter((w) => w.includes('\x1b]52') || w.includes('agent title'))).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('emits raw data and parsed-output events', async () => {
    const s = session('printf', ['one two']);
    let bytes = 0;
    let outputs = 0;
    s.on('data', (d) => (bytes += d.length));
    s.on('output', () => outputs++);
    s.start();
    await s.exited;
    expect(bytes).toBe('one two'.length);
    expect(outputs).toBeGreaterThan(0);
  });

  it('restarts in the same screen with new arguments, keeping the earlier output', async () => {
    const s = session('sh', ['-c', 'echo first run; exec sleep 1000']);
    s.start();
    await waitFor(() => screenText(s).includes('first run'), 'the first run');
    const firstPid = s.pid;
    await s.restart({ args: ['-c', 'echo second run'] }, { hangupMs: 500, termMs: 500 });
    expect(s.pid).not.toBe(firstPid);
    expect(await s.exited).toEqual({ exitCode: 0, signal: null });
    expect(screenText(s)).toMatch(/first run[\s\S]*second run/);
  });

  it('keeps a long prompt line whole when the pane shrinks and grows again, as tmux does', async () => {
    const prompt = `PROMPT> ${Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ')} TAIL-END`;
    // The line stays the cursor's: the agent waits at the end of it, as at a prompt.
    const s = session('sh', ['-c', `printf '%s' '${prompt}'; exec sleep 1000`]);
    s.start();
    const joined = () => screenText(s).replace(/\n/g, '');
    await waitFor(() => joined().includes('TAIL-END'), 'the prompt line');
    s.resize(30, 24);
    await s.screen.flush();
    expect(screenText(s).split('\n').filter(Boolean).length).toBeGreaterThan(4);
    s.resize(80, 24);
    await s.screen.flush();
    expect(screenText(s).split('\n').filter(Boolean)).toEqual([prompt.slice(0, 80), prompt.slice(80)]);
  });
});

describe('terminalEnv', () => {
  it("describes the virtual terminal, not the user's", () => {
    const env = terminalEnv({ PATH: '/bin', TERM: 'xterm-kitty', TMUX: '/tmp/x', TERM_PROGRAM: 'vscode', A: 'b' });
    expect(env).toEqual({ PATH: '/bin', TERM: 'xterm-256color', COLORTERM: 'truecolor', A: 'b' });
  });
});
