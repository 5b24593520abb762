/** What the TUI's memory view (`M`) reads: an agent's injection record, and searches of the store. */
import type { MemoryClient } from '../memory/index.js';
import { readWhy, type WhyRecord } from '../memory/why.js';
import type { MemoryRow } from './state/types.js';

export interface MemoryAccess {
  why(agent: string): Promise<WhyRecord | undefined>;
  search(query: string): Promise<MemoryRow[]>;
}

const SEARCH_LIMIT = 10;

/** Records from the repository at `root`; searches through `client` (none when memory.store is off). */
export function memoryAccess(root: string, client: MemoryClient | undefined): MemoryAccess {
  return {
    why: (agent) => readWhy(root, agent),
    search: async (query) => {
      if (!client) throw new Error('memory.store is off in agents.yaml');
      const hits = await client.search(query, { limit: SEARCH_LIMIT });
      return hits.map((h) => ({ id: h.id, kind: h.kind, text: h.text, score: h.score, project: h.project, agent: h.agent }));
    },
  };
}
