import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError, SuperviseError } from '../errors.js';
import { ConfigErrors, loadConfig } from './load.js';
import { BAD_CONFIGS as cases } from '../../test/fixtures/badConfigs.js';


/** Every path under `dir`, sorted: what "nothing created on disk" is checked against. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('loadConfig rejects bad agents.yaml', () => {
  let repo: string;

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'supervise-config-'));
    execFileSync('git', ['init', '-q', repo]);
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('has at least 20 distinct cases', () => {
    expect(new Set(cases.map((c) => c.lines.join('\n'))).size).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('$name → line $line, column $column', async ({ lines, line, column, message }) => {
    const file = join(repo, 'agents.yaml');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const before = listing(repo);

    const err = await loadConfig(file).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(ConfigErrors);
    const errors = (err as ConfigErrors).errors;
    expect((err as ConfigErrors).kind).toBe('ConfigError');
    expect((err as ConfigErrors).exitCode).toBe(2);
    const hit = errors.find((e) => message.test(e.message));
    expect(hit, `no error matched ${message}; got:\n${(err as Error).message}`).toBeDefined();
    expect(hit?.location).toEqual({ file, line, column });
    expect(hit?.exitCode).toBe(2);
    expect(formatError(hit as SuperviseError)).toBe(`${file}:${line}:${column}: ${hit?.message}`);
    expect(listing(repo)).toEqual(before);
  });
});
