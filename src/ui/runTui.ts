/**
 * `supervise` with its TUI: the first frame goes up before the supervisor has started anything
 * (agents show as `starting`), then the supervisor is created and started behind it. Quitting
 * (`q` + `y`, or SIGINT/SIGTERM/SIGHUP without asking) leaves the TUI first, then stops every
 * agent on the normal screen with a visible line, so a slow agent never leaves the terminal in
 * raw mode. Exit code: 0, or 1 when an agent failed (exited non-zero or crashed).
 */
// First: it hides CI variables from Ink while Ink loads (see ciEnv.ts).
import { restoreCiEnv } from './ciEnv.js';
import { closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink';
import { paint, type Io } from '../commands/io.js';
import type { LoadedConfig } from '../config/types.js';
import { packageRoot } from '../paths.js';
import type { AgentState } from '../supervisor/agentState.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { AttachedMemory } from '../memory/inject.js';
import { App } from './components/App.js';
import { createInkStdout, PaneCompositor } from './compositor/index.js';
import { TuiController } from './controller.js';
import { memoryAccess } from './memory.js';
import { createKeymap, type KeyOverrides } from './keys/keymap.js';
import { agentSizes } from './panes.js';
import { statusGlyph, statusWord } from './state/format.js';
import { initialState } from './state/reducer.js';
import { Store } from './state/store.js';
import { TerminalMode } from './terminal.js';

export interface RunTuiOptions {
  /** Key bindings replacing the defaults, per command (e.g. `{ detach: ['ctrl-a'] }`). */
  keys?: KeyOverrides;
  /** Start every agent over (`--fresh`); run only these agents (`--only`). */
  fresh?: boolean;
  only?: string[];
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
// Ink redraws at most this often; the compositor draws panes at the same cap.
const MAX_FPS = 30;
// After a resize settles, the whole screen is cleared and drawn again (Ink's relative cursor
// bookkeeping does not survive the terminal reflowing its contents).
const RESIZE_REPAINT_MS = 60;

/** Runs the TUI until the user quits; resolves with the exit code. */
export async function runTui(loaded: LoadedConfig, io: Io, opts: RunTuiOptions = {}): Promise<number> {
  restoreCiEnv();
  const { stdin, stdout } = process;
  const now = Date.now();
  const placeholders: AgentState[] = loaded.config.agents.filter((a) => !opts.only || opts.only.includes(a.name)).map((a) => ({
    name: a.name,
    preset: a.preset,
    task: a.task,
    branch: a.branch,
    worktree: join(loaded.worktreeRoot, a.name),
    status: 'starting',
    startedAt: now,
    handoffCaptured: false,
    warnings: [],
  }));
  const store = new Store(
    initialState({
      cols: stdout.columns || 80,
      rows: stdout.rows || 24,
      color: io.color,
      project: loaded.config.project,
      budget: loaded.config.handoff.budget,
      agents: placeholders,
      now,
    }),
  );
  const keymap = createKeymap(opts.keys);
  const terminal = new TerminalMode(stdin, stdout);
  const compositor = new PaneCompositor(stdout, { maxFps: MAX_FPS, color: io.color });
  let sup: Supervisor | undefined;
  let memory: AttachedMemory | undefined;
  let inkWrite: ((data: string) => void) | undefined;
  let finishing: Promise<number> | undefined;
  let starting: Promise<void> = Promise.resolve();
  let resolveDone!: (code: number) => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<number>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const controller = new TuiController({
    store,
    keymap,
    panes: compositor,
    write: (s) => stdout.write(s),
    onQuit: () => void finish(),
    memory: () => sup && memoryAccess(sup.config.root, memory?.client),
  });

  const onData = (data: string | Buffer) => controller.input(typeof data === 'string' ? data : data.toString('utf8'));
  let repaintTimer: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => {
    controller.resize(stdout.columns || 80, stdout.rows || 24);
    clearTimeout(repaintTimer);
    repaintTimer = setTimeout(() => inkWrite?.('\x1b[2J\x1b[H'), RESIZE_REPAINT_MS);
  };
  let hungUp = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGHUP') hungUp = true;
    if (!finishing) return void finish();
    // A second signal while agents are being stopped: stop waiting for them.
    for (const a of sup?.agents() ?? []) sup?.session(a.name)?.signal('SIGKILL');
  };
  // A crash still leaves the terminal usable and stops the agents; the CLI prints the error.
  const onCrash = (err: unknown) => void finish(err);
  const onExit = () => terminal.leave();
  const ignoreError = () => {};

  // Leaves the TUI, then stops every agent with its handoff captured. Runs once.
  const finish = (failure?: unknown): Promise<number> => {
    finishing ??= (async () => {
      clearTimeout(repaintTimer);
      stdin.off('data', onData);
      stdout.off('resize', onResize);
      controller.dispose();
      compositor.dispose();
      ink.unmount();
      terminal.leave();
      await starting.catch(() => undefined);
      // After a hang-up the terminal is gone: say nothing, and let go of it (see releaseTerminal).
      const code = sup ? await stopAgents(sup, hungUp ? { ...io, out: () => {}, err: () => {} } : io) : 0;
      await memory?.close();
      cleanup();
      if (hungUp) releaseTerminal();
      if (failure !== undefined) {
        rejectDone(failure);
        return 1;
      }
      resolveDone(code);
      return code;
    })();
    return finishing;
  };
  const cleanup = () => {
    for (const sig of SIGNALS) process.off(sig, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('exit', onExit);
    // After a hang-up every write to the terminal fails, until the process ends: keep ignoring it.
    if (!hungUp) {
      stdout.off('error', ignoreError);
      stdin.off('error', ignoreError);
    }
  };

  process.on('exit', onExit);
  stdout.on('error', ignoreError);
  stdin.on('error', ignoreError);
  terminal.enter();
  const ink = render(createElement(App, { store, keymap, onInkWrite: (w: (data: string) => void) => (inkWrite = w) }), {
    stdout: createInkStdout(stdout, compositor),
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    // Ink 6.8's incremental mode loses a row per frame when the output ends with a newline
    // (anything shorter than the terminal): every frame is written whole instead.
    incrementalRendering: false,
    maxFps: MAX_FPS,
  });
  stdin.on('data', onData);
  stdout.on('resize', onResize);
  for (const sig of SIGNALS) process.on(sig, onSignal);
  process.on('uncaughtException', onCrash);

  starting = (async () => {
    // Let the first frame reach the terminal before git and the PTYs get to work.
    await new Promise<void>((resolve) => setImmediate(resolve));
    // The supervisor's code (git, PTYs, xterm, handoffs, memory) loads only now, behind the frame.
    const [{ Supervisor }, { NodePtySpawner }, { attachMemory }, { Screen }] = await Promise.all([
      import('../supervisor/supervisor.js'),
      import('../session/pty.js'),
      import('../memory/inject.js'),
      import('../session/screen.js'),
    ]);
    // The chrome as Ink draws it, so that panes can scroll with the terminal (see ChromeMirror).
    compositor.mirrorChrome(new Screen({ cols: stdout.columns || 80, rows: stdout.rows || 24, scrollback: 0, convertEol: true }));
    const size = agentSizes(store.getState()).values().next().value ?? { cols: 80, rows: 24 };
    sup = await Supervisor.create({
      loaded,
      spawner: new NodePtySpawner(),
      env: io.env,
      cols: size.cols,
      rows: size.rows,
      nodePath: process.execPath,
      cliPath: join(packageRoot(), 'dist', 'cli.js'),
      fresh: opts.fresh,
      only: opts.only,
    });
    if (finishing) return;
    memory = attachMemory(sup, { env: io.env, message: (text) => controller.message(text, 'warn') });
    controller.connect(sup);
    await sup.start();
    controller.started();
  })();
  starting.catch((err: unknown) => void finish(err));
  return done;
}

/** Stops every agent (hang-up, TERM, KILL), printing what happens; 1 when an agent failed. */
async function stopAgents(sup: Supervisor, io: Io): Promise<number> {
  const c = paint(io);
  const running = sup.agents().filter((a) => a.status !== 'exited' && a.status !== 'failed' && a.status !== 'stopped').length;
  if (running > 0) io.out(c.dim(`stopping ${running} agent${running === 1 ? '' : 's'} and capturing handoffs…`));
  await sup.shutdown();
  const agents = sup.agents();
  const width = Math.max(0, ...agents.map((a) => a.name.length));
  const wordWidth = Math.max(0, ...agents.map((a) => statusWord(a).length));
  for (const a of agents) {
    const failed = a.status === 'failed' || statusGlyph(a) === '✗';
    const colour = failed ? c.red : a.status === 'exited' ? c.green : c.dim;
    const notes = [a.handoffCaptured ? 'handoff captured' : 'handoff not captured', ...a.warnings].join(' · ');
    io.out(`${colour(statusGlyph(a))} ${c.bold(a.name.padEnd(width))}  ${colour(statusWord(a).padEnd(wordWidth))}  ${c.dim(notes)}`);
  }
  return agents.some((a) => a.status === 'failed' || statusGlyph(a) === '✗') ? 1 : 0;
}

/**
 * Closes standard input, output and error when they are a terminal that hung up: Node 20 aborts
 * at exit when it cannot restore a terminal's settings, and it skips closed descriptors.
 */
function releaseTerminal(): void {
  process.stderr.on('error', () => {});
  for (const fd of [0, 1, 2]) {
    try {
      if (fstatSync(fd).isCharacterDevice()) closeSync(fd);
    } catch {
      // already closed
    }
  }
}
