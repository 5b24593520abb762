/** A yes/no question over the pane area, e.g. `3 agents running — stop them and quit? (y/n)`. */
import { Box, Text } from 'ink';
import type { Dialog } from '../state/types.js';
import { Frame } from './Frame.js';

export interface ConfirmDialogProps {
  question: string;
  detail?: string;
  width: number;
  height: number;
  color: boolean;
}

/** The quit question for `running` agents. */
export function quitQuestion(running: number): string {
  return `${running} agent${running === 1 ? '' : 's'} running — stop ${running === 1 ? 'it' : 'them'} and quit? (y/n)`;
}

/** The question and its detail line for a yes/no dialog. */
export function confirmText(dialog: Exclude<Dialog, { kind: 'help' } | { kind: 'land' }>): { question: string; detail: string } {
  if (dialog.kind === 'quit') return { question: quitQuestion(dialog.running), detail: 'their handoffs are captured before they stop' };
  const { action, agent } = dialog;
  return action === 'restart'
    ? { question: `${agent} is running — restart it? (y/n)`, detail: 'it is stopped, its handoff captured, and started again with the team handoff' }
    : { question: `${agent} is running — stop it? (y/n)`, detail: 'its handoff is captured; r starts it again' };
}

/** The question, centred in a rounded box over the pane area. */
export function ConfirmDialog({ question, detail, width, height, color }: ConfirmDialogProps) {
  return (
    <Frame width={width} height={height} title={[]} borderColor="yellow" focused color={color}>
      <Box width={width - 2} height={height - 2} flexDirection="column" alignItems="center" justifyContent="center">
        <Box borderStyle="round" borderColor={color ? 'yellow' : undefined} paddingX={2} flexDirection="column">
          <Text bold>{question}</Text>
          {detail ? <Text dimColor>{detail}</Text> : null}
        </Box>
      </Box>
    </Frame>
  );
}
