/**
 * The whole TUI's chrome (SPEC §5): sidebar, pane frames (their insides are drawn by the pane
 * compositor), handoff view, dialogs, status line and key bar. It only draws the store's state;
 * input and effects live in the router and the controller.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { Box, Text, useStdout } from 'ink';
import { dialogScope, type BarContext, type Keymap } from '../keys/keymap.js';
import { computeLayout, MIN_COLS, MIN_ROWS } from '../layout.js';
import { paneSlots, tooSmall } from '../panes.js';
import { selectedAgent } from '../state/reducer.js';
import type { Store } from '../state/store.js';
import type { AppState } from '../state/types.js';
import { ConfirmDialog, confirmText } from './ConfirmDialog.js';
import { DiffView } from './DiffView.js';
import { LandDialog } from './LandDialog.js';
import { HandoffView } from './HandoffView.js';
import { HelpOverlay } from './HelpOverlay.js';
import { KeyBar } from './KeyBar.js';
import { MemoryView } from './MemoryView.js';
import { PaneFrame } from './PaneFrame.js';
import { Sidebar } from './Sidebar.js';
import { StatusLine } from './StatusLine.js';

export interface AppProps {
  store: Store;
  keymap: Keymap;
  /** Receives Ink's own stdout writer (it redraws the last frame after the data): used to repaint after a resize. */
  onInkWrite?: (write: (data: string) => void) => void;
}

/** Which key bar applies. */
export function barContext(state: AppState): BarContext {
  if (state.dialog) return dialogScope(state.dialog.kind);
  if (state.attached) return 'attached';
  if (state.diff) return 'diff';
  if (state.memory) return 'memory';
  if (state.handoff) return 'handoff';
  return 'panes';
}

function PaneArea({ state, keymap }: { state: AppState; keymap: Keymap }) {
  const { paneArea } = computeLayout(state.cols, state.rows);
  const { width, height } = paneArea;
  if (state.dialog?.kind === 'land') return <LandDialog dialog={state.dialog} width={width} height={height} color={state.color} />;
  if (state.dialog && state.dialog.kind !== 'help') return <ConfirmDialog {...confirmText(state.dialog)} width={width} height={height} color={state.color} />;
  if (state.dialog?.kind === 'help') return <HelpOverlay keymap={keymap} width={width} height={height} color={state.color} />;
  if (state.memory) return <MemoryView panel={state.memory} cols={state.cols} rows={state.rows} width={width} height={height} color={state.color} />;
  if (state.diff) return <DiffView panel={state.diff} cols={state.cols} rows={state.rows} width={width} height={height} color={state.color} />;
  if (state.handoff) {
    return <HandoffView panel={state.handoff} agents={state.agents} cols={state.cols} rows={state.rows} width={width} height={height} color={state.color} />;
  }
  const slots = paneSlots(state);
  if (slots.length === 0) {
    return (
      <Box width={width} height={height} borderStyle="single" alignItems="center" justifyContent="center">
        <Text dimColor>no agents in agents.yaml</Text>
      </Box>
    );
  }
  const tiled = slots.length > 1;
  return (
    <Box width={width} height={height}>
      {slots.map((slot) => {
        const agent = state.agents[slot.index]!;
        const focused = slot.index === state.selected;
        return (
          <Box key={slot.id} position="absolute" marginLeft={slot.frame.x - paneArea.x} marginTop={slot.frame.y - paneArea.y}>
            <PaneFrame
              agent={agent}
              width={slot.frame.width}
              height={slot.frame.height}
              focused={focused && tiled}
              color={state.color}
              now={state.now}
              tile={tiled ? { number: slot.index + 1 } : undefined}
              attached={focused && state.attached}
              scrolledBack={state.scrolledBack.includes(agent.name)}
              detachKey={keymap.detachKey}
            />
          </Box>
        );
      })}
    </Box>
  );
}

/** The root component: reads the store and lays out every part. */
export function App({ store, keymap, onInkWrite }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { write } = useStdout();
  useEffect(() => {
    onInkWrite?.(write);
  }, [onInkWrite, write]);
  const layout = computeLayout(state.cols, state.rows);
  if (tooSmall(state)) {
    return (
      <Box width={layout.cols} height={layout.height} alignItems="center" justifyContent="center">
        <Text>
          terminal too small: {state.cols}×{state.rows}, needs {MIN_COLS}×{MIN_ROWS}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={layout.cols} height={layout.height}>
      <Box flexDirection="row" width={layout.cols} height={layout.sidebar.height}>
        <Sidebar agents={state.agents} selected={state.selected} now={state.now} budget={state.budget} width={layout.sidebar.width} height={layout.sidebar.height} color={state.color} />
        <PaneArea state={state} keymap={keymap} />
      </Box>
      <StatusLine message={state.message} phase={state.phase} agents={state.agents.length} width={layout.cols} color={state.color} />
      <KeyBar keymap={keymap} context={barContext(state)} width={layout.cols} color={state.color} agent={selectedAgent(state)?.name} />
    </Box>
  );
}
