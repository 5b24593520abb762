#!/usr/bin/env node
// Installs the pinned Codex CLI into a cache directory, outside this package's dependencies, for
// the end-to-end tests that drive the real `codex`. Prints the absolute path of the native `codex`
// executable on stdout; progress and errors go to stderr.
//
// Cache: $SUPERVISE_CODEX_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/handoff-supervisor/codex, one
// directory per version. Idempotent: a cached binary that reports the pinned version is reused
// without touching the network.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pin = JSON.parse(readFileSync(join(here, '..', 'test', 'codex-version.json'), 'utf8'));
const spec = `${pin.package}@${pin.version}`;

const cacheRoot = resolve(
  process.env.SUPERVISE_CODEX_CACHE ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'handoff-supervisor', 'codex'),
);
const prefix = join(cacheRoot, pin.version);

function fail(message) {
  process.stderr.write(`install-codex: ${message}\n`);
  process.exit(1);
}

// The native binary arrives in the optional platform package (@openai/codex-linux-x64 and the
// like, aliases of @openai/codex@VERSION-PLATFORM) as vendor/<target triple>/bin/codex. The
// JavaScript launcher (bin/codex.js) only finds and runs it (as a child process on Node 20); the
// tests run the binary directly, so the agent's process is Codex itself.
function candidates(dir) {
  const scope = join(dir, 'node_modules', '@openai');
  const found = [];
  if (!existsSync(scope)) return found;
  for (const name of readdirSync(scope)) {
    if (!name.startsWith('codex')) continue;
    const vendor = join(scope, name, 'vendor');
    if (!existsSync(vendor)) continue;
    for (const triple of readdirSync(vendor)) {
      const file = join(vendor, triple, 'bin', process.platform === 'win32' ? 'codex.exe' : 'codex');
      if (existsSync(file)) found.push(file);
    }
  }
  return found;
}

function reportsPinnedVersion(file) {
  try {
    const out = execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    // "codex-cli 0.171.0"
    return out.trim().split(/\s+/).includes(pin.version);
  } catch {
    return false;
  }
}

function working(dir) {
  return candidates(dir).find(reportsPinnedVersion);
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
process.stderr.write(`install-codex: installing ${spec} into ${prefix}\n`);
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
const installed = working(staging);
if (!installed) {
  rmSync(staging, { recursive: true, force: true });
  fail(`${spec} installed, but no codex binary in it runs and reports ${pin.version} on ${process.platform}-${process.arch}`);
}
rmSync(prefix, { recursive: true, force: true });
try {
  renameSync(staging, prefix);
} catch {
  // Another run won the race; use its copy.
  rmSync(staging, { recursive: true, force: true });
}
const final = working(prefix);
if (!final) fail(`${prefix} holds no working codex ${pin.version} after install`);
process.stderr.write(`install-codex: ${spec} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${final}\n`);
