import { describe, expect, it } from 'vitest';
import { computeLayout, contentOf, gridShape, gridTiles, type Rect } from './layout.js';
import { agentSizes, paneSlots, visibleSlots } from './panes.js';
import { initialState } from './state/reducer.js';
import { agent } from './testing/fixtures.js';

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function state(cols: number, rows: number, n: number, grid = false) {
  const s = initialState({ cols, rows, color: false, project: 'p', budget: { total: 500, section: 100 }, agents: Array.from({ length: n }, (_, i) => agent(`a${i}`)), now: 0 });
  return { ...s, grid };
}

describe('layout', () => {
  it('puts the sidebar left, the panes right, the status line and key bar at the bottom', () => {
    const l = computeLayout(80, 24);
    expect(l.sidebar).toEqual({ x: 0, y: 0, width: 25, height: 21 });
    expect(l.paneArea).toEqual({ x: 25, y: 0, width: 55, height: 21 });
    expect(l.statusRow).toBe(21);
    expect(l.keyRow).toBe(22);
    expect(l.height).toBe(23);
    expect(contentOf(l.paneArea)).toEqual({ x: 26, y: 1, width: 53, height: 19 });
  });

  it('tiles any number of agents inside the pane area without overlap', () => {
    for (const [cols, rows] of [[80, 24], [120, 36], [200, 50]] as const) {
      const area = computeLayout(cols, rows).paneArea;
      for (let n = 1; n <= 9; n++) {
        const tiles = gridTiles(area, n);
        expect(tiles).toHaveLength(n);
        const cells = tiles.reduce((sum, t) => sum + t.width * t.height, 0);
        for (const t of tiles) {
          expect(t.x).toBeGreaterThanOrEqual(area.x);
          expect(t.y).toBeGreaterThanOrEqual(area.y);
          expect(t.x + t.width).toBeLessThanOrEqual(area.x + area.width);
          expect(t.y + t.height).toBeLessThanOrEqual(area.y + area.height);
          expect(contentOf(t).width).toBeGreaterThanOrEqual(5);
        }
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(overlaps(tiles[i]!, tiles[j]!)).toBe(false);
        expect(cells).toBe(area.width * area.height);
      }
    }
  });

  it('prefers side-by-side tiles for two agents on a wide screen', () => {
    expect(gridShape({ width: 168, height: 47 }, 2)).toEqual({ columns: 2, rows: 1 });
    expect(gridShape({ width: 168, height: 47 }, 4)).toEqual({ columns: 2, rows: 2 });
  });
});

describe('pane slots and agent sizes', () => {
  it('gives every agent the single pane size, and each its tile in the grid', () => {
    const single = agentSizes(state(120, 36, 3));
    expect([...single.values()]).toEqual([
      { cols: 90, rows: 31 },
      { cols: 90, rows: 31 },
      { cols: 90, rows: 31 },
    ]);
    const grid = state(120, 36, 3, true);
    const sizes = agentSizes(grid);
    for (const slot of paneSlots(grid)) expect(sizes.get(slot.id)).toEqual({ cols: slot.content.width, rows: slot.content.height });
  });

  it('shows no live pane under an overlay', () => {
    const s = state(120, 36, 3);
    expect(visibleSlots(s)).toHaveLength(1);
    expect(visibleSlots({ ...s, dialog: { kind: 'help' } })).toEqual([]);
    expect(visibleSlots({ ...s, handoff: { status: 'loading', tab: 0, scroll: 0 } })).toEqual([]);
  });
});
