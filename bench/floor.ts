/**
 * The floor under (b) of bench/tui.ts: what a Node process pays for the same Claude-like load
 * before it draws anything, side by side with a tmux server showing the same command. Each
 * reader runs the flood in a node-pty PTY of 200×50 and
 *   read   throws the output away (node-pty's reads alone)
 *   parse  writes it into an @xterm/headless terminal, parsed as it is read, as the supervisor
 *          does (src/session/screen.ts)
 * If `parse` alone costs more than tmux's whole server, no drawing strategy brings the supervisor
 * under tmux: the gap is reading and emulating in JavaScript.
 * Run: node scripts/run.mjs bench/floor.ts [seconds]   (RUNS=N repeats each reader)
 */
import { spawn } from 'node:child_process';
import { packageRoot } from '../src/paths.js';
import { cpuPercents, FAKE_AGENT, sleep, sleeps, TmuxRun } from './tuiKit.js';

const seconds = Number(process.argv[2] ?? 10);
const RUNS = Math.max(1, Number(process.env.RUNS ?? 1));
const WARM_UP_MS = 15_000;
const FLOOD = ['--fake-flood', String(1 << 30), '--fake-rate', '102400', '--fake-spinner-hz', '10'];

const READER = (parse: boolean) => `
import pty from 'node-pty';
import xterm from '@xterm/headless';
const term = new xterm.Terminal({ cols: 200, rows: 50, scrollback: 2000, allowProposedApi: true, logLevel: 'off' });
const core = term._core;
const write = ${parse} ? (typeof core.writeSync === 'function' ? (d) => core.writeSync(d) : (d) => term.write(d)) : () => {};
const p = pty.spawn(process.execPath, ${JSON.stringify([FAKE_AGENT, ...FLOOD])}, { name: 'xterm-256color', cols: 200, rows: 50, cwd: process.cwd(), env: process.env });
p.onData(write);
process.on('SIGTERM', () => { p.kill('SIGKILL'); process.exit(0); });
`;

async function once(parse: boolean): Promise<{ cpu: number; tmuxCpu: number; wakes: number; tmuxWakes: number }> {
  const reader = spawn(process.execPath, ['--input-type=module', '-e', READER(parse)], { cwd: packageRoot(), stdio: 'ignore' });
  const command = [process.execPath, FAKE_AGENT, ...FLOOD].map((a) => `'${a}'`).join(' ');
  const tmux = new TmuxRun(command, 200, 50);
  try {
    await cpuPercents([reader.pid!, tmux.serverPid], WARM_UP_MS / 1000);
    const slept = [sleeps(reader.pid!), sleeps(tmux.serverPid)];
    const t0 = performance.now();
    const [cpu, tmuxCpu] = await cpuPercents([reader.pid!, tmux.serverPid], seconds);
    const elapsed = (performance.now() - t0) / 1000;
    return { cpu: cpu!, tmuxCpu: tmuxCpu!, wakes: (sleeps(reader.pid!) - slept[0]!) / elapsed, tmuxWakes: (sleeps(tmux.serverPid) - slept[1]!) / elapsed };
  } finally {
    tmux.kill();
    reader.kill('SIGTERM');
    await sleep(200);
  }
}

for (const [name, parse] of [['read', false], ['parse', true]] as const) {
  for (let i = 0; i < RUNS; i++) {
    const r = await once(parse);
    process.stdout.write(
      `${name.padEnd(5)} run ${i + 1}: reader ${r.cpu.toFixed(2)} % CPU, ${r.wakes.toFixed(0)} wake-ups/s; ` +
        `tmux server ${r.tmuxCpu.toFixed(2)} %, ${r.tmuxWakes.toFixed(0)} wake-ups/s; ratio ${(r.cpu / r.tmuxCpu).toFixed(2)}\n`,
    );
  }
}
process.exit(0);
