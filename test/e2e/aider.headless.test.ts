// The `aider` preset end to end, with test/fake-aider.mjs standing in for aider (no Python here):
// `supervise --headless` in a real repository runs it in a real PTY; the handoff reaches it as a
// chat file, the brief (with the team handoff) read-only and the task through its --load file; its
// --notifications-command (`supervise hook turn-end`) reports each turn end, so the status is idle
// from the hook; enforce: block refuses a turn end without a handoff update, the supervisor types
// our reason as aider's next message, and the turn end after it is let through; at exit the handoff
// is captured, aider committed nothing and nothing of ours is left in the worktree.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { replyToTurnEnd } from '../../src/agents/aiderSettings.js';
import { NodePtySpawner } from '../../src/session/pty.js';
import { Session } from '../../src/session/session.js';
import { readNdjson } from '../helpers/fakeAgent.js';
import { CLI, makeTeam, savedState, startHeadless, supervisorExited, type Headless, type Team } from '../helpers/headless.js';
import { makeTempRepo, type TempRepo } from '../helpers/tempRepo.js';
import { waitFor } from '../helpers/wait.js';
import { TEAM_DECISION, teamHandoff } from '../fixtures/teamHandoff.js';

const FAKE_AIDER = fileURLToPath(new URL('../fake-aider.mjs', import.meta.url));
const TASK = 'Implement logout with token invalidation';
const DONE_ITEM = 'Logout endpoint revokes the refresh token';
const REFUSAL = 'HANDOFF.md is unchanged since your session started';

interface AiderEvent {
  type: 'start' | 'message' | 'notify' | 'exit';
  argv?: string[];
  chat?: Record<string, string>;
  readOnly?: Record<string, string>;
  secret?: boolean;
  turn?: number;
  text?: string;
  status?: number;
  stderr?: string;
}

function aiderTeam(handoffTurn: number): Team {
  const team = makeTeam(
    `version: 1
project: Aider E2E
handoff: { enforce: block }
agents:
  - name: backend
    preset: aider
    task: ${TASK}
`,
    { handoff: teamHandoff('Aider E2E', TASK) },
  );
  symlinkSync(FAKE_AIDER, join(team.bin, 'aider'));
  team.env = { ...team.env, FAKE_AIDER_RECORD: join(team.scratch, 'aider.ndjson'), FAKE_AIDER_HANDOFF_TURN: String(handoffTurn), FAKE_AIDER_EDIT: 'logout.ts' };
  return team;
}

describe('the aider preset with a stand-in aider, headless', () => {
  let team: Team | undefined;
  let run: Headless | undefined;

  afterEach(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    if (team) await supervisorExited(team.repo.dir).catch(() => {});
    team?.cleanup();
    team = run = undefined;
  });

  const events = (): AiderEvent[] => readNdjson<AiderEvent>(join(team!.scratch, 'aider.ndjson'));
  const failure = (): string => {
    let log = '(no agent log)';
    try {
      log = readFileSync(join(team!.repo.dir, '.supervise', 'logs', 'backend.log'), 'utf8').slice(-3000);
    } catch {
      // not written yet
    }
    return `supervise stderr:\n${run?.stderr}\nstdout:\n${run?.stdout}\naider's screen log (end):\n${log}\naider's record:\n${JSON.stringify(events(), null, 1).slice(-3000)}`;
  };
  const backendStatus = (): unknown => run!.lines().filter((l) => l.agent === 'backend').at(-1)?.status;

  it('gives aider the handoff to edit, the brief read-only and the task from --load; an updated handoff ends the turn idle and is captured at exit', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    team = aiderTeam(1);
    const repo = team.repo.dir;
    const worktree = join(repo, '.supervise', 'worktrees', 'backend');
    run = startHeadless(team);

    const start = await waitFor(() => events().find((e) => e.type === 'start'), { timeout: 20_000, message: () => `aider started\n${failure()}` });
    // The handoff is a chat file (editable), git-ignored in the worktree, so taken in by --add-gitignore-files.
    expect(Object.keys(start.chat!)).toEqual(['HANDOFF.md']);
    expect(start.chat!['HANDOFF.md']).toContain(TEAM_DECISION);
    expect(start.chat!['HANDOFF.md']).toContain(TASK);
    // The brief, with the team handoff, read-only from the supervisor's folder, never the worktree.
    const [briefPath, brief] = Object.entries(start.readOnly!)[0]!;
    expect(briefPath).toBe(join(repo, '.supervise', 'agents', 'backend.aider', 'brief.md'));
    expect(brief).toContain(TEAM_DECISION);
    expect(brief).toContain('Decided AGAINST redis');
    expect(start.argv).toEqual(expect.arrayContaining(['--no-auto-commits', '--no-dirty-commits', '--no-gitignore', '--notifications']));
    expect(start.secret, 'the hook secret in its environment').toBe(true);

    // The task is the first message, from /code in the --load file.
    const first = await waitFor(() => events().find((e) => e.type === 'message'), { timeout: 10_000, message: () => `the first message\n${failure()}` });
    expect(first.text).toBe(TASK);

    // Its turn updated the handoff: the turn-end hook lets it go, and reports idle.
    await waitFor(() => backendStatus() === 'idle', { timeout: 20_000, message: () => `backend idle from its turn-end hook\n${failure()}` });
    const notify = await waitFor(() => events().find((e) => e.type === 'notify'), { message: 'aider ran the notifications command' });
    expect(notify.status, notify.stderr).toBe(0);
    expect(run.lines().some((l) => l.message === 'backend: stop refused, handoff not ready')).toBe(false);

    run.child.kill('SIGTERM');
    await run.exited;
    const final = savedState(team).agents[0]!;
    expect(final, failure()).toMatchObject({ name: 'backend', handoffCaptured: true, handoffUpdated: true });
    expect(readFileSync(join(repo, 'HANDOFF.md'), 'utf8')).toContain(DONE_ITEM);
    // Aider committed nothing; its work waits uncommitted for the supervisor, and nothing of ours shows in the worktree.
    expect(team.repo.git('rev-parse', 'agent/backend')).toBe(team.repo.git('rev-parse', 'main'));
    expect(team.repo.git('-C', worktree, 'status', '--porcelain').trim()).toBe('?? logout.ts');
  });

  it('refuses a turn end without a handoff update: reported, not idle, captured with a warning', async () => {
    team = aiderTeam(0);
    run = startHeadless(team);
    const r = run;
    const refused = (l: Record<string, unknown>): boolean => l.message === 'backend: stop refused, handoff not ready';
    await waitFor(() => r.lines().some(refused), { timeout: 20_000, message: () => `the refused turn end reported\n${failure()}` });
    const lines = r.lines();
    const before = lines.slice(0, lines.findIndex(refused)).filter((l) => l.agent === 'backend').map((l) => l.status);
    expect(before).toContain('working');
    expect(before).not.toContain('idle');
    r.child.kill('SIGTERM');
    await r.exited;
    const final = savedState(team).agents[0]!;
    expect(final).toMatchObject({ handoffCaptured: true });
    expect(final.warnings).toContain('handoff not updated');
  });

  it("answers a refused turn end with our reason as aider's next message, once, then lets it go", async () => {
    team = aiderTeam(2);
    run = startHeadless(team);
    const second = await waitFor(() => events().find((e) => e.type === 'message' && e.turn === 2), { timeout: 30_000, message: () => `the reason typed as the second message\n${failure()}` });
    expect(second.text).toContain(REFUSAL);
    expect(second.text).toContain('Update it in the template before you stop');
    await waitFor(() => backendStatus() === 'idle', { timeout: 20_000, message: () => `backend idle after the second turn\n${failure()}` });
    expect(events().filter((e) => e.type === 'message')).toHaveLength(2);
    expect(run.lines().filter((l) => l.message === 'backend: stop refused, handoff not ready')).toHaveLength(1);
    run.child.kill('SIGTERM');
    await run.exited;
    expect(savedState(team).agents[0]).toMatchObject({ handoffCaptured: true, handoffUpdated: true });
  });
});

