// The store on both engines: ranking on a small labelled set, near-duplicate merges, eight
// writers at once, forget, export → import, and re-embedding when the embedder changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, PG_URL, SKIP_REASON, freshPlace, type EngineName, type TestPlace } from '../../test/helpers/memory.js';
import { localEmbed, localEmbedder, type Embedder } from './embed.js';
import { MERGE_THRESHOLD, MemoryStore } from './store.js';
import type { NewMemory } from './types.js';

const LABELLED: NewMemory[] = [
  { kind: 'mistake', text: 'Run the database migrations before starting the test suite, or every query fails', project: 'api', agent: 'backend' },
  { kind: 'pattern', text: 'Keep node-pty external when bundling the CLI with esbuild', project: 'supervise', agent: 'build' },
  { kind: 'decision', text: 'Use zod for every config schema so errors name the field', project: 'supervise', agent: 'config' },
  { kind: 'preference', text: 'The user prefers tabs over spaces in Makefiles', project: 'infra' },
  { kind: 'learning', text: 'The login page needs a CSRF token in every form post', project: 'web', agent: 'frontend' },
  { kind: 'mistake', text: 'Retry flaky network calls with exponential backoff instead of fixed sleeps', project: 'api' },
  { kind: 'learning', text: 'Colour output is disabled when NO_COLOR is set', project: 'supervise' },
  { kind: 'pattern', text: 'Write files atomically: a temp file beside it, then rename', project: 'supervise' },
];

/** Query → the memory (by its text's start) that must come first. */
const EXPECTED: [string, string][] = [
  ['migrations fail in the test suite', 'Run the database migrations'],
  ['bundling node-pty with esbuild', 'Keep node-pty external'],
  ['CSRF token for the login form', 'The login page needs'],
  ['how should I write a file atomically', 'Write files atomically'],
  ['config schema errors', 'Use zod for every config schema'],
];

