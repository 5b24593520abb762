import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeTranscriptPath, transcriptSettled } from './restore.js';

describe("waiting for Claude Code's transcript", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('is where Claude Code keeps it: the config dir, the cwd with every other character a dash', () => {
    const id = '0b0e6f3e-4c1a-4f7e-9d7e-0123456789ab';
    expect(claudeTranscriptPath({ HOME: '/home/u' }, '/r/.supervise/worktrees/back_end', id)).toBe(`/home/u/.claude/projects/-r--supervise-worktrees-back-end/${id}.jsonl`);
    expect(claudeTranscriptPath({ HOME: '/home/u', CLAUDE_CONFIG_DIR: '/cfg' }, '/r', id)).toBe(`/cfg/projects/-r/${id}.jsonl`);
  });

  it('settles once the file holds still, and gives up on a missing one once the stop is long past', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
    dirs.push(dir);
    const file = join(dir, 't.jsonl');
    writeFileSync(file, '{"type":"user"}\n');
    expect(await transcriptSettled(file, Date.now())).toBe(true);
    expect(await transcriptSettled(join(dir, 'missing.jsonl'), 0)).toBe(false);
  });

  it('waits for a transcript that appears after the stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
    dirs.push(dir);
    const file = join(dir, 'late.jsonl');
    const waiting = transcriptSettled(file, Date.now());
    setTimeout(() => writeFileSync(file, '{"type":"assistant"}\n'), 100);
    expect(await waiting).toBe(true);
  });
});
