/**
 * The team handoff from the root copy and each agent's worktree copy (SPEC §3 Merge).
 *
 * - Current State: one line per agent (see items.ts `statusLineText`): its process status, what
 *   is wrong with its handoff, and its own `Status:` words. What a merge does not know (an agent
 *   whose copy says nothing new, a status nobody reported) is kept from the team's line.
 * - Completed, Blockers, Key Decisions and unknown sections: union, never dropped.
 * - In Progress and Next Steps (and extra Current State lines): union, but an item attributed to
 *   an agent in this merge stays only while that agent still lists it, so finished work does not
 *   linger; an In Progress item leaves once it is completed anywhere. An agent whose copy has no
 *   template section (it did not update it, or it is unchanged) changes none of its items.
 * - Every item is de-duplicated (items.ts `normalizeText`) and attributed (` (@backend, @tests)`).
 *   What an agent's copy holds that is not its news is the team's: the copy it was given (`base`),
 *   the copy already merged (`merged`), another agent's items, history pointers. The team handoff
 *   is the authority on those, so nothing it has moved to history comes back.
 * - Template placeholders leave a section once it has real items.
 * - Contradictions and shared files (bystanders' files included) become `conflicts` and `⚠`
 *   items at the top of Blockers.
 * Nothing leaves without a trace: what is not in the result is in `removed`. Deterministic:
 * agents are taken in name order, items in the order written. Merging again with the same inputs
 * (and each agent's copy as `merged`) gives the same handoff and removes nothing.
 */
import { findConflicts, flagHead } from './conflicts.js';
import {
  ELLIPSIS,
  isConflictItem,
  isPlaceholder,
  isShortenedFrom,
  itemAgents,
  normalizeText,
  parseStatusLine,
  pointerCount,
  proseItems,
  statusLineAgent,
  statusLineText,
  subjectKey,
  type StatusLine,
} from './items.js';
import { ItemPool, RemovedLog } from './pool.js';
import { sectionKey } from './syntax.js';
import { SECTION_NAMES } from './types.js';
import type { AgentHandoff, Bystander, Conflict, Handoff, HandoffItem, HandoffSection, MergeResult, SectionName } from './types.js';

export interface MergeOptions {
  /** The team handoff's title (default: the root copy's). */
  project?: string;
  /** Agents running beside these, whose handoffs are not merged now (see Bystander). */
  bystanders?: Bystander[];
  /**
   * What the conflict radar (src/radar) predicts now: merge-conflict and contract conflicts,
   * flagged like the others. Undefined when the caller did not look: the team handoff's radar
   * flags are then kept as they are, rather than dropped and flagged again at the next look.
   */
  radar?: Conflict[];
}

type Keys = Map<string, Set<string>>;

interface Source {
  /** The agent, or undefined for the root copy. */
  agent?: string;
  handoff: Handoff;
  /** Item keys by section of the copy the agent was given, and of the copy last merged. */
  base?: Keys;
  merged?: Keys;
}

const KEY_LINE = /^(?:branch|last agent|status)\s*[:\-–—]/i;

