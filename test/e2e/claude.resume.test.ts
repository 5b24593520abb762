// A run that is quit and started again resumes the real, pinned Claude Code's conversation: the
// second `supervise --headless` launches it with `--resume <its session id>`, Claude Code finds
// the transcript (the supervisor waits for it to be written before hanging up), sends the first
// turn again, and gets the team handoff in its system prompt. Skipped loudly without the CLI.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeTranscriptPath } from '../../src/supervisor/restore.js';
import { AnthropicStandin, lastUserText, systemText } from '../anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, GIT_IDENTITY, claudeBinDir, findClaude, skipReason } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, startHeadless, type Headless, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';
import { TEAM_DECISION, teamHandoff } from '../fixtures/teamHandoff.js';

const found = await findClaude();
const skipped = skipReason(found, `Claude Code ${CLAUDE_VERSION} resume end-to-end`);
const claudePath = 'path' in found ? found.path : '';
const TASK = 'Implement logout with token invalidation';
const FIRST_ANSWER = 'Logout is half done: MARKER-FIRST-TURN.';

describe.skipIf(skipped !== undefined)(`the claude preset with Claude Code ${CLAUDE_VERSION}, quit and started again${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let team: Team | undefined;
  let sandbox: ClaudeSandbox | undefined;
  let standin: AnthropicStandin | undefined;
  let run: Headless | undefined;

  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await standin?.close();
    await sandbox?.cleanup();
    team?.cleanup();
  });

  it('resumes the same conversation with --resume, the first turn sent again and the team handoff in the system prompt', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    team = makeTeam(`version: 1\nproject: Claude Resume\nhandoff: { enforce: warn }\nagents:\n  - name: backend\n    task: ${TASK}\n`, { handoff: teamHandoff('Claude Resume', TASK) });
    sandbox = await ClaudeSandbox.create([team.repo.dir]);
    standin = await AnthropicStandin.start((_req, i) => ({ text: i === 0 ? FIRST_ANSWER : `Continuing (request ${i}).` }));
    const bin = await claudeBinDir(claudePath, team.scratch);
    team.env = { ...team.env, ...sandbox.env(standin.url), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };
    const t = team;

    // First run: one turn, then quit (SIGTERM) while Claude Code waits at its prompt.
    const first = startHeadless(t);
    run = first;
    const failure = (r: Headless) => (): string => `supervise stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;
    await standin.waitForMain(1, 30_000);
    await waitFor(() => first.lines().some((l) => l.agent === 'backend' && l.status === 'idle'), { timeout: 30_000, message: failure(first) });
    first.child.kill('SIGTERM');
    await first.exited;
    const saved = savedState(t).agents[0]! as { sessionId?: string; status: string };
    expect(saved.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved.status).not.toBe('exited');
    // Where the supervisor waits for the transcript is where Claude Code wrote it.
    expect(existsSync(claudeTranscriptPath(t.env, join(t.repo.dir, '.supervise', 'worktrees', 'backend'), saved.sessionId!))).toBe(true);

    // Second run: the same conversation resumes.
    const second = startHeadless(t);
    run = second;
    await standin.waitForMain(2, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${failure(second)()}`);
    });
    const resumed = standin.mainRequests[1]!;
    expect(JSON.stringify(resumed.messages)).toContain('MARKER-FIRST-TURN');
    expect(lastUserText(resumed)).toContain('continue your task');
    expect(systemText(resumed)).toContain(TEAM_DECISION);
    expect(second.lines().some((l) => typeof l.message === 'string' && /resuming backend/.test(l.message))).toBe(true);
    expect(second.stdout + second.stderr).not.toMatch(/No conversation found/);
    second.child.kill('SIGTERM');
    await second.exited;
    expect((savedState(t).agents[0]! as { sessionId?: string }).sessionId).toBe(saved.sessionId);
  });
});
