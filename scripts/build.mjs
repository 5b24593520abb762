#!/usr/bin/env node
// Bundles the CLI into one file: start-up time is a product figure, and an unbundled
// Ink import alone costs about half a second here. node-pty is native and stays external.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

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
await build({
  entryPoints: ['src/cli.ts'],
  outfile,
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
