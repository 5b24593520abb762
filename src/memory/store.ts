/**
 * The memory store over one SQL engine: add (merging near-duplicates), hybrid search, use
 * counts, listing, export and import. Every method is one round of SQL; the engine's own
 * transactions keep concurrent writers from losing anything.
 */
import { randomBytes } from 'node:crypto';
import { SuperviseError } from '../errors.js';
import type { Embedder } from './embed.js';
import { words } from './embed.js';
import type { Sql, Queryable } from './engine.js';
import { indexEmbedding, migrate, retypeEmbedding } from './schema.js';
import { MEMORY_KINDS, type Hit, type Memory, type MemoryClient, type MemoryKind, type MemoryStats, type NewMemory } from './types.js';

/**
 * Cosine similarity at or above which a new memory of the same kind merges into an existing one.
 * Measured with the local embedder: a reworded copy (same words, new order or one word more)
 * scores 0.93–1.0; a paraphrase sharing most words 0.78–0.88; unrelated texts under 0.1.
 */
export const MERGE_THRESHOLD = 0.92;

/**
 * Hybrid ranking: weighted fusion, score = 0.7 × cosine + 0.3 × (ts_rank / best ts_rank among the
 * candidates). Weighted rather than reciprocal-rank fusion so the score keeps its meaning (0–1,
 * comparable between queries) for the injection budget and for people reading --json.
 */
export const VECTOR_WEIGHT = 0.7;

/** Adds are serialised across processes sharing a server, so two near-duplicates cannot both insert. */
const ADD_LOCK = 7_140_115;

const COLUMNS = 'id, kind, text, project, repository, agent, branch, commit, source, sources, merged_count, created, times_used, last_used, embedder, dimension';

interface Row {
  id: string;
  kind: MemoryKind;
  text: string;
  project: string | null;
  repository: string | null;
  agent: string | null;
  branch: string | null;
  commit: string | null;
  source: string | null;
  sources: string[];
  merged_count: number;
  created: Date | string;
  times_used: number;
  last_used: Date | string | null;
  embedder: string;
  dimension: number;
}

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

function toMemory(r: Row): Memory {
  const m: Memory = { id: r.id, kind: r.kind, text: r.text, created: iso(r.created), timesUsed: r.times_used, sources: r.sources ?? [], mergedCount: r.merged_count, embedder: r.embedder, dimension: r.dimension };
  for (const k of ['project', 'repository', 'agent', 'branch', 'commit', 'source'] as const) if (r[k] !== null && r[k] !== undefined) m[k] = r[k]!;
  if (r.last_used) m.lastUsed = iso(r.last_used);
  return m;
}

const vec = (v: number[]) => `[${v.join(',')}]`;

/** A memory id: "m" and 12 hex digits, short enough to type. */
export const ID_PATTERN = /^m[0-9a-f]{12}$/;
const newId = () => `m${randomBytes(6).toString('hex')}`;

/** Checks a memory's kind and text; the error names the field and what is allowed. */
export function checkNew(m: NewMemory): void {
  if (!MEMORY_KINDS.includes(m.kind)) throw new SuperviseError('UsageError', `unknown memory kind "${m.kind}".`, {}, `Use one of: ${MEMORY_KINDS.join(', ')}.`);
  if (typeof m.text !== 'string' || !m.text.trim()) throw new SuperviseError('UsageError', 'a memory needs a text.');
}

export class MemoryStore implements MemoryClient {
  private constructor(
    private readonly sql: Sql,
    private readonly embedder: Embedder,
    private readonly dim: number,
  ) {}

  /** Migrates the schema and re-embeds every row when the embedder's name or dimension changed. */
  static async open(sql: Sql, embedder: Embedder, progress: (text: string) => void = () => {}): Promise<MemoryStore> {
    await migrate(sql);
    const dim = await embedder.dimension();
    const store = new MemoryStore(sql, embedder, dim);
    await store.reembedIfChanged(progress);
    return store;
  }

