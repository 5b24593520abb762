// Helpers for tests that drive the real Codex CLI: find (or install) the pinned version, and build
// a throw-away HOME whose `~/.codex/config.toml` is the user's own setup (a custom provider that
// points at the local Responses stand-in), so the test can check that nothing under it changes.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pin from '../codex-version.json' with { type: 'json' };

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Codex version the tests are written against. */
export const CODEX_VERSION: string = pin.version;

/** The variable our stand-in provider reads its key from; the stand-in never looks at it. */
export const STANDIN_KEY_ENV = 'STANDIN_OPENAI_KEY';

/** Installs the pinned Codex into the cache (or finds it there); a reason when impossible. */
export async function findCodex(): Promise<{ path: string; version: string } | { skipped: string }> {
  if (process.platform === 'win32') return { skipped: 'the Codex tests need a Unix PTY and shell hooks' };
  try {
    const { stdout } = await run(process.execPath, [join(root, 'scripts', 'install-codex.mjs')], { timeout: 10 * 60_000, maxBuffer: 1 << 20 });
    const path = stdout.trim().split('\n').pop() ?? '';
    if (path === '') return { skipped: 'scripts/install-codex.mjs printed no path' };
    return { path, version: CODEX_VERSION };
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    const why = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? err.message;
    return { skipped: `cannot install Codex ${CODEX_VERSION}: ${why}` };
  }
}

/** Skips a suite loudly when the CLI cannot be installed, or fails it under SUPERVISE_REQUIRE_CODEX=1. */
export function skipReason(found: Awaited<ReturnType<typeof findCodex>>, suite: string): string | undefined {
  if (!('skipped' in found)) return undefined;
  if (process.env.SUPERVISE_REQUIRE_CODEX === '1') throw new Error(`SUPERVISE_REQUIRE_CODEX=1 but ${found.skipped}`);
  console.warn(`\n!!! ${suite} SKIPPED: ${found.skipped}\n`);
  return found.skipped;
}

/**
 * The user's `~/.codex/config.toml` as a returning user has it: their provider and model, and the
 * answers Codex saves after a first run (so a run that changes it is a run that wrote into it).
 */
export function userCodexConfig(baseUrl: string): string {
  return `model = "standin-model"
model_provider = "standin"

[model_providers.standin]
name = "Stand-in"
base_url = "${baseUrl}"
env_key = "${STANDIN_KEY_ENV}"
wire_api = "responses"

[tui]
screen_reader_detection_done = true

[tui.model_availability_nux]
"gpt-6.1-sol" = 99
`;
}

/** A temp HOME for Codex; `snapshot()` lists every file under it with size and mtime. */
export class CodexHome {
  private constructor(readonly dir: string) {}

  static async create(baseUrl: string): Promise<CodexHome> {
    const home = new CodexHome(await realpath(await mkdtemp(join(tmpdir(), 'codex-home-'))));
    await mkdir(join(home.dir, '.codex'), { recursive: true });
    await writeFile(join(home.dir, '.codex', 'config.toml'), userCodexConfig(baseUrl));
    return home;
  }

  get configPath(): string {
    return join(this.dir, '.codex', 'config.toml');
  }

  /** The environment that runs Codex offline with this HOME. */
  env(): Record<string, string> {
    return {
      HOME: this.dir,
      XDG_CONFIG_HOME: join(this.dir, '.config'),
      XDG_CACHE_HOME: join(this.dir, '.cache'),
      XDG_DATA_HOME: join(this.dir, '.local', 'share'),
      XDG_STATE_HOME: join(this.dir, '.local', 'state'),
      [STANDIN_KEY_ENV]: 'sk-standin',
      LANG: 'C.UTF-8',
    };
  }

  /** Every file under HOME, relative, with its size: what a run may have added. */
  async files(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else out.push(relative(this.dir, path));
      }
    };
    await walk(this.dir);
    return out.sort();
  }

  async config(): Promise<string> {
    return readFile(this.configPath, 'utf8');
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** A `bin` dir under `dir` whose `codex` links to the real CLI, to put first on PATH for the `codex` preset. */
export async function codexBinDir(codexPath: string, dir: string): Promise<string> {
  const bin = join(dir, 'codex-bin');
  await mkdir(bin, { recursive: true });
  await symlink(codexPath, join(bin, 'codex'));
  return bin;
}

/** Pids of live processes running the Codex binary at `codexPath` (read from /proc). */
export async function codexProcesses(codexPath: string): Promise<number[]> {
  const real = await realpath(codexPath);
  const pids: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if ((await readlink(`/proc/${name}/exe`)) === real && (await stat(`/proc/${name}`)).isDirectory()) pids.push(Number(name));
    } catch {
      // gone, or not ours to look at
    }
  }
  return pids;
}
