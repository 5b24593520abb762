import { describe, expect, it } from 'vitest';
import { withLandedLine } from './record.js';

const HANDOFF = `# HANDOFF - X

## Current State
- Status: Done

## Completed
- [x] Logout endpoint

## In Progress
- [ ] Edge cases

## Blockers
- Decided AGAINST redis for sessions
- Waiting on review
- Use cookies, not local storage

## Key Decisions
- JWT expiry: 7 days
`;

describe('withLandedLine', () => {
  it('adds one line at the end of Current State and leaves every other byte as it was', () => {
    const text = `${HANDOFF.replace('## Current State\n- Status: Done\n', '## current state  \n<!-- keep -->\n- Status: Done\n*  odd bullet\n')}`;
    const out = withLandedLine(text, 'Landed: backend (agent/backend) into main as abc1234');
    expect(out).toBe(text.replace('*  odd bullet\n', '*  odd bullet\n- Landed: backend (agent/backend) into main as abc1234\n'));
  });

  it('keeps CRLF and a BOM, and makes a Current State when there is none', () => {
    const crlf = `\ufeff${HANDOFF.replace(/\n/g, '\r\n')}`;
    expect(withLandedLine(crlf, 'L')).toBe(crlf.replace('- Status: Done\r\n', '- Status: Done\r\n- L\r\n'));
    const none = '# HANDOFF - X\n\n## Completed\n- [x] a\n';
    expect(withLandedLine(none, 'L')).toBe('# HANDOFF - X\n\n## Current State\n- L\n\n## Completed\n- [x] a\n');
  });
});
