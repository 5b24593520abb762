// Ingest throughput: N agents flood coloured output at once; how fast do the sessions parse it,
// and what does each MB cost the supervisor?
// Usage: node scripts/run.mjs bench/ingest.ts [--producer fake|cat] [--mb 8] [--agents 1,4,8,16]
//        [--cols 200] [--rows 50] [--parse-only]
// Producers: `fake` is test/fake-agent.mjs --fake-flood (a Node process writing realistic log
// lines); `cat` prints a pre-generated file of the same kind of lines, which costs the producer
// almost nothing, so the figure is closer to what the supervisor alone can do.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NodePtySpawner } from '../src/session/pty.js';
import { Screen } from '../src/session/screen.js';
import { Session } from '../src/session/session.js';

const { values } = parseArgs({
  options: {
    producer: { type: 'string' },
    mb: { type: 'string', default: '8' },
    agents: { type: 'string', default: '1,4,8,16' },
    cols: { type: 'string', default: '200' },
    rows: { type: 'string', default: '50' },
    'parse-only': { type: 'boolean', default: false },
  },
});

const MB = 1024 * 1024;
const bytesPerAgent = Math.round(Number(values.mb) * MB);
const counts = values.agents.split(',').map(Number);
const cols = Number(values.cols);
const rows = Number(values.rows);
const fakeAgent = resolve('test/fake-agent.mjs');
const fakeFlood = existsSync(fakeAgent) && readFileSync(fakeAgent, 'utf8').includes("flood: { type: 'int'");
const producer = values.producer ?? (fakeFlood ? 'fake' : 'cat');
if (producer !== 'fake' && producer !== 'cat') throw new Error(`unknown producer: ${producer}`);
if (producer === 'fake' && !fakeFlood) throw new Error('test/fake-agent.mjs with --fake-flood is missing');

const WORDS = ['request', 'handler', 'token', 'session', 'cache', 'résumé', 'naïve', 'λ-calc', '日本語', 'straße', 'über', 'schema', 'worktree', 'commit', 'diff'];

/** Log lines like an agent's: timestamps, coloured levels, paths, some bold, a little Unicode. */
function generateLog(bytes: number): Buffer {
  let seed = 0x2f6b1a;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const levels: [string, string, string][] = [['32', 'INFO ', '✓'], ['33', 'WARN ', '⚠'], ['36', 'DEBUG', '→'], ['31', 'ERROR', '✗']];
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const [color, level, mark] = pick(levels);
    const time = `[12:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}]`;
    const where = `src/${pick(WORDS)}/${pick(WORDS)}.ts:${1 + Math.floor(rand() * 400)}`;
    let body = '';
    const width = 60 + Math.floor(rand() * 80);
    while (body.length < width) body += `${pick(WORDS)} `;
    const line = Buffer.from(
      `\x1b[90m${time}\x1b[0m \x1b[${color}m${level}\x1b[0m \x1b[34m${where}\x1b[0m \x1b[${color}m${mark}\x1b[0m \x1b[1m${body.slice(0, 12)}\x1b[0m${body.slice(12)}\n`,
    );
    parts.push(line);
    size += line.length;
  }
  return Buffer.concat(parts);
}

interface Result {
  agents: number;
  mb: number;
  seconds: number;
  cpuMs: number;
  machineBusy: number;
}

/** Busy and total jiffies of all cores, from /proc/stat (zeros where there is none). */
function machineTimes(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

async function runAgents(n: number, dir: string, logFile: string): Promise<Result> {
  const spawner = new NodePtySpawner();
  const env = { PATH: process.env.PATH ?? '', HOME: dir };
  const [file, args] =
    producer === 'fake'
      ? [process.execPath, [fakeAgent, '--fake-flood', String(bytesPerAgent), '--fake-rate', '0', '--fake-work', '0', '--fake-handoff', 'skip']]
      : ['cat', [logFile]];
  const sessions = Array.from({ length: n }, () => new Session({ spawner, file, args, cwd: dir, env, cols, rows }));
  let bytes = 0;
  for (const s of sessions) s.on('data', (d) => (bytes += d.length));
  const machine0 = machineTimes();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const s of sessions) s.start();
  const exits = await Promise.all(sessions.map((s) => s.exited));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineTimes();
  for (const s of sessions) s.dispose();
  const failed = exits.filter((e) => e.exitCode !== 0);
  if (failed.length > 0) throw new Error(`producer failed: ${JSON.stringify(failed[0])}`);
  const total = machine1.total - machine0.total;
  return {
    agents: n,
    mb: bytes / MB,
    seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    machineBusy: total > 0 ? (machine1.busy - machine0.busy) / total : 0,
  };
}

/** The parser alone, in this thread: the ceiling for one core. */
async function parseOnly(log: Buffer): Promise<number> {
  const screen = new Screen({ cols, rows });
  const t0 = performance.now();
  for (let off = 0; off < log.length; off += 4095) screen.write(log.subarray(off, off + 4095));
  await screen.flush();
  const seconds = (performance.now() - t0) / 1000;
  screen.dispose();
  return log.length / MB / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
try {
  const logFile = join(dir, 'flood.log');
  const log = generateLog(bytesPerAgent);
  writeFileSync(logFile, log);
  console.log(`producer: ${producer === 'fake' ? 'test/fake-agent.mjs --fake-flood' : 'cat of a generated log'}; ${values.mb} MB per agent; ${cols}x${rows}`);
  console.log(`parser alone, one thread: ${(await parseOnly(log)).toFixed(1)} MB/s`);
  if (!values['parse-only']) {
    console.log('agents  MB total  seconds  MB/s   CPU-ms/MB  supervisor CPU  machine busy');
    for (const n of counts) {
      const r = await runAgents(n, dir, logFile);
      console.log(
        [
          String(r.agents).padStart(6),
          r.mb.toFixed(1).padStart(9),
          r.seconds.toFixed(2).padStart(8),
          (r.mb / r.seconds).toFixed(1).padStart(6),
          (r.cpuMs / r.mb).toFixed(1).padStart(10),
          `${((r.cpuMs / 1000 / r.seconds) * 100).toFixed(0)}%`.padStart(15),
          `${(r.machineBusy * 100).toFixed(0)}%`.padStart(13),
        ].join(' '),
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
