// `supervise --headless` with one agent of the `codex` preset running the real, pinned Codex CLI
// in its PTY against the Responses stand-in: the brief with the team handoff arrives in the
// developer message and the task as the first prompt, the hooks given on the command line drive
// the status, enforce: block refuses the first turn end with our reason and lets the second go,
// and the supervisor's SIGTERM ends Codex (hang-up) with nothing left running and nothing written
// into the user's ~/.codex/config.toml. Skipped loudly when the CLI cannot be installed.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIStandin, lastUserText, messagesOf, type ResponsesRequest } from '../openai-standin.js';
import { CODEX_VERSION, CodexHome, codexBinDir, codexProcesses, findCodex, skipReason } from '../helpers/codex.js';
import { GIT_IDENTITY } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, startHeadless, type Headless, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';
import { TEAM_DECISION, teamHandoff } from '../fixtures/teamHandoff.js';

const found = await findCodex();
const skipped = skipReason(found, `Codex ${CODEX_VERSION} headless end-to-end`);
const codexPath = 'path' in found ? found.path : '';

const TASK = 'Implement logout with token invalidation';
const DONE_ITEM = 'Logout endpoint revokes the refresh token';
const NEW_DECISION = 'Revoked tokens live in a denylist table until they expire';
const TEAM_HANDOFF = teamHandoff('Codex E2E', TASK);

/** Where the excerpts quoted in reports are written. */
const EXCERPTS = join(tmpdir(), 'codex-e2e-excerpts.txt');

