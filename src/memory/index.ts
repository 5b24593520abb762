// Shared memory: what agents learned, kept across runs and searchable by meaning and words.

export type MemoryKind = 'pattern' | 'mistake' | 'preference' | 'learning' | 'decision';

export interface MemorySettings {
  store: 'on' | 'off';
  url?: string;
  embedder: { provider: 'local' | 'ollama' | 'openai' | 'transformers'; model?: string; url?: string; path?: string };
  inject: { budget: number };
}

export interface NewMemory {
  kind: MemoryKind;
  text: string;
  project?: string;
  repository?: string;
  agent?: string;
  branch?: string;
  commit?: string;
  source?: string;
}
export interface Memory extends NewMemory {
  id: string;
  created: string;
  timesUsed: number;
  lastUsed?: string;
  sources: string[];
  mergedCount: number;
  embedder: string;
  dimension: number;
}
export interface Hit extends Memory {
  score: number;
  vectorScore: number;
  textScore: number;
}
export interface MemoryStats {
  count: number;
  byKind: Record<MemoryKind, number>;
  engine: 'pglite' | 'postgres';
  where: string;
  embedder: string;
  dimension: number;
}
export interface MemoryClient {
  add(m: NewMemory): Promise<{ id: string; merged: boolean }>;
  addMany(ms: NewMemory[]): Promise<{ id: string; merged: boolean }[]>;
  search(query: string, opts?: { limit?: number; kinds?: MemoryKind[] }): Promise<Hit[]>;
  markUsed(ids: string[]): Promise<void>;
  list(opts?: { limit?: number; kind?: MemoryKind; project?: string }): Promise<Memory[]>;
  get(id: string): Promise<Memory | undefined>;
  forget(id: string): Promise<boolean>;
  exportAll(): Promise<Memory[]>;
  importAll(ms: Memory[]): Promise<{ added: number; merged: number }>;
  stats(): Promise<MemoryStats>;
  close(): Promise<void>;
}

/** undefined when memory.store is off. Opens nothing heavy until first used (lazy). */
export function openMemory(opts: { settings: MemorySettings; env: NodeJS.ProcessEnv }): MemoryClient | undefined {
  if (opts.settings.store === 'off') return undefined;
  throw new Error('not yet');
}
