/** `supervise memory search|add|list|forget|export|import|stats|serve`. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SuperviseError } from '../errors.js';
import { optionalConfigFile } from '../config/find.js';
import { loadConfig } from '../config/load.js';
import { MEMORY_KINDS, openMemory, type Memory, type MemoryClient, type MemoryKind, type MemorySettings } from '../memory/index.js';
import { ID_PATTERN } from '../memory/store.js';
import { paint, type Io } from './io.js';
import type { CommandArgs } from './table.js';

const DEFAULT_SETTINGS: MemorySettings = { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } };

/** memory settings from agents.yaml when there is one (-c or the nearest), else the defaults. */
async function settingsOf(values: Record<string, unknown>, io: Io): Promise<{ settings: MemorySettings; project?: string }> {
  const file = await optionalConfigFile(io.cwd, values.config as string | undefined);
  if (!file) return { settings: DEFAULT_SETTINGS };
  const { config } = await loadConfig(file);
  return { settings: config.memory, project: config.project };
}

/** Runs `fn` on the store (this process owns it unless a supervisor or another command does), then closes it. */
async function withMemory<T>(values: Record<string, unknown>, io: Io, fn: (m: MemoryClient, project?: string) => Promise<T>): Promise<T> {
  const { settings, project } = await settingsOf(values, io);
  const memory = openMemory({ settings, env: io.env, owner: 'self', progress: (t) => io.err(paint(io).dim(t)) });
  if (!memory) throw new SuperviseError('UsageError', 'memory is turned off (memory.store: off in agents.yaml).', {}, 'Set memory.store: on to use it.');
  try {
    return await fn(memory, project);
  } finally {
    await memory.close();
  }
}

function kindOf(value: unknown): MemoryKind | undefined {
  if (value === undefined) return undefined;
  if (!MEMORY_KINDS.includes(value as MemoryKind)) throw new SuperviseError('UsageError', `unknown memory kind "${String(value)}".`, {}, `Use one of: ${MEMORY_KINDS.join(', ')}.`);
  return value as MemoryKind;
}

function limitOf(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new SuperviseError('UsageError', `--limit must be a whole number of 1 or more, not "${String(value)}".`);
  return n;
}

function idOf(value: string | undefined): string {
  if (!value) throw new SuperviseError('UsageError', 'a memory id is needed.', {}, 'Find it with `supervise memory list` or `supervise memory search`.');
  if (!ID_PATTERN.test(value)) throw new SuperviseError('UsageError', `"${value}" is not a memory id (an "m" and 12 hex digits, like m0123456789ab).`, {}, 'Find it with `supervise memory list`.');
  return value;
}

function line(m: Memory, io: Io, score?: number): string {
  const c = paint(io);
  const where = [m.project, m.agent].filter(Boolean).join('/');
  const extra = [where, m.mergedCount ? `×${m.mergedCount + 1}` : '', m.timesUsed ? `used ${m.timesUsed}` : ''].filter(Boolean).join(', ');
  return `${score === undefined ? '' : `${score.toFixed(2)}  `}${c.dim(m.id)}  ${c.cyan(m.kind.padEnd(10))} ${m.text}${extra ? c.dim(`  (${extra})`) : ''}`;
}

export async function searchCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const query = positionals.join(' ').trim();
  if (!query) throw new SuperviseError('UsageError', 'a search needs a query.', {}, 'Usage: supervise memory search QUERY [--limit N] [--json]');
  const limit = limitOf(values.limit, 5);
  const kind = kindOf(values.kind);
  const hits = await withMemory(values, io, (m) => m.search(query, { limit, ...(kind ? { kinds: [kind] } : {}) }));
  if (values.json) io.out(JSON.stringify(hits, null, 2));
  else if (!hits.length) io.err('no memories match.');
  else io.out(hits.map((h) => line(h, io, h.score)).join('\n'));
  return 0;
}

export async function addCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const kind = kindOf(values.kind);
  if (!kind) throw new SuperviseError('UsageError', '--kind is needed.', {}, `Use one of: ${MEMORY_KINDS.join(', ')}.`);
  const text = positionals.join(' ').trim();
  if (!text) throw new SuperviseError('UsageError', 'a memory needs a text.', {}, 'Usage: supervise memory add --kind KIND TEXT');
  const r = await withMemory(values, io, (m, project) =>
    m.add({ kind, text, ...(((values.project as string) ?? project) ? { project: (values.project as string) ?? project } : {}), ...(values.agent ? { agent: values.agent as string } : {}), source: (values.source as string) ?? 'supervise memory add' }),
  );
  io.out(r.id);
  if (r.merged) io.err(`merged into the near-duplicate ${r.id}`);
  return 0;
}