  private async reembedIfChanged(progress: (text: string) => void): Promise<void> {
    const meta = Object.fromEntries((await this.sql.query<{ key: string; value: string }>('SELECT key, value FROM memory_meta')).map((r) => [r.key, r.value]));
    const stale = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM memories WHERE embedder <> $1 OR dimension <> $2 OR embedding IS NULL', [this.embedder.name, this.dim]);
    if (meta.embedder === this.embedder.name && Number(meta.dimension) === this.dim && stale[0]!.n === 0) return;
    const total = (await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM memories'))[0]!.n;
    if (total && meta.embedder) progress(`re-embedding ${total} memories with ${this.embedder.name} (was ${meta.embedder}, ${meta.dimension} dimensions)…`);
    if (Number(meta.dimension || 384) !== this.dim) await retypeEmbedding(this.sql, this.dim);
    const batch = 64;
    for (let done = 0; ; ) {
      const rows = await this.sql.query<{ id: string; text: string }>('SELECT id, text FROM memories WHERE embedder <> $1 OR dimension <> $2 OR embedding IS NULL ORDER BY id LIMIT $3', [this.embedder.name, this.dim, batch]);
      if (!rows.length) break;
      const vectors = await this.embedder.embed(rows.map((r) => r.text));
      await this.sql.transaction(async (tx) => {
        for (const [i, r] of rows.entries()) await tx.query('UPDATE memories SET embedding = $2::vector, embedder = $3, dimension = $4 WHERE id = $1', [r.id, vec(vectors[i]!), this.embedder.name, this.dim]);
      });
      done += rows.length;
      if (total >= 500 && done % 512 < batch) progress(`re-embedded ${done}/${total}`);
    }
    await indexEmbedding(this.sql);
    await this.sql.query("INSERT INTO memory_meta (key, value) VALUES ('embedder', $1), ('dimension', $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [this.embedder.name, String(this.dim)]);
  }

  async add(m: NewMemory): Promise<{ id: string; merged: boolean }> {
    return (await this.addMany([m]))[0]!;
  }

  async addMany(ms: NewMemory[]): Promise<{ id: string; merged: boolean }[]> {
    ms.forEach(checkNew);
    if (!ms.length) return [];
    const vectors = await this.embedder.embed(ms.map((m) => m.text.trim()));
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADD_LOCK]);
      const out: { id: string; merged: boolean }[] = [];
      for (const [i, m] of ms.entries()) out.push(await this.addOne(tx, { ...m, text: m.text.trim() }, vectors[i]!));
      return out;
    });
  }

  private async addOne(tx: Queryable, m: NewMemory, v: number[]): Promise<{ id: string; merged: boolean }> {
    const near = await tx.query<{ id: string; similarity: number }>('SELECT id, 1 - (embedding <=> $1::vector) AS similarity FROM memories WHERE kind = $2 ORDER BY embedding <=> $1::vector LIMIT 1', [vec(v), m.kind]);
    const source = m.source ? [m.source] : [];
    if (near[0] && near[0].similarity >= MERGE_THRESHOLD) {
      await tx.query('UPDATE memories SET merged_count = merged_count + 1, sources = sources || (SELECT coalesce(array_agg(s), \'{}\') FROM unnest($2::text[]) s WHERE NOT s = ANY(sources)) WHERE id = $1', [near[0].id, source]);
      return { id: near[0].id, merged: true };
    }
    const id = newId();
    await tx.query(
      `INSERT INTO memories (id, kind, text, project, repository, agent, branch, commit, source, sources, embedder, dimension, embedding)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::vector)`,
      [id, m.kind, m.text, m.project ?? null, m.repository ?? null, m.agent ?? null, m.branch ?? null, m.commit ?? null, m.source ?? null, source, this.embedder.name, this.dim, vec(v)],
    );
    return { id, merged: false };
  }

  async search(query: string, opts: { limit?: number; kinds?: MemoryKind[] } = {}): Promise<Hit[]> {
    const limit = Math.max(1, opts.limit ?? 5);
    const [v] = await this.embedder.embed([query]);
    // Any of the query's words (to_tsquery stems them and drops stop words itself).
    const terms = [...new Set((query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => words(w).length))].join(' | ');
    const kinds = opts.kinds?.length ? opts.kinds : null;
    const pool = Math.max(limit * 4, 40);
    const rows = await this.sql.query<Row & { vector_score: number; text_score: number }>(
      `WITH q AS (SELECT $1::vector AS v, to_tsquery('english', $2) AS t),
       vec AS (SELECT m.id FROM memories m WHERE ($3::text[] IS NULL OR m.kind = ANY($3::text[])) ORDER BY m.embedding <=> $1::vector LIMIT $4),
       txt AS (SELECT m.id FROM memories m, q WHERE m.tsv @@ q.t AND ($3::text[] IS NULL OR m.kind = ANY($3::text[])) ORDER BY ts_rank(m.tsv, q.t) DESC LIMIT $4)
       SELECT ${COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}, 1 - (m.embedding <=> q.v) AS vector_score, ts_rank(m.tsv, q.t) AS text_score
       FROM memories m, q WHERE m.id IN (SELECT id FROM vec UNION SELECT id FROM txt)`,
      [vec(v!), terms, kinds, pool],
    );
    const best = Math.max(0, ...rows.map((r) => Number(r.text_score)));
    return rows
      .map((r) => {
        const vectorScore = Math.max(0, Number(r.vector_score) || 0);
        const textScore = best > 0 ? Number(r.text_score) / best : 0;
        const score = VECTOR_WEIGHT * vectorScore + (1 - VECTOR_WEIGHT) * textScore;
        const { id, kind, text, ...rest } = toMemory(r);
        // id, kind, text and score first: what a reader of --json looks for.
        return { id, kind, text, score, vectorScore, textScore, ...rest };
      })
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async markUsed(ids: string[]): Promise<void> {
    if (ids.length) await this.sql.query('UPDATE memories SET times_used = times_used + 1, last_used = now() WHERE id = ANY($1::text[])', [ids]);
  }

  async list(opts: { limit?: number; kind?: MemoryKind; project?: string } = {}): Promise<Memory[]> {
    const rows = await this.sql.query<Row>(
      `SELECT ${COLUMNS} FROM memories WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR project = $2) ORDER BY created DESC, id LIMIT $3`,
      [opts.kind ?? null, opts.project ?? null, opts.limit ?? 1_000_000],
    );
    return rows.map(toMemory);
  }

  async get(id: string): Promise<Memory | undefined> {
    const rows = await this.sql.query<Row>(`SELECT ${COLUMNS} FROM memories WHERE id = $1`, [id]);
    return rows[0] && toMemory(rows[0]);
  }

  async forget(id: string): Promise<boolean> {
    return (await this.sql.query<{ id: string }>('DELETE FROM memories WHERE id = $1 RETURNING id', [id])).length > 0;
  }

  async exportAll(): Promise<Memory[]> {
    return (await this.sql.query<Row>(`SELECT ${COLUMNS} FROM memories ORDER BY created, id`)).map(toMemory);
  }

  /** Imports exported memories: an id already here merges, a near-duplicate merges, the rest keep their id and counts. */
  async importAll(ms: Memory[]): Promise<{ added: number; merged: number }> {
    ms.forEach(checkNew);
    let added = 0;
    let merged = 0;
    for (let i = 0; i < ms.length; i += 64) {
      const chunk = ms.slice(i, i + 64);
      const vectors = await this.embedder.embed(chunk.map((m) => m.text.trim()));
      await this.sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [ADD_LOCK]);
        for (const [j, m] of chunk.entries()) {
          const known = m.id && (await tx.query('SELECT 1 FROM memories WHERE id = $1', [m.id])).length > 0;
          const r = known ? { id: m.id, merged: true } : await this.addOne(tx, m, vectors[j]!);
          if (r.merged) {
            merged++;
            continue;
          }
          added++;
          // Keep what the export knew: its id, dates, counts and sources.
          await tx.query('UPDATE memories SET id = $2, created = $3, times_used = $4, last_used = $5, merged_count = $6, sources = $7 WHERE id = $1', [
            r.id,
            m.id && ID_PATTERN.test(m.id) ? m.id : r.id,
            m.created ?? new Date().toISOString(),
            m.timesUsed ?? 0,
            m.lastUsed ?? null,
            m.mergedCount ?? 0,
            m.sources ?? (m.source ? [m.source] : []),
          ]);
        }
      });
    }
    return { added, merged };
  }

  async stats(): Promise<MemoryStats> {
    const rows = await this.sql.query<{ kind: MemoryKind; n: number }>('SELECT kind, count(*)::int AS n FROM memories GROUP BY kind');
    const byKind = Object.fromEntries(MEMORY_KINDS.map((k) => [k, 0])) as Record<MemoryKind, number>;
    for (const r of rows) byKind[r.kind] = r.n;
    return { count: rows.reduce((n, r) => n + r.n, 0), byKind, engine: this.sql.engine, where: this.sql.where, embedder: this.embedder.name, dimension: this.dim };
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}
