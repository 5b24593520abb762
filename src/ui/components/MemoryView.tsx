/** The memory view (`M`): what the selected agent was given from the shared memory, and why, with a search box. */
import { memoryBodyRows, memoryLines, memoryWidth, searchBoxLine } from '../state/memoryLines.js';
import type { MemoryPanel } from '../state/types.js';
import { ScrolledView } from './ScrolledView.js';

export interface MemoryViewProps {
  panel: MemoryPanel;
  cols: number;
  rows: number;
  width: number;
  height: number;
  color: boolean;
}

/** The search box, a rule, then the record and the results from `panel.scroll`. */
export function MemoryView({ panel, cols, rows, width, height, color }: MemoryViewProps) {
  const lines = memoryLines(panel, memoryWidth(cols, rows));
  return (
    <ScrolledView name="memory" note={` · given to ${panel.agent}`} borderColor="blue" head={searchBoxLine(panel)} lines={lines} scroll={panel.scroll} body={memoryBodyRows(cols, rows)} width={width} height={height} color={color} />
  );
}
