import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitRunner } from '../git/run.js';
import { parseHandoff } from '../handoff/parse.js';
import { makeTempRepo, type TempRepo } from '../../test/helpers/tempRepo.js';
import { commitMessage, commitWorktree, setStateLine } from './commit.js';

const HANDOFF = `# HANDOFF - P

## Current State
- Status: reviewed

## Completed
- [x] Parser with positions

## In Progress

## Blockers
- Decided AGAINST a regex parser: no positions
- CI is slow

## Next Steps

## Key Decisions
- Tokens are immutable
`;

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('the commit step', () => {
  it('builds the message from the task, Completed, Key Decisions and what was decided against', () => {
    expect(commitMessage('Add the parser', parseHandoff(HANDOFF), 'beta')).toBe(
      'Add the parser\n\nCompleted:\n- Parser with positions\n\nKey decisions:\n- Tokens are immutable\n\nDecided against:\n- Decided AGAINST a regex parser: no positions\n\nCommitted by supervise at the end of beta\'s chain.',
    );
  });

  it('commits the work without the handoff or the agent settings folders, and says when there is nothing', async () => {
    repo = makeTempRepo();
    const dir = repo.dir;
    // As in a worktree: the handoff is ignored there.
    writeFileSync(join(dir, '.git', 'info', 'exclude'), '/HANDOFF.md\n');
    writeFileSync(join(dir, 'HANDOFF.md'), HANDOFF);
    mkdirSync(join(dir, '.claude'));
    writeFileSync(join(dir, '.claude', 'notes.json'), '{}');
    writeFileSync(join(dir, 'parser.ts'), 'export {};\n');
    const git = new GitRunner();
    const result = await commitWorktree(git, dir, new Set(['HANDOFF.md', '.claude/settings.local.json']), 'Add the parser');
    expect(result.files).toEqual(['parser.ts']);
    expect(result.hash).toBe(repo.git('rev-parse', 'HEAD').trim());
    expect(repo.git('show', '--name-only', '--format=%s', 'HEAD').trim().split('\n')).toEqual(['Add the parser', '', 'parser.ts']);
    const again = await commitWorktree(git, dir, new Set(['HANDOFF.md']), 'nothing');
    expect(again.hash).toBeUndefined();
    expect(readFileSync(join(dir, 'HANDOFF.md'), 'utf8')).toBe(HANDOFF);
  });

  it('writes one line per key into Current State', () => {
    const once = setStateLine(HANDOFF, 'Commit', 'abc');
    const twice = setStateLine(once, 'Commit', 'def');
    expect(twice).toContain('## Current State\n- Status: reviewed\n- Commit: def\n');
    expect(twice).not.toContain('Commit: abc');
    expect(setStateLine('', 'Deploy', 'exit 0')).toContain('## Current State\n- Deploy: exit 0');
  });

  it('drops the lines a step made stale', () => {
    const reviewed = setStateLine(setStateLine(HANDOFF, 'Step', 'review (round 2)'), 'Verdict', 'pass');
    const committed = setStateLine(reviewed, 'Commit', 'abc', ['Step', 'Verdict']);
    expect(committed).toContain('## Current State\n- Status: reviewed\n- Commit: abc\n');
    expect(committed).not.toMatch(/Step:|Verdict:/);
  });
});
