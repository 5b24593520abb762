import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentLog, PlainLines } from './logs.js';

describe('PlainLines', () => {
  it('strips colours, titles and queries, and keeps the last frame of a spinner redrawn in place', () => {
    const p = new PlainLines();
    const lines = [
      ...p.feed('\x1b[32m✓\x1b[0m done\r\n\x1b]0;title\x07\x1b]52;c;Zm9v\x1b\\\x1b[c\x1b(Bplain\n'),
      ...p.feed('\r\x1b[2K⠋ Working…\r\x1b[2K⠙ Work'),
      ...p.feed('ing…\r\x1b[2Kafter\n'),
    ];
    expect(lines).toEqual(['✓ done', 'plain', 'after']);
  });

  it('keeps an escape sequence split across chunks out of the text', () => {
    const p = new PlainLines();
    expect([...p.feed('a\x1b['), ...p.feed('31mb\x1b]0;x'), ...p.feed('y\x07c\n')]).toEqual(['abc']);
    p.feed('unfinished');
    expect(p.rest()).toBe('unfinished');
  });
});

describe('AgentLog', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes plain lines and rotates at the limit, keeping one .1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    dirs.push(dir);
    const file = join(dir, 'logs', 'a.log');
    const log = new AgentLog(file, 100);
    log.write(Buffer.from('\x1b[1mfirst\x1b[0m line\n'));
    log.flush();
    expect(readFileSync(file, 'utf8')).toBe('first line\n');
    for (let i = 0; i < 3; i++) {
      log.write(`${'x'.repeat(60)} ${i}\n`);
      log.flush();
    }
    expect(readFileSync(file, 'utf8')).toBe(`${'x'.repeat(60)} 2\n`);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(`${'x'.repeat(60)} 1\n`);
    expect(existsSync(`${file}.2`)).toBe(false);
  });
});
