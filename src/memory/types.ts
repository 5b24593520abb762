/** The memory store's data and the API every caller uses, whichever engine and process hold it. */

export type MemoryKind = 'pattern' | 'mistake' | 'preference' | 'learning' | 'decision';
export const MEMORY_KINDS: readonly MemoryKind[] = ['pattern', 'mistake', 'preference', 'learning', 'decision'];

export type { MemorySettings } from '../config/types.js';

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
