/**
 * The team handoff from the root copy and each agent's worktree copy (SPEC §3 Merge).
 *
 * - Current State: one line per agent, `<agent> · <branch> · <status>`; an agent's own
 *   Branch/Last agent/Status lines are folded into it, its other lines kept.
 * - Completed, Blockers, Key Decisions and unknown sections: union, never dropped.
 * - In Progress and Next Steps (and extra Current State lines): union, but an item attributed to
 *   an agent in this merge stays only while that agent still lists it, so finished work does not
 *   linger; an In Progress item leaves once it is completed anywhere. An agent whose handoff has
 *   no template section (it did not update its copy) changes none of its items.
 * - Every item is de-duplicated by normalized text and attributed (` (@backend, @tests)`).
 *   An agent's worktree starts from the team handoff, so an unattributed item it shares with the
 *   root copy is that copy, not the agent's own statement, and keeps the root's attribution; what
 *   an old copy still holds but the root no longer does (its `base`, other agents' items, history
 *   pointers) is not brought back.
 * - Contradictions and shared files (bystanders' files included) become `conflicts` and `⚠`
 *   items at the top of Blockers.
 * Nothing leaves without a trace: what is not in the result is in `removed`.
 * Deterministic: agents are taken in name order, items in the order written.
 */
import { findConflicts } from './conflicts.js';
import { isConflictItem, normalizeText, pointerCount, proseItems, subjectKey } from './items.js';
import { ItemPool, RemovedLog } from './pool.js';
import { sectionKey } from './syntax.js';
import { SECTION_NAMES } from './types.js';
import type { AgentHandoff, Bystander, Handoff, HandoffItem, HandoffSection, MergeResult, SectionName } from './types.js';

export interface MergeOptions {
  /** The team handoff's title (default: the root copy's). */
  project?: string;
  /** Agents running beside these, whose handoffs are not merged now (see Bystander). */
  bystanders?: Bystander[];
}

interface Source {
  /** The agent, or undefined for the root copy. */
  agent?: string;
  handoff: Handoff;
  /** Item keys by section of the copy the agent was given. */
  base?: Map<string, Set<string>>;
}

const STATUS_LINE = /^([a-z0-9][a-z0-9_-]{0,31}) · /;
const KEY_LINE = /^(?:branch|last agent|status)\s*[:\-–—]/i;

