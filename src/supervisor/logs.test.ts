import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
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

describe('PlainLines, on any output cut anywhere', () => {
  const piece = fc.constantFrom('a', 'bc ', '日本', '🚀', '\n', '\r', '\r\n', '\b', '\t', '\x07', '\x00', '\x7f', '\x1b', '\x1b[', '\x1b[2K', '\x1b[0m', '\x1b[38;5;1m', '\x1b]0;title\x07', '\x1b]8;;x\x1b\\', '\x1b(B', '\x1b7', 'K', '[');
  const output = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

  it('gives the same lines however the output is split into reads, and never an escape or control byte', () => {
    fc.assert(
      fc.property(output, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const whole = new PlainLines();
        const expected = [...whole.feed(text), String(whole.rest())];
        // Cut between code points, as the UTF-8 decoder before it does.
        const points = [...text];
        const at = [...new Set(cuts.map((c) => c % (points.length + 1)))].sort((a, b) => a - b);
        const split = new PlainLines();
        const got: string[] = [];
        let from = 0;
        for (const to of [...at, points.length]) {
          got.push(...split.feed(points.slice(from, to).join('')));
          from = to;
        }
        got.push(String(split.rest()));
        expect(got).toEqual(expected);
        for (const line of expected) expect(line).not.toMatch(/[\x00-\x08\x0a-\x1f]/);
      }),
      { numRuns: 2000 },
    );
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
