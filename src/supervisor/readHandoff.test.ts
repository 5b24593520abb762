import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_HANDOFF_BYTES, readWorktreeFile } from './readHandoff.js';

let dir: string;
let wt: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'read-handoff-'));
  wt = join(dir, 'wt');
  mkdirSync(wt);
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readWorktreeFile', () => {
  it('reads a regular file; a missing one is simply missing', async () => {
    writeFileSync(join(wt, 'HANDOFF.md'), '# HANDOFF - x\n');
    expect(await readWorktreeFile(wt, 'HANDOFF.md')).toEqual({ text: '# HANDOFF - x\n' });
    expect(await readWorktreeFile(wt, 'nope.md')).toEqual({});
    expect(await readWorktreeFile(join(dir, 'gone'), 'HANDOFF.md')).toEqual({});
  });

  it('never follows a link, in the last step or a folder on the way', async () => {
    symlinkSync(join(dir, 'secret.txt'), join(wt, 'HANDOFF.md'));
    expect(await readWorktreeFile(wt, 'HANDOFF.md')).toEqual({ refused: 'HANDOFF.md is a symbolic link: not read' });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'HANDOFF.md'), 'TOP SECRET');
    symlinkSync(join(dir, 'outside'), join(wt, 'docs'));
    expect(await readWorktreeFile(wt, 'docs/HANDOFF.md')).toEqual({ refused: 'docs/HANDOFF.md is in a folder linked from outside the worktree: not read' });
    expect(await readWorktreeFile(wt, '../secret.txt')).toEqual({ refused: '../secret.txt is outside the worktree: not read' });
  });

  it('refuses a hard link, which may be another name of a file outside the worktree', async () => {
    linkSync(join(dir, 'secret.txt'), join(wt, 'HANDOFF.md'));
    expect(await readWorktreeFile(wt, 'HANDOFF.md')).toEqual({ refused: 'HANDOFF.md is a hard link (2 names): not read' });
  });

  it('does not block on a FIFO, and refuses a folder', async () => {
    execFileSync('mkfifo', [join(wt, 'HANDOFF.md')]);
    expect(await readWorktreeFile(wt, 'HANDOFF.md')).toEqual({ refused: 'HANDOFF.md is not a regular file: not read' });
    mkdirSync(join(wt, 'dir.md'));
    expect(await readWorktreeFile(wt, 'dir.md')).toEqual({ refused: 'dir.md is not a regular file: not read' });
  });

  it('refuses a file over the limit, keeping a copy as it was when asked', async () => {
    const big = `# HANDOFF\n${'x'.repeat(MAX_HANDOFF_BYTES)}`;
    writeFileSync(join(wt, 'HANDOFF.md'), big);
    const keep = join(dir, 'history', 'kept.md');
    const r = await readWorktreeFile(wt, 'HANDOFF.md', { keepOversizedAt: keep });
    expect(r).toEqual({ refused: `HANDOFF.md is 33 KiB, over the limit of 32 KiB: not read; kept as it was in ${keep}` });
    expect(readFileSync(keep, 'utf8')).toBe(big);
    writeFileSync(join(wt, 'HANDOFF.md'), 'x'.repeat(MAX_HANDOFF_BYTES));
    expect((await readWorktreeFile(wt, 'HANDOFF.md')).text).toHaveLength(MAX_HANDOFF_BYTES);
  });
});
