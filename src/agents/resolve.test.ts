import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { makeRepo, type TestRepo } from '../git/testRepo.js';
import { assertAgentCommands, checkAgentCommand, MissingCommandsError } from './resolve.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A repository with agents.yaml and a bin/ folder (off the repository's tree) for PATH. */
async function setup(yaml: string, prepare?: (r: TestRepo) => void) {
  const r = makeRepo();
  repos.push(r);
  const bin = join(r.tmp, 'bin');
  mkdirSync(bin);
  r.write('agents.yaml', yaml);
  prepare?.(r);
  r.git(['add', '.']);
  r.git(['commit', '-q', '-m', 'team']);
  const loaded = await loadConfig(join(r.repo, 'agents.yaml'));
  const base = r.git(['rev-parse', 'HEAD']).trim();
  return { r, bin, loaded, base, env: { PATH: bin } as NodeJS.ProcessEnv };
}

function executable(path: string): void {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
}

const team = (agents: string) => `version: 1\nproject: P\nagents:\n${agents}`;

describe('checkAgentCommand', () => {
  it("finds a preset's binary on the PATH the agent gets, including one its env: sets", async () => {
    const { bin, loaded, base, env } = await setup(team('  - name: a\n    task: t\n    preset: codex\n  - name: b\n    task: t\n    preset: codex\n    env: { PATH: /nowhere }\n'));
    expect(await checkAgentCommand(loaded, loaded.config.agents[0]!, env, base)).toMatchObject({ agent: 'a', file: 'codex', lookedFor: 'looked on PATH' });
    executable(join(bin, 'codex'));
    expect(await checkAgentCommand(loaded, loaded.config.agents[0]!, env, base)).toBeUndefined();
    expect(await checkAgentCommand(loaded, loaded.config.agents[1]!, env, base)).toMatchObject({ agent: 'b', lookedFor: 'looked on the PATH set in its env:' });
  });

  it('resolves a relative custom command in base, since the worktree will be a checkout of it', async () => {
    const yaml = team('  - name: t\n    task: t\n    preset: custom\n    command: [./scripts/agent, "{task}"]\n');
    const { r, loaded, base, env } = await setup(yaml, (r) => {
      mkdirSync(join(r.repo, 'scripts'));
      executable(join(r.repo, 'scripts', 'agent'));
    });
    const agent = loaded.config.agents[0]!;
    expect(await checkAgentCommand(loaded, agent, env, base)).toBeUndefined();

    // Present in the repository, never committed: the worktree will not have it.
    executable(join(r.repo, 'scripts', 'other'));
    const other = { ...agent, command: ['./scripts/other'] };
    const missing = await checkAgentCommand(loaded, other, env, base);
    expect(missing).toMatchObject({ file: './scripts/other', lookedFor: `looked for scripts/other in base ${base.slice(0, 7)}` });
    expect(missing!.fix).toContain('not committed on base');

    // Committed without the executable bit.
    writeFileSync(join(r.repo, 'scripts', 'plain'), '#!/bin/sh\n');
    r.git(['add', '.']);
    r.git(['commit', '-q', '-m', 'plain']);
    const head = r.git(['rev-parse', 'HEAD']).trim();
    expect((await checkAgentCommand(loaded, { ...agent, command: ['./scripts/plain'] }, env, head))!.fix).toContain('--chmod=+x scripts/plain');
  });

  it('fills {task} and {handoff_file} before looking, and looks in an existing worktree as it is', async () => {
    const yaml = team('  - name: t\n    task: agent\n    preset: custom\n    command: ["./{task}"]\n');
    const { r, loaded, base, env } = await setup(yaml);
    const agent = loaded.config.agents[0]!;
    expect(await checkAgentCommand(loaded, agent, env, base)).toMatchObject({ file: './agent' });
    const worktree = join(loaded.worktreeRoot, 't');
    mkdirSync(worktree, { recursive: true });
    executable(join(worktree, 'agent'));
    expect(await checkAgentCommand(loaded, agent, env, base)).toBeUndefined();
    expect(r.git(['branch', '--list'])).not.toContain('agent/t');
  });
});

describe('assertAgentCommands', () => {
  it('names every agent whose command is missing, where it is set in agents.yaml and what to do', async () => {
    const yaml = team(
      [
        '  - name: backend',
        '    task: t',
        '    preset: claude',
        '  - name: ok',
        '    task: t',
        '    preset: custom',
        '    command: [sh, -c, "exit 0"]',
        '  - name: tests',
        '    task: t',
        '    preset: custom',
        '    command: [./scripts/my-agent, --fast]',
        '',
      ].join('\n'),
    );
    const { loaded, base } = await setup(yaml);
    const err = await assertAgentCommands(loaded, { PATH: '/usr/bin:/bin' }, base).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(MissingCommandsError);
    const e = err as MissingCommandsError;
    expect(e.kind).toBe('ConfigError');
    expect(e.missing.map((m) => m.agent)).toEqual(['backend', 'tests']);
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('cannot start backend, tests: their commands were not found, so no worktree or branch was created:');
    expect(lines[1]).toContain(`${loaded.file}:6:13: agent "backend" (preset claude): command not found: claude (looked on PATH); install Claude Code`);
    expect(lines[2]).toContain(`${loaded.file}:14:14: agent "tests" (custom): command not found: ./scripts/my-agent (looked for scripts/my-agent in base`);
    expect(lines[2]).toContain('fix `command:`');
  });

  it('passes when every command is there', async () => {
    const { loaded, base } = await setup(team('  - name: a\n    task: t\n    preset: custom\n    command: [sh]\n'));
    await expect(assertAgentCommands(loaded, { PATH: '/usr/bin:/bin' }, base)).resolves.toBeUndefined();
  });
});
