// Helpers for tests that drive the real Gemini CLI: find (or install) the pinned version, and
// build a throw-away HOME holding the test's own auth settings, so nothing of the user's
// `~/.gemini` is read or written.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pin from '../gemini-version.json' with { type: 'json' };

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Gemini CLI version the tests are written against. */
export const GEMINI_VERSION: string = pin.version;

/** The stand-in never checks the key; the CLI only needs one to be set. */
export const FAKE_GEMINI_KEY = 'standin-gemini-key-0000';

/** A model named explicitly: with the default (Auto) the CLI first asks a routing model. */
export const TEST_MODEL = 'gemini-2.5-pro';

/** Installs the pinned Gemini CLI into the cache (or finds it there); a reason when impossible. */
export async function findGemini(): Promise<{ path: string; version: string } | { skipped: string }> {
  if (process.platform === 'win32') return { skipped: 'the Gemini CLI tests need a Unix PTY and shell hooks' };
  try {
    const { stdout } = await run(process.execPath, [join(root, 'scripts', 'install-gemini.mjs')], { timeout: 10 * 60_000, maxBuffer: 1 << 20 });
    const path = stdout.trim().split('\n').pop() ?? '';
    if (path === '') return { skipped: 'scripts/install-gemini.mjs printed no path' };
    return { path, version: GEMINI_VERSION };
  } catch (error) {
    const err = error as { stderr?: string; message: string };
    const why = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? err.message;
    return { skipped: `cannot install the Gemini CLI ${GEMINI_VERSION}: ${why}` };
  }
}

/** Skips a suite loudly when the CLI cannot be installed, or fails it under SUPERVISE_REQUIRE_GEMINI=1. */
export function skipReason(found: Awaited<ReturnType<typeof findGemini>>, suite: string): string | undefined {
  if (!('skipped' in found)) return undefined;
  if (process.env.SUPERVISE_REQUIRE_GEMINI === '1') throw new Error(`SUPERVISE_REQUIRE_GEMINI=1 but ${found.skipped}`);
  console.warn(`\n!!! ${suite} SKIPPED: ${found.skipped}\n`);
  return found.skipped;
}

/** A `bin` dir under `dir` whose `gemini` runs the cached CLI with this Node, to put first on PATH. */
export async function geminiBinDir(geminiPath: string, dir: string): Promise<string> {
  const bin = join(dir, 'gemini-bin');
  await mkdir(bin, { recursive: true });
  const file = join(bin, 'gemini');
  await writeFile(file, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(geminiPath)} "$@"\n`, { mode: 0o755 });
  return bin;
}

/** A HOME for the CLI: `~/.gemini/settings.json` picks API-key auth, as a user's own setup would. */
export class GeminiHome {
  private constructor(readonly dir: string) {}

  static async create(): Promise<GeminiHome> {
    const home = new GeminiHome(await realpath(await mkdtemp(join(tmpdir(), 'gemini-home-'))));
    await mkdir(join(home.dir, '.gemini'), { recursive: true });
    const settings = {
      security: { auth: { selectedType: 'gemini-api-key' } },
      // The current names: the CLI rewrites a settings file that uses the older disable* ones.
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      privacy: { usageStatisticsEnabled: false },
      ui: { hideTips: true },
    };
    await writeFile(join(home.dir, '.gemini', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
    return home;
  }

  /** The environment that runs the CLI offline against `baseUrl`, with this HOME. */
  env(baseUrl: string): Record<string, string> {
    return {
      HOME: this.dir,
      XDG_CONFIG_HOME: join(this.dir, '.config'),
      XDG_CACHE_HOME: join(this.dir, '.cache'),
      GEMINI_API_KEY: FAKE_GEMINI_KEY,
      GOOGLE_GEMINI_BASE_URL: baseUrl,
      GEMINI_CLI_NO_RELAUNCH: 'true',
    };
  }

  /** Every file under `~/.gemini` with its size and modification time, to show nothing of ours touched it. */
  async settingsSnapshot(): Promise<string> {
    const file = join(this.dir, '.gemini', 'settings.json');
    const s = await stat(file);
    return `${await readFile(file, 'utf8')}@${s.mtimeMs}`;
  }

  /** Names of the files directly under `~/.gemini`. */
  async files(): Promise<string[]> {
    return (await readdir(join(this.dir, '.gemini'))).sort();
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** Processes whose working directory is `dir`, with their command lines: what an agent left running. */
export function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readlinkSync(join('/proc', pid, 'cwd')) === dir) found.push(`${pid}: ${readFileSync(join('/proc', pid, 'cmdline'), 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
