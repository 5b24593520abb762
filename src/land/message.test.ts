import { describe, expect, it } from 'vitest';
import { parseHandoff } from '../handoff/parse.js';
import { landMessage, workMessage } from './message.js';

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

describe('landMessage', () => {
  it('has the task as subject, then completed, key decisions and decided-against items', () => {
    const msg = landMessage({ agent: 'backend', branch: 'agent/backend', task: 'Implement logout', handoff: parseHandoff(HANDOFF) });
    expect(msg).toBe(
      [
        'Implement logout',
        '',
        'Completed:',
        '- Logout endpoint',
        '',
        'Key decisions:',
        '- JWT expiry: 7 days',
        '',
        'Decided against:',
        '- Decided AGAINST redis for sessions',
        '- Use cookies, not local storage',
        '',
        'Landed from agent/backend (agent backend) by supervise land.',
      ].join('\n'),
    );
  });

  it('is the task alone without a handoff, and the work commit names the agent', () => {
    expect(landMessage({ agent: 'a', branch: 'agent/a', task: 'Do\nit' })).toBe('Do it\n\nLanded from agent/a (agent a) by supervise land.');
    expect(workMessage({ agent: 'a', branch: 'agent/a', task: 'Do it', handoff: parseHandoff(HANDOFF) })).toMatch(/^a: Do it\n\nCompleted:\n- Logout endpoint\n\nIn progress:\n- Edge cases\n/);
  });
});
