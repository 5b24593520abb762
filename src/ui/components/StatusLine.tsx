/** The line above the key bar: the latest message for a few seconds (sync results, errors). */
import { Box, Text } from 'ink';
import type { AppState } from '../state/types.js';

export interface StatusLineProps {
  message: AppState['message'];
  phase: AppState['phase'];
  agents: number;
  width: number;
  color: boolean;
}

/** The message, or `starting N agents…` until they run. */
export function StatusLine({ message, phase, agents, width, color }: StatusLineProps) {
  let text = '';
  let tint: string | undefined;
  if (message) {
    text = message.text;
    tint = message.level === 'error' ? 'red' : message.level === 'warn' ? 'yellow' : 'green';
  } else if (phase === 'starting') {
    text = `starting ${agents} agent${agents === 1 ? '' : 's'}…`;
    tint = 'gray';
  }
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate" color={color ? tint : undefined} bold={message?.level === 'error'}>
        {text ? ` ${text}` : ' '}
      </Text>
    </Box>
  );
}