export async function listCommand({ values, io }: CommandArgs): Promise<number> {
  const kind = kindOf(values.kind);
  const limit = limitOf(values.limit, 50);
  const ms = await withMemory(values, io, (m) => m.list({ limit, ...(kind ? { kind } : {}), ...(values.project ? { project: values.project as string } : {}) }));
  if (values.json) io.out(JSON.stringify(ms, null, 2));
  else if (!ms.length) io.err('no memories yet.');
  else io.out(ms.map((m) => line(m, io)).join('\n'));
  return 0;
}

export async function forgetCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const id = idOf(positionals[0]);
  const gone = await withMemory(values, io, (m) => m.forget(id));
  if (!gone) throw new SuperviseError('InputError', `no memory has the id ${id}.`, {}, 'Find it with `supervise memory list`.');
  io.out(`${paint(io).green('✓')} forgot ${id}`);
  return 0;
}

export async function exportCommand({ values, io }: CommandArgs): Promise<number> {
  const ms = await withMemory(values, io, (m) => m.exportAll());
  for (const m of ms) io.out(JSON.stringify(m));
  io.err(`exported ${ms.length} memories`);
  return 0;
}

/** Parses JSON Lines of exported memories; a bad line is named by file and line number. */
export function parseExport(text: string, file: string): Memory[] {
  const out: Memory[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    if (!raw.trim()) continue;
    let m: Memory;
    try {
      m = JSON.parse(raw) as Memory;
    } catch (err) {
      throw new SuperviseError('InputError', `not JSON: ${(err as Error).message}.`, { file, line: i + 1 }, 'Each line must be one memory as `supervise memory export` writes it.');
    }
    if (typeof m !== 'object' || m === null || typeof m.text !== 'string' || !m.text.trim()) throw new SuperviseError('InputError', 'field "text" is missing or empty.', { file, line: i + 1 });
    if (!MEMORY_KINDS.includes(m.kind)) throw new SuperviseError('InputError', `field "kind" is "${String(m.kind)}", not one of ${MEMORY_KINDS.join(', ')}.`, { file, line: i + 1 });
    out.push(m);
  }
  return out;
}

export async function importCommand({ values, positionals, io }: CommandArgs): Promise<number> {
  const file = positionals[0];
  if (!file) throw new SuperviseError('UsageError', 'a file to import is needed.', {}, 'Usage: supervise memory import FILE (JSON Lines from `supervise memory export`)');
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new SuperviseError('InputError', `${file} cannot be read (${(err as NodeJS.ErrnoException).code}).`);
  }
  const ms = parseExport(text, file);
  const r = await withMemory(values, io, (m) => m.importAll(ms));
  io.out(`${paint(io).green('✓')} imported ${ms.length} memories from ${file}: ${r.added} added, ${r.merged} merged into ones already there`);
  return 0;
}

export async function statsCommand({ values, io }: CommandArgs): Promise<number> {
  const s = await withMemory(values, io, (m) => m.stats());
  if (values.json) io.out(JSON.stringify(s, null, 2));
  else {
    const kinds = MEMORY_KINDS.map((k) => `${k} ${s.byKind[k]}`).join(', ');
    io.out(`${s.count} memories (${kinds})\nengine: ${s.engine} at ${s.where}\nembedder: ${s.embedder}, ${s.dimension} dimensions`);
  }
  return 0;
}

/** Internal: owns the local store for other processes until its parent is gone and no client is connected. */
export async function serveCommand({ values, io }: CommandArgs): Promise<number> {
  const { serveOwner } = await import('../memory/serve.js');
  const parent = values.parent === undefined ? undefined : Number(values.parent);
  let embedder = DEFAULT_SETTINGS.embedder;
  if (values.embedder) embedder = JSON.parse(values.embedder as string) as MemorySettings['embedder'];
  return serveOwner({ settings: { ...DEFAULT_SETTINGS, embedder }, env: io.env, progress: (t) => io.err(t) }, parent);
}
