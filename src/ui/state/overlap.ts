/** Files changed by more than one agent: the sidebar's `! src/api.ts: backend, tests` warnings. Pure. */
import type { AgentState } from '../../supervisor/agentState.js';

export interface SharedFile {
  file: string;
  /** Names of the agents that changed it, in sidebar order. */
  agents: string[];
}

/** Every file in two or more agents' changed-file lists, sorted by path. */
export function sharedFiles(agents: readonly Pick<AgentState, 'name' | 'diff'>[]): SharedFile[] {
  const byFile = new Map<string, string[]>();
  for (const a of agents) {
    for (const file of new Set(a.diff?.files ?? [])) {
      const list = byFile.get(file);
      if (list) list.push(a.name);
      else byFile.set(file, [a.name]);
    }
  }
  return [...byFile]
    .filter(([, who]) => who.length > 1)
    .map(([file, who]) => ({ file, agents: who }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
