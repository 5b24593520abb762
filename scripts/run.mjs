#!/usr/bin/env node
// Runs a TypeScript entry (a bench or a dev script) by bundling it with esbuild to a temp file.
// Usage: node scripts/run.mjs bench/handoff.ts [args...]
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs FILE.ts [args...]');
  process.exit(2);
}
// Keep the bundle inside the package so bare imports of externals (node-pty) resolve.
const dir = mkdtempSync(join(resolve('node_modules'), '.run-'));
const outfile = join(dir, 'entry.mjs');
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  packages: 'external',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
process.argv = [process.argv[0], resolve(entry), ...rest];
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
await import(pathToFileURL(outfile).href);
