import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../../test/helpers/tempRepo.js';
import { SuperviseError } from '../errors.js';
import { configFile, initRoot, optionalConfigFile, searchConfig } from './find.js';

const CONFIG = 'version: 1\nproject: Demo\nagents:\n  - name: a\n    task: do it\n';

let parent: string;
let repo: TempRepo;
beforeEach(() => {
  parent = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-find-')));
  repo = makeTempRepo({ parent });
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

function folder(...parts: string[]): string {
  const dir = join(...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** agents.yaml committed at the root, so every worktree checks out its own copy of it. */
function commitConfig(text = CONFIG): void {
  writeFileSync(join(repo.dir, 'agents.yaml'), text);
  repo.git('add', 'agents.yaml');
  repo.git('commit', '-q', '-m', 'agents');
}

async function failure(promise: Promise<unknown>): Promise<SuperviseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SuperviseError);
  return err as SuperviseError;
}

describe('configFile from inside the main checkout', () => {
  it('finds the root agents.yaml from a nested folder', async () => {
    commitConfig();
    expect(await configFile(folder(repo.dir, 'src', 'deep'))).toBe(join(repo.dir, 'agents.yaml'));
    expect(await configFile(repo.dir)).toBe(join(repo.dir, 'agents.yaml'));
  });

  it('takes the nearest agents.yaml on the way up, as before for one in the current folder', async () => {
    commitConfig();
    const pkg = folder(repo.dir, 'packages', 'api');
    writeFileSync(join(pkg, 'agents.yaml'), CONFIG);
    expect(await configFile(folder(pkg, 'src'))).toBe(join(pkg, 'agents.yaml'));
  });

  it('keeps -c relative to the current folder', async () => {
    commitConfig();
    const src = folder(repo.dir, 'src');
    expect(await configFile(src, 'team.yaml')).toBe(join(src, 'team.yaml'));
    expect(await optionalConfigFile(src, '../agents.yaml')).toBe(join(repo.dir, 'agents.yaml'));
  });

  it('says where it looked when there is none, and optionalConfigFile is undefined', async () => {
    const src = folder(repo.dir, 'src');
    const err = await failure(configFile(src));
    expect(err.kind).toBe('InputError');
    expect(err.message).toBe(`no agents.yaml in ${src} or any folder above it up to the repository root ${repo.dir}.`);
    expect(err.hint).toMatch(/`supervise init`.*-c FILE/);
    expect(await optionalConfigFile(src)).toBeUndefined();
  });

  it('does not look above the repository', async () => {
    writeFileSync(join(parent, 'agents.yaml'), CONFIG);
    expect(await optionalConfigFile(repo.dir)).toBeUndefined();
  });
});

describe('configFile from inside a linked worktree', () => {
  it("finds the main checkout's agents.yaml from an agent's worktree, not the worktree's committed copy", async () => {
    commitConfig();
    repo.git('worktree', 'add', '-q', '-b', 'agent/a', '.supervise/worktrees/a');
    const worktree = join(repo.dir, '.supervise', 'worktrees', 'a');
    expect(await configFile(worktree)).toBe(join(repo.dir, 'agents.yaml'));
    expect(await configFile(folder(worktree, 'src'))).toBe(join(repo.dir, 'agents.yaml'));
  });

  it('recognises agent worktrees beside the repository by the worktreeDir of the main config', async () => {
    commitConfig(`${CONFIG}worktreeDir: ../agents\n`);
    repo.git('worktree', 'add', '-q', '-b', 'agent/a', join(parent, 'agents', 'a'));
    expect(await configFile(join(parent, 'agents', 'a'))).toBe(join(repo.dir, 'agents.yaml'));
  });

  it('says why when the main checkout has no agents.yaml', async () => {
    commitConfig();
    repo.git('worktree', 'add', '-q', '-b', 'agent/a', '.supervise/worktrees/a');
    rmSync(join(repo.dir, 'agents.yaml'));
    const worktree = join(repo.dir, '.supervise', 'worktrees', 'a');
    const err = await failure(configFile(join(worktree)));
    expect(err.message).toBe(`no agents.yaml in the main checkout ${repo.dir}: this folder is in the agent worktree ${worktree}, which takes its configuration from there.`);
    expect(err.hint).toMatch(/`supervise init` in the main checkout/);
  });

  it("a worktree of the user's own uses its agents.yaml, else the main checkout's", async () => {
    commitConfig();
    const own = join(parent, 'feature');
    repo.git('worktree', 'add', '-q', '-b', 'feature', own);
    expect(await configFile(folder(own, 'src'))).toBe(join(own, 'agents.yaml'));
    rmSync(join(own, 'agents.yaml'));
    expect(await configFile(own)).toBe(join(repo.dir, 'agents.yaml'));
    rmSync(join(repo.dir, 'agents.yaml'));
    const err = await failure(configFile(own));
    expect(err.message).toBe(`no agents.yaml in ${own}, nor in the main checkout ${repo.dir}.`);
  });
});

describe('configFile outside a repository', () => {
  it('uses ./agents.yaml, and says the folder is not in a repository when there is none', async () => {
    const plain = folder(parent, 'plain');
    const err = await failure(configFile(plain));
    expect(err.message).toBe(`no agents.yaml in ${plain}, which is not inside a git repository.`);
    writeFileSync(join(plain, 'agents.yaml'), CONFIG);
    expect((await searchConfig(plain)).found).toBe(join(plain, 'agents.yaml'));
  });
});

describe('initRoot', () => {
  it('is the repository root from a nested folder, and the main checkout from an agent worktree', async () => {
    expect(await initRoot(folder(repo.dir, 'src', 'deep'))).toBe(repo.dir);
    repo.git('worktree', 'add', '-q', '-b', 'agent/a', '.supervise/worktrees/a');
    expect(await initRoot(join(repo.dir, '.supervise', 'worktrees', 'a'))).toBe(repo.dir);
  });

  it('refuses outside a repository, saying what to do', async () => {
    const plain = folder(parent, 'plain');
    const err = await failure(initRoot(plain));
    expect(err.kind).toBe('UsageError');
    expect(err.message).toContain(`${plain} is not inside a git repository`);
    expect(err.hint).toMatch(/git init/);
  });
});
