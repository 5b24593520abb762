// `supervise --headless` with one agent of the `gemini` preset running the real, pinned Gemini
// CLI in a real PTY against the local API stand-in: the team handoff and the task reach the first
// request, the hooks merged into the worktree's .gemini/settings.json drive the status, enforce:
// block refuses the first turn end with our reason, the handoff the model then writes is captured,
// and nothing under the user's HOME is changed by the supervisor. Skipped loudly when the CLI
// cannot be installed. Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GeminiStandin, firstUserText, lastUserText, type GenerateRequest, type Reply } from '../gemini-standin.js';
import { GEMINI_VERSION, GeminiHome, TEST_MODEL, findGemini, geminiBinDir, processesIn, skipReason } from '../helpers/gemini.js';
import { GIT_IDENTITY } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, startHeadless, type Headless, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';
import { TEAM_DECISION, teamHandoff } from '../fixtures/teamHandoff.js';

const found = await findGemini();
const skipped = skipReason(found, `Gemini CLI ${GEMINI_VERSION} headless end-to-end`);
const geminiPath = 'path' in found ? found.path : '';

const TASK = 'Implement logout with token invalidation';
const DONE_ITEM = 'Logout endpoint revokes the refresh token';
const NEW_DECISION = 'Revoked tokens live in a denylist table until they expire';
const OUR_REASON = 'HANDOFF.md is unchanged since your session started';

/** Where the excerpts quoted in reports are written. */
const EXCERPTS = join(tmpdir(), 'gemini-e2e-excerpts.txt');

