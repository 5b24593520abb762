/** The built `supervise` binary, run as a user would: flags, init, handoff commands, bad input. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getEncoding } from 'js-tiktoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_CONFIGS } from './fixtures/badConfigs.js';
import { makeTempRepo, type TempRepo } from './helpers/tempRepo.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function supervise(args: string[], cwd: string, input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'supervise-cli-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freshDir(): string {
  return realpathSync(mkdtempSync(join(dir, 'case-')));
}

describe('global flags', () => {
  it('--version prints the package version', async () => {
    const r = await supervise(['--version'], dir);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('--help lists every command and the exit codes', async () => {
    const r = await supervise(['--help'], dir);
    expect(r.code).toBe(0);
    for (const cmd of ['supervise init', 'supervise demo', 'supervise handoff check', 'supervise handoff merge', 'supervise handoff compress', '--headless']) {
      expect(r.stdout).toContain(cmd);
    }
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 .*, 2 bad usage/);
  });

  it('a command has its own --help', async () => {
    const r = await supervise(['handoff', 'check', '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: supervise handoff check/);
  });

  it('a group of subcommands has a --help listing them', async () => {
    for (const group of ['handoff', 'skills']) {
      const r = await supervise([group, '--help'], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: supervise ${group} <subcommand>`));
      expect(r.stdout).toContain(`supervise ${group} check`);
    }
  });

  it('an unknown command, subcommand or flag is exit 2 with one clear line', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate".*Commands: init, demo/],
      [['handoff', 'nope'], /unknown subcommand "nope" for `supervise handoff`.*check, show, merge, compress/],
      [['handoff'], /a subcommand is needed/],
      [['init', '--forse'], /Unknown option '--forse'.*supervise init --help/],
      [['handoff', 'check', 'a.md', 'b.md'], /unexpected argument "b.md"/],
    ];
    for (const [args, message] of cases) {
      const r = await supervise(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // never a stack trace
    }
  });

  it('the TUI refuses without a terminal and points at --headless', async () => {
    const r = await supervise([], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a terminal.*supervise --headless/);
  });
});

/** A fresh folder that is a git repository (init writes at a repository's root). */
function freshRepo(): string {
  const cwd = freshDir();
  execFileSync('git', ['init', '-q'], { cwd });
  return cwd;
}

describe('supervise init', () => {
  it('writes agents.yaml, HANDOFF.md and the .gitignore line; the template passes check', async () => {
    const cwd = freshRepo();
    writeFileSync(join(cwd, '.gitignore'), 'node_modules/');
    const r = await supervise(['init'], cwd);
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'agents.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*agents\.schema\.json\n/);
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8')).toBe('node_modules/\n.supervise/\n');
    const check = await supervise(['handoff', 'check'], cwd);
    expect(check.stdout).toMatch(/HANDOFF.md: valid/);
    expect(check.code).toBe(0);
  });

  it('never overwrites without --force, and writes nothing when a file is in the way', async () => {
    const cwd = freshRepo();
    writeFileSync(join(cwd, 'HANDOFF.md'), 'mine\n');
    const before = listing(cwd);
    const r = await supervise(['init'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/HANDOFF.md already exists.*nothing was written.*--force/);
    expect(listing(cwd)).toEqual(before);
    expect(readFileSync(join(cwd, 'HANDOFF.md'), 'utf8')).toBe('mine\n');

    const forced = await supervise(['init', '--force'], cwd);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(cwd, 'HANDOFF.md'), 'utf8')).toMatch(/^# HANDOFF - /);
    const again = await supervise(['init', '--force'], cwd);
    expect(again.code).toBe(0);
    expect(readFileSync(join(cwd, '.gitignore'), 'utf8')).toBe('.supervise/\n'); // added once
  });
});

