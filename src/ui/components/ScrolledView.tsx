/**
 * A full-pane view that scrolls (handoff, diff, memory): a frame titled `name · lines a–b of n`,
 * one head line, a rule, then `body` rows of lines from `scroll`, each clipped to the width.
 */
import { Box, Text } from 'ink';
import { clipLine, seg, type Line } from '../state/styled.js';
import { Frame } from './Frame.js';
import { StyledLine } from './StyledLine.js';

export interface ScrolledViewProps {
  /** Bold in the frame's title. */
  name: string;
  /** Dim after the line count (e.g. ` · refreshing…`). */
  note?: string;
  borderColor: string;
  head: Line;
  lines: Line[];
  scroll: number;
  /** Rows of lines shown. */
  body: number;
  width: number;
  height: number;
  color: boolean;
}

export function ScrolledView({ name, note = '', borderColor, head, lines, scroll, body, width, height, color }: ScrolledViewProps) {
  const inner = Math.max(width - 3, 1);
  const more = lines.length > body ? ` · lines ${scroll + 1}–${Math.min(scroll + body, lines.length)} of ${lines.length}` : '';
  const title: Line = [seg(name, { bold: true }), seg(more + note, { dim: true })];
  return (
    <Frame width={width} height={height} title={title} borderColor={borderColor} focused color={color}>
      <StyledLine line={clipLine(head, width - 2)} color={color} />
      <Text dimColor>{'─'.repeat(Math.max(width - 2, 0))}</Text>
      <Box flexDirection="column" paddingLeft={1} width={width - 2}>
        {lines.slice(scroll, scroll + body).map((line, i) => (
          <StyledLine key={scroll + i} line={clipLine(line, inner)} color={color} />
        ))}
      </Box>
    </Frame>
  );
}
