/**
 * The radar's findings as each audience needs them: a line per agent concerned (the sidebar, the
 * headless status line, the sync nudge) and conflicts for the team handoff's ⚠ Blockers. Pure.
 */
import type { Conflict } from '../handoff/types.js';
import { addWarning } from '../supervisor/agentState.js';
import type { AgentState } from '../supervisor/agentState.js';
import { listFiles, type RadarReport } from './radar.js';

/** The agent lines the radar writes, told apart from the supervisor's other warnings. */
export const RADAR_NOTE = /^(?:✗ conflicts with |⚠ \S+ imports )/u;

/** Per agent: `✗ conflicts with bravo: src/api.ts`, `⚠ carol imports src/api.ts, changed by alpha`. */
export function agentNotes(report: RadarReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (agent: string, note: string): void => {
    const list = out.get(agent) ?? [];
    if (!list.includes(note)) list.push(note);
    out.set(agent, list);
  };
  for (const f of report.findings) {
    const [a, b] = f.agents;
    if (f.kind === 'conflict') {
      add(a, `✗ conflicts with ${b}: ${listFiles(f.files)}`);
      if (!f.base) add(b, `✗ conflicts with ${a}: ${listFiles(f.files)}`);
    } else if (f.kind === 'contract') {
      const note = `⚠ ${b} imports ${f.files[0]}, changed by ${a}`;
      add(a, note);
      add(b, note);
    }
  }
  return out;
}

/** Conflicts for the team handoff: a predicted merge conflict or a contract, naming the agents first. */
export function radarConflicts(report: RadarReport): Conflict[] {
  return report.findings.flatMap((f): Conflict[] => {
    const [a, b] = f.agents;
    if (f.kind === 'conflict' && f.base) return [{ kind: 'merge-conflict', agents: [a], subject: `with ${b} in ${listFiles(f.files)}`, detail: f.detail }];
    if (f.kind === 'conflict') return [{ kind: 'merge-conflict', agents: [a, b].sort(), subject: listFiles(f.files), detail: f.detail }];
    if (f.kind === 'contract') return [{ kind: 'contract', agents: [a, b].sort(), subject: `${b} imports ${f.files[0]}, changed by ${a}`, detail: f.detail }];
    return [];
  });
}

/** Replaces the radar's lines among an agent's warnings; whether anything changed. */
export function applyNotes(state: AgentState, notes: readonly string[]): boolean {
  const before = state.warnings.join('\n');
  state.warnings = state.warnings.filter((w) => !RADAR_NOTE.test(w));
  for (const n of notes) addWarning(state, n);
  return state.warnings.join('\n') !== before;
}
