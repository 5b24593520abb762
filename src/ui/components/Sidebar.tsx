/** The agent list (SPEC §5): drawn from sidebarLines, inside a frame titled `agents`. */
import { Box } from 'ink';
import type { Budget } from '../../config/types.js';
import type { AgentState } from '../../supervisor/agentState.js';
import { sidebarLines } from '../state/sidebarLines.js';
import { seg } from '../state/styled.js';
import { Frame } from './Frame.js';
import { StyledLine } from './StyledLine.js';

export interface SidebarProps {
  agents: readonly AgentState[];
  selected: number;
  now: number;
  budget: Budget;
  width: number;
  height: number;
  color: boolean;
}

/** The sidebar frame with its lines. */
export function Sidebar({ agents, selected, now, budget, width, height, color }: SidebarProps) {
  const lines = sidebarLines({ agents, selected, now, budget, width: width - 2, height: height - 2 });
  return (
    <Frame width={width} height={height} title={[seg('agents', { bold: true })]} color={color}>
      <Box flexDirection="column" width={width - 2}>
        {lines.map((line, i) => (
          <StyledLine key={i} line={line} color={color} />
        ))}
      </Box>
    </Frame>
  );
}
