import { createRequire } from 'node:module';
import { Tiktoken } from 'js-tiktoken/lite';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import { describe, expect, it } from 'vitest';
import { countEach, countTokens, dropEncoders, forgetCounts, isEncoderLoaded, loadEncoder } from './tokens.js';

const direct = new Tiktoken(createRequire(import.meta.url)('js-tiktoken/ranks/cl100k_base') as TiktokenBPE);

describe('countTokens', () => {
  it('builds each encoder once, on demand', async () => {
    await loadEncoder('cl100k_base');
    expect(isEncoderLoaded('cl100k_base')).toBe(true);
    expect(countTokens('', 'cl100k_base')).toBe(0);
  });

  it('gives the same counts from a new worker after the encoders were dropped', async () => {
    const text = '## Key Decisions\n- Sessions stay in Postgres: redis is overkill for the MVP 🚀\n';
    const before = countTokens(text, 'cl100k_base');
    await dropEncoders();
    expect(isEncoderLoaded('cl100k_base')).toBe(false);
    forgetCounts();
    expect(countTokens(text, 'cl100k_base')).toBe(before);
    expect(before).toBe(direct.encode(text).length);
    expect(isEncoderLoaded('cl100k_base')).toBe(true);
  });

  it("equals js-tiktoken's count on ordinary text", () => {
    const samples = [
      '# HANDOFF - Auth System Refactor\n\n## Blockers\n- Decided AGAINST redis for sessions (overkill for MVP)\n',
      'JWT expiry: 7 days (not 24h, user requested longer sessions) — déjà vu, 日本語, emoji 🚀',
      `${'word '.repeat(300)}\n\n\n  indented\ttabs`,
    ];
    for (const s of samples) expect(countTokens(s, 'cl100k_base')).toBe(direct.encode(s).length);
  });

  it('counts special-token strings as ordinary text instead of throwing', () => {
    expect(() => direct.encode('<|endoftext|>')).toThrow();
    expect(countTokens('<|endoftext|>', 'cl100k_base')).toBe(direct.encode('<|endoftext|>', [], []).length);
  });

  it('counts a very long run in slices, within a token or two of the exact count per slice', () => {
    const run = 'ab'.repeat(160); // 320 letters: exact counting is still affordable here
    const exact = direct.encode(run).length;
    const sliced = countTokens(run, 'cl100k_base');
    expect(Math.abs(sliced - exact)).toBeLessThanOrEqual(2 * Math.ceil(run.length / 64));
    // 200 000 letters would take js-tiktoken minutes; sliced it is a number, quickly.
    expect(countTokens('x'.repeat(200_000), 'cl100k_base')).toBeGreaterThan(1000);
  });

  it('never splits a surrogate pair when it slices', () => {
    const emoji = '🚀'.repeat(200);
    // Slices of 32 bytes: 200 = 25 × 8 whole emoji; a split pair would encode as U+FFFD and count differently.
    const expected = 25 * direct.encode('🚀'.repeat(8)).length;
    expect(countTokens(emoji, 'cl100k_base')).toBe(expected);
  });

  it('counts many texts at once as it counts each alone, repeated and sliced ones too', () => {
    const word = 'abcdefgh'.repeat(8);
    const texts = [
      '## Note 1\n- small finding number 1',
      '',
      '## Note 1\n- small finding number 1',
      `${word} ${word} ${word}\n`,
      `## Notes\n${`${word} `.repeat(40)}`,
      '- Port: 8080\n- Port 8080!\n- 日本語 🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀',
    ];
    forgetCounts();
    const together = countEach(texts, 'cl100k_base');
    forgetCounts();
    expect(together).toEqual(texts.map((t) => countTokens(t, 'cl100k_base')));
    expect(together[0]).toBe(direct.encode(texts[0]!).length);
    expect(together[1]).toBe(0);
  });
});
