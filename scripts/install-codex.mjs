#!/usr/bin/env node
// Installs the pinned Codex CLI for the end-to-end tests (see installPinned.mjs) and prints the
// path of its native `codex` executable. Cache: $SUPERVISE_CODEX_CACHE, else
// ${XDG_CACHE_HOME:-~/.cache}/handoff-supervisor/codex, one directory per version.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installPinned } from './installPinned.mjs';

installPinned({
  name: 'codex',
  cacheEnv: 'SUPERVISE_CODEX_CACHE',
  cacheDir: 'codex',
  // The native binary arrives in the optional platform package (@openai/codex-linux-x64 and the
  // like, aliases of @openai/codex@VERSION-PLATFORM) as vendor/<target triple>/bin/codex. The
  // JavaScript launcher (bin/codex.js) only finds and runs it (as a child process on Node 20); the
  // tests run the binary directly, so the agent's process is Codex itself.
  candidates(dir) {
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
  },
  reportsVersion(file, version) {
    try {
      const out = execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
      return out.trim().split(/\s+/).includes(version); // "codex-cli 0.171.0"
    } catch {
      return false;
    }
  },
});
