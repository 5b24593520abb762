import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCommand, compressCommand } from './handoff.js';
import type { Io } from './io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function io(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), color: false, cwd, env: {} };
}

function handoffIn(text: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-check-')));
  dirs.push(dir);
  writeFileSync(join(dir, 'HANDOFF.md'), text);
  return dir;
}

// Written by hand, not by the renderer: lower-case headings, a comment, no final newline.
const HAND_WRITTEN = `# HANDOFF - Auth
## current state
- Branch: agent/backend
- Status: working
## completed
<!-- one line each -->
- [x] Login endpoint
- [x] Logout endpoint
- [x] Login  endpoint
## in progress
- [ ] Sessions index
## blockers
## next steps
1. Rate-limit login
## key decisions
- JWT expiry: 7 days`;

describe('supervise handoff check', () => {
  it('reports the same total as handoff compress counts before compressing', async () => {
    const cwd = handoffIn(HAND_WRITTEN);
    const check = io(cwd);
    await checkCommand({ values: { json: true }, positionals: ['HANDOFF.md'], io: check });
    const total = (JSON.parse(check.stdout.join('')) as { totalTokens: number }).totalTokens;
    const compress = io(cwd);
    await compressCommand({ values: {}, positionals: ['HANDOFF.md'], io: compress });
    expect(compress.stderr.join('')).toMatch(new RegExp(`^${total} → \\d+ tokens`));
  });

  it('never prints "ok" beside a warning: the section says ⚠ and why, a repeated item included', async () => {
    const cwd = handoffIn(HAND_WRITTEN);
    const out = io(cwd);
    await checkCommand({ values: {}, positionals: ['HANDOFF.md'], io: out });
    const rows = out.stdout.join('\n').split('\n');
    const row = (name: string) => rows.find((l) => l.trimStart().startsWith(name)) ?? '';
    expect(row('Completed')).toMatch(/⚠ line 9: Completed: "Login endpoint" is listed twice \(lines 7, 9\); keep one$/);
    expect(row('Blockers')).toContain('⚠ line 12: Blockers is empty: say what you decided against');
    expect(row('Blockers')).not.toMatch(/\bok\b/);
    expect(row('Key Decisions')).toMatch(/ ok$/);
    for (const line of rows) if (line.includes('⚠') || line.includes('warning')) expect(line).not.toMatch(/\bok\b/);
  });
});