describe.skipIf(skipped !== undefined)(`the codex preset with Codex ${CODEX_VERSION}, headless${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let team: Team | undefined;
  let home: CodexHome | undefined;
  let standin: OpenAIStandin | undefined;
  let run: Headless | undefined;

  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await standin?.close();
    await home?.cleanup();
    team?.cleanup();
  });

  it('injects brief and task, reports status from its hooks, refuses one turn end without a handoff, and stops with nothing left behind', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const before = new Set(await codexProcesses(codexPath));
    team = makeTeam(
      `version: 1
project: Codex E2E
handoff: { enforce: block }
agents:
  - name: backend
    preset: codex
    task: ${TASK}
`,
      { handoff: TEAM_HANDOFF },
    );
    const repo = team.repo.dir;
    const worktreeHandoff = join(repo, '.supervise', 'worktrees', 'backend', 'HANDOFF.md');
    // Turn 1 ends without touching the handoff. Turn 2 is the refused stop's continuation: the
    // "model" updates HANDOFF.md (written here, as a tool call would) and ends again.
    const script = (_req: ResponsesRequest, index: number): { text: string } => {
      if (index === 0) return { text: 'Logout is implemented.' };
      if (index === 1) {
        const text = readFileSync(worktreeHandoff, 'utf8')
          .replace('## Completed\n', `## Completed\n- [x] ${DONE_ITEM}\n`)
          .replace('## Key Decisions\n', `## Key Decisions\n- ${NEW_DECISION}\n`);
        writeFileSync(worktreeHandoff, text);
        return { text: 'HANDOFF.md updated.' };
      }
      return { text: `Nothing more to do (request ${index}).` };
    };
    standin = await OpenAIStandin.start(script);
    home = await CodexHome.create(standin.baseUrl);
    const configBefore = await home.config();
    const bin = await codexBinDir(codexPath, team.scratch);
    team.env = { ...team.env, ...home.env(), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };

    run = startHeadless(team);
    const r = run;
    const agentLog = (): string => {
      try {
        return readFileSync(join(repo, '.supervise', 'logs', 'backend.log'), 'utf8').slice(-3000);
      } catch {
        return '(no agent log)';
      }
    };
    const failure = (): string => `supervise stderr:\n${r.stderr}\nstdout:\n${r.stdout}\nCodex's screen log (end):\n${agentLog()}`;

    // Request 1: the brief with the team handoff in the developer message, the task as the prompt.
    await standin.waitForMain(1, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${failure()}`);
    });
    const first = standin.mainRequests[0]!;
    const developer = messagesOf(first, 'developer').join('\n');
    expect(developer).toContain(TEAM_DECISION);
    expect(developer).toContain('Decided AGAINST redis');
    expect(lastUserText(first)).toContain(TASK);
    expect(lastUserText(first)).not.toContain(TEAM_DECISION);

    // The turn ends with the handoff untouched: our Stop hook refuses, and Codex carries on with our reason.
    await standin.waitForMain(2, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${failure()}`);
    });
    const feedback = lastUserText(standin.mainRequests[1]!);
    expect(feedback).toContain('HANDOFF.md is unchanged since your session started');
    expect(feedback).toContain('Update it in the template before you stop');

    // The second turn end passes: the status settles on idle, from the Stop hook.
    await waitFor(() => r.lines().some((l) => l.message === 'backend: stop refused, handoff not ready'), {
      timeout: 15_000,
      message: () => `the refused stop reported\n${failure()}`,
    });
    await waitFor(() => r.lines().filter((l) => l.agent === 'backend').at(-1)?.status === 'idle', {
      timeout: 20_000,
      message: () => `backend idle after its second turn\n${failure()}`,
    });
    expect(readFileSync(worktreeHandoff, 'utf8')).toContain(DONE_ITEM);

    // Codex stays at its prompt; headless has no input, so end it by signalling the supervisor.
    run.child.kill('SIGTERM');
    await run.exited;
    const statuses = r.lines().filter((l) => l.agent === 'backend').map((l) => l.status);
    expect(statuses.indexOf('working')).toBeGreaterThanOrEqual(0);
    expect(statuses.lastIndexOf('idle')).toBeGreaterThan(statuses.indexOf('working'));
    const final = savedState(team).agents[0]!;
    expect(final).toMatchObject({ name: 'backend', handoffCaptured: true, handoffUpdated: true });
    expect(['stopped', 'exited']).toContain(final.status);
    expect(final.warnings, failure()).not.toContain('handoff not updated');
    expect((final as { sessionId?: string }).sessionId, 'the session id from SessionStart, for `codex resume`').toMatch(/^[0-9a-f-]{36}$/);

    const root = readFileSync(join(repo, 'HANDOFF.md'), 'utf8');
    expect(root).toContain(DONE_ITEM);
    expect(root).toContain(NEW_DECISION);

    // Nothing left running, nothing written into the user's config, no daemon copy in ~/.codex.
    await waitFor(async () => (await codexProcesses(codexPath)).filter((p) => !before.has(p)).length === 0, {
      timeout: 10_000,
      message: 'no Codex process left',
    });
    expect(await home.config()).toBe(configBefore);
    const files = await home.files();
    expect(files.filter((f) => f.startsWith('.codex/packages/') || f.startsWith('.codex/app-server'))).toEqual([]);
    // Codex records its own session (sessions/, logs); nothing of ours lands outside ~/.codex.
    expect(files.filter((f) => !f.startsWith('.codex/'))).toEqual([]);

    const report = [
      `Codex ${CODEX_VERSION}`,
      '--- request 1, developer message (excerpt) ---',
      developer.slice(Math.max(0, developer.indexOf('Codex E2E') - 400), developer.indexOf(TEAM_DECISION) + 200),
      '--- request 1, last user message ---',
      lastUserText(first),
      '--- request 2, last user message (Stop hook feedback) ---',
      feedback,
      '--- statuses ---',
      statuses.join(' → '),
      '--- what Codex keeps under HOME after the run (folders) ---',
      [...new Set(files.map((f) => f.split('/').slice(0, 2).join('/')))].join('\n'),
    ].join('\n');
    writeFileSync(EXCERPTS, `${report}\n`);
    console.log(report);
  }, 120_000);
});