describe.each(ENGINES)('the memory store on %s', (engine: EngineName) => {
  const skip = engine === 'postgres' && !PG_URL;
  let place: TestPlace;
  let store: MemoryStore;

  beforeAll(async () => {
    if (skip) return;
    place = await freshPlace(engine);
    store = await MemoryStore.open(await place.open(), localEmbedder);
  }, 120_000);

  afterAll(async () => {
    if (skip) return;
    await store?.close();
    await place?.remove();
  });

  it.skipIf(skip)(`ranks the labelled set: each query finds its memory first${skip ? ` (skipped: ${SKIP_REASON})` : ''}`, async () => {
    const added = await store.addMany(LABELLED);
    expect(added.every((a) => !a.merged)).toBe(true);
    expect(new Set(added.map((a) => a.id)).size).toBe(LABELLED.length);
    for (const [query, first] of EXPECTED) {
      const hits = await store.search(query, { limit: 3 });
      expect(hits[0]?.text, query).toMatch(new RegExp(`^${first}`));
      expect(hits[0]!.score).toBeGreaterThan(hits[1]?.score ?? 0);
      expect(hits[0]!.vectorScore).toBeGreaterThan(0);
    }
    expect(await store.search('the and of')).toEqual([]);
    const mistakes = await store.search('migrations fail in the test suite', { kinds: ['pattern'] });
    expect(mistakes.every((h) => h.kind === 'pattern')).toBe(true);
    const hit = (await store.search('CSRF token'))[0]!;
    expect(hit).toMatchObject({ kind: 'learning', project: 'web', agent: 'frontend', timesUsed: 0 });
    await store.markUsed([hit.id]);
    await store.markUsed([hit.id]);
    const used = await store.get(hit.id);
    expect(used?.timesUsed).toBe(2);
    expect(used?.lastUsed).toBeDefined();
  });

  it.skipIf(skip)('merges a near-duplicate of the same kind, counting it and keeping both sources', async () => {
    const a = await store.add({ kind: 'mistake', text: 'Never commit the .env file with real secrets', source: 'history/one.md' });
    const b = await store.add({ kind: 'mistake', text: 'Never commit the .env file with real secrets!', source: 'history/two.md' });
    expect(b).toEqual({ id: a.id, merged: true });
    const merged = await store.get(a.id);
    expect(merged?.mergedCount).toBe(1);
    expect(merged?.sources).toEqual(['history/one.md', 'history/two.md']);
    // Another kind, or only sharing a few words, is a memory of its own.
    expect((await store.add({ kind: 'decision', text: 'Never commit the .env file with real secrets' })).merged).toBe(false);
    expect((await store.add({ kind: 'mistake', text: 'Secrets belong in the vault, not in a committed file' })).merged).toBe(false);
  });

  it.skipIf(skip)('loses nothing when eight writers add at once', async () => {
    const texts = Array.from({ length: 8 }, (_, i) => `Concurrent writer ${i} learned fact number ${i * 7919} about ${['queues', 'caches', 'locks', 'sockets', 'indexes', 'tokens', 'hooks', 'shells'][i]}`);
    // Eight clients of their own (PGlite: the owner's one connection serialises them, as the owner's socket would).
    const writers = engine === 'postgres' ? await Promise.all(texts.map(async () => MemoryStore.open(await place.open(), localEmbedder))) : texts.map(() => store);
    const results = await Promise.all(texts.map((text, i) => writers[i]!.add({ kind: 'learning', text, agent: `agent${i}` })));
    if (engine === 'postgres') await Promise.all(writers.map((w) => w.close()));
    expect(results.filter((r) => r.merged)).toEqual([]);
    const all = await store.exportAll();
    for (const t of texts) expect(all.filter((m) => m.text === t)).toHaveLength(1);
  });

  it.skipIf(skip)('forgets one memory by id', async () => {
    const { id } = await store.add({ kind: 'preference', text: 'Short commit subjects, long bodies' });
    expect(await store.forget(id)).toBe(true);
    expect(await store.get(id)).toBeUndefined();
    expect(await store.forget(id)).toBe(false);
  });

  it.skipIf(skip)('round-trips export → import into an empty store, ids and counts kept', async () => {
    const exported = await store.exportAll();
    const other = await freshPlace(engine);
    const target = await MemoryStore.open(await other.open(), localEmbedder);
    try {
      expect(await target.importAll(exported)).toEqual({ added: exported.length, merged: 0 });
      const back = await target.exportAll();
      const strip = (ms: typeof back) => ms.map(({ id, kind, text, sources, mergedCount, timesUsed, created, project, agent }) => ({ id, kind, text, sources, mergedCount, timesUsed, created, project, agent })).sort((x, y) => x.id.localeCompare(y.id));
      expect(strip(back)).toEqual(strip(exported));
      // Importing again adds nothing.
      expect(await target.importAll(exported)).toEqual({ added: 0, merged: exported.length });
      expect((await target.search('CSRF token login'))[0]?.text).toMatch(/^The login page/);
    } finally {
      await target.close();
      await other.remove();
    }
  });

  it.skipIf(skip)('re-embeds every memory when the embedder changes, and searches with the new one', async () => {
    const before = (await store.stats()).count;
    await store.close();
    const wide: Embedder = { name: 'local-hash-v1-256', dimension: async () => 256, embed: async (ts) => ts.map((t) => localEmbed(t, 256)) };
    const messages: string[] = [];
    store = await MemoryStore.open(await place.open(), wide, (t) => messages.push(t));
    expect(messages.join('\n')).toMatch(/re-embedding \d+ memories with local-hash-v1-256 \(was local-hash-v1, 384 dimensions\)/);
    const stats = await store.stats();
    expect(stats).toMatchObject({ count: before, embedder: 'local-hash-v1-256', dimension: 256 });
    expect((await store.exportAll()).every((m) => m.embedder === 'local-hash-v1-256' && m.dimension === 256)).toBe(true);
    expect((await store.search('bundling node-pty with esbuild'))[0]?.text).toMatch(/^Keep node-pty external/);
    // And back: reopening with the default embedder re-embeds again.
    await store.close();
    store = await MemoryStore.open(await place.open(), localEmbedder);
    expect(await store.stats()).toMatchObject({ count: before, embedder: 'local-hash-v1', dimension: 384 });
  }, 120_000);
});

describe('the local embedder', () => {
  it('puts reworded copies above the merge threshold and paraphrases and strangers below it', () => {
    const sim = (a: string, b: string) => {
      const x = localEmbed(a);
      const y = localEmbed(b);
      return x.reduce((s, v, i) => s + v * y[i]!, 0);
    };
    expect(sim('Use writeFileAtomic for every handoff write', 'Use writeFileAtomic for every handoff write.')).toBeGreaterThan(0.999);
    expect(sim('Use writeFileAtomic for every handoff write', 'Use writeFileAtomic for every single handoff write')).toBeGreaterThanOrEqual(MERGE_THRESHOLD);
    expect(sim('Use writeFileAtomic for every handoff write', 'Always use writeFileAtomic when writing handoffs')).toBeLessThan(MERGE_THRESHOLD);
    expect(sim('Prefer tabs in Makefiles', 'The login page needs a CSRF token')).toBeLessThan(0.15);
    expect(localEmbed('')).toEqual(new Array(384).fill(0));
  });
});
