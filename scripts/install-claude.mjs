#!/usr/bin/env node
// Installs the pinned Claude Code CLI for the end-to-end tests (see installPinned.mjs) and prints
// the path of its native `claude` executable. Cache: $SUPERVISE_CLAUDE_CACHE, else
// ${XDG_CACHE_HOME:-~/.cache}/handoff-supervisor/claude-code, one directory per version.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { installPinned } from './installPinned.mjs';

installPinned({
  name: 'claude',
  cacheEnv: 'SUPERVISE_CLAUDE_CACHE',
  cacheDir: 'claude-code',
  // The package's postinstall hard-links the platform binary over bin/claude.exe (a shell stub
  // until then). When install scripts are disabled the stub stays, so the platform package's own
  // binary is the fallback.
  candidates(dir) {
    const scope = join(dir, 'node_modules', '@anthropic-ai');
    const found = [join(scope, 'claude-code', 'bin', 'claude.exe')];
    if (existsSync(scope)) {
      for (const name of readdirSync(scope)) {
        if (name.startsWith('claude-code-')) found.push(join(scope, name, process.platform === 'win32' ? 'claude.exe' : 'claude'));
      }
    }
    return found.filter((file) => existsSync(file));
  },
  reportsVersion(file, version) {
    try {
      const out = execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
      return out.trim().split(/\s/)[0] === version; // "2.1.332 (Claude Code)"
    } catch {
      return false;
    }
  },
});
