/** `?`: every key binding, generated from the same table the router uses. */
import { Box, Text } from 'ink';
import { helpSections, type Keymap } from '../keys/keymap.js';
import { seg } from '../state/styled.js';
import { Frame } from './Frame.js';

export interface HelpOverlayProps {
  keymap: Keymap;
  width: number;
  height: number;
  color: boolean;
}

/** Every binding by scope, with what it does. */
export function HelpOverlay({ keymap, width, height, color }: HelpOverlayProps) {
  const sections = helpSections(keymap);
  const keyWidth = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.keys.length))) + 2;
  return (
    <Frame width={width} height={height} title={[seg('keys', { bold: true }), seg(' · esc closes', { dim: true })]} borderColor="cyan" focused color={color}>
      <Box flexDirection="column" paddingLeft={1} width={width - 2}>
        {sections.map((s, i) => (
          <Box key={s.title} flexDirection="column" marginBottom={i < sections.length - 1 ? 1 : 0}>
            <Text bold color={color ? 'cyan' : undefined}>
              {s.title}
            </Text>
            {s.rows.map((r) => (
              <Text key={r.keys + r.help} wrap="truncate">
                <Text bold>{`  ${r.keys}`.padEnd(keyWidth + 2)}</Text>
                <Text>{r.help}</Text>
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Frame>
  );
}
