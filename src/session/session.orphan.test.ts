import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../../test/helpers/process.js';

// A stand-in supervisor: starts three sessions, prints their pids (and the pid of a process
// one of them started in the background), then idles until it is killed.
const HOST = `
import { NodePtySpawner } from ${JSON.stringify(fileURLToPath(new URL('./pty.ts', import.meta.url)))};
import { Session } from ${JSON.stringify(fileURLToPath(new URL('./session.ts', import.meta.url)))};
const spawner = new NodePtySpawner();
const specs = [
  ['sleep', ['1000']],
  ['sh', ['-c', 'sleep 1000 & echo child=$!; wait']],
  [process.execPath, ['-e', 'setInterval(() => {}, 1000)']],
];
const sessions = specs.map(([file, args]) => {
  const s = new Session({ spawner, file, args, cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, cols: 80, rows: 24 });
  s.start();
  return s;
});
const text = () => sessions[1].screen.snapshot().lines.map((l) => l.map((r) => r.text).join('')).join('\\n');
while (!/child=\\d+/.test(text())) await new Promise((r) => setTimeout(r, 10));
const child = Number(/child=(\\d+)/.exec(text())[1]);
process.stdout.write(JSON.stringify({ pids: sessions.map((s) => s.pid), child }) + '\\n');
setInterval(() => {}, 1000);
`;

let dir: string;
let hostBundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'session-orphan-'));
  writeFileSync(join(dir, 'host.ts'), HOST);
  hostBundle = join(dir, 'host.mjs');
  const nodePty = createRequire(import.meta.url).resolve('node-pty');
  await build({
    entryPoints: [join(dir, 'host.ts')],
    outfile: hostBundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // The native module stays where it is installed.
    plugins: [{ name: 'node-pty', setup: (b) => b.onResolve({ filter: /^node-pty$/ }, () => ({ path: nodePty, external: true })) }],
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A zombie (dead, not yet reaped by its new parent) counts as gone.

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`host exited (${code}) before printing: ${err}`)));
  });
}

describe('a supervisor killed with SIGKILL', () => {
  it('takes its agents with it', async () => {
    const host = spawn(process.execPath, [hostBundle], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const { pids, child } = JSON.parse(await firstLine(host)) as { pids: number[]; child: number };
    const all = [...pids, child];
    expect(all).toHaveLength(4);
    expect(all.every(alive)).toBe(true);

    host.kill('SIGKILL');
    // The kernel hangs up each terminal when its master closes; give it up to 5 s.
    const deadline = Date.now() + 5000;
    while (all.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(all.filter(alive)).toEqual([]);
  });
});
