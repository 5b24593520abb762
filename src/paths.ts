import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The installed package's root (where templates/ and schema/ live). Found by walking up from
 * this module, so it works from src/ under vitest and from the bundled dist/cli.js alike.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'handoff-supervisor') {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('handoff-supervisor: cannot find the package root');
    dir = parent;
  }
}

export function templatePath(name: string): string {
  return join(packageRoot(), 'templates', name);
}
