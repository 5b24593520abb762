/**
 * Commit messages built from an agent's handoff: git history says what changed, the handoff says
 * why and what was decided against (SPEC §8), so a landing carries both into base's history.
 */
import type { Handoff, HandoffItem } from '../handoff/types.js';

/** A Blockers item that records a road not taken ("Decided AGAINST redis", "not a rewrite"). */
const DECIDED_AGAINST = /\bagainst\b|\bnot\b/i;

function items(h: Handoff | undefined, section: string): HandoffItem[] {
  return h?.sections.find((s) => s.known && s.name === section)?.items ?? [];
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function block(title: string, list: HandoffItem[]): string[] {
  const lines = list.map((it) => `- ${oneLine(it.text)}`).filter((l) => l !== '- ');
  return lines.length ? [`${title}:`, ...lines, ''] : [];
}

export interface MessageInput {
  agent: string;
  branch: string;
  task: string;
  /** The agent's worktree HANDOFF.md, parsed; undefined when it has none. */
  handoff?: Handoff;
}

/**
 * The landing commit: the task as the subject; Completed, Key Decisions and the Blockers items
 * that say what was decided against as the body; where it came from last.
 */
export function landMessage(m: MessageInput): string {
  const blockers = items(m.handoff, 'Blockers').filter((it) => DECIDED_AGAINST.test(it.text));
  const body = [
    ...block('Completed', items(m.handoff, 'Completed')),
    ...block('Key decisions', items(m.handoff, 'Key Decisions')),
    ...block('Decided against', blockers),
  ];
  const subject = oneLine(m.task) || `Land ${m.agent}`;
  return [subject, '', ...body, `Landed from ${m.branch} (agent ${m.agent}) by supervise land.`].join('\n');
}

/** The commit `land --commit` makes of an agent's uncommitted work before landing it. */
export function workMessage(m: MessageInput): string {
  const body = [...block('Completed', items(m.handoff, 'Completed')), ...block('In progress', items(m.handoff, 'In Progress'))];
  const subject = `${m.agent}: ${oneLine(m.task) || 'uncommitted work'}`;
  return [subject, '', ...body, `Uncommitted work in ${m.branch}'s worktree, committed by supervise land --commit.`].join('\n');
}
