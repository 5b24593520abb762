/**
 * Headless mode: the agents of agents.yaml without the TUI. One line per status change (NDJSON
 * with --json); ends when every agent has stopped, or at the --timeout deadline (every agent
 * stopped gracefully, exit 1 naming what still ran). Nobody can answer an agent's question here:
 * its line says at once what it asks. Exit 0 only if every agent exited 0 and its handoff was
 * captured (and, unless enforce is off, updated).
 */
import { join } from 'node:path';
import type { LoadedConfig } from '../config/types.js';
import { paint, type Io } from '../commands/io.js';
import { packageRoot } from '../paths.js';
import { NodePtySpawner } from '../session/pty.js';
import { isFinal } from '../agents/status.js';
import { attachMemory } from '../memory/inject.js';
import { chainLine, chainView } from '../chains/machine.js';
import type { AgentState } from './agentState.js';
import { Supervisor } from './supervisor.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface HeadlessOptions {
  json: boolean;
  /** Seconds after which every agent is stopped and the run fails. */
  timeout?: number;
  fresh?: boolean;
  only?: string[];
}

export async function runHeadless(loaded: LoadedConfig, io: Io, opts: HeadlessOptions): Promise<number> {
  const sup = await Supervisor.create({
    loaded,
    spawner: new NodePtySpawner(),
    env: io.env,
    cols: 120,
    rows: 40,
    nodePath: process.execPath,
    cliPath: join(packageRoot(), 'dist', 'cli.js'),
    fresh: opts.fresh,
    only: opts.only,
  });
  const print = lineWriter(io, opts.json);
  sup.on('status', print.status);
  sup.on('message', print.message);
  // Memories written at capture, read at injection; writes under way are finished before exit.
  const memory = attachMemory(sup, { env: io.env, message: print.message });

  let signalled: string | undefined;
  const onSignal = (sig: string) => {
    if (signalled) return;
    signalled = sig;
    print.message(`received ${sig}: stopping every agent and capturing its handoff`);
    void sup.shutdown();
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);
  // The reader of our output went away (`| head`): stop as for a hang-up, and write nothing more.
  let outputGone = false;
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    outputGone = true;
    onSignal('SIGPIPE');
  };
  process.stdout.on('error', onOutputError);
  let timedOut: string[] | undefined;
  const deadline = opts.timeout === undefined ? undefined : setTimeout(() => {
    if (signalled) return;
    timedOut = sup.agents().filter((a) => !isFinal(a.status)).map((a) => `${a.name} (${a.status})`);
    print.message(`--timeout ${opts.timeout} s reached with ${timedOut.join(', ') || 'no agent'} still running: stopping every agent and capturing its handoff`);
    void sup.shutdown();
  }, opts.timeout * 1000);
  try {
    await sup.start();
    await sup.allDone();
    await sup.shutdown();
  } finally {
    clearTimeout(deadline);
    for (const sig of SIGNALS) process.off(sig, onSignal);
    // Once the pipe is gone every later write fails too: keep swallowing those until exit.
    if (!outputGone) process.stdout.off('error', onOutputError);
    await memory?.close();
  }
  const agents = sup.agents();
  const enforced = loaded.config.handoff.enforce !== 'off';
  // A chain at its end has had every step exit 0 (or end on an accepted stop) with its handoff updated.
  const ok = agents.every((a) => (a.chain ? a.chain.finished : a.status === 'exited' && a.exitCode === 0 && a.handoffCaptured && (!enforced || a.handoffUpdated)));
  print.summary(agents, ok && !timedOut, timedOut);
  if (signalled || timedOut) return 1;
  return ok ? 0 : 1;
}

function lineWriter(io: Io, json: boolean) {
  const c = paint(io);
  const last = new Map<string, string>();
  const time = () => new Date().toISOString().slice(11, 19);
  return {
    status(a: AgentState) {
      const step = a.chain && !a.chain.finished && !a.waiting?.length ? a.chain.current : null;
      const round = a.chain ? a.chain.round : null;
      const key = JSON.stringify([a.status, a.detail, a.warnings, a.handoffCaptured, step, round, a.chain?.finished]);
      if (last.get(a.name) === key) return;
      last.set(a.name, key);
      if (json) {
        io.out(JSON.stringify({
          time: new Date().toISOString(),
          agent: a.name,
          status: a.status,
          detail: a.detail ?? null,
          branch: a.branch,
          pid: a.pid ?? null,
          exitCode: a.exitCode ?? null,
          signal: a.signal ?? null,
          handoffCaptured: a.handoffCaptured,
          handoffUpdated: a.handoffUpdated ?? null,
          warnings: a.warnings,
          step,
          round,
          ...(a.chain ? { chain: chainLine(chainView(a.chain)), chainFinished: a.chain.finished, chainStopped: a.chain.stopped ?? null } : {}),
        }));
        return;
      }
      const colour = a.status === 'failed' ? c.red : a.status === 'exited' ? c.green : a.status === 'needs-input' ? c.yellow : c.cyan;
      const extra = [a.detail, ...a.warnings].filter(Boolean).join('; ');
      const captured = a.handoffCaptured ? ' · handoff captured' : '';
      const chain = a.chain ? ` · ${chainLine(chainView(a.chain))}` : '';
      io.out(`${c.dim(time())} ${c.bold(a.name.padEnd(12))} ${colour(a.status)}${extra ? ` (${extra})` : ''}${captured}${chain}`);
    },
    message(text: string) {
      if (json) io.out(JSON.stringify({ time: new Date().toISOString(), message: text }));
      else io.out(`${c.dim(time())} ${text}`);
    },
    summary(agents: AgentState[], ok: boolean, timedOut?: string[]) {
      const late = timedOut ? `timed out with ${timedOut.join(', ') || 'no agent'} still running; ` : '';
      const text = `${late}${agents.length} agent${agents.length === 1 ? '' : 's'} finished: ${agents.map((a) => `${a.name} ${a.status}${a.detail ? ` (${a.detail})` : ''}${a.chain?.stopped ? `, chain stopped at ${a.chain.current}: ${a.chain.stopped}` : ''}`).join(', ')}`;
      if (json) io.out(JSON.stringify({ time: new Date().toISOString(), done: true, ok, ...(timedOut ? { timedOut } : {}) }));
      else io.out(`${ok ? c.green('✓') : c.red('✗')} ${text}`);
    },
  };
}
