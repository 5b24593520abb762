/**
 * The pane compositor alone, without the TUI around it: one session running the fake agent's
 * Claude-like load (10 Hz spinner, 100 KiB/s of coloured lines) in a 200×50 pane, frames
 * written to /dev/null. Prints this process's CPU, frames per second and output bytes.
 * Run: node scripts/run.mjs bench/tuiHarness.ts [seconds]
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

const fd = openSync('/dev/null', 'w');
let bytes = 0;
const out = {
  columns: COLS + 40,
  rows: ROWS + 5,
  write(s: string) {
    bytes += Buffer.byteLength(s);
    writeSync(fd, s);
  },
};

const session = new Session({
  spawner: new NodePtySpawner(),
  file: process.execPath,
  args: [fakeAgent, '--fake-flood', String(1 << 30), '--fake-rate', '102400', '--fake-spinner-hz', '10', '--fake-work', '0'],
  cwd: tmpdir(),
  env: { ...(process.env as Record<string, string>), SUPERVISE_AGENT: 'bench' },
  cols: COLS,
  rows: ROWS,
});
const compositor = new PaneCompositor(out);
compositor.setPanes([{ id: 'a', rect: { x: 33, y: 1, width: COLS, height: ROWS }, screen: session.screen, showCursor: false }]);
if (!process.env.NO_DRAW) session.on('output', () => compositor.markDirty('a'));
session.start();

await new Promise((resolve) => setTimeout(resolve, 2000));
const cpu0 = process.cpuUsage();
const frames0 = compositor.frameCount;
const bytes0 = bytes;
const t0 = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const frames = compositor.frameCount - frames0;
const pct = ((cpu.user + cpu.system) / 1e6 / elapsed) * 100;
process.stdout.write(
  `harness: cpu ${pct.toFixed(2)} % of a core, ${(frames / elapsed).toFixed(1)} frames/s, ` +
    `${((bytes - bytes0) / elapsed / 1024).toFixed(0)} KiB/s out\n`,
);
compositor.dispose();
await session.stop({ hangupMs: 500, termMs: 500 });
session.dispose();
closeSync(fd);
process.exit(0);