/** Merge agents' handoffs into the root (team) handoff. Pure; never throws on any parsed input. */
export function mergeHandoffs(root: Handoff, agents: AgentHandoff[], opts: MergeOptions = {}): MergeResult {
  const sorted = [...agents].sort(byAgent);
  // An agent whose copy has no template section says nothing: its items are left as they are.
  const present = new Set(sorted.filter((a) => a.handoff.sections.some((s) => s.known)).map((a) => a.agent));
  const merging = new Set(sorted.map((a) => a.agent));
  const bystanders = (opts.bystanders ?? []).filter((b) => !merging.has(b.agent));
  const sources: Source[] = [{ handoff: root }, ...sorted.map((a) => sourceOf(a))];
  const removed = new RemovedLog();
  const rootKeys = keysBySection(root);
  const rootItems = itemsBySection(root);

  const owners = (item: HandoffItem, src: Source, section: string): string[] => {
    if (item.agent) return itemAgents(item);
    if (!src.agent) return [];
    const sk = sectionKey(section);
    const key = normalizeText(item.text);
    // An unattributed item in the copy it was given is the team's; anything else is the agent's.
    if (src.base) return src.base.get(sk)?.has(key) ? [] : [src.agent];
    const inRoot = rootItems.get(sk)?.get(key);
    if (inRoot) return itemAgents(inRoot).includes(src.agent) ? [src.agent] : [];
    return [src.agent];
  };
  const listed = listedBy(sources, owners);
  // Agents whose copy says something the team has not had from them yet.
  const news = new Set(sources.filter((src) => src.agent && present.has(src.agent) && hasNews(src)).map((src) => src.agent as string));
  const isListed = (agent: string, section: string, item: HandoffItem): boolean => {
    const keys = listed.get(`${agent}\u0000${section}`);
    if (!keys) return false;
    if (keys.has(normalizeText(item.text))) return true;
    // An item the compressor shortened is still the one its agent lists in full.
    return item.text.endsWith(ELLIPSIS) && [...keys].some((k) => isShortenedFrom(item.text, k));
  };
  const fresh = (src: Source, section: string, item: HandoffItem): boolean => {
    if (!src.agent) return true;
    const sk = sectionKey(section);
    const key = normalizeText(item.text);
    if (src.base?.get(sk)?.has(key) || src.merged?.get(sk)?.has(key)) return false;
    if (rootKeys.get(sk)?.has(key)) return true;
    if (pointerCount(item) !== undefined) {
      removed.add(section, 'an older history pointer', item);
      return false;
    }
    const own = owners(item, src, section);
    if (own.length && !own.includes(src.agent)) {
      removed.add(section, `an older copy of ${own.join(', ')}'s item`, item);
      return false;
    }
    return true;
  };
  const itemsOf = (name: string): { item: HandoffItem; src: Source }[] =>
    sources.flatMap((src) => sectionItems(src.handoff, name).filter((item) => fresh(src, name, item)).map((item) => ({ item, src })));
  // Items attributed to agents of this merge survive only while one of them still lists them.
  const staleAware = (section: SectionName, pool: ItemPool, items: { item: HandoffItem; src: Source }[]): void => {
    for (const { item, src } of items) {
      const own = owners(item, src, section);
      if (!own.length) {
        pool.add(item, []);
        continue;
      }
      const keep = own.filter((o) => !present.has(o) || isListed(o, section, item));
      if (keep.length) pool.add(item, keep);
      else removed.add(section, `no longer listed by ${own.join(', ')}`, item);
    }
  };

  // Current State: a line per agent, then the other lines.
  const stateItems = itemsOf('Current State');
  const known = new Map<string, StatusLine>();
  for (const { item, src } of stateItems) {
    const line = !src.agent ? parseStatusLine(item.text) : undefined;
    if (line && !known.has(line.agent)) known.set(line.agent, line);
  }
  const lines = [
    ...sorted.map((a) => {
      const src = sources.find((s) => s.agent === a.agent) as Source;
      return lineFor(a, ownStatus(a.handoff, (it) => fresh(src, 'Current State', it)), known.get(a.agent));
    }),
    ...bystanders.map((b) => lineFor(b, undefined, known.get(b.agent))),
  ].sort(byAgent);
  const lined = new Set(lines.map((l) => l.agent));
  const state = new ItemPool({ marker: 'bullet' });
  const stateExtras: { item: HandoffItem; src: Source }[] = [];
  for (const { item, src } of stateItems) {
    const name = statusLineAgent(item.text);
    if (name && lined.has(name)) removed.add('Current State', 'replaced by a newer status line', item);
    else if (KEY_LINE.test(item.text) && src.agent) removed.add('Current State', 'folded into the status line', item);
    else if (KEY_LINE.test(item.text) && lines.length) removed.add('Current State', "replaced by the agents' status lines", item);
    else stateExtras.push({ item, src });
  }
  for (const line of lines) state.add({ text: statusLineText(line), marker: 'bullet' }, []);
  staleAware('Current State', state, stateExtras);

  // Completed, with items ticked in In Progress.
  const completed = new ItemPool({ marker: 'checkbox', checked: true });
  const progressItems = itemsOf('In Progress');
  for (const { item, src } of [...itemsOf('Completed'), ...progressItems.filter((x) => x.item.checked === true)]) {
    completed.add(item, owners(item, src, 'Completed'));
  }
  const doneSubjects = new Set(completed.list().map((e) => subjectKey(e.item.text)));
  const progress = new ItemPool({ marker: 'checkbox', checked: false });
  staleAware('In Progress', progress, progressItems.filter((x) => x.item.checked !== true));
  progress.filter((key, item) => {
    if (completed.has(key)) return false;
    if (!doneSubjects.has(subjectKey(item.text))) return true;
    removed.add('In Progress', 'completed', item);
    return false;
  });

  const blockers = new ItemPool({ marker: 'bullet' });
  const decisions = new ItemPool({ marker: 'bullet' });
  const steps = new ItemPool({ marker: 'numbered' });
  const oldFlags: HandoffItem[] = [];
  for (const { item, src } of itemsOf('Blockers')) {
    if (isConflictItem(item)) oldFlags.push(item);
    else blockers.add(item, owners(item, src, 'Blockers'));
  }
  for (const { item, src } of itemsOf('Key Decisions')) decisions.add(item, owners(item, src, 'Key Decisions'));
  staleAware('Next Steps', steps, itemsOf('Next Steps'));
  const unknown = unknownSections(sources, owners, fresh);

  const named: [string, ItemPool][] = [
    ['Completed', completed],
    ['In Progress', progress],
    ['Blockers', blockers],
    ['Next Steps', steps],
    ['Key Decisions', decisions],
    ...unknown.map((u): [string, ItemPool] => [u.name, u.pool]),
  ];
  for (const [name, pool] of named) dropPlaceholders(name, pool, removed);

  const pools = [state, ...named.map(([, pool]) => pool)];
  const { conflicts, flags } = findConflicts(pools, [...sorted, ...bystanders], opts.radar);
  // The flags the team handoff has, in its order (a shortened one stays so: its full text is in
  // history), then the new ones in the order found.
  const flagPool = new ItemPool({ marker: 'bullet' });
  const matched = new Set<HandoffItem>();
  // One old flag to one new, exact texts first: a shortened start may fit several.
  const sameAs = new Map<HandoffItem, HandoffItem>();
  for (const test of [(o: HandoffItem, f: HandoffItem) => normalizeText(f.text) === normalizeText(o.text), (o: HandoffItem, f: HandoffItem) => isShortenedFrom(o.text, f.text)]) {
    for (const old of oldFlags) {
      const f = sameAs.has(old) ? undefined : flags.find((x) => !matched.has(x) && test(old, x));
      if (f) {
        sameAs.set(old, f);
        matched.add(f);
      }
    }
  }
  for (const old of oldFlags) {
    const same = sameAs.get(old);
    // A contradiction stays flagged until one of its agents says something new: one side may
    // have left the handoff for history, which ends nothing.
    const head = flagHead(old.text);
    const sticks = (head?.kind === 'contradiction' && !head.agents.some((a) => news.has(a))) || (opts.radar === undefined && (head?.kind === 'merge-conflict' || head?.kind === 'contract'));
    if (same || sticks) flagPool.add(old, []);
    else removed.add('Blockers', 'conflict no longer present', old);
  }
  for (const f of flags) if (!matched.has(f)) flagPool.add(f, []);

  const built: Record<SectionName, HandoffItem[]> = {
    'Current State': state.items(),
    Completed: completed.items(),
    'In Progress': progress.items(),
    Blockers: [...flagPool.items(), ...blockers.items()],
    'Next Steps': steps.items(),
    'Key Decisions': decisions.items(),
  };
  const sections: HandoffSection[] = SECTION_NAMES.map((name) => ({ name, known: true, items: built[name], text: [], line: 0 }));
  for (const u of unknown) sections.push({ name: u.name, known: false, items: u.pool.items(), text: [], line: 0 });

  const handoff: Handoff = { title: opts.project ?? root.title, sections };
  const rootPre = root.preamble ?? [];
  if (rootPre.length) handoff.preamble = [...rootPre];
  for (const a of sorted) {
    const given = new Set([...(a.base?.preamble ?? []), ...(a.merged?.preamble ?? []), ...rootPre]);
    for (const line of a.handoff.preamble ?? []) {
      // A history pointer is the team's: the copy's own one points at the same history.
      if (given.has(line) || pointerCount(line) !== undefined) continue;
      removed.add('(preamble)', 'outside any section', { text: line, marker: 'bullet' });
    }
  }
  const presentKeys = new Set(sections.flatMap((s) => s.items.map((it) => `${s.name}\u0000${normalizeText(it.text)}`)));
  return { handoff, conflicts, removed: removed.result(presentKeys) };
}

