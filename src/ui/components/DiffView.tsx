/** The diff view (`d`): the selected agent's changes against base, with its commits; pages. */
import { diffBodyRows, diffSummary } from '../state/diffLines.js';
import { seg, type Line } from '../state/styled.js';
import type { DiffPanel } from '../state/types.js';
import { ScrolledView } from './ScrolledView.js';

export interface DiffViewProps {
  panel: DiffPanel;
  cols: number;
  rows: number;
  width: number;
  height: number;
  color: boolean;
}

export function DiffView({ panel, cols, rows, width, height, color }: DiffViewProps) {
  let head: Line;
  if (panel.status === 'error') head = [seg(`cannot show ${panel.agent}'s diff: ${panel.error ?? ''}`, { color: 'red' })];
  else if (!panel.data) head = [seg(`reading ${panel.agent}'s changes…`, { dim: true })];
  else head = diffSummary(panel.data);
  return <ScrolledView name={`diff · ${panel.agent}`} borderColor="cyan" head={[seg(' '), ...head]} lines={panel.lines} scroll={panel.scroll} body={diffBodyRows(cols, rows)} width={width} height={height} color={color} />;
}
