import { readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { NodePtySpawner, fdClosingShell } from './pty.js';
import type { PtyExit, PtyProcess } from './pty.js';
import { alive } from '../../test/helpers/process.js';

const spawner = new NodePtySpawner();
const opts = { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color' }, cols: 80, rows: 24 };

/** Runs `script` under sh, collecting its output until the exit. */
function run(script: string, setup: (pty: PtyProcess) => void = () => {}): Promise<{ out: string; exit: PtyExit }> {
  const pty = spawner.spawn('sh', ['-c', script], opts);
  const chunks: Buffer[] = [];
  pty.onData((d) => chunks.push(Buffer.from(d)));
  setup(pty);
  return new Promise((resolve) => pty.onExit((exit) => resolve({ out: Buffer.concat(chunks).toString(), exit })));
}

// A zombie (dead, not yet reaped by its new parent) counts as gone.

describe('NodePtySpawner', () => {
  it('delivers all of a burst written just before the exit (20 runs)', async () => {
    for (let i = 0; i < 20; i++) {
      const { out, exit } = await run('seq 1 3000; printf END');
      expect(exit.exitCode).toBe(0);
      // Every line arrives, with the terminal's CR LF.
      expect(out.length).toBe(13893 + 3000 + 3);
      expect(out.endsWith('2999\r\n3000\r\nEND')).toBe(true);
    }
  });

  it('keeps the last output of a child that exits while reading is paused', async () => {
    const { out } = await run('printf "%02000d" 0; printf TAIL', (pty) => pty.pause());
    expect(out).toBe(`${'0'.repeat(2000)}TAIL`);
  });

  it('drops input typed while the child exits, without complaining on our stderr', async () => {
    const complaints: string[] = [];
    const spies = [
      vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void complaints.push(args.join(' '))),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
        complaints.push(String(chunk));
        return true;
      }),
    ];
    try {
      for (let i = 0; i < 20; i++) {
        await run('stty raw -echo; sleep 0.05', (pty) => {
          const typing = setInterval(() => pty.write('x'.repeat(100)), 0);
          pty.onExit(() => clearInterval(typing));
        });
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(complaints).toEqual([]);
  });

  it('signals the whole process group', async () => {
    const pty = spawner.spawn('sh', ['-c', 'sleep 1000 & echo child=$!; wait'], opts);
    let out = '';
    pty.onData((d) => (out += Buffer.from(d).toString()));
    const exited = new Promise<PtyExit>((resolve) => pty.onExit(resolve));
    const deadline = Date.now() + 10_000;
    while (!/child=\d+\r\n/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const child = Number(/child=(\d+)/.exec(out)?.[1]);
    expect(alive(child)).toBe(true);
    pty.kill('SIGTERM');
    expect((await exited).signal).toBe(15);
    while (alive(child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(alive(child)).toBe(false);
  });

  it('passes argv to the agent exactly as given', async () => {
    const odd = ['-x', 'two words', '"quoted"', "it's", '$HOME', '`id`', '', '--'];
    const pty = spawner.spawn('sh', ['-c', 'for a in "$@"; do printf "[%s]" "$a"; done', 'sh', ...odd], opts);
    let text = '';
    pty.onData((d) => (text += Buffer.from(d).toString()));
    await new Promise((resolve) => pty.onExit(resolve));
    expect(text).toBe(odd.map((a) => `[${a}]`).join(''));
  });

  it.runIf(fdClosingShell() !== undefined)('a later child holds no descriptor of an earlier terminal', async () => {
    const first = spawner.spawn('sleep', ['1000'], opts);
    const second = spawner.spawn('sleep', ['1000'], opts);
    try {
      const targets = (pid: number): string[] =>
        readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
          try {
            return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
          } catch {
            return [];
          }
        });
      // Wait until the launcher has exec'd sleep (before that, bash may still be closing).
      const deadline = Date.now() + 10_000;
      const exe = (pid: number) => readlinkSync(`/proc/${pid}/exe`);
      while (!exe(second.pid).endsWith('sleep') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const mine = readlinkSync(`/proc/${first.pid}/fd/0`);
      expect(targets(second.pid).filter((t) => t.endsWith('ptmx'))).toEqual([]);
      expect(targets(second.pid)).not.toContain(mine);
    } finally {
      first.kill('SIGKILL');
      second.kill('SIGKILL');
    }
  });
});