function sourceOf(a: AgentHandoff): Source {
  const src: Source = { agent: a.agent, handoff: a.handoff };
  if (a.base) src.base = keysBySection(a.base);
  if (a.merged) src.merged = keysBySection(a.merged);
  return src;
}

/**
 * An agent's status line: its reported status and flag, or the team's when it reported none;
 * the own words its copy newly wrote, or else those the team's line already has.
 */
function lineFor(a: { agent: string; branch: string; status?: string; flag?: string }, own: string | undefined, known: StatusLine | undefined): StatusLine {
  const line: StatusLine = { agent: a.agent, branch: a.branch, status: a.status ?? known?.status ?? 'unknown' };
  const flag = a.status !== undefined ? a.flag : known?.flag;
  if (flag) line.flag = flag;
  const words = own ?? known?.own;
  if (words) line.own = words;
  return line;
}

function dropPlaceholders(section: string, pool: ItemPool, removed: RemovedLog): void {
  if (!pool.list().some((e) => !isPlaceholder(e.item))) return;
  pool.filter((_, item) => {
    if (!isPlaceholder(item)) return true;
    removed.add(section, 'a template placeholder', item);
    return false;
  });
}

function byAgent(a: { agent: string }, b: { agent: string }): number {
  return a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0;
}

/** The agent's own `Status:` words among the fresh lines of its Current State. */
function ownStatus(h: Handoff, isFresh: (item: HandoffItem) => boolean): string | undefined {
  const section = h.sections.find((s) => s.known && s.name === 'Current State');
  if (!section) return undefined;
  for (const it of [...proseItems(section), ...section.items]) {
    const m = /^status\s*[:\-–—]\s*(.+)$/is.exec(it.text);
    if (m && isFresh(it)) return (m[1] as string).replace(/\s+/g, ' ').trim();
  }
  return undefined;
}

