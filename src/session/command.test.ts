import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDirectory, resolveCommand } from './command.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'command-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'bin', 'tool'), 0o755);
  writeFileSync(join(dir, 'bin', 'plain'), 'not executable');
  mkdirSync(join(dir, 'bin', 'folder'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveCommand', () => {
  it('searches bare names on the PATH of the given environment', () => {
    const env = { PATH: `/nonexistent:${join(dir, 'bin')}` };
    expect(resolveCommand('tool', env, '/')).toBe(join(dir, 'bin', 'tool'));
    expect(resolveCommand('tool', { PATH: '/nonexistent' }, '/')).toBeUndefined();
  });

  it('skips files that are not executable and directories', () => {
    const env = { PATH: join(dir, 'bin') };
    expect(resolveCommand('plain', env, '/')).toBeUndefined();
    expect(resolveCommand('folder', env, '/')).toBeUndefined();
  });

  it('takes names with a slash relative to the working directory, not the PATH', () => {
    expect(resolveCommand('./bin/tool', { PATH: '' }, dir)).toBe(join(dir, 'bin', 'tool'));
    expect(resolveCommand(join(dir, 'bin', 'tool'), {}, '/')).toBe(join(dir, 'bin', 'tool'));
    expect(resolveCommand('./tool', { PATH: join(dir, 'bin') }, dir)).toBeUndefined();
  });

  it('finds nothing for an empty name and treats an empty PATH entry as the working directory', () => {
    expect(resolveCommand('', { PATH: join(dir, 'bin') }, dir)).toBeUndefined();
    expect(resolveCommand('tool', { PATH: ':/nonexistent' }, join(dir, 'bin'))).toBe(join(dir, 'bin', 'tool'));
  });

  it('tells directories from files', () => {
    expect(isDirectory(dir)).toBe(true);
    expect(isDirectory(join(dir, 'bin', 'tool'))).toBe(false);
    expect(isDirectory(join(dir, 'missing'))).toBe(false);
  });
});
