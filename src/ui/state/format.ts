/** How an agent's status and times read on screen: glyphs, words, elapsed time. Pure. */
import { isFinal, STATUS_WORD, type AgentStatus } from '../../agents/status.js';
import type { AgentState } from '../../supervisor/agentState.js';

export const STATUS_GLYPH: Record<AgentStatus, string> = {
  starting: '…',
  working: '●',
  'needs-input': '◐',
  idle: '○',
  exited: '✓',
  failed: '✗',
  stopped: '■',
};

/** Colour names (Ink/chalk) per status; unused when colour is off. */
export const STATUS_COLOR: Record<AgentStatus, string> = {
  starting: 'gray',
  working: 'cyan',
  'needs-input': 'yellow',
  idle: 'blue',
  exited: 'green',
  failed: 'red',
  stopped: 'gray',
};

/** The glyph, with exit 0 and failure told apart even for an `exited` record with a non-zero code. */
export function statusGlyph(a: Pick<AgentState, 'status' | 'exitCode'>): string {
  if (a.status === 'exited' && a.exitCode !== 0 && a.exitCode !== undefined && a.exitCode !== null) return STATUS_GLYPH.failed;
  return STATUS_GLYPH[a.status];
}

/** `working`, `input`, `exit 0`, `exit 3`, `SIGKILL`, `failed`, `stopped`. */
export function statusWord(a: Pick<AgentState, 'status' | 'exitCode' | 'signal'> & { waiting?: string[] }): string {
  if (a.status === 'starting' && a.waiting?.length) return 'waiting';
  if (a.status === 'exited' || a.status === 'failed') {
    if (typeof a.exitCode === 'number') return `exit ${a.exitCode}`;
    if (a.signal) return a.signal;
    return 'failed';
  }
  return STATUS_WORD[a.status];
}

/**
 * Time since the agent started, frozen when it ended: `42s`, `3m12s`, `1h05m`. The same for every
 * status: an idle or waiting agent's clock runs as a working one's does, so side by side they
 * read alike (an idle agent once read `<1m` beside agents ticking by the second).
 */
export function elapsed(a: Pick<AgentState, 'startedAt' | 'endedAt'>, now: number): string {
  const ms = Math.max(0, (a.endedAt ?? now) - a.startedAt);
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h > 0) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Milliseconds until some elapsed text on screen changes, or undefined when none can (every
 * agent has ended): the controller sleeps exactly that long instead of ticking.
 */
export function nextElapsedChange(agents: readonly Pick<AgentState, 'status' | 'startedAt' | 'endedAt'>[], now: number): number | undefined {
  let next: number | undefined;
  for (const a of agents) {
    if (isFinal(a.status) || a.endedAt !== undefined) continue;
    const ms = Math.max(0, now - a.startedAt);
    // Past an hour the text shows minutes only.
    const step = ms < 3_600_000 ? 1000 : 60_000;
    const wait = step - (ms % step);
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next;
}

/** Cuts `text` to `width` columns with an ellipsis (agent names and paths are ASCII-ish). */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width === 1) return '…';
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Cuts from the left, keeping the end (file paths). */
export function clipStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return `…${chars.slice(chars.length - width + 1).join('')}`;
}
