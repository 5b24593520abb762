/**
 * `supervise demo`: a throw-away git repository with three simulated agents (the bundled fake
 * agent in demo mode: no Claude Code, no API key) and the TUI on it. The backend agent stops to
 * ask a permission question, the tests agent stays at a prompt you can attach to and type into.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { SuperviseError } from '../errors.js';
import { GitRunner } from '../git/run.js';
import { packageRoot } from '../paths.js';
import { claimRepository } from '../supervisor/lock.js';
import { paint } from './io.js';
import type { CommandArgs } from './table.js';

const PROJECT = 'Auth System Refactor';

interface DemoAgent {
  name: string;
  task: string;
  flags: string[];
}

const AGENTS: DemoAgent[] = [
  { name: 'backend', task: 'Implement logout with token invalidation', flags: ['--fake-ask', '--fake-interactive'] },
  { name: 'frontend', task: 'Add a logout button to the header', flags: [] },
  { name: 'tests', task: 'Write integration tests for logout', flags: ['--fake-interactive'] },
];

/** agents.yaml for the demo: `custom` agents running the fake agent with node, by absolute path. */
export function demoConfig(nodePath: string, fakeAgent: string): string {
  const q = (s: string) => JSON.stringify(s);
  const agents = AGENTS.map((a) =>
    [
      `  - name: ${a.name}`,
      `    preset: custom`,
      `    task: ${q(a.task)}`,
      `    command: [${[nodePath, fakeAgent, '--fake-demo', ...a.flags].map(q).join(', ')}]`,
    ].join('\n'),
  );
  return `# The demo team: three simulated agents (the bundled fake agent in demo mode).
version: 1
project: ${q(PROJECT)}
handoff:
  budget: { total: 500, section: 100 }
sync:
  notify: idle
agents:
${agents.join('\n')}
`;
}

const HANDOFF = `# HANDOFF - ${PROJECT}

## Current State
- Branch: main
- Last agent: none yet
- Status: Not started

## Completed
- [x] JWT sessions with a 7-day expiry (src/auth/session.ts)

## In Progress
- [ ] Logout: token invalidation, a button in the header, integration tests

## Blockers
- Do not move sessions into the database: the mobile app caches its JWT offline

## Next Steps
1. backend: a token denylist and POST /auth/logout
2. frontend: a logout button in the header
3. tests: integration tests for logout

## Key Decisions
- JWT expiry stays at 7 days, because the mobile app refreshes weekly
`;

const FILES: Record<string, string> = {
  'README.md': `# ${PROJECT}\n\nA small web app whose sessions are JWTs. The team is adding logout.\n`,
  'package.json': `${JSON.stringify({ name: 'auth-demo', private: true, type: 'module', scripts: { test: 'vitest run', lint: 'eslint .' } }, null, 2)}\n`,
  '.gitignore': 'node_modules/\n.supervise/\n',
  'HANDOFF.md': HANDOFF,
  'src/auth/session.ts': `import { sign, verify } from './jwt';

const WEEK = 7 * 24 * 3600;

export interface SessionToken {
  sub: string;
  jti: string;
  exp: number;
}

export function issue(userId: string): string {
  const jti = crypto.randomUUID();
  return sign({ sub: userId, jti, exp: Math.floor(Date.now() / 1000) + WEEK });
}

export function read(token: string): SessionToken | undefined {
  return verify<SessionToken>(token);
}
`,
  'src/api/client.ts': `export const api = {
  async post(path: string, body?: unknown): Promise<Response> {
    return fetch(path, { method: 'POST', credentials: 'include', body: JSON.stringify(body ?? {}) });
  },
};
`,
  'src/components/Header.tsx': `export function Header({ user }: { user?: { name: string } }) {
  return (
    <header className="header">
      <a href="/">Home</a>
      {user ? <span>{user.name}</span> : <a href="/login">Log in</a>}
    </header>
  );
}
`,
};

/** Writes the demo project into `dir` and makes its first commit. */
export async function createDemoRepo(dir: string, nodePath: string, fakeAgent: string): Promise<void> {
  const files = { ...FILES, 'agents.yaml': demoConfig(nodePath, fakeAgent) };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const git = new GitRunner();
  await git.run(dir, ['init', '-q', '-b', 'main']);
  await git.run(dir, ['add', '-A']);
  await git.run(dir, ['-c', 'user.name=supervise demo', '-c', 'user.email=demo@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'JWT sessions']);
}

/** Creates the demo repository, runs the TUI on it, and removes it afterwards unless --keep. */
export async function demoCommand({ values, io }: CommandArgs): Promise<number> {
  if (!(process.stdout.isTTY && process.stdin.isTTY)) {
    throw new SuperviseError('UsageError', 'the demo needs a terminal, and standard output or input is not one.', {}, 'Run `supervise demo` in a terminal.');
  }
  const keep = Boolean(values.keep);
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'supervise-demo-')));
  try {
    await createDemoRepo(dir, process.execPath, join(packageRoot(), 'test', 'fake-agent.mjs'));
    const loaded = await loadConfig(join(dir, 'agents.yaml'));
    claimRepository(loaded.root, (text) => io.err(`supervise: ${text}`));
    const { runTui } = await import('../ui/runTui.js');
    // The demo's memories are thrown away with it: never in the user's store or the team's server.
    const env: NodeJS.ProcessEnv = { ...io.env, SUPERVISE_MEMORY_DIR: join(dir, '.supervise', 'memory') };
    delete env.SUPERVISE_MEMORY_URL;
    return await runTui(loaded, { ...io, env });
  } finally {
    if (keep) io.out(`the demo repository is kept at ${paint(io).bold(dir)}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
