/** The handoff view (`h`): tabs for the team and each agent, section token bars, conflicts; scrolls. */
import type { AgentState } from '../../supervisor/agentState.js';
import { handoffBodyRows, handoffLines, handoffTabs } from '../state/handoffLines.js';
import { seg, type Line } from '../state/styled.js';
import type { HandoffPanel } from '../state/types.js';
import { ScrolledView } from './ScrolledView.js';

export interface HandoffViewProps {
  panel: HandoffPanel;
  agents: readonly AgentState[];
  cols: number;
  rows: number;
  width: number;
  height: number;
  color: boolean;
}

/** `team | backend | frontend | tests` with the open tab highlighted. */
export function tabLine(tabs: string[], active: number): Line {
  const line: Line = [seg(' ')];
  tabs.forEach((t, i) => {
    if (i > 0) line.push(seg(' | ', { dim: true }));
    line.push(seg(i === active ? ` ${t} ` : t, i === active ? { inverse: true, bold: true } : {}));
  });
  return line;
}

/** The open tab's lines from `panel.scroll`, under the tab line. */
export function HandoffView({ panel, agents, cols, rows, width, height, color }: HandoffViewProps) {
  const tabs = handoffTabs(panel.data, agents);
  const loading = panel.status === 'loading' && panel.data ? ' · refreshing…' : '';
  return (
    <ScrolledView name="handoff" note={loading} borderColor="magenta" head={tabLine(tabs, panel.tab)} lines={handoffLines(panel, cols)} scroll={panel.scroll} body={handoffBodyRows(cols, rows)} width={width} height={height} color={color} />
  );
}
