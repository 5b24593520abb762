#!/usr/bin/env node
// Bundles the CLI into dist/cli.js and the chunks it imports on demand: start-up time is a
// product figure, and an unbundled Ink import alone costs about half a second here. node-pty is
// native and stays external.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';

const outfile = 'dist/cli.js';

// Ink imports react-devtools-core only when DEV=true, but an external import is hoisted to the
// top of an ESM bundle and would be required at start-up: give it an inert stand-in instead.
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export default { initialize() {}, connectToDevTools() {} };',
      loader: 'js',
    }));
  },
};
// Chunks are named by their content: remove the last build's, or they pile up.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  // Each command's and each feature's code is a chunk loaded when it is first imported: the TUI's
  // first frame does not pay for parsing memory, MCP or landing code it may never use.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  // PGlite finds its wasm and data files beside its own module at run time, and pg loads
  // pg-native optionally: both stay in node_modules, imported only when memory is used.
  external: ['node-pty', '@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'pg'],
  plugins: [noDevtools],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
