/**
 * The chrome rows that show elapsed times (the sidebar's lines, the pane headers), placed where
 * the components draw them. Ticking time redraws only these rows, straight to the terminal
 * through the compositor: a full chrome render every second would cost more than the panes.
 */
import { frameTop } from './components/Frame.js';
import { paneBorderColor, paneTitle } from './components/PaneFrame.js';
import type { TextRow } from './compositor/index.js';
import { computeLayout } from './layout.js';
import { paneSlots, tooSmall } from './panes.js';
import { sidebarLines } from './state/sidebarLines.js';
import { lineWidth, seg } from './state/styled.js';
import type { AppState } from './state/types.js';

/** The rows App draws from `state.now`, exactly as it draws them (lines padded to their width). */
export function clockRows(state: AppState, detachKey: string): TextRow[] {
  if (tooSmall(state)) return [];
  const layout = computeLayout(state.cols, state.rows);
  const { sidebar } = layout;
  const width = sidebar.width - 2;
  const rows: TextRow[] = sidebarLines({ agents: state.agents, selected: state.selected, now: state.now, budget: state.budget, width, height: sidebar.height - 2 }).map(
    (line, i) => {
      const pad = width - lineWidth(line);
      return { x: sidebar.x + 1, y: sidebar.y + 1 + i, line: pad > 0 ? [...line, seg(' '.repeat(pad))] : line };
    },
  );
  if (state.dialog || state.handoff || state.diff || state.memory) return rows;
  const slots = paneSlots(state);
  const tiled = slots.length > 1;
  for (const slot of slots) {
    const agent = state.agents[slot.index]!;
    const focused = slot.index === state.selected;
    const attached = focused && state.attached;
    const title = paneTitle(agent, {
      now: state.now,
      tile: tiled ? { number: slot.index + 1 } : undefined,
      attached,
      scrolledBack: state.scrolledBack.includes(agent.name),
      detachKey,
    });
    const line = frameTop(slot.frame.width, title, { borderColor: paneBorderColor(attached, focused && tiled), focused: focused && tiled, color: state.color });
    rows.push({ x: slot.frame.x, y: slot.frame.y, line });
  }
  return rows;
}
