/**
 * Memories read at injection (SPEC §7): the agent's task and its handoff's open items (In
 * Progress, Next Steps, Blockers) are the query; the best memories that fit in
 * `memory.inject.budget` tokens become their own section of the agent's brief — never of
 * HANDOFF.md. What was given, and why, is recorded (why.ts). Memory is opened after the first
 * frame; a store that is slow or down holds the first agent back at most INJECT_WAIT_MS and the
 * others not at all: they start without memories, and a message says so.
 *
 * `attachMemory` wires it all where a supervisor is made: capture → memories, injection → brief.
 */
import type { AgentConfig, Encoding, LoadedConfig } from '../config/types.js';
import { countTokens, loadEncoder } from '../handoff/tokens.js';
import { isPlaceholder } from '../handoff/items.js';
import { parseHandoff } from '../handoff/parse.js';
import { sectionKey } from '../handoff/syntax.js';
import type { Disposable } from '../session/events.js';
import { CaptureWriter, type StatusSource } from './capture.js';
import { openMemory, type Hit, type MemoryClient } from './index.js';
import { origin, writeWhy, type WhyHit, type WhyRecord } from './why.js';

/** How long an agent's start waits for memory before going without it. */
export const INJECT_WAIT_MS = 5000;
/** How long an exit waits for memories still being written. */
const CLOSE_WAIT_MS = 15_000;
const QUERY_SECTIONS = new Set(['in progress', 'next steps', 'blockers']);
const QUERY_MAX_CHARS = 1500;
const SEARCH_LIMIT = 20;
/** A hit that shares no word with the query and is this far from it in vector space is noise. */
const MIN_VECTOR_SCORE = 0.2;

/** What injection needs from the store, per repository (set by `attachMemory`). */
export interface MemoryProvider {
  client: MemoryClient;
  budget: number;
  encoding: Encoding;
  message(text: string): void;
  waitMs?: number;
  /** Set while a search has outlasted the wait and the store has not answered since: later agents do not wait again. */
  late?: boolean;
}

const providers = new Map<string, MemoryProvider>();

/** Memory for injections into agents of the repository at `root`, until disposed. */
export function provideMemory(root: string, provider: MemoryProvider): Disposable {
  providers.set(root, provider);
  return { dispose: () => void (providers.get(root) === provider && providers.delete(root)) };
}

/** The query for an agent: its task, then the open items of the handoff it is given. */
export function memoryQuery(task: string, handoffText: string): string {
  const items = parseHandoff(handoffText)
    .sections.filter((s) => QUERY_SECTIONS.has(sectionKey(s.name)))
    .flatMap((s) => s.items.filter((i) => !isPlaceholder(i) && !(s.name === 'Next Steps' && i.text === task)).map((i) => i.text));
  let query = task.trim();
  for (const item of items) {
    if (query.length + item.length + 2 > QUERY_MAX_CHARS) break;
    query += `; ${item}`;
  }
  return query;
}

/** One memory's line in the brief: `- [decision · Billing/backend] text`. */
export function memoryLine(h: Pick<Hit, 'kind' | 'text' | 'project' | 'agent'>): string {
  return `- [${origin(h)}] ${h.text.replace(/\s+/g, ' ').trim()}`;
}

/** The best hits whose lines fit in `budget` tokens together, in score order; the rest with why. */
export function selectMemories(hits: Hit[], budget: number, encoding: Encoding): { injected: WhyHit[]; skipped: WhyRecord['skipped']; tokens: number } {
  const injected: WhyHit[] = [];
  const skipped: WhyRecord['skipped'] = [];
  let tokens = 0;
  for (const h of [...hits].sort((a, b) => b.score - a.score)) {
    const line = memoryLine(h);
    const n = countTokens(`${line}\n`, encoding);
    const w: WhyHit = { id: h.id, kind: h.kind, text: h.text, score: h.score, vectorScore: h.vectorScore, textScore: h.textScore, project: h.project, agent: h.agent, source: h.source, tokens: n };
    if (h.textScore <= 0 && h.vectorScore < MIN_VECTOR_SCORE) skipped.push({ ...w, reason: `unrelated (vector ${h.vectorScore.toFixed(2)} < ${MIN_VECTOR_SCORE}, no shared words)` });
    else if (tokens + n > budget) skipped.push({ ...w, reason: `over budget (${tokens}+${n} > ${budget} tokens)` });
    else {
      injected.push(w);
      tokens += n;
    }
  }
  return { injected, skipped, tokens };
}

