import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import { describe, expect, it } from 'vitest';
import type { Encoding } from '../config/types.js';
import { packageRoot } from '../paths.js';
import { handoffTemplate, waveTemplate } from './template.js';
import type { HandoffLimits } from './types.js';
import { countHandoffTokens, validateHandoff } from './validate.js';

const limits = (encoding: Encoding = 'cl100k_base', total = 500, section = 100): HandoffLimits => ({ budget: { total, section }, encoding });
const fixture = (name: string): string => readFileSync(join(packageRoot(), 'test/fixtures/handoff', name), 'utf8');

/** js-tiktoken used directly, not through tokens.ts: the reference the counts must equal. */
const reference = new Map<Encoding, Tiktoken>();
function referenceCount(text: string, encoding: Encoding): number {
  let enc = reference.get(encoding);
  if (!enc) {
    const ranks = createRequire(import.meta.url)(`js-tiktoken/ranks/${encoding}`) as TiktokenBPE;
    enc = new Tiktoken(ranks);
    reference.set(encoding, enc);
  }
  return enc.encode(text).length;
}

const VALID = fixture('backend.md');

describe('validateHandoff', () => {
  it('passes the template once its placeholders are filled in (warnings allowed)', () => {
    const text = handoffTemplate({ project: 'Auth System Refactor', branch: 'agent/backend', agent: 'backend' });
    expect(text).not.toContain('{{');
    const report = validateHandoff(text, limits());
    expect(report.valid).toBe(true);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.findings.map((f) => f.message)).toEqual([
      'Blockers is empty: say what you decided against',
      'Key Decisions is empty: say what you decided, and why',
    ]);
  });

  it('fills the wave template too', () => {
    const text = waveTemplate({ project: 'Auth System', agent: 'backend' });
    expect(text.split('\n')[0]).toBe('# Auth System - Wave Summary (backend)');
    expect(text).toContain('## Mistakes to Avoid');
  });

  it('fails a 150-token section, naming the section and both numbers', () => {
    const head = VALID.slice(0, VALID.indexOf('## Key Decisions'));
    let block = '## Key Decisions\n- JWT expiry: 7 days (not 24h, user requested longer sessions)\n- Filler:';
    while (referenceCount(block, 'cl100k_base') < 150) block += ' word';
    expect(referenceCount(block, 'cl100k_base')).toBe(150);
    const report = validateHandoff(`${head}${block}\n`, limits());
    expect(report.valid).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', section: 'Key Decisions', message: 'Key Decisions: 150 tokens, budget 100' }),
    );
    expect(report.sections.find((s) => s.name === 'Key Decisions')).toEqual({ name: 'Key Decisions', status: 'present', tokens: 150, budget: 100 });
  });

  for (const encoding of ['cl100k_base', 'o200k_base'] as const) {
    it(`reports the same counts as js-tiktoken for ${encoding}, per section and in total`, () => {
      const report = validateHandoff(VALID, limits(encoding));
      expect(report.totalTokens).toBe(referenceCount(VALID, encoding));
      const blocks = VALID.split(/\n(?=## )/);
      for (const block of blocks.slice(1)) {
        const name = block.split('\n')[0]?.slice(3) ?? '';
        const tokens = report.sections.find((s) => s.name === name)?.tokens;
        expect({ name, tokens }).toEqual({ name, tokens: referenceCount(block.trimEnd(), encoding) });
      }
      expect(report.sections).toHaveLength(6);
    });
  }

  it('reports the total against its budget', () => {
    const report = validateHandoff(VALID, limits('cl100k_base', 100, 1000));
    const total = referenceCount(VALID, 'cl100k_base');
    expect(report.findings).toContainEqual({ severity: 'error', message: `total: ${total} tokens, budget 100` });
  });

  it('passes a CRLF copy with a BOM, with the same counts', () => {
    const crlf = `\uFEFF${VALID.replace(/\n/g, '\r\n')}`;
    const a = validateHandoff(VALID, limits());
    const b = validateHandoff(crlf, limits());
    expect(b.valid).toBe(true);
    expect(b.totalTokens).toBe(a.totalTokens);
    expect(b.sections).toEqual(a.sections);
  });

  it('fails a missing required section', () => {
    const text = VALID.replace(/## Blockers[\s\S]*?(?=## Next Steps)/, '');
    const report = validateHandoff(text, limits());
    expect(report.valid).toBe(false);
    expect(report.findings).toContainEqual({ severity: 'error', section: 'Blockers', message: 'missing required section "Blockers"' });
    expect(report.sections.find((s) => s.name === 'Blockers')?.status).toBe('missing');
  });

  it('reports a section out of order as a warning, saying where it belongs', () => {
    const next = VALID.match(/## Next Steps[\s\S]*?(?=## Key Decisions)/)?.[0] ?? '';
    const text = VALID.replace(next, '').replace('## Blockers', `${next}## Blockers`);
    const report = validateHandoff(text, limits());
    expect(report.valid).toBe(true);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', section: 'Next Steps', message: 'section "Next Steps" is out of order (expected after "Blockers")' }),
    );
    expect(report.sections.find((s) => s.name === 'Next Steps')?.status).toBe('out-of-order');
  });

  it('warns about unknown sections, a missing title, empty Blockers and a repeated section', () => {
    const text = VALID.replace('# HANDOFF - Auth System Refactor\n', '')
      .replace(/(## Blockers\n)[\s\S]*?(?=\n## Next Steps)/, '$1<!-- nothing yet -->\n')
      .concat('\n## Notes\n- remember the staging DB\n\n## Completed\n- [x] one more\n');
    const report = validateHandoff(text, limits());
    const messages = report.findings.map((f) => `${f.severity}: ${f.message}`);
    expect(messages).toContain('warning: no `# HANDOFF - <project>` title');
    expect(messages).toContain('warning: Blockers is empty: say what you decided against');
    expect(messages).toContain('warning: unknown section "Notes"');
    expect(messages).toContain('warning: section "Completed" appears 2 times; its blocks are counted together');
    expect(report.sections.find((s) => s.name === 'Notes')?.status).toBe('unknown');
  });

  it('never throws on text full of special-token strings', () => {
    const report = validateHandoff(`${VALID}\n- <|endoftext|> <|fim_prefix|>\n`, limits());
    expect(report.totalTokens).toBeGreaterThan(0);
  });
});

describe('repeated items', () => {
  it('warns about an item written twice in a section (same text after normalizeText), naming both lines', () => {
    const text = VALID.replace('- [x] Logout endpoint\n', '- [x] Logout endpoint\n- [x]  Logout   endpoint (@tests)\n');
    const report = validateHandoff(text, limits());
    const lines = text.split('\n');
    const first = lines.indexOf('- [x] Logout endpoint') + 1;
    expect(report.valid).toBe(true);
    expect(report.findings).toContainEqual({
      severity: 'warning',
      section: 'Completed',
      line: first + 1,
      message: `Completed: "Logout endpoint" is listed twice (lines ${first}, ${first + 1}); keep one`,
    });
  });

  it('does not warn about the same item in two sections, or about different case', () => {
    const text = VALID.replace('- [x] Logout endpoint\n', '- [x] Logout endpoint\n- [x] logout endpoint\n').replace(
      '## Key Decisions\n',
      '## Key Decisions\n- Logout endpoint\n',
    );
    expect(validateHandoff(text, limits()).findings.filter((f) => f.message.includes('listed'))).toEqual([]);
  });
});

describe('countHandoffTokens', () => {
  it('is the total check reports: the file as written, comments and spacing included, CRLF and BOM aside', () => {
    const text = `\uFEFF${VALID.replace(/^## (.*)$/gm, (_, n: string) => `## ${n.toLowerCase()}`).replace(/\n/g, '\r\n')}<!-- note -->`;
    const counted = countHandoffTokens(text, 'cl100k_base');
    expect(counted).toBe(referenceCount(text.slice(1).replace(/\r\n/g, '\n'), 'cl100k_base'));
    expect(validateHandoff(text, limits()).totalTokens).toBe(counted);
  });
});
