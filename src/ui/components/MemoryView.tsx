/** The memory view (`M`): what the selected agent was given from the shared memory, and why, with a search box. */
import { Box, Text } from 'ink';
import { memoryBodyRows, memoryLines, memoryWidth, searchBoxLine } from '../state/memoryLines.js';
import { seg, type Line } from '../state/styled.js';
import type { MemoryPanel } from '../state/types.js';
import { Frame } from './Frame.js';
import { StyledLine } from './StyledLine.js';

export interface MemoryViewProps {
  panel: MemoryPanel;
  cols: number;
  rows: number;
  width: number;
  height: number;
  color: boolean;
}

/** The search box, a rule, then the record and the results from `panel.scroll`. */
export function MemoryView({ panel, cols, rows, width, height, color }: MemoryViewProps) {
  const lines = memoryLines(panel, memoryWidth(cols, rows));
  const body = memoryBodyRows(cols, rows);
  const shown = lines.slice(panel.scroll, panel.scroll + body);
  const more = lines.length > body ? ` · lines ${panel.scroll + 1}–${Math.min(panel.scroll + body, lines.length)} of ${lines.length}` : '';
  const title: Line = [seg('memory', { bold: true }), seg(` · given to ${panel.agent}${more}`, { dim: true })];
  return (
    <Frame width={width} height={height} title={title} borderColor="blue" focused color={color}>
      <StyledLine line={searchBoxLine(panel)} color={color} />
      <Text dimColor>{'─'.repeat(Math.max(width - 2, 0))}</Text>
      <Box flexDirection="column" paddingLeft={1} width={width - 2}>
        {shown.map((line, i) => (
          <StyledLine key={i} line={line} color={color} />
        ))}
      </Box>
    </Frame>
  );
}