/** The brief's section: a heading, one line per memory, and where to ask for more. */
export function memorySection(injected: Pick<WhyHit, 'kind' | 'text' | 'project' | 'agent'>[]): string {
  return ["## From the team's memory", 'What earlier agents (in this and other projects) learned that matches your task; weigh it, it may be dated:', ...injected.map(memoryLine)].join('\n');
}

/** What memory adds to one agent's brief. */
export interface BriefMemory {
  /** The section, or undefined when nothing matched or memory was not reachable. */
  section?: string;
  record: WhyRecord;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${(ms / 1000).toFixed(0)} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Searches memory for the agent and records why; undefined when no memory is provided for this
 * repository (memory off, or a supervisor made without it). Never throws.
 */
export async function memoryForBrief(input: { root: string; agent: AgentConfig; handoffText: string }): Promise<BriefMemory | undefined> {
  const p = providers.get(input.root);
  if (!p) return undefined;
  const query = memoryQuery(input.agent.task, input.handoffText);
  const record: WhyRecord = { agent: input.agent.name, at: new Date().toISOString(), query, budget: p.budget, tokens: 0, injected: [], skipped: [] };
  try {
    if (p.late) throw new Error('the memory store is still opening');
    const search = p.client.search(query, { limit: SEARCH_LIMIT });
    const hits = await withTimeout(search, p.waitMs ?? INJECT_WAIT_MS, 'the memory search').catch((err: unknown) => {
      p.late = true;
      search.then(() => (p.late = false), () => (p.late = false));
      throw err;
    });
    await loadEncoder(p.encoding);
    Object.assign(record, selectMemories(hits, p.budget, p.encoding));
  } catch (err) {
    record.error = (err as Error).message;
    p.message(`memory: ${input.agent.name} starts without memories (${record.error})`);
  }
  await writeWhy(input.root, record).catch((err: unknown) => p.message(`memory: could not record what ${input.agent.name} was given (${(err as Error).message})`));
  if (record.injected.length > 0) await p.client.markUsed(record.injected.map((h) => h.id)).catch(() => undefined);
  return { section: record.injected.length > 0 ? memorySection(record.injected) : undefined, record };
}

/** A supervisor as memory follows it. */
export interface MemorySupervisor extends StatusSource {
  readonly config: LoadedConfig;
}

export interface AttachedMemory {
  client: MemoryClient;
  writer: CaptureWriter;
  /** Waits for memories being written, then lets go of the store. */
  close(): Promise<void>;
}

/**
 * Memory for a supervisor's run: memories written at capture, read at injection. Undefined when
 * `memory.store` or SUPERVISE_MEMORY is off. Call it once the first frame is up: the store starts opening here, in
 * the background (in its own process for PGlite), and nothing waits for it but injection.
 */
export function attachMemory(sup: MemorySupervisor, opts: { env: NodeJS.ProcessEnv; message(text: string): void; waitMs?: number }): AttachedMemory | undefined {
  const { config, root } = sup.config;
  const settings = config.memory;
  // SUPERVISE_MEMORY=off: this run neither reads nor writes memories, whatever agents.yaml says.
  if (!settings || settings.store === 'off' || opts.env.SUPERVISE_MEMORY === 'off') return undefined;
  let client: MemoryClient | undefined;
  try {
    client = openMemory({ settings, env: opts.env });
  } catch (err) {
    opts.message(`memory: not available (${(err as Error).message}); agents start without it and nothing is kept`);
    return undefined;
  }
  if (!client) return undefined;
  // Opening starts now, behind the first frame and beside the worktrees being made, so the first
  // agent's search finds the store ready; any failure is reported by that search.
  void client.stats().catch(() => undefined);
  const provided = provideMemory(root, { client, budget: settings.inject.budget, encoding: config.handoff.encoding, message: opts.message, waitMs: opts.waitMs });
  const writer = new CaptureWriter({ root, project: config.project, memory: client, message: opts.message }).follow(sup);
  const memory = client;
  let closing: Promise<void> | undefined;
  return {
    client,
    writer,
    close: () =>
      (closing ??= (async () => {
        // A store that stopped answering must not keep the supervisor from exiting.
        await withTimeout(writer.drain(), CLOSE_WAIT_MS, 'keeping the last memories').catch((err: unknown) => opts.message(`memory: ${(err as Error).message}; given up`));
        writer.dispose();
        provided.dispose();
        await withTimeout(memory.close(), CLOSE_WAIT_MS, 'closing the memory store').catch(() => undefined);
      })()),
  };
}
