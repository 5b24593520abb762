/**
 * One small SQL interface over the two engines: PGlite (embedded, one process owns a data
 * folder) and a PostgreSQL server through pg.Pool. Both are imported only when opened.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SuperviseError } from '../errors.js';
import { exists, writeFileAtomic } from '../fsutil.js';

export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters. */
  exec(text: string): Promise<void>;
}

export interface Sql extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** The data folder, or the server's address without its password. */
  readonly where: string;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type Progress = (text: string) => void;

/** The PGlite version a template was dumped by: a template from another version is not used. */
const PGLITE_TEMPLATE = 'pglite-0.5.14-vector-0.0.15.tar.gz';

/** Where the empty database template is cached (creating a data folder from it is ~4× faster). */
export function templateFile(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || '/tmp', '.cache');
  return join(cache, 'handoff-supervisor', PGLITE_TEMPLATE);
}

/** Opens (creating it the first time) the PGlite data folder `dataDir`. */
export async function openPglite(dataDir: string, env: NodeJS.ProcessEnv, progress: Progress = () => {}): Promise<Sql> {
  const [{ PGlite }, { vector }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-pgvector')]);
  const fresh = !(await exists(join(dataDir, 'PG_VERSION')));
  const template = templateFile(env);
  let loadDataDir: Blob | undefined;
  if (fresh) {
    await mkdir(dataDir, { recursive: true });
    if ((await readdir(dataDir)).length) throw new SuperviseError('RuntimeError', `${dataDir} is not empty but holds no database.`, {}, 'Move it away or set SUPERVISE_MEMORY_DIR to another folder.');
    if (await exists(template)) loadDataDir = new Blob([await readFile(template)]);
    progress(loadDataDir ? `creating the memory store in ${dataDir} from the cached template…` : `creating the memory store in ${dataDir} (the first time takes 10–20 s)…`);
  }
  // Reopening takes about a second, more on a busy machine: say so when it is slow.
  const slow = fresh ? undefined : setTimeout(() => progress(`opening the memory store in ${dataDir}…`), 1500);
  const db = await PGlite.create(dataDir, { extensions: { vector }, ...(loadDataDir ? { loadDataDir } : {}) }).finally(() => clearTimeout(slow));
  if (fresh && !loadDataDir) {
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    const dump = await db.dumpDataDir('gzip');
    await writeFileAtomic(template, Buffer.from(await dump.arrayBuffer()) as unknown as string).catch(() => {
      // no cache folder: the next creation is slow again, nothing more
    });
  }
  const q: Queryable = {
    query: async <T>(text: string, params?: unknown[]) => (await db.query<T>(text, params)).rows,
    exec: async (text) => {
      await db.exec(text);
    },
  };
  return {
    engine: 'pglite',
    where: dataDir,
    ...q,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async <T>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows,
          exec: async (text) => {
            await tx.exec(text);
          },
        }),
      ),
    close: () => db.close(),
  };
}

/** The server's address for messages: the URL without its password. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Connects to a PostgreSQL server with pgvector; an unreachable server is one clear error. */
export async function openPostgres(url: string): Promise<Sql> {
  const pg = (await import('pg')).default;
  const where = safeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  // An idle client's error (the server restarted) must not crash the process.
  pool.on('error', () => {});
  const unreachable = (err: unknown) =>
    new SuperviseError('RuntimeError', `the memory server ${where} cannot be reached: ${(err as Error).message || (err as { code?: string }).code}.`, {}, 'Check memory.url / SUPERVISE_MEMORY_URL, or remove it to use the local store.');
  try {
    (await pool.connect()).release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw unreachable(err);
  }
  const q = (c: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Queryable => ({
    query: async <T>(text: string, params?: unknown[]) => (await c.query(text, params)).rows as T[],
    exec: async (text) => {
      await c.query(text);
    },
  });
  return {
    engine: 'postgres',
    where,
    ...q(pool),
    async transaction(fn) {
      const client = await pool.connect().catch((err) => {
        throw unreachable(err);
      });
      try {
        await client.query('BEGIN');
        const out = await fn(q(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