describe.skipIf(skipped !== undefined)(`the gemini preset with the Gemini CLI ${GEMINI_VERSION}, headless${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let team: Team | undefined;
  let home: GeminiHome | undefined;
  let standin: GeminiStandin | undefined;
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

  it('injects the team handoff and the task, reports its hooks, blocks a turn end once with our reason, and captures what the model wrote', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    team = makeTeam(
      `version: 1
project: Gemini E2E
handoff: { enforce: block }
agents:
  - name: backend
    preset: gemini
    task: ${TASK}
    args: [-m, ${TEST_MODEL}, --approval-mode, auto_edit]
`,
      { handoff: teamHandoff('Gemini E2E', TASK) },
    );
    const repo = team.repo.dir;
    // The user's own workspace settings, committed: the supervisor's hooks are merged beside
    // them, and this recorder sees every turn end with its input.
    const hookLog = join(team.scratch, 'after-agent.jsonl');
    writeFileSync(hookLog, '');
    const recorder = `{ tr -d '\\n'; echo; } >> '${hookLog}'`;
    mkdirSync(join(repo, '.gemini'), { recursive: true });
    const userSettings = { ui: { hideTips: true }, hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: recorder }] }] } };
    writeFileSync(join(repo, '.gemini', 'settings.json'), `${JSON.stringify(userSettings, null, 2)}\n`);
    team.repo.git('add', '.');
    team.repo.git('commit', '-q', '-m', 'user gemini settings');

    const worktree = join(repo, '.supervise', 'worktrees', 'backend');
    const worktreeHandoff = join(worktree, 'HANDOFF.md');
    const script = (_req: GenerateRequest, index: number): Reply => {
      switch (index) {
        case 0:
          return { text: 'Logout is implemented.' };
        case 1: {
          const text = readFileSync(worktreeHandoff, 'utf8')
            .replace('## Completed\n', `## Completed\n- [x] ${DONE_ITEM}\n`)
            .replace('## Key Decisions\n', `## Key Decisions\n- ${NEW_DECISION}\n`);
          return { call: { name: 'write_file', args: { file_path: worktreeHandoff, content: text } } };
        }
        default:
          return { text: `HANDOFF.md updated (request ${index}).` };
      }
    };
    standin = await GeminiStandin.start(script);
    home = await GeminiHome.create();
    const homeBefore = await home.settingsSnapshot();
    const bin = await geminiBinDir(geminiPath, team.scratch);
    team.env = { ...team.env, ...home.env(standin.url), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };
    delete team.env.GEMINI_CLI_TRUST_WORKSPACE;

    run = startHeadless(team);
    const r = run;
    const failure = (): string => `supervise stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;

    // Request 1: the brief with the team handoff and the task, in the first user turn (-i).
    await standin.waitForMain(1, 90_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${failure()}`);
    });
    const first = firstUserText(standin.mainRequests[0]!);
    expect(first).toContain(TEAM_DECISION);
    expect(first).toContain('Decided AGAINST redis');
    expect(first).toContain(`Your task: ${TASK}`);

    // The turn ends with the handoff untouched: our AfterAgent hook refuses, and the CLI sends
    // the reason back as the next user turn.
    await standin.waitForMain(2, 30_000);
    const feedback = lastUserText(standin.mainRequests[1]!);
    expect(feedback).toContain(OUR_REASON);
    expect(feedback).toContain('Update it in the template before you stop');

    // write_file (auto_edit approves it), then the turn ends with a valid handoff and is allowed.
    await standin.waitForMain(3, 30_000);
    await waitFor(() => readFileSync(worktreeHandoff, 'utf8').includes(DONE_ITEM), { timeout: 15_000, message: 'the handoff written by the model' });
    const afterAgent = (): Record<string, unknown>[] =>
      readFileSync(hookLog, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor(() => afterAgent().length >= 2, { timeout: 30_000, message: () => `a second AfterAgent\n${failure()}` });
    const statusOf = (): string[] => run!.lines().filter((l) => l.agent === 'backend' && typeof l.status === 'string').map((l) => l.status as string);
    await waitFor(() => statusOf().includes('idle'), { timeout: 30_000, message: () => `backend idle after its allowed turn end\n${failure()}` });
    expect(run.lines().some((l) => l.message === 'backend: stop refused, handoff not ready'), failure()).toBe(true);

    // Headless has no keyboard: end it by signalling the supervisor, which hangs the CLI up.
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code, failure()).not.toBeNull();
    // No Gemini CLI is left; what may still run there briefly is the supervisor's own capture
    // (seen: `git write-tree`) or a last SessionEnd hook finishing its report.
    expect(processesIn(worktree).filter((p) => p.includes('gemini'))).toEqual([]);
    await waitFor(() => processesIn(worktree).length === 0, { timeout: 10_000, message: () => `processes left in the worktree:\n${processesIn(worktree).join('\n')}` });

    const statuses = statusOf();
    expect(statuses.indexOf('working')).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf('idle')).toBeGreaterThan(statuses.indexOf('working'));
    const state = savedState(team).agents[0]! as ReturnType<typeof savedState>['agents'][number] & { sessionId?: string };
    expect(state).toMatchObject({ name: 'backend', handoffCaptured: true, handoffUpdated: true });
    expect(state.warnings).not.toContain('handoff not updated');
    // The resume id (`gemini --resume <id>`) is the one the CLI's hooks reported.
    expect(state.sessionId).toBe(afterAgent()[0]!.session_id);

    const root = readFileSync(join(repo, 'HANDOFF.md'), 'utf8');
    expect(root).toContain(DONE_ITEM);
    expect(root).toContain(NEW_DECISION);
    expect(root).toContain(TEAM_DECISION);

    // The worktree's settings hold the user's recorder and our hooks; the user's HOME settings
    // are exactly as they were, and no trust was written there.
    const merged = JSON.parse(readFileSync(join(worktree, '.gemini', 'settings.json'), 'utf8')) as { ui: unknown; hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(merged.ui).toEqual({ hideTips: true });
    expect(merged.hooks.AfterAgent!.map((m) => m.hooks[0]!.command)).toEqual([recorder, expect.stringContaining('hook after-agent --agent')]);
    expect(await home.settingsSnapshot()).toBe(homeBefore);
    expect(await home.files()).not.toContain('trustedFolders.json');
    // …and the agent's commits never carry them.
    expect(team.repo.git('-C', worktree, 'status', '--porcelain', '--', '.gemini')).toBe('');

    const report = [
      `Gemini CLI ${GEMINI_VERSION}`,
      '--- request 1, first user turn ---',
      first,
      '--- request 2, last user turn (our AfterAgent reason) ---',
      feedback,
      '--- statuses ---',
      statuses.join(' → '),
      `--- AfterAgent stop_hook_active: ${afterAgent().map((e) => String(e.stop_hook_active)).join(', ')} ---`,
    ].join('\n');
    writeFileSync(EXCERPTS, `${report}\n`);
  }, 240_000);
});
