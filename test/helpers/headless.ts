/** Running the built `supervise --headless` against fake agents in a real repository, for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_AGENT, installClaudeShim } from './fakeAgent.js';
import { alive } from './process.js';
import { makeTempRepo, type TempRepo } from './tempRepo.js';
import { waitFor } from './wait.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Team {
  repo: TempRepo;
  /** Folder for fake-agent records and the `claude` shim. */
  scratch: string;
  bin: string;
  record(agent: string): string;
  env: NodeJS.ProcessEnv;
  /** Removes the repository and the scratch folder. */
  cleanup(): void;
}

/** A repository with the given agents.yaml (FAKE and SCRATCH placeholders filled in) and a `claude` shim on PATH. */
export function makeTeam(yaml: string, opts: { handoff?: string } = {}): Team {
  const repo = makeTempRepo();
  const scratch = join(repo.dir, '..', `${repo.dir.split('/').pop()}-scratch`);
  const bin = join(scratch, 'bin');
  mkdirSync(bin, { recursive: true });
  installClaudeShim(bin);
  writeFileSync(join(repo.dir, '.gitignore'), '.supervise/\n');
  writeFileSync(join(repo.dir, 'agents.yaml'), yaml.replaceAll('FAKE', FAKE_AGENT).replaceAll('SCRATCH', scratch));
  if (opts.handoff) writeFileSync(join(repo.dir, 'HANDOFF.md'), opts.handoff);
  repo.git('add', '.');
  repo.git('commit', '-q', '-m', 'team');
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' };
  delete env.CLAUDECODE;
  const cleanup = () => {
    repo.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  };
  return { repo, scratch, bin, record: (a) => join(scratch, `${a}.json`), env, cleanup };
}

export interface Headless {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Parsed NDJSON lines so far. */
  lines(): Record<string, unknown>[];
}

/** Starts `supervise --headless --json` in the team's repository. */
export function startHeadless(team: Team, extra: string[] = []): Headless {
  const child = spawn(process.execPath, [CLI, '--headless', '--json', ...extra], { cwd: team.repo.dir, env: team.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Headless = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    lines: () =>
      run.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (run.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (run.stderr += d));
  return run;
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function historyFiles(team: Team): string[] {
  try {
    return readdirSync(join(team.repo.dir, '.supervise', 'history')).sort();
  } catch {
    return [];
  }
}

export interface SavedAgent {
  name: string;
  status: string;
  detail?: string;
  pid?: number;
  handoffCaptured: boolean;
  handoffUpdated?: boolean;
  warnings: string[];
  signal?: string | null;
}

export function savedState(team: Team): { pid: number; agents: SavedAgent[] } {
  return readJson(join(team.repo.dir, '.supervise', 'state.json'));
}

/**
 * Resolves once the supervisor running in `dir` has exited, so its files can be removed without
 * racing its shutdown's last writes: its lock is gone (released as its last act), or the process
 * the lock names is (Node 20 aborts restoring a terminal that has closed, skipping exit handlers).
 */
export async function supervisorExited(dir: string, timeout = 20_000): Promise<void> {
  const lock = join(dir, '.supervise', 'supervisor.lock');
  const owner = (): number | undefined => {
    try {
      return (JSON.parse(readFileSync(lock, 'utf8')) as { pid?: number }).pid;
    } catch {
      return undefined;
    }
  };
  await waitFor(
    () => {
      if (!existsSync(lock)) return true;
      const pid = owner();
      return pid !== undefined && !alive(pid);
    },
    { timeout, message: 'the supervisor to exit' },
  );
}

export { alive };

/** Waits until the fake agent's record file exists and returns it. */
export async function waitForRecord(team: Team, agent: string, timeout = 15_000): Promise<Record<string, unknown>> {
  return waitFor(
    () => {
      try {
        return readJson(team.record(agent));
      } catch {
        return undefined;
      }
    },
    { timeout, message: `the record of ${agent}` },
  );
}
