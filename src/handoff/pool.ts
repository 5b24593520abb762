/** Ordered, de-duplicating collections the merge builds its sections and its history list from. */
import { normalizeText, withAgents } from './items.js';
import type { HandoffItem, ItemMarker, RemovedItems } from './types.js';

interface Entry {
  item: HandoffItem;
  owners: Set<string>;
}

/** Items of one section, de-duplicated by normalized text, first writer's wording and place kept. */
export class ItemPool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly marker?: { marker: ItemMarker; checked?: boolean }) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Add an item (or add owners to the one already there). */
  add(item: HandoffItem, owners: Iterable<string>): void {
    if (!item.text.trim()) return;
    const key = normalizeText(item.text);
    const entry = this.entries.get(key);
    if (entry) {
      for (const o of owners) entry.owners.add(o);
      return;
    }
    const it: HandoffItem = { text: item.text.trim(), marker: this.marker?.marker ?? item.marker };
    const checked = this.marker ? this.marker.checked : item.checked;
    if (checked !== undefined && it.marker === 'checkbox') it.checked = checked;
    this.entries.set(key, { item: it, owners: new Set(owners) });
  }

  /** Keep only entries whose key passes. */
  filter(keep: (key: string, item: HandoffItem) => boolean): void {
    for (const [key, e] of this.entries) if (!keep(key, e.item)) this.entries.delete(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Entries with their owners, in insertion order. */
  list(): { item: HandoffItem; owners: string[] }[] {
    return [...this.entries.values()].map((e) => ({ item: e.item, owners: [...e.owners].sort() }));
  }

  /** The items, attributed. */
  items(): HandoffItem[] {
    return [...this.entries.values()].map((e) => withAgents(e.item, e.owners));
  }
}

/** Input items that leave a handoff, grouped by section and reason, each once. */
export class RemovedLog {
  private readonly groups = new Map<string, RemovedItems>();
  private readonly seen = new Set<string>();

  add(section: string, reason: string, item: HandoffItem): void {
    const key = `${section}\u0000${normalizeText(item.text)}`;
    if (!item.text.trim() || this.seen.has(key)) return;
    this.seen.add(key);
    const gk = `${section}\u0000${reason}`;
    let g = this.groups.get(gk);
    if (!g) {
      g = { section, reason, items: [] };
      this.groups.set(gk, g);
    }
    g.items.push(item);
  }

  /**
   * The groups, leaving out items whose text is still in the same section of the handoff
   * (`present` holds `section \0 key`). Presence elsewhere does not count: a Blocker whose words
   * also make a Current State line would otherwise vanish without a trace.
   */
  result(present: Set<string>): RemovedItems[] {
    const out: RemovedItems[] = [];
    for (const g of this.groups.values()) {
      const items = g.items.filter((it) => !present.has(`${g.section}\u0000${normalizeText(it.text)}`));
      if (items.length) out.push({ ...g, items });
    }
    return out;
  }
}
