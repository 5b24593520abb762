// Helpers for tests that drive the real Claude Code CLI: find (or install) the pinned version,
// build a throw-away HOME and git repo it starts in without onboarding or network, and run it
// in a real PTY whose screen is rendered by @xterm/headless.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import pin from '../claude-version.json' with { type: 'json' };

const { Terminal } = xterm;
const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Claude Code version the tests are written against. */
export const CLAUDE_VERSION: string = pin.version;

/** Any `sk-ant-` string passes the CLI's format check; the stand-in never looks at it. */
export const FAKE_API_KEY = 'sk-ant-api03-standin-0000000000000000000000000000000000000000-key';

/** Installs the pinned Claude Code into the cache (or finds it there); a reason when impossible. */
export async function findClaude(): Promise<{ path: string; version: string } | { skipped: string }> {
  if (process.platform === 'win32') return { skipped: 'the Claude Code tests need a Unix PTY and shell hooks' };
  try {
    const { stdout } = await run(process.execPath, [join(root, 'scripts', 'install-claude.mjs')], {
      timeout: 10 * 60_000,
      maxBuffer: 1 << 20,
    });
    const path = stdout.trim().split('\n').pop() ?? '';
    if (path === '') return { skipped: 'scripts/install-claude.mjs printed no path' };
    return { path, version: CLAUDE_VERSION };
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    const why = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? err.message;
    return { skipped: `cannot install Claude Code ${CLAUDE_VERSION}: ${why}` };
  }
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Claude Code settings as the tests write them: hooks and permission rules. */
export interface ClaudeSettings {
  hooks?: Record<string, { matcher?: string; hooks: { type: 'command'; command: string; timeout?: number }[] }[]>;
  permissions?: { allow?: string[]; deny?: string[]; ask?: string[] };
  [key: string]: unknown;
}

/** One recorded hook call: the JSON Claude Code wrote to the hook's stdin. */
export type HookEvent = Record<string, unknown> & { hook_event_name: string };

/** A temp dir holding a HOME and a git repo (`repo`) that Claude Code trusts. */
export class ClaudeSandbox {
  readonly home: string;
  readonly repo: string;
  readonly hookLog: string;

  private constructor(readonly dir: string) {
    this.home = join(dir, 'home');
    this.repo = join(dir, 'repo');
    this.hookLog = join(dir, 'hooks.jsonl');
  }

  /** Creates the sandbox: a repo with one commit, and a HOME whose config trusts `trusted` (default: the repo). */
  static async create(trusted?: string[]): Promise<ClaudeSandbox> {
    // realpath: macOS's tmpdir is a symlink, and Claude Code keys trust by the real path.
    const sandbox = new ClaudeSandbox(await realpath(await mkdtemp(join(tmpdir(), 'claude-e2e-'))));
    await mkdir(sandbox.home, { recursive: true });
    await mkdir(sandbox.repo, { recursive: true });
    await sandbox.git('init', '-q', '-b', 'main');
    await writeFile(join(sandbox.repo, 'README.md'), '# test repo\n');
    await sandbox.git('add', '.');
    await sandbox.git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
    await sandbox.writeGlobalConfig(trusted ?? [sandbox.repo]);
    await writeFile(sandbox.hookLog, '');
    return sandbox;
  }

  /** Runs git in the repo. */
  async git(...args: string[]): Promise<string> {
    return (await run('git', args, { cwd: this.repo })).stdout;
  }

  /** Writes `~/.claude.json`: onboarding done, the fake key approved, `trusted` dirs trusted. */
  async writeGlobalConfig(trusted: string[]): Promise<void> {
    const projects = Object.fromEntries(trusted.map((dir) => [dir, { hasTrustDialogAccepted: true }]));
    const config = {
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [FAKE_API_KEY.slice(-20)], rejected: [] },
      projects,
    };
    await writeFile(join(this.home, '.claude.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  /** Writes `<dir>/.claude/settings.local.json` (dir defaults to the repo). */
  async writeSettings(settings: ClaudeSettings, dir = this.repo): Promise<void> {
    await mkdir(join(dir, '.claude'), { recursive: true });
    await writeFile(join(dir, '.claude', 'settings.local.json'), `${JSON.stringify(settings, null, 2)}\n`);
  }

  /** A hook command that appends its stdin JSON as one line to the hook log, then prints `stdout`. */
  recorder(stdout = ''): string {
    const log = shellQuote(this.hookLog);
    const reply = stdout === '' ? '' : `; printf '%s' ${shellQuote(stdout)}`;
    return `{ tr -d '\\n'; echo; } >> ${log}${reply}`;
  }

  /** Settings that record every hook event the supervisor cares about. */
  recordingHooks(events = ['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'SessionEnd']): NonNullable<ClaudeSettings['hooks']> {
    return Object.fromEntries(events.map((e) => [e, [{ hooks: [{ type: 'command' as const, command: this.recorder() }] }]]));
  }

  /** The hook calls recorded so far, in order. */
  async hookEvents(): Promise<HookEvent[]> {
    const text = await readFile(this.hookLog, 'utf8');
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as HookEvent);
  }

  /** Waits until a hook event matching `name` (and `where`) is recorded, and returns it. */
  async waitForHook(name: string, where: (e: HookEvent) => boolean = () => true, timeoutMs = 20_000): Promise<HookEvent> {
    return waitFor(async () => (await this.hookEvents()).find((e) => e.hook_event_name === name && where(e)), `hook ${name}`, timeoutMs);
  }

  /** The environment that runs Claude Code offline against `baseUrl`, isolated from the user's. */
  env(baseUrl: string): Record<string, string> {
    const home = this.home;
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      USER: process.env.USER ?? 'tester',
      SHELL: '/bin/sh',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_STATE_HOME: join(home, '.local', 'state'),
      ANTHROPIC_API_KEY: FAKE_API_KEY,
      ANTHROPIC_BASE_URL: baseUrl,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      // Even with non-essential traffic off, 2.1.197 clones the plugin marketplace from GitHub
      // and looks for updates at start-up; neither belongs in an offline test.
      CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
      DISABLE_AUTOUPDATER: '1',
    };
  }

  /** Removes the sandbox. */
  async cleanup(): Promise<void> {
    // A hook or helper Claude Code started may still be writing its last file.
    await rm(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** A program in a real PTY whose output feeds a headless xterm, so tests read the screen. */
export class PtyScreen {
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  /** Set once the program has exited. */
  exitStatus: { exitCode: number; signal?: number } | undefined;
  private readonly term: InstanceType<typeof Terminal>;
  private readonly proc: pty.IPty;
  private listeners = new Set<() => void>();
  private pendingWrites = 0;

  constructor(file: string, args: string[], options: { cwd: string; env: Record<string, string>; cols?: number; rows?: number }) {
    const cols = options.cols ?? 120;
    const rows = options.rows ?? 40;
    this.term = new Terminal({ cols, rows, allowProposedApi: true });
    this.proc = pty.spawn(file, args, { name: 'xterm-256color', cols, rows, cwd: options.cwd, env: options.env });
    // Answer the program's terminal queries (device attributes, cursor position) the way a terminal would.
    this.term.onData((data) => this.proc.write(data));
    this.proc.onData((data) => {
      this.pendingWrites += 1;
      this.term.write(data, () => {
        this.pendingWrites -= 1;
        for (const listener of [...this.listeners]) listener();
      });
    });
    this.exited = new Promise((resolve) =>
      this.proc.onExit((status) => {
        this.exitStatus = status;
        resolve(status);
      }),
    );
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** The rendered screen: one line per row, trailing blanks trimmed. */
  screen(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** Resolves with the screen once it matches `pattern`; rejects with the screen after `timeoutMs`. */
  waitForScreen(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const matches = (): boolean => (typeof pattern === 'string' ? this.screen().includes(pattern) : pattern.test(this.screen()));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = (): void => {
        if (!matches()) return;
        done();
        resolve(this.screen());
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`screen never showed ${String(pattern)}; it shows:\n${this.screen()}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Types text into the program. */
  write(data: string): void {
    this.proc.write(data);
  }

  /** Sends a signal to the program. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    try {
      this.proc.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /** Resolves once the headless terminal has rendered everything received so far. */
  async drained(): Promise<void> {
    await waitFor(() => this.pendingWrites === 0, 'terminal writes to drain', 5_000);
  }

  /** Kills the program and whatever it started (its process group), and frees the terminal. */
  async dispose(): Promise<void> {
    try {
      // node-pty makes the child a session leader, so its pid is also its process group.
      process.kill(-this.proc.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    this.term.dispose();
  }
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A `bin` dir under `dir` whose `claude` links to the real CLI, to put first on PATH for the `claude` preset. */
export async function claudeBinDir(claudePath: string, dir: string): Promise<string> {
  const bin = join(dir, 'claude-bin');
  await mkdir(bin, { recursive: true });
  await symlink(claudePath, join(bin, 'claude'));
  return bin;
}

/** Git's identity for commits the supervisor makes under a temp HOME that has no `~/.gitconfig`. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** Skips a suite loudly when the CLI cannot be installed, or fails it under SUPERVISE_REQUIRE_CLAUDE=1. */
export function skipReason(found: Awaited<ReturnType<typeof findClaude>>, suite: string): string | undefined {
  if (!('skipped' in found)) return undefined;
  if (process.env.SUPERVISE_REQUIRE_CLAUDE === '1') throw new Error(`SUPERVISE_REQUIRE_CLAUDE=1 but ${found.skipped}`);
  console.warn(`\n!!! ${suite} SKIPPED: ${found.skipped}\n`);
  return found.skipped;
}
