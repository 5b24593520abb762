/** The bottom line: the keys that work right now, generated from the key table, fitted to the width. */
import { Box, Text } from 'ink';
import { barEntries, fitEntries, type BarContext, type Keymap } from '../keys/keymap.js';

export interface KeyBarProps {
  keymap: Keymap;
  context: BarContext;
  width: number;
  color: boolean;
  /** For the attached context: the agent the keys go to. */
  agent?: string;
}

/** One line of `<keys> <label>` entries for the context. */
export function KeyBar({ keymap, context, width, color, agent }: KeyBarProps) {
  const lead = context === 'attached' ? `ATTACHED to ${agent ?? 'the agent'} — your keys go to it` : '';
  const leadWidth = lead ? [...lead].length + 4 : 1;
  const entries = fitEntries(barEntries(keymap, context), width, leadWidth);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text> </Text>
        {lead ? (
          <Text color={color ? 'yellow' : undefined} bold inverse={!color}>
            {lead}
          </Text>
        ) : null}
        {lead && entries.length > 0 ? <Text dimColor> · </Text> : null}
        {entries.map((e, i) => (
          <Text key={e.keys + e.label}>
            {i > 0 ? <Text dimColor> · </Text> : null}
            <Text bold color={color ? 'cyan' : undefined}>
              {e.keys}
            </Text>
            <Text> {e.label}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
