/** Where commands print: injected so tests can capture it and headless mode can share it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Colours for CLI text; every function is the identity when colour is off. */
export function paint(io: Io) {
  const wrap = (open: number, close: number) => (s: string) =>
    io.color ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Colour is on for a TTY unless NO_COLOR is set (https://no-color.org) or --no-color was given. */
export function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

export function processIo(color: boolean): Io {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    color,
    cwd: process.cwd(),
    env: process.env,
  };
}
