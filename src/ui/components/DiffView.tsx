/** The diff view (`d`): the selected agent's changes against base, with its commits; pages. */
import { Box, Text } from 'ink';
import { diffBodyRows, diffSummary } from '../state/diffLines.js';
import { clipLine, seg, type Line } from '../state/styled.js';
import type { DiffPanel } from '../state/types.js';
import { Frame } from './Frame.js';
import { StyledLine } from './StyledLine.js';

export interface DiffViewProps {
  panel: DiffPanel;
  cols: number;
  rows: number;
  width: number;
  height: number;
  color: boolean;
}

export function DiffView({ panel, cols, rows, width, height, color }: DiffViewProps) {
  const body = diffBodyRows(cols, rows);
  const inner = Math.max(width - 3, 1);
  const total = panel.lines.length;
  const more = total > body ? ` · lines ${panel.scroll + 1}–${Math.min(panel.scroll + body, total)} of ${total}` : '';
  const title: Line = [seg(`diff · ${panel.agent}`, { bold: true }), seg(more, { dim: true })];
  let head: Line;
  if (panel.status === 'error') head = [seg(`cannot show ${panel.agent}'s diff: ${panel.error ?? ''}`, { color: 'red' })];
  else if (!panel.data) head = [seg(`reading ${panel.agent}'s changes…`, { dim: true })];
  else head = diffSummary(panel.data);
  const shown = panel.lines.slice(panel.scroll, panel.scroll + body);
  return (
    <Frame width={width} height={height} title={title} borderColor="cyan" focused color={color}>
      <Box paddingLeft={1} width={width - 2}>
        <StyledLine line={clipLine(head, inner)} color={color} />
      </Box>
      <Text dimColor>{'─'.repeat(Math.max(width - 2, 0))}</Text>
      <Box flexDirection="column" paddingLeft={1} width={width - 2}>
        {shown.map((line, i) => (
          <StyledLine key={panel.scroll + i} line={clipLine(line, inner)} color={color} />
        ))}
      </Box>
    </Frame>
  );
}