describe('replyToTurnEnd, with the stand-in aider in a real terminal', () => {
  let repo: TempRepo | undefined;
  let session: Session | undefined;

  afterEach(() => {
    session?.dispose();
    repo?.cleanup();
  });

  it('types the reason, lines kept, as the next message once the prompt shows; nothing for other presets or an allowed turn end', async () => {
    repo = makeTempRepo();
    const record = join(repo.dir, '.git', 'aider.ndjson');
    const load = join(repo.dir, '.git', 'start.aider');
    writeFileSync(load, '/code first task\n');
    session = new Session({
      spawner: new NodePtySpawner(),
      file: FAKE_AIDER,
      args: ['--load', load, '--notifications', '--notifications-command', 'true'],
      cwd: repo.dir,
      env: { PATH: process.env.PATH ?? '', FAKE_AIDER_RECORD: record },
      cols: 100,
      rows: 30,
    });
    const reason = `${REFUSAL}.\n- a second line`;
    expect(await replyToTurnEnd('codex', { blocked: true, blockReason: reason }, session)).toBe(false);
    session.start();
    // Called before aider has drawn anything, as a report comes before its prompt.
    expect(await replyToTurnEnd('aider', { blocked: true, blockReason: reason }, session)).toBe(true);
    const messages = await waitFor(() => {
      const m = readNdjson<AiderEvent>(record).filter((e) => e.type === 'message');
      return m.length === 2 ? m : undefined;
    }, { message: 'the reply as the second message' });
    expect(messages.map((m) => m.text)).toEqual(['first task', reason]);
    expect(await replyToTurnEnd('aider', { blocked: false, blockReason: reason }, session)).toBe(false);
  });

  it('types nothing into a question aider asks instead of its prompt', async () => {
    repo = makeTempRepo();
    session = new Session({
      spawner: new NodePtySpawner(),
      file: 'sh',
      args: ['-c', 'printf "logout.ts\\nCreate new file? (Y)es/(N)o [Yes]: "; read answer; echo "answer=[$answer]"'],
      cwd: repo.dir,
      env: { PATH: process.env.PATH ?? '' },
      cols: 100,
      rows: 30,
    });
    const s = session;
    s.start();
    expect(await replyToTurnEnd('aider', { blocked: true, blockReason: REFUSAL }, s)).toBe(false);
    s.write('n\r');
    await waitFor(() => s.screen.viewportText().some((l) => l.startsWith('answer=')), { message: 'the answer echoed' });
    expect(s.screen.viewportText().find((l) => l.startsWith('answer='))).toBe('answer=[n]');
  });
});
