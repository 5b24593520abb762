/**
 * The memory schema: versioned migrations, the same SQL text on PGlite and on a PostgreSQL
 * server with pgvector. Each migration runs once, in a transaction, recorded in schema_version.
 */
import type { Sql } from './engine.js';

/** Migrations in order; version n is MIGRATIONS[n - 1]. Append only: never edit a shipped one. */
export const MIGRATIONS: string[] = [
  `CREATE EXTENSION IF NOT EXISTS vector;
   CREATE TABLE memory_meta (key text PRIMARY KEY, value text NOT NULL);
   CREATE TABLE memories (
     id text PRIMARY KEY,
     kind text NOT NULL CHECK (kind IN ('pattern', 'mistake', 'preference', 'learning', 'decision')),
     text text NOT NULL,
     project text,
     repository text,
     agent text,
     branch text,
     commit text,
     source text,
     sources text[] NOT NULL DEFAULT '{}',
     merged_count integer NOT NULL DEFAULT 0,
     created timestamptz NOT NULL DEFAULT now(),
     times_used integer NOT NULL DEFAULT 0,
     last_used timestamptz,
     embedder text NOT NULL,
     dimension integer NOT NULL,
     embedding vector(384),
     tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
   );
   CREATE INDEX memories_embedding ON memories USING hnsw (embedding vector_cosine_ops);
   CREATE INDEX memories_tsv ON memories USING gin (tsv);
   CREATE INDEX memories_kind ON memories (kind);
   CREATE INDEX memories_project ON memories (project);`,
];

/** Serialises migrations between processes sharing a server (an arbitrary, fixed key). */
const MIGRATION_LOCK = 7_140_114;

/** Brings the schema up to date; returns the version it is at. */
export async function migrate(sql: Sql): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())');
    const rows = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
    const current = rows[0]?.v ?? 0;
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      await tx.exec(MIGRATIONS[v - 1]!);
      await tx.query('INSERT INTO schema_version (version) VALUES ($1)', [v]);
    }
    return MIGRATIONS.length;
  });
}

/**
 * Gives the embedding column the embedder's dimension (HNSW needs a fixed one): drops the index,
 * empties the column, retypes it and builds the index again. Rows are re-embedded by the caller.
 */
export async function retypeEmbedding(sql: Sql, dimension: number): Promise<void> {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 2000) throw new Error(`an embedding dimension of ${dimension} is not supported (1–2000)`);
  await sql.exec(`DROP INDEX IF EXISTS memories_embedding;
    ALTER TABLE memories ALTER COLUMN embedding TYPE vector(${dimension}) USING NULL;`);
}

export async function indexEmbedding(sql: Sql): Promise<void> {
  await sql.exec('CREATE INDEX IF NOT EXISTS memories_embedding ON memories USING hnsw (embedding vector_cosine_ops)');
}
