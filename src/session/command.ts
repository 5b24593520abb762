import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';

// What execvp(3) searches when the environment has no PATH.
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The executable `file` names, resolved the way the child's execvp(3) will resolve it: a name
 * with a slash is taken relative to `cwd`; a bare name is searched on `env.PATH`. Undefined
 * when there is no such executable file.
 */
export function resolveCommand(file: string, env: Record<string, string>, cwd: string): string | undefined {
  if (file === '') return undefined;
  if (file.includes('/')) {
    const path = isAbsolute(file) ? file : resolve(cwd, file);
    return isExecutableFile(path) ? path : undefined;
  }
  const searchPath = env.PATH ?? DEFAULT_PATH;
  for (const dir of searchPath.split(delimiter)) {
    // An empty PATH entry means the current directory.
    const candidate = resolve(cwd, dir === '' ? '.' : dir, file);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is an existing directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
