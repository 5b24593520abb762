// `supervise --headless` with one agent of the `claude` preset running the real, pinned Claude
// Code against the API stand-in: the brief arrives in the system prompt, the hooks report in order,
// enforce: block refuses the first stop with our reason, and the handoff the model then writes is
// captured into the team handoff. Skipped loudly when the CLI cannot be installed.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicStandin, lastUserText, systemText, type MessagesRequest, type Reply } from '../anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, GIT_IDENTITY, claudeBinDir, findClaude, skipReason } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, startHeadless, type Headless, type Team } from '../helpers/headless.js';
import { waitFor } from '../helpers/wait.js';
import { TEAM_DECISION, teamHandoff } from '../fixtures/teamHandoff.js';

const found = await findClaude();
const skipped = skipReason(found, `Claude Code ${CLAUDE_VERSION} headless end-to-end`);
const claudePath = 'path' in found ? found.path : '';

const DECISION = TEAM_DECISION;
const TASK = 'Implement logout with token invalidation';
const DONE_ITEM = 'Logout endpoint revokes the refresh token';
const NEW_DECISION = 'Revoked tokens live in a denylist table until they expire';

const TEAM_HANDOFF = teamHandoff('Claude E2E', TASK);

/** Where the excerpts quoted in reports are written. */
const EXCERPTS = join(tmpdir(), 'claude-e2e-excerpts.txt');

function excerpt(text: string, needle: string, before = 200, after = 300): string {
  const at = text.indexOf(needle);
  return at < 0 ? `(not found: ${needle})` : text.slice(Math.max(0, at - before), at + needle.length + after);
}

describe.skipIf(skipped !== undefined)(`the claude preset with Claude Code ${CLAUDE_VERSION}, headless${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
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

  it('injects the handoff, reports SessionStart → Stop (blocked) → Stop → SessionEnd, and captures what the model wrote', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    team = makeTeam(
      `version: 1
project: Claude E2E
handoff: { enforce: block }
agents:
  - name: backend
    task: ${TASK}
`,
      { handoff: TEAM_HANDOFF },
    );
    const repo = team.repo.dir;
    sandbox = await ClaudeSandbox.create([repo]);
    // A recorder next to the supervisor's own hooks (project settings, committed) sees every hook
    // call with its input, so the order and stop_hook_active can be checked.
    mkdirSync(join(repo, '.claude'), { recursive: true });
    writeFileSync(join(repo, '.claude', 'settings.json'), `${JSON.stringify({ hooks: sandbox.recordingHooks() }, null, 2)}\n`);
    team.repo.git('add', '.');
    team.repo.git('commit', '-q', '-m', 'recording hooks');

    const worktreeHandoff = join(repo, '.supervise', 'worktrees', 'backend', 'HANDOFF.md');
    const script = (req: MessagesRequest, index: number): Reply => {
      switch (index) {
        case 0:
          return { text: 'Logout is implemented.' };
        case 1:
          // The refused stop: a Write of an existing file needs a Read first.
          return { toolUse: { name: 'Read', input: { file_path: worktreeHandoff } } };
        case 2: {
          const text = readFileSync(worktreeHandoff, 'utf8')
            .replace('## Completed\n', `## Completed\n- [x] ${DONE_ITEM}\n`)
            .replace('## Key Decisions\n', `## Key Decisions\n- ${NEW_DECISION}\n`);
          return { toolUse: { name: 'Write', input: { file_path: worktreeHandoff, content: text } } };
        }
        default:
          return { text: `HANDOFF.md updated (request ${index}, last user text ${lastUserText(req).length} chars).` };
      }
    };
    standin = await AnthropicStandin.start(script);
    const bin = await claudeBinDir(claudePath, team.scratch);
    team.env = { ...team.env, ...sandbox.env(standin.url), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };

    run = startHeadless(team);
    const r = run;
    const failure = (): string => `supervise stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;

    // Request 1: the brief with the team handoff in the system prompt, the task as the message.
    await standin.waitForMain(1, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${failure()}`);
    });
    const first = standin.mainRequests[0]!;
    const system = systemText(first);
    expect(system).toContain(DECISION);
    expect(system).toContain('Decided AGAINST redis');
    expect(lastUserText(first)).toContain(TASK);

    // The model stops with the handoff untouched: our Stop hook refuses, with its reason.
    await standin.waitForMain(2, 20_000);
    const feedback = lastUserText(standin.mainRequests[1]!);
    expect(feedback).toContain('Stop hook feedback');
    expect(feedback).toContain('HANDOFF.md is unchanged since your session started');

    // Read, Write (allowed by the Edit(HANDOFF.md) rule, no prompt), then the second stop passes.
    await standin.waitForMain(4, 20_000);
    const writeResult = lastUserText(standin.mainRequests[3]!);
    expect(writeResult).not.toMatch(/tool_use_error|permission/i);
    await sandbox.waitForHook('Stop', (e) => e.stop_hook_active === true);
    await waitFor(() => run!.lines().some((l) => l.agent === 'backend' && l.status === 'idle'), {
      timeout: 15_000,
      message: () => `backend idle after its second stop\n${failure()}`,
    });
    expect(readFileSync(worktreeHandoff, 'utf8')).toContain(DONE_ITEM);

    // Claude stays at its prompt; headless has no input, so end it by signalling the supervisor.
    run.child.kill('SIGTERM');
    await run.exited;
    const names = (await sandbox.hookEvents()).map((e) => e.hook_event_name).filter((n) => ['SessionStart', 'Stop', 'SessionEnd'].includes(n));
    expect(names).toEqual(['SessionStart', 'Stop', 'Stop', 'SessionEnd']);
    const stops = (await sandbox.hookEvents()).filter((e) => e.hook_event_name === 'Stop');
    expect(stops.map((e) => e.stop_hook_active)).toEqual([false, true]);
    expect((await sandbox.hookEvents()).find((e) => e.hook_event_name === 'SessionEnd')?.reason).toBe('other');

    // The supervisor saw the same: a refused stop, then idle, then the end, with the handoff captured.
    const lines = run.lines();
    expect(lines.some((l) => l.message === 'backend: stop refused, handoff not ready'), failure()).toBe(true);
    const statuses = lines.filter((l) => l.agent === 'backend').map((l) => l.status);
    expect(statuses.indexOf('working')).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf('idle')).toBeGreaterThan(statuses.indexOf('working'));
    const state = savedState(team).agents[0]!;
    expect(state).toMatchObject({ name: 'backend', handoffCaptured: true, handoffUpdated: true });
    expect(['stopped', 'exited']).toContain(state.status);
    expect(state.warnings).not.toContain('handoff not updated');

    const root = readFileSync(join(repo, 'HANDOFF.md'), 'utf8');
    expect(root).toContain(DONE_ITEM);
    expect(root).toContain(NEW_DECISION);
    expect(root).toContain(DECISION);

    const report = [
      `Claude Code ${CLAUDE_VERSION}`,
      '--- request 1, system prompt excerpt ---',
      excerpt(system, DECISION, 600, 200),
      '--- request 1, last user message ---',
      lastUserText(first),
      '--- request 2, last user message (Stop hook feedback) ---',
      feedback,
      '--- hook order ---',
      names.join(' → '),
      '--- root HANDOFF.md after capture ---',
      root,
    ].join('\n');
    writeFileSync(EXCERPTS, `${report}\n`);
    console.log(report);
  }, 60_000);
});
