/** One line of styled segments; colours are dropped when colour is off (NO_COLOR), other styles stay. */
import { Text } from 'ink';
import type { Line } from '../state/styled.js';

/** Draws a Line as nested Text. */
export function StyledLine({ line, color }: { line: Line; color: boolean }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate">
      {line.map((s, i) => (
        <Text key={i} color={color ? s.color : undefined} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