const VALID = `# HANDOFF - Auth

## Current State
- Branch: agent/backend
- Last agent: backend
- Status: In progress

## Completed
- [x] User model with password hashing

## In Progress
- [ ] Logout endpoint

## Blockers
- Decided AGAINST redis for sessions (overkill for MVP)

## Next Steps
1. Implement logout with token invalidation

## Key Decisions
- JWT expiry: 7 days
`;

describe('supervise handoff check', () => {
  it('a valid file passes, and so does its CRLF + BOM copy', async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'a.md'), VALID);
    writeFileSync(join(cwd, 'b.md'), `\uFEFF${VALID.replaceAll('\n', '\r\n')}`);
    for (const f of ['a.md', 'b.md']) {
      const r = await supervise(['handoff', 'check', f], cwd);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toMatch(/valid/);
    }
  });

  it('a 150-token section fails naming the section and both numbers, counted as js-tiktoken counts', async () => {
    const cwd = freshDir();
    const enc = getEncoding('cl100k_base');
    let decisions = '## Key Decisions\n';
    let n = 0;
    while (enc.encode(decisions).length < 150) decisions += `- decision ${n++} keeps sessions in the database\n`;
    // Trim to exactly 150 tokens of section text by dropping words from the last line.
    while (enc.encode(decisions.trimEnd()).length > 150) decisions = `${decisions.trimEnd().replace(/\s+\S+$/, '')}\n`;
    const tokens = enc.encode(decisions.trimEnd()).length;
    const text = VALID.replace(/## Key Decisions\n[\s\S]*$/, decisions);
    writeFileSync(join(cwd, 'big.md'), text);
    const r = await supervise(['handoff', 'check', 'big.md'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Key Decisions: ${tokens} tokens, budget 100`);
    const json = JSON.parse((await supervise(['handoff', 'check', 'big.md', '--json'], cwd)).stdout);
    expect(json.totalTokens).toBe(enc.encode(text).length);
    expect(json.sections.find((s: { name: string }) => s.name === 'Key Decisions').tokens).toBe(tokens);
  });

  it('a missing required section fails; a missing file is exit 2', async () => {
    const cwd = freshDir();
    writeFileSync(join(cwd, 'x.md'), VALID.replace(/## Blockers\n.*\n\n/, ''));
    const r = await supervise(['handoff', 'check', 'x.md'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/missing required section "Blockers"/);
    const missing = await supervise(['handoff', 'check', 'nope.md'], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope.md not found/);
  });
});

describe('supervise handoff compress', () => {
  it('prints a compressed handoff within budget; --write keeps what left in history', async () => {
    const cwd = freshDir();
    const many = Array.from({ length: 40 }, (_, i) => `- [x] finished piece number ${i} of the auth work`).join('\n');
    writeFileSync(join(cwd, 'HANDOFF.md'), VALID.replace('- [x] User model with password hashing', many));
    const dry = await supervise(['handoff', 'compress'], cwd);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/→ \d+ tokens \(budget 500\); \d+ items moved out/);
    expect(readFileSync(join(cwd, 'HANDOFF.md'), 'utf8')).toContain('piece number 0 ');
    const r = await supervise(['handoff', 'compress', '--write'], cwd);
    expect(r.code).toBe(0);
    const after = readFileSync(join(cwd, 'HANDOFF.md'), 'utf8');
    expect((await supervise(['handoff', 'check'], cwd)).code).toBe(0);
    const history = readdirSync(join(cwd, '.supervise', 'history'));
    expect(history).toHaveLength(1);
    const kept = readFileSync(join(cwd, '.supervise', 'history', history[0]!), 'utf8');
    for (let i = 0; i < 40; i++) {
      const item = `finished piece number ${i} of the auth work`;
      expect(after.includes(item) || kept.includes(item), item).toBe(true);
    }
    expect(after).toContain(history[0]);
  });
});

describe('bad agents.yaml through the CLI', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeTempRepo({ parent: dir });
  });

  it.each(BAD_CONFIGS)('$name: exit 2, agents.yaml:$line:$column, nothing created', async ({ lines, line, column }) => {
    writeFileSync(join(repo.dir, 'agents.yaml'), `${lines.join('\n')}\n`);
    const before = listing(repo.dir);
    const r = await supervise(['--headless', '-c', 'agents.yaml'], repo.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`agents.yaml:${line}:${column}: `);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(listing(repo.dir)).toEqual(before);
  });
});

describe('from a folder inside the repository, like git', () => {
  /** A repository with a nested folder to run from. */
  function nested(): { repo: TempRepo; src: string } {
    const repo = makeTempRepo({ parent: dir });
    const src = join(repo.dir, 'src', 'deep');
    mkdirSync(src, { recursive: true });
    return { repo, src };
  }

  it('with no agents.yaml yet, says where it looked; init writes at the root and says so', async () => {
    const { repo, src } = nested();
    const none = await supervise(['--headless'], src);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no agents.yaml in ${src} or any folder above it up to the repository root ${repo.dir}.`);
    expect(none.stderr).toMatch(/`supervise init`/);

    const r = await supervise(['init'], src);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote agents.yaml and HANDOFF.md in ${repo.dir}`);
    for (const f of ['agents.yaml', 'HANDOFF.md', '.gitignore']) {
      expect(existsSync(join(repo.dir, f)), f).toBe(true);
      expect(existsSync(join(src, f)), f).toBe(false);
    }
    expect(readFileSync(join(repo.dir, 'agents.yaml'), 'utf8')).toContain(`project: ${JSON.stringify(repo.dir.split('/').pop())}`);
    const again = await supervise(['init'], src);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`already exist in ${repo.dir}`);
  });

  it('supervise, handoff check and handoff show use the root agents.yaml', async () => {
    const { repo, src } = nested();
    // An invalid agent branch: `supervise --headless` stops at the located error, naming the root file.
    writeFileSync(join(repo.dir, 'agents.yaml'), 'version: 1\nproject: Sub\nagents:\n  - name: a\n    task: t\n    branch: x..y\n');
    const bad = await supervise(['--headless'], src);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`supervise: ${join(repo.dir, 'agents.yaml')}:6:13: agents[0].branch: `);
    expect(existsSync(join(repo.dir, '.supervise'))).toBe(false);

    writeFileSync(join(repo.dir, 'agents.yaml'), 'version: 1\nproject: Sub\nhandoff: { file: docs/TEAM.md }\nagents:\n  - name: a\n    task: t\n');
    mkdirSync(join(repo.dir, 'docs'));
    writeFileSync(join(repo.dir, 'docs', 'TEAM.md'), VALID);
    const check = await supervise(['handoff', 'check'], src);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/TEAM\.md: valid/);
    const show = await supervise(['handoff', 'show'], src);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('## Key Decisions');
  });

  it("from inside an agent's worktree, uses the main checkout's agents.yaml", async () => {
    const { repo } = nested();
    mkdirSync(join(repo.dir, 'docs'));
    writeFileSync(join(repo.dir, 'docs', 'TEAM.md'), VALID);
    // The worktree checks out its own committed copy of agents.yaml, pointing at another handoff.
    writeFileSync(join(repo.dir, 'agents.yaml'), 'version: 1\nproject: Sub\nhandoff: { file: WORKTREE.md }\nagents:\n  - name: a\n    task: t\n');
    repo.git('add', 'agents.yaml');
    repo.git('commit', '-q', '-m', 'agents');
    repo.git('worktree', 'add', '-q', '-b', 'agent/a', '.supervise/worktrees/a');
    writeFileSync(join(repo.dir, 'agents.yaml'), 'version: 1\nproject: Sub\nhandoff: { file: docs/TEAM.md }\nagents:\n  - name: a\n    task: t\n');
    const check = await supervise(['handoff', 'check'], join(repo.dir, '.supervise', 'worktrees', 'a'));
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/TEAM\.md: valid/);
  });
});