/** Merge agents' handoffs into the root (team) handoff. Pure; never throws on any parsed input. */
export function mergeHandoffs(root: Handoff, agents: AgentHandoff[], opts: MergeOptions = {}): MergeResult {
  const sorted = [...agents].sort(byAgent);
  // An agent whose handoff has no template section said nothing (it did not update its copy):
  // its items in the team handoff are left as they are.
  const present = new Set(sorted.filter((a) => a.handoff.sections.some((s) => s.known)).map((a) => a.agent));
  const merging = new Set(sorted.map((a) => a.agent));
  const bystanders = (opts.bystanders ?? []).filter((b) => !merging.has(b.agent));
  const lined: { agent: string; branch: string; status: string }[] = [
    ...sorted.map((a) => ({ agent: a.agent, branch: a.branch, status: a.status ?? ownStatus(a.handoff) ?? 'unknown' })),
    ...bystanders.map((b) => ({ agent: b.agent, branch: b.branch, status: b.status ?? 'unknown' })),
  ].sort(byAgent);
  const hasLine = new Set(lined.map((l) => l.agent));
  const sources: Source[] = [
    { handoff: root },
    ...sorted.map((a) => (a.base ? { agent: a.agent, handoff: a.handoff, base: keysBySection(a.base) } : { agent: a.agent, handoff: a.handoff })),
  ];
  const removed = new RemovedLog();
  const rootKeys = keysBySection(root);
  const owners = (item: HandoffItem, src: Source, section: string): string[] => {
    if (item.agent) return item.agent.split(',').map((s) => s.trim()).filter(Boolean);
    if (!src.agent || rootKeys.get(sectionKey(section))?.has(normalizeText(item.text))) return [];
    return [src.agent];
  };
  const listed = listedBy(sources, owners);
  // What an agent's copy holds that is not its own news: the team's items as they were handed
  // to it (`base`), another agent's item or a history pointer the team handoff no longer has.
  // The team handoff is the authority on those; an old copy must not bring them back.
  const fresh = (src: Source, section: string, item: HandoffItem): boolean => {
    if (!src.agent) return true;
    const key = normalizeText(item.text);
    if (src.base?.get(sectionKey(section))?.has(key)) return false;
    if (rootKeys.get(sectionKey(section))?.has(key)) return true;
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
      const key = normalizeText(item.text);
      const keep = own.filter((o) => !present.has(o) || listed.get(`${o}\u0000${section}\u0000${key}`));
      if (keep.length) pool.add(item, keep);
      else removed.add(section, `no longer listed by ${own.join(', ')}`, item);
    }
  };

  // Current State.
  const statusLines: HandoffItem[] = lined.map((a) => ({ text: `${a.agent} · ${oneLine(a.branch)} · ${oneLine(a.status)}`, marker: 'bullet' }));
  const state = new ItemPool({ marker: 'bullet' });
  const stateExtras: { item: HandoffItem; src: Source }[] = [];
  for (const { item, src } of itemsOf('Current State')) {
    const name = STATUS_LINE.exec(item.text)?.[1];
    if (name && hasLine.has(name)) removed.add('Current State', 'replaced by a newer status line', item);
    else if (KEY_LINE.test(item.text) && src.agent) removed.add('Current State', 'folded into the status line', item);
    else if (KEY_LINE.test(item.text) && lined.length) removed.add('Current State', "replaced by the agents' status lines", item);
    else stateExtras.push({ item, src });
  }
  for (const line of statusLines) state.add(line, []);
  staleAware('Current State', state, stateExtras);

  // Completed, with items ticked in In Progress.
  const completed = new ItemPool({ marker: 'checkbox', checked: true });
  const progressItems = itemsOf('In Progress');
  for (const { item, src } of [...itemsOf('Completed'), ...progressItems.filter((x) => x.item.checked === true)]) {
    completed.add(item, owners(item, src, 'Completed'));
  }
  const progress = new ItemPool({ marker: 'checkbox', checked: false });
  staleAware('In Progress', progress, progressItems.filter((x) => x.item.checked !== true));
  progress.filter((key, item) => {
    if (completed.has(key)) return false;
    if (!completed.has(subjectKey(item.text))) return true;
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

  const pools = [state, completed, progress, blockers, steps, decisions, ...unknown.map((u) => u.pool)];
  const { conflicts, flags } = findConflicts(pools, [...sorted, ...bystanders]);
  const flagPool = new ItemPool({ marker: 'bullet' });
  for (const f of flags) flagPool.add(f, []);
  for (const f of oldFlags) if (!flagPool.has(normalizeText(f.text))) removed.add('Blockers', 'conflict no longer present', f);

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
    for (const line of a.handoff.preamble ?? []) {
      if (!rootPre.includes(line)) removed.add('(preamble)', 'outside any section', { text: line, marker: 'bullet' });
    }
  }
  const presentKeys = new Set(sections.flatMap((s) => s.items.map((it) => `${s.name}\u0000${normalizeText(it.text)}`)));
  return { handoff, conflicts, removed: removed.result(presentKeys) };
}

function byAgent(a: { agent: string }, b: { agent: string }): number {
  return a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The agent's own `Status:` line in its Current State. */
function ownStatus(h: Handoff): string | undefined {
  const section = h.sections.find((s) => s.known && s.name === 'Current State');
  if (!section) return undefined;
  for (const it of [...proseItems(section), ...section.items]) {
    const m = /^status\s*[:\-–—]\s*(.+)$/is.exec(it.text);
    if (m) return (m[1] as string).trim();
  }
  return undefined;
}

function sectionItems(h: Handoff, name: string): HandoffItem[] {
  const key = sectionKey(name);
  const s = h.sections.find((x) => sectionKey(x.name) === key);
  return s ? [...proseItems(s), ...s.items] : [];
}

function keysBySection(h: Handoff): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of h.sections) out.set(sectionKey(s.name), new Set([...proseItems(s), ...s.items].map((it) => normalizeText(it.text))));
  return out;
}

type Owners = (item: HandoffItem, src: Source, section: string) => string[];

/** `agent \0 section \0 key` for every item an agent's own copy attributes to that agent. */
function listedBy(sources: Source[], owners: Owners): Map<string, true> {
  const out = new Map<string, true>();
  for (const src of sources) {
    if (!src.agent) continue;
    for (const s of src.handoff.sections) {
      if (!s.known) continue;
      for (const it of [...proseItems(s), ...s.items]) {
        if (owners(it, src, s.name).includes(src.agent)) out.set(`${src.agent}\u0000${s.name}\u0000${normalizeText(it.text)}`, true);
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
  const out = new Map<string, { name: string; pool: ItemPool }>();
  for (const src of sources) {
    for (const s of src.handoff.sections) {
      if (s.known) continue;
      const key = sectionKey(s.name);
      let u = out.get(key);
      if (!u) {
        u = { name: s.name, pool: new ItemPool() };
        out.set(key, u);
      }
      for (const it of [...proseItems(s), ...s.items]) if (fresh(src, s.name, it)) u.pool.add(it, owners(it, src, s.name));
    }
  }
  return [...out.values()];
}