function sectionItems(h: Handoff, name: string): HandoffItem[] {
  const key = sectionKey(name);
  const s = h.sections.find((x) => sectionKey(x.name) === key);
  return s ? [...proseItems(s), ...s.items] : [];
}

/** Whether a copy holds an item that is neither in the copy it was given nor in the one last merged. */
function hasNews(src: Source): boolean {
  return src.handoff.sections.some((s) => {
    if (!s.known) return false;
    const sk = sectionKey(s.name);
    return [...proseItems(s), ...s.items].some((it) => {
      const key = normalizeText(it.text);
      return !src.base?.get(sk)?.has(key) && !src.merged?.get(sk)?.has(key);
    });
  });
}

function keysBySection(h: Handoff): Keys {
  const out: Keys = new Map();
  for (const s of h.sections) out.set(sectionKey(s.name), new Set([...proseItems(s), ...s.items].map((it) => normalizeText(it.text))));
  return out;
}

function itemsBySection(h: Handoff): Map<string, Map<string, HandoffItem>> {
  const out = new Map<string, Map<string, HandoffItem>>();
  for (const s of h.sections) out.set(sectionKey(s.name), new Map([...proseItems(s), ...s.items].map((it) => [normalizeText(it.text), it])));
  return out;
}

type Owners = (item: HandoffItem, src: Source, section: string) => string[];

/** `agent \0 section` → keys of every item an agent's own copy attributes to that agent. */
function listedBy(sources: Source[], owners: Owners): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const src of sources) {
    if (!src.agent) continue;
    for (const s of src.handoff.sections) {
      if (!s.known) continue;
      for (const it of [...proseItems(s), ...s.items]) {
        if (!owners(it, src, s.name).includes(src.agent)) continue;
        const id = `${src.agent}\u0000${s.name}`;
        let keys = out.get(id);
        if (!keys) out.set(id, (keys = new Set()));
        keys.add(normalizeText(it.text));
      }
    }
  }
  return out;
}

/** Sections outside the template, merged by name (root's first), all items kept. */
function unknownSections(
  sources: Source[],
  owners: Owners,
  fresh: (src: Source, section: string, item: HandoffItem) => boolean,
): { name: string; pool: ItemPool }[] {
  const out = new Map<string, { name: string; pool: ItemPool; team: boolean }>();
  for (const src of sources) {
    for (const s of src.handoff.sections) {
      if (s.known) continue;
      const key = sectionKey(s.name);
      let u = out.get(key);
      if (!u) {
        u = { name: s.name, pool: new ItemPool(), team: false };
        out.set(key, u);
      }
      if (!src.agent) u.team = true;
      for (const it of [...proseItems(s), ...s.items]) if (fresh(src, s.name, it)) u.pool.add(it, owners(it, src, s.name));
    }
  }
  // An agent's extra section with nothing new in it is not brought (back) into the team's.
  return [...out.values()].filter((u) => u.team || u.pool.keys().length > 0);
}
