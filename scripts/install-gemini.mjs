#!/usr/bin/env node
// Installs the pinned Gemini CLI for the end-to-end tests (see installPinned.mjs) and prints the
// path of its `gemini` entry script (run it with node). Cache: $SUPERVISE_GEMINI_CACHE, else
// ${XDG_CACHE_HOME:-~/.cache}/handoff-supervisor/gemini-cli, one directory per version.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installPinned } from './installPinned.mjs';

installPinned({
  name: 'gemini',
  cacheEnv: 'SUPERVISE_GEMINI_CACHE',
  cacheDir: 'gemini-cli',
  // npm links the package's bin into node_modules/.bin; the link is what a user's PATH would hold.
  candidates(dir) {
    const file = join(dir, 'node_modules', '.bin', 'gemini');
    return existsSync(file) ? [file] : [];
  },
  reportsVersion(file, version) {
    try {
      // No HOME of the user's: --version must not create or read ~/.gemini.
      const out = execFileSync(process.execPath, [file, '--version'], {
        encoding: 'utf8',
        timeout: 60_000,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirname(file), NO_COLOR: '1' },
      });
      return out.trim().split(/\s/).pop() === version;
    } catch {
      return false;
    }
  },
});
