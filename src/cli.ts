/** `supervise`: argument parsing and wiring only; each command lives in src/commands/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SuperviseError, formatError } from './errors.js';
import { packageRoot } from './paths.js';
import { processIo, wantsColor, type Io } from './commands/io.js';
import { COMMANDS, findCommand, globalHelp, type CommandSpec } from './commands/table.js';

const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  config: { type: 'string', short: 'c' },
  'no-color': { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

function version(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}

async function main(argv: string[]): Promise<number> {
  const noColor = argv.includes('--no-color');
  const io = processIo(wantsColor(process.stdout, process.env, noColor));
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof SuperviseError) {
      io.err(`supervise: ${formatError(err)}`);
      return err.exitCode;
    }
    io.err(`supervise: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SUPERVISE_DEBUG) io.err(String((err as Error)?.stack));
    return 1;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const { spec, rest } = findCommand(argv);
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    const where = ['supervise', ...spec.path, '--help'].join(' ');
    throw new SuperviseError('UsageError', `${(err as Error).message.replace(/\.$/, '')}.`, {}, `See \`${where}\`.`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(version());
    return 0;
  }
  if (values.help) {
    io.out(spec.path.length === 0 ? globalHelp(version()) : commandHelp(spec));
    return 0;
  }
  if (positionals.length > spec.maxPositionals) {
    const extra = positionals[spec.maxPositionals];
    const where = ['supervise', ...spec.path].join(' ');
    throw new SuperviseError('UsageError', `unexpected argument "${extra}" for \`${where}\`.`, {}, `Commands: ${COMMANDS.filter((c) => c.path.length).map((c) => c.path.join(' ')).join(', ')}.`);
  }
  return spec.run({ values: values as Record<string, unknown>, positionals, io });
}

function commandHelp(spec: CommandSpec): string {
  return `${spec.usage}\n\n${spec.help.trim()}\n`;
}

process.exitCode = await main(process.argv.slice(2));
