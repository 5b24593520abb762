// Installs a pinned agent CLI (test/<name>-version.json) into a cache directory outside this
// package's dependencies, for the end-to-end tests that drive the real CLI. Prints the absolute
// path of the executable on stdout; progress and errors go to stderr; exit 1 with one sentence on
// failure. Idempotent: a cached CLI that reports the pinned version is reused without touching
// the network. The install-<cli>.mjs scripts say only how to find their executable and check it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @param {object} cli
 * @param {string} cli.name        `claude`, `codex`, `gemini`: the pin file and the messages
 * @param {string} cli.cacheEnv    the variable that moves the cache (`SUPERVISE_CLAUDE_CACHE`)
 * @param {string} cli.cacheDir    its folder under ${XDG_CACHE_HOME:-~/.cache}/handoff-supervisor
 * @param {(dir: string) => string[]} cli.candidates  executables an install in `dir` may hold, best first
 * @param {(file: string, version: string) => boolean} cli.reportsVersion  whether `file` runs and reports `version`
 */
export function installPinned(cli) {
  const here = dirname(fileURLToPath(import.meta.url));
  const pin = JSON.parse(readFileSync(join(here, '..', 'test', `${cli.name}-version.json`), 'utf8'));
  const spec = `${pin.package}@${pin.version}`;
  const cacheRoot = resolve(
    process.env[cli.cacheEnv] || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'handoff-supervisor', cli.cacheDir),
  );
  const prefix = join(cacheRoot, pin.version);
  const fail = (message) => {
    process.stderr.write(`install-${cli.name}: ${message}\n`);
    process.exit(1);
  };
  const working = (dir) => cli.candidates(dir).find((file) => cli.reportsVersion(file, pin.version));

  const cached = working(prefix);
  if (cached) {
    process.stdout.write(`${cached}\n`);
    return;
  }
  // Install beside the final directory and rename into place, so a concurrent run or an
  // interrupted download never leaves a half-installed version that looks complete.
  try {
    mkdirSync(cacheRoot, { recursive: true });
  } catch (error) {
    fail(`cannot create the cache directory ${cacheRoot}: ${error.message}`);
  }
  const staging = `${prefix}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`install-${cli.name}: installing ${spec} into ${prefix}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = Date.now();
  const run = spawnSync(npm, ['install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', spec], {
    stdio: ['ignore', 2, 2],
    timeout: 10 * 60_000,
  });
  if (run.error || run.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    fail(`npm install ${spec} failed (${run.error?.message ?? `exit ${run.status}`}); is the npm registry reachable?`);
  }
  if (!working(staging)) {
    rmSync(staging, { recursive: true, force: true });
    fail(`${spec} installed, but no ${cli.name} executable in it runs and reports ${pin.version} on ${process.platform}-${process.arch}`);
  }
  rmSync(prefix, { recursive: true, force: true });
  try {
    renameSync(staging, prefix);
  } catch {
    // Another run won the race; use its copy.
    rmSync(staging, { recursive: true, force: true });
  }
  const final = working(prefix);
  if (!final) fail(`${prefix} holds no working ${cli.name} ${pin.version} after install`);
  process.stderr.write(`install-${cli.name}: ${spec} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`${final}\n`);
}
