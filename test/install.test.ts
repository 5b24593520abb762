// The package as a newcomer installs it outside this clone: `npm pack`, then `npm install -g`
// of the tarball into a fresh prefix, then the installed `supervise`: --version, init in a new
// repository, and the demo in a real terminal. Needs `npm run build` first (the test script
// builds before it runs the tests); npm resolves dependencies from its cache, then the registry.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from './helpers/tempRepo.js';
import { Tmux, tmuxMissing } from './helpers/tmux.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of the test run without what `npm test` adds about this project (its prefix,
 * package and lifecycle), so the npm commands below act as a user's would; the user's npm
 * config (cache, CA file, node headers) stays.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(local_prefix|prefix|global_prefix|loglevel)$)/.test(key) || key === 'INIT_CWD') delete env[key];
  }
  return env;
}

function run(file: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: userEnv(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function npm(args: string[], cwd: string): Promise<Result> {
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd);
}

describe('installed from the packed tarball', () => {
  let work: string;
  let prefix: string;
  let bin: string;
  let installed: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
    work = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-install-')));
    // --ignore-scripts: `prepare` would rebuild dist/cli.js while other test files run it; the
    // test script has just built it, which is what `prepare` does before a real pack.
    const pack = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path).sort();
    // What runs: the bundle, templates, schema, the demo's agent; no sources or tests beyond it.
    expect(files).toEqual(expect.arrayContaining(['dist/cli.js', 'package.json', 'schema/agents.schema.json', 'templates/HANDOFF.md', 'templates/WAVE.md', 'templates/agents.yaml', 'test/fake-agent.mjs']));
    expect(files.filter((f) => /^(src|bench|scripts)\/|\.test\./.test(f))).toEqual([]);

    prefix = join(work, 'prefix');
    const install = await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, info!.filename)], work);
    expect(install.code, install.stderr).toBe(0);
    bin = join(prefix, process.platform === 'win32' ? 'supervise.cmd' : join('bin', 'supervise'));
    installed = join(prefix, 'lib', 'node_modules', pkg.name);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs the runtime dependencies only, with node-pty built for this machine', () => {
    expect(existsSync(bin)).toBe(true);
    expect(existsSync(join(installed, 'node_modules', 'node-pty', 'package.json'))).toBe(true);
    for (const dev of ['esbuild', 'typescript', 'vitest']) expect(existsSync(join(installed, 'node_modules', dev)), dev).toBe(false);
  });

  it('supervise --version prints the package version', async () => {
    const r = await run(bin, ['--version'], work);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('supervise init in a new repository writes its files at the root, and they check from a subfolder', async () => {
    const repo = makeTempRepo({ parent: work });
    const r = await run(bin, ['init'], repo.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote agents.yaml and HANDOFF.md in ${repo.dir}`);
    expect(readFileSync(join(repo.dir, '.gitignore'), 'utf8')).toContain('.supervise/');
    // From a folder inside the repository, as from its top.
    const src = join(repo.dir, 'src');
    mkdirSync(src);
    const check = await run(bin, ['handoff', 'check'], src);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/HANDOFF\.md: valid/);
  }, 60_000);

  describe.skipIf(!!tmuxMissing())('supervise demo in a terminal', () => {
    const tmux = new Tmux('supervise-install', { cols: 120, rows: 36 });
    let repo: TempRepo;

    beforeAll(() => {
      repo = makeTempRepo({ parent: work }); // only somewhere for the shell to start
      const script = join(work, 'demo.sh');
      writeFileSync(script, [`${JSON.stringify(bin)} demo`, "printf 'supervise exited %s\\n' \"$?\"", 'exec sleep 600'].join('\n'));
      tmux.start(repo.dir, script);
    });

    afterAll(() => tmux.kill());

    it('shows the three agents, and q then y quits', async () => {
      await tmux.until((s) => s.includes('┌ agents'), 'the sidebar', 60_000);
      await tmux.until((s) => ['backend', 'frontend', 'tests'].every((name) => new RegExp(`\\d \\S+ ${name}\\b`).test(s)), 'the three demo agents in the sidebar', 30_000);
      tmux.keys('q');
      // q asks first while agents run (the demo's backend waits on a question, so one does).
      const asked = await tmux.until((s) => s.includes('and quit? (y/n)') || s.includes('supervise exited'), 'the quit question');
      if (!asked.includes('supervise exited')) tmux.keys('y');
      const screen = await tmux.until((s) => s.includes('supervise exited'), 'supervise to exit', 30_000);
      expect(screen).toContain('supervise exited 0');
    }, 180_000);
  });
});
