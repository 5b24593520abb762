/** Files changed by more than one agent: the sidebar's `! src/api.ts: 1,2` warnings. Pure. */
import type { AgentState } from '../../supervisor/agentState.js';

export interface SharedFile {
  file: string;
  /** 1-based positions of the agents in the sidebar, ascending. */
  agents: number[];
}

/** Every file in two or more agents' changed-file lists, sorted by path. */
export function sharedFiles(agents: readonly Pick<AgentState, 'diff'>[]): SharedFile[] {
  const byFile = new Map<string, number[]>();
  agents.forEach((a, i) => {
    for (const file of new Set(a.diff?.files ?? [])) {
      const list = byFile.get(file);
      if (list) list.push(i + 1);
      else byFile.set(file, [i + 1]);
    }
  });
  return [...byFile]
    .filter(([, who]) => who.length > 1)
    .map(([file, who]) => ({ file, agents: who }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
