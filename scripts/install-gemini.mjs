#!/usr/bin/env node
// Installs the pinned Gemini CLI into a cache directory, outside this package's dependencies,
// for the end-to-end tests that drive the real `gemini`. Prints the absolute path of its
// `gemini` entry script on stdout (run it with node); progress and errors go to stderr.
//
// Cache: $SUPERVISE_GEMINI_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/handoff-supervisor/gemini-cli,
// one directory per version. Idempotent: a cached CLI that reports the pinned version is reused
// without touching the network.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pin = JSON.parse(readFileSync(join(here, '..', 'test', 'gemini-version.json'), 'utf8'));
const spec = `${pin.package}@${pin.version}`;

const cacheRoot = resolve(
  process.env.SUPERVISE_GEMINI_CACHE ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'handoff-supervisor', 'gemini-cli'),
);
const prefix = join(cacheRoot, pin.version);

function fail(message) {
  process.stderr.write(`install-gemini: ${message}\n`);
  process.exit(1);
}

// npm links the package's bin into node_modules/.bin; the link is what a user's PATH would hold.
function entry(dir) {
  const file = join(dir, 'node_modules', '.bin', 'gemini');
  return existsSync(file) ? file : undefined;
}

function reportsPinnedVersion(file) {
  try {
    // No HOME of the user's: --version must not create or read ~/.gemini.
    const out = execFileSync(process.execPath, [file, '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirname(file), NO_COLOR: '1' },
    });
    return out.trim().split(/\s/).pop() === pin.version;
  } catch {
    return false;
  }
}

function working(dir) {
  const file = entry(dir);
  return file && reportsPinnedVersion(file) ? file : undefined;
}

const cached = working(prefix);
if (cached) {
  process.stdout.write(`${cached}\n`);
  process.exit(0);
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
process.stderr.write(`install-gemini: installing ${spec} into ${prefix}\n`);
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
  fail(`${spec} installed, but its gemini does not run and report ${pin.version} on node ${process.version}`);
}
rmSync(prefix, { recursive: true, force: true });
try {
  renameSync(staging, prefix);
} catch {
  // Another run won the race; use its copy.
  rmSync(staging, { recursive: true, force: true });
}
const final = working(prefix);
if (!final) fail(`${prefix} holds no working gemini ${pin.version} after install`);
process.stderr.write(`install-gemini: ${spec} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${final}\n`);
