/** The merge's flags: contradicting items across agents, and files two agents both change. */
import { contradiction, polarity } from './contradictions.js';
import type { Polarity } from './contradictions.js';
import { CONFLICT_PREFIX, isConflictItem, normalizeText, pointerCount } from './items.js';
import type { ItemPool } from './pool.js';
import type { Conflict, HandoffItem } from './types.js';

/** Who an unattributed item belongs to: the team handoff itself. */
const TEAM = 'team';
const STATUS_LINE = /^[a-z0-9][a-z0-9_-]{0,31} · /;
const MAX_QUOTE = 48;
const MAX_FILES = 5;

interface Stated {
  item: HandoffItem;
  who: string[];
  label: string;
  pol: Polarity;
}

function quote(text: string): string {
  return `"${text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1).trimEnd()}…` : text}"`;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const CONTRADICTION_HEAD = /^⚠\s*conflict: (.+?) — /u;
const SHARED_HEAD = /^⚠\s*shared files: (.+?) (?:both|all) change /u;
const RADAR_HEAD = /^⚠\s*(merge conflict|contract): (.+?) — /u;
const RADAR_WORD = { 'merge-conflict': 'merge conflict', contract: 'contract' } as const;

export type FlagKind = Conflict['kind'];

/**
 * The flag of a conflict the radar found: `⚠ merge conflict: alpha and bravo — src/api.ts`,
 * `⚠ contract: alpha and carol — carol imports src/api.ts, changed by alpha`.
 */
export function radarFlag(c: Conflict & { kind: 'merge-conflict' | 'contract' }): string {
  return `${CONFLICT_PREFIX}${RADAR_WORD[c.kind]}: ${andList(c.agents)} — ${c.subject}`;
}

/**
 * The head of a flag that names its agents (`⚠ conflict: web vs api, team — `, `⚠ shared files:
 * api and docs both change `), or undefined for any other item. The compressor never cuts into
 * it, so a shortened flag still says who.
 */
export function flagHead(text: string): { kind: FlagKind; head: string; agents: string[] } | undefined {
  const r = RADAR_HEAD.exec(text);
  if (r) {
    const agents = (r[2] as string).split(/, | and /u).filter(Boolean);
    return { kind: r[1] === 'contract' ? 'contract' : 'merge-conflict', head: r[0], agents: [...new Set(agents)].sort() };
  }
  const c = CONTRADICTION_HEAD.exec(text);
  const m = c ?? SHARED_HEAD.exec(text);
  if (!m) return undefined;
  const agents = (m[1] as string).split(/ vs |, | and /u).filter((a) => a && a !== TEAM);
  return { kind: c ? 'contradiction' : 'shared-file', head: m[0], agents: [...new Set(agents)].sort() };
}

/** Conflicts (sorted) and the `⚠` Blockers items that show them to agents; `radar`'s are added as they are. */
export function findConflicts(pools: ItemPool[], agents: { agent: string; files?: string[] }[], radar: readonly Conflict[] = []): { conflicts: Conflict[]; flags: HandoffItem[] } {
  const stated: Stated[] = [];
  const seen = new Set<string>();
  for (const pool of pools) {
    for (const { item, owners } of pool.list()) {
      if (isConflictItem(item) || pointerCount(item) !== undefined || STATUS_LINE.test(item.text)) continue;
      const key = normalizeText(item.text);
      if (seen.has(key)) continue;
      seen.add(key);
      const who = owners.length ? owners : [TEAM];
      stated.push({ item, who, label: who.join(', '), pol: polarity(item.text) });
    }
  }
  const found: { conflict: Conflict; flag: string }[] = [];
  for (let i = 0; i < stated.length; i++) {
    const a = stated[i] as Stated;
    if (!a.pol.negated.length && !a.pol.positive.size) continue;
    for (let j = i + 1; j < stated.length; j++) {
      const b = stated[j] as Stated;
      if (sameSet(a.who, b.who)) continue;
      let pos: Stated | undefined;
      let neg: Stated | undefined;
      if (contradiction(a.pol, b.pol)) [neg, pos] = [a, b];
      else if (contradiction(b.pol, a.pol)) [neg, pos] = [b, a];
      if (!pos || !neg) continue;
      const agentsInvolved = [...new Set([...pos.who, ...neg.who])].sort();
      found.push({
        conflict: {
          kind: 'contradiction',
          agents: agentsInvolved,
          subject: `"${pos.item.text}" vs "${neg.item.text}"`,
          detail: `${pos.label} says "${pos.item.text}" but ${neg.label} says "${neg.item.text}"`,
        },
        flag: `${CONFLICT_PREFIX}conflict: ${pos.label} vs ${neg.label} — ${quote(pos.item.text)} vs ${quote(neg.item.text)}`,
      });
    }
  }
  found.push(...sharedFiles(agents));
  for (const c of radar) if (c.kind === 'merge-conflict' || c.kind === 'contract') found.push({ conflict: c, flag: radarFlag({ ...c, kind: c.kind }) });
  found.sort((x, y) => order(x.conflict, y.conflict));
  const flags: string[] = [];
  for (const f of found) if (!flags.includes(f.flag)) flags.push(f.flag);
  return { conflicts: found.map((f) => f.conflict), flags: flags.map((text) => ({ text, marker: 'bullet' })) };
}

function order(x: Conflict, y: Conflict): number {
  const kx = `${x.kind}\u0000${x.agents.join(',')}\u0000${x.subject}`;
  const ky = `${y.kind}\u0000${y.agents.join(',')}\u0000${y.subject}`;
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}

/** One conflict per file changed by two or more agents; one flag per group of agents. */
function sharedFiles(agents: { agent: string; files?: string[] }[]): { conflict: Conflict; flag: string }[] {
  const byFile = new Map<string, Set<string>>();
  for (const a of agents) {
    for (const f of new Set(a.files ?? [])) {
      let s = byFile.get(f);
      if (!s) byFile.set(f, (s = new Set()));
      s.add(a.agent);
    }
  }
  const groups = new Map<string, string[]>();
  const out: { conflict: Conflict; flag: string }[] = [];
  for (const [file, set] of [...byFile].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (set.size < 2) continue;
    const who = [...set].sort();
    const key = who.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), file]);
    out.push({ conflict: { kind: 'shared-file', agents: who, subject: file, detail: `${file} is changed by ${andList(who)}` }, flag: '' });
  }
  for (const entry of out) {
    const files = groups.get(entry.conflict.agents.join(', ')) ?? [];
    const shown = files.slice(0, MAX_FILES).join(', ');
    const more = files.length > MAX_FILES ? ` and ${files.length - MAX_FILES} more` : '';
    const who = entry.conflict.agents;
    entry.flag = `${CONFLICT_PREFIX}shared files: ${andList(who)} ${who.length > 2 ? 'all' : 'both'} change ${shown}${more}`;
  }
  return out;
}

/** `a`, `a and b`, `a, b and c`. */
function andList(xs: string[]): string {
  return xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
