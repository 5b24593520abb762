/**
 * A box with a one-cell border and a title in its top edge (`┌ backend · working ───┐`), at an
 * exact size: the layout module and the pane compositor rely on these cells.
 */
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { clipLine, lineWidth, seg, type Line } from '../state/styled.js';
import { StyledLine } from './StyledLine.js';

export interface FrameProps {
  width: number;
  height: number;
  title: Line;
  /** Border colour (ignored without colour). */
  borderColor?: string;
  /** Without colour, a focused frame is drawn bold. */
  focused?: boolean;
  color: boolean;
  children?: ReactNode;
}

/** The top edge of a frame `width` cells wide, its title in it; also drawn by the clock overlay. */
export function frameTop(width: number, title: Line, opts: Pick<FrameProps, 'borderColor' | 'focused' | 'color'>): Line {
  const inner = Math.max(width - 2, 0);
  const shown = clipLine(title, Math.max(inner - 2, 0));
  const fill = Math.max(inner - lineWidth(shown) - (shown.length ? 2 : 0), 0);
  const edge = { color: opts.borderColor, bold: opts.focused && !opts.color };
  return shown.length ? [seg('┌ ', edge), ...shown, seg(` ${'─'.repeat(fill)}┐`, edge)] : [seg(`┌${'─'.repeat(inner)}┐`, edge)];
}

/** A titled frame of exactly `width` × `height` cells. */
export function Frame({ width, height, title, borderColor, focused, color, children }: FrameProps) {
  const top = frameTop(width, title, { borderColor, focused, color });
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <StyledLine line={top} color={color} />
      <Box
        width={width}
        height={Math.max(height - 1, 1)}
        borderStyle="single"
        borderTop={false}
        borderColor={color ? borderColor : undefined}
        borderDimColor={false}
        flexDirection="column"
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}
