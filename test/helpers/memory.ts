/** Both memory engines for tests: PGlite in a temp folder, and the server .ci/run starts (when it did). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPglite, openPostgres, type Sql } from '../../src/memory/engine.js';

export type EngineName = 'pglite' | 'postgres';

/** The server's URL, set by .ci/run; without it the server half of the memory tests is skipped, loudly. */
export const PG_URL = process.env.SUPERVISE_TEST_PG_URL;
export const ENGINES: EngineName[] = ['pglite', 'postgres'];
export const SKIP_REASON = 'SUPERVISE_TEST_PG_URL is not set (.ci/run starts a PostgreSQL server with pgvector and sets it)';
if (!PG_URL) console.warn(`SKIPPED: the memory tests against a PostgreSQL server: ${SKIP_REASON}.`);

/** Shared by every test: the empty-database template is made once, not per temp folder. */
export const TEST_CACHE = join(tmpdir(), 'supervise-test-cache');

export interface TestPlace {
  /** Environment for openMemory and the CLI: a temp memory folder, or SUPERVISE_MEMORY_URL. */
  env: NodeJS.ProcessEnv;
  /** A fresh SQL engine on this place (PGlite: only while nobody else has the folder open). */
  open(): Promise<Sql>;
  url?: string;
  dir: string;
  remove(): Promise<void>;
}

/** A fresh, empty store place on `engine`: a temp folder, or a new database on the server. */
export async function freshPlace(engine: EngineName): Promise<TestPlace> {
  const dir = mkdtempSync(join(tmpdir(), 'supervise-mem-'));
  const home = { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CACHE_HOME: TEST_CACHE, SUPERVISE_MEMORY_DIR: join(dir, 'memory'), SUPERVISE_MEMORY: 'on' };
  if (engine === 'pglite') {
    return {
      env: { ...process.env, ...home, SUPERVISE_MEMORY_URL: '' },
      dir,
      open: () => openPglite(join(dir, 'memory', 'pgdata'), { XDG_CACHE_HOME: TEST_CACHE }),
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `supervise_t_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(PG_URL!);
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    env: { ...process.env, ...home, SUPERVISE_MEMORY_URL: url },
    dir,
    url,
    open: () => openPostgres(url),
    remove: async () => {
      const a = await openPostgres(PG_URL!);
      await a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
