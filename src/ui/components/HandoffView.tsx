/** The handoff view (`h`): tabs for the team and each agent, section token bars, conflicts; scrolls. */
import { Box, Text } from 'ink';
import type { AgentState } from '../../supervisor/agentState.js';
import { handoffBodyRows, handoffLines, handoffTabs } from '../state/handoffLines.js';
import { seg, type Line } from '../state/styled.js';
import type { HandoffPanel } from '../state/types.js';
import { Frame } from './Frame.js';
import { StyledLine } from './StyledLine.js';

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
  const lines = handoffLines(panel, cols);
  const body = handoffBodyRows(cols, rows);
  const shown = lines.slice(panel.scroll, panel.scroll + body);
  const more = lines.length > body ? ` · lines ${panel.scroll + 1}–${Math.min(panel.scroll + body, lines.length)} of ${lines.length}` : '';
  const loading = panel.status === 'loading' && panel.data ? ' · refreshing…' : '';
  const title: Line = [seg('handoff', { bold: true }), seg(more + loading, { dim: true })];
  return (
    <Frame width={width} height={height} title={title} borderColor="magenta" focused color={color}>
      <StyledLine line={tabLine(tabs, panel.tab)} color={color} />
      <Text dimColor>{'─'.repeat(Math.max(width - 2, 0))}</Text>
      <Box flexDirection="column" paddingLeft={1} width={width - 2}>
        {shown.map((line, i) => (
          <StyledLine key={i} line={line} color={color} />
        ))}
      </Box>
    </Frame>
  );
}
