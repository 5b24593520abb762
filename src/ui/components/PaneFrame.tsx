/**
 * The frame around one agent's live terminal. Its inside stays empty in Ink's tree: the pane
 * compositor draws the agent's screen there, cell by cell.
 */
import { Box, Text } from 'ink';
import type { AgentState } from '../../supervisor/agentState.js';
import { hasTerminal } from '../panes.js';
import { elapsed, STATUS_COLOR, statusWord } from '../state/format.js';
import { seg, type Line } from '../state/styled.js';
import { Frame } from './Frame.js';

export interface PaneTitleOptions {
  now: number;
  /** Tiles carry the agent's number and leave the branch out. */
  tile?: { number: number };
  attached: boolean;
  scrolledBack: boolean;
  detachKey: string;
}

/** `backend · agent/backend · working 3m12s`, with the attach or scroll marker when there is one. */
export function paneTitle(a: AgentState, o: PaneTitleOptions): Line {
  const color = STATUS_COLOR[a.status];
  const status = `${statusWord(a)} ${elapsed(a, o.now)}`;
  const line: Line = o.tile
    ? [seg(`${o.tile.number} `, { bold: true }), seg(a.name, { bold: true }), seg(' · ', { dim: true }), seg(status, { color })]
    : [seg(a.name, { bold: true }), seg(' · ', { dim: true }), seg(a.branch), seg(' · ', { dim: true }), seg(status, { color })];
  if (a.detail && a.status === 'failed') line.push(seg(` (${a.detail})`, { dim: true }));
  if (o.attached) line.push(seg(' '), seg(` ATTACHED — ${o.detachKey} to detach `, { color: 'yellow', bold: true, inverse: true }));
  else if (o.scrolledBack) line.push(seg(' · ', { dim: true }), seg('scrolled back — end follows', { color: 'yellow' }));
  return line;
}

export interface PaneFrameProps extends PaneTitleOptions {
  agent: AgentState;
  width: number;
  height: number;
  focused: boolean;
  color: boolean;
}

/** The border colour of an agent's frame. */
export function paneBorderColor(attached: boolean, focused: boolean): string {
  return attached ? 'yellow' : focused ? 'cyan' : 'gray';
}

/** The agent's frame; a `starting…` note inside until it has a terminal. */
export function PaneFrame({ agent, width, height, focused, color, ...title }: PaneFrameProps) {
  const borderColor = paneBorderColor(title.attached, focused);
  return (
    <Frame width={width} height={height} title={paneTitle(agent, title)} borderColor={borderColor} focused={focused} color={color}>
      {hasTerminal(agent) ? null : (
        <Box width={width - 2} height={height - 2} alignItems="center" justifyContent="center">
          <Text dimColor>starting {agent.name}…</Text>
        </Box>
      )}
    </Frame>
  );
}
