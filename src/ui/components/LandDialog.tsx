/** The `m` dialog: what landing the agent would do (diff stat, predicted conflicts), or why it cannot. */
import { Box, Text } from 'ink';
import type { LandDialogState } from '../state/types.js';
import { clipLine, seg, type Line } from '../state/styled.js';
import { Frame } from './Frame.js';
import { StyledLine } from './StyledLine.js';

export interface LandDialogProps {
  dialog: LandDialogState;
  width: number;
  height: number;
  color: boolean;
}

const MAX_FILES = 6;

/** The dialog's lines, from its plan. Pure. */
export function landDialogLines(d: LandDialogState): Line[] {
  if (d.error) return [[seg(`cannot land ${d.agent}: ${d.error}`, { color: 'red' })], [], [seg('esc closes', { dim: true })]];
  const p = d.plan;
  if (!p) return [[seg(`checking ${d.agent}: diff stat, predicted conflicts…`, { dim: true })]];
  if (p.nothing && p.problems.length === 0) return [[seg(`${d.agent} has nothing to land: ${p.branch} holds nothing ${p.base} lacks`)], [], [seg('esc closes', { dim: true })]];
  const out: Line[] = [
    [seg(`land ${d.agent}: ${p.branch} → ${p.base}`, { bold: true }), seg(` (${p.mode === 'squash' ? 'squashed' : 'merge commit'})`, { dim: true })],
    [seg(`${p.commits.length} commit${p.commits.length === 1 ? '' : 's'}, ${p.files.length} file${p.files.length === 1 ? '' : 's'} `), seg(`+${p.added}`, { color: 'green' }), seg(' '), seg(`-${p.removed}`, { color: 'red' })],
  ];
  if (p.commitFirst) out.push([seg(`commits its uncommitted work first: ${p.uncommitted.slice(0, 3).join(', ')}${p.uncommitted.length > 3 ? ', …' : ''}`, { color: 'yellow' })]);
  for (const f of p.files.slice(0, MAX_FILES)) out.push([seg(`  ${f}`, { dim: true })]);
  if (p.files.length > MAX_FILES) out.push([seg(`  … ${p.files.length - MAX_FILES} more`, { dim: true })]);
  out.push([seg(`message: ${p.message.split('\n')[0]}`)]);
  out.push([]);
  if (p.conflicts.length) out.push([seg(`✗ conflict predicted against ${p.base}: ${p.conflicts.join(', ')}`, { color: 'red', bold: true })]);
  for (const problem of p.problems) out.push([seg(`✗ ${problem}`, { color: 'red' })]);
  if (p.problems.length) out.push([], [seg('cannot land — esc closes', { bold: true })]);
  else out.push([seg(`${p.commitFirst ? 'commit its work, ' : ''}land it into ${p.base} and sync the agents? (y/n)`, { bold: true })]);
  return out;
}

export function LandDialog({ dialog, width, height, color }: LandDialogProps) {
  const inner = Math.max(width - 10, 10);
  return (
    <Frame width={width} height={height} title={[]} borderColor="yellow" focused color={color}>
      <Box width={width - 2} height={height - 2} flexDirection="column" alignItems="center" justifyContent="center">
        <Box borderStyle="round" borderColor={color ? 'yellow' : undefined} paddingX={2} flexDirection="column">
          {landDialogLines(dialog).map((line, i) => (line.length ? <StyledLine key={i} line={clipLine(line, inner)} color={color} /> : <Text key={i}> </Text>))}
        </Box>
      </Box>
    </Frame>
  );
}
