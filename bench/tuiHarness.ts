/**
 * The pane compositor alone, without the TUI around it: a session running the fake agent's
 * Claude-like load (10 Hz spinner, 100 KiB/s of coloured lines) in a 200×50 pane, frames
 * written to /dev/null. Runs twice, without and with drawing, and prints this process's CPU
 * (the agent excluded), frames per second and output: the difference is the compositor's cost.
 * Run: node scripts/run.mjs bench/tuiHarness.ts [seconds] [session|draw] (default: both, in turn)
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';
import { NodePtySpawner } from '../src/session/pty.js';
import { Session } from '../src/session/session.js';
import { PaneCompositor } from '../src/ui/compositor/index.js';

const seconds = Number(process.argv[2] ?? 10);
const COLS = 200;
const ROWS = 50;
const fakeAgent = join(packageRoot(), 'test', 'fake-agent.mjs');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(draw: boolean): Promise<string> {
  const fd = openSync('/dev/null', 'w');
  let bytes = 0;
  const out = {
    columns: COLS + 34,
    rows: ROWS + 5,
    write(s: string | Uint8Array) {
      bytes += Buffer.byteLength(s);
      if (typeof s === 'string') writeSync(fd, s);
      else writeSync(fd, s);
    },
  };
  const session = new Session({
    spawner: new NodePtySpawner(),
    file: process.execPath,
    args: [fakeAgent, '--fake-flood', String(1 << 30), '--fake-rate', '102400', '--fake-spinner-hz', '10'],
    cwd: tmpdir(),
    env: { ...(process.env as Record<string, string>), SUPERVISE_AGENT: 'bench' },
    cols: COLS,
    rows: ROWS,
  });
  const compositor = new PaneCompositor(out);
  compositor.setPanes([{ id: 'a', rect: { x: 33, y: 1, width: COLS, height: ROWS }, screen: session.screen, showCursor: false }]);
  if (draw) session.on('output', () => compositor.markDirty('a'));
  session.start();
  await sleep(2000);
  const cpu0 = process.cpuUsage();
  const frames0 = compositor.frameCount;
  const bytes0 = bytes;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pct = (us: number) => ((us / 1e6 / elapsed) * 100).toFixed(2);
  compositor.dispose();
  await session.stop({ hangupMs: 500, termMs: 500 });
  session.dispose();
  closeSync(fd);
  return (
    `${draw ? 'session + compositor' : 'session only        '}: ${pct(cpu.user + cpu.system)} % of a core ` +
    `(user ${pct(cpu.user)}, system ${pct(cpu.system)}), ${((compositor.frameCount - frames0) / elapsed).toFixed(1)} frames/s, ` +
    `${((bytes - bytes0) / elapsed / 1024).toFixed(0)} KiB/s out`
  );
}

const only = process.argv[3];
if (only !== 'draw') process.stdout.write(`${await run(false)}\n`);
if (only !== 'session') process.stdout.write(`${await run(true)}\n`);
process.exit(0);
