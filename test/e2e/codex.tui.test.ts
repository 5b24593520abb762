// The built `supervise` TUI in tmux with one agent of the `codex` preset running the real, pinned
// Codex CLI against the Responses stand-in: Codex asks to run a command and its PermissionRequest
// hook turns the status to input; answering in the attached pane sets it working, its Stop hook
// idle; /quit ends it with exit 0, its handoff captured, no Codex process left and the user's
// ~/.codex/config.toml untouched. Skipped loudly when the CLI or tmux is missing.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIStandin, type Reply, type ResponsesRequest } from '../openai-standin.js';
import { CODEX_VERSION, CodexHome, codexBinDir, codexProcesses, findCodex, skipReason } from '../helpers/codex.js';
import { GIT_IDENTITY } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, supervisorExited, type Team } from '../helpers/headless.js';
import { Tmux, tmuxMissing } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const found = await findCodex();
const noTmux = tmuxMissing();
if (noTmux) console.warn(`\n!!! Codex ${CODEX_VERSION} TUI end-to-end SKIPPED: ${noTmux}\n`);
const skipped = skipReason(found, `Codex ${CODEX_VERSION} TUI end-to-end`) ?? noTmux;
const codexPath = 'path' in found ? found.path : '';

const TASK = 'Add a health check endpoint';
const DONE_ITEM = 'GET /health answers 200 with the build version';
const MARKER = 'approved-marker.txt';

describe.skipIf(skipped !== undefined)(`the codex preset with Codex ${CODEX_VERSION} in the TUI${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let team: Team;
  let home: CodexHome;
  let standin: OpenAIStandin;
  let configBefore = '';
  let before = new Set<number>();
  const tmux = new Tmux('supervise-codex-e2e', { cols: 140, rows: 45 });
  let worktree = '';

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    before = new Set(await codexProcesses(codexPath));
    team = makeTeam(`version: 1
project: Codex TUI
handoff: { enforce: block }
agents:
  - name: coder
    preset: codex
    task: ${TASK}
`);
    worktree = join(team.repo.dir, '.supervise', 'worktrees', 'coder');
    // Turn 1 asks to run a command outside the sandbox (Codex shows its approval prompt); once it
    // ran, the "model" updates the handoff (written here, as a tool call would) and ends the turn.
    const script = (_req: ResponsesRequest, index: number): Reply => {
      if (index === 0) {
        return { call: { name: 'exec_command', arguments: { cmd: `echo ok > ${MARKER}`, sandbox_permissions: 'require_escalated', justification: 'Write a marker file' } } };
      }
      if (index === 1) {
        const path = join(worktree, 'HANDOFF.md');
        writeFileSync(path, readFileSync(path, 'utf8').replace('## Completed\n', `## Completed\n- [x] ${DONE_ITEM}\n`));
        return { text: 'The health check is in.' };
      }
      return { text: `Nothing more (request ${index}).` };
    };
    standin = await OpenAIStandin.start(script);
    home = await CodexHome.create(standin.baseUrl);
    configBefore = await home.config();
    const bin = await codexBinDir(codexPath, team.scratch);
    const env: Record<string, string> = { ...home.env(), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };
    const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
    const runScript = join(team.scratch, 'run.sh');
    // Ink draws nothing when it believes it runs under CI, so those variables stay out.
    writeFileSync(
      runScript,
      [
        ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
        `env -u CI -u CONTINUOUS_INTEGRATION -u CLAUDECODE ${q(process.execPath)} ${q(CLI)}`,
        "printf 'supervise exited %s\\n' \"$?\"",
        'exec sleep 600',
      ].join('\n'),
    );
    tmux.start(team.repo.dir, runScript);
  });

  afterAll(async () => {
    tmux.kill();
    if (team) await supervisorExited(team.repo.dir);
    await standin?.close();
    await home?.cleanup();
    team?.cleanup();
  });

  it('shows input while Codex asks to run a command (its PermissionRequest hook)', async () => {
    await tmux.until((s) => s.includes('┌ coder · agent/coder'), 'the coder pane');
    await standin.waitForMain(1, 30_000);
    const asking = await tmux.until((s) => /1 \S coder\s+input/.test(s) && s.includes('Would you like to run the following command?'), 'coder asking, status input', 30_000);
    expect(asking).toContain(`echo ok > ${MARKER}`);
  });

  it('answering in the attached pane lets it go on, and its Stop hook sets idle', async () => {
    tmux.keys('Enter');
    await tmux.until((s) => s.includes('ATTACHED'), 'the attached marker');
    // Codex drops a key that comes right as its dialog opens (no accidental approvals): confirm the
    // preselected "Yes" with Enter until it takes it (an extra Enter on an empty prompt does nothing).
    await waitFor(
      () => {
        if (tmux.screen().includes('You approved codex')) return true;
        tmux.keys('Enter');
        return false;
      },
      { interval: 500, timeout: 15_000, message: () => `the approval taken; the screen:\n${tmux.screen()}` },
    );
    await standin.waitForMain(2, 20_000);
    await tmux.until((s) => /1 \S coder\s+idle/.test(s) && s.includes('The health check is in.'), 'coder idle after its turn', 30_000);
    expect(existsSync(join(worktree, MARKER))).toBe(true);
    expect(savedState(team).agents[0]?.warnings ?? []).not.toContain('handoff not updated');
  });

  it('/quit ends it with exit 0, the handoff captured, no Codex left and ~/.codex/config.toml untouched', async () => {
    tmux.type('/quit');
    // Enter right behind the typed text would count as part of a paste; the command menu shows
    // once Codex took the text as typed.
    await tmux.until((s) => /\/quit\s{2,}\S/.test(s), 'the /quit command menu');
    tmux.keys('Enter');
    await tmux.until((s) => /1 \S coder\s+exit 0/.test(s), 'coder exited 0', 20_000);
    const root = join(team.repo.dir, 'HANDOFF.md');
    await waitFor(() => readFileSync(root, 'utf8').includes(DONE_ITEM), { timeout: 10_000, message: () => `the captured item in the team handoff:\n${readFileSync(root, 'utf8')}` });
    await waitFor(() => savedState(team).agents[0]?.handoffCaptured === true, { message: 'the state file to say the handoff was captured' });
    const state = savedState(team).agents[0] as { status: string; handoffUpdated?: boolean; sessionId?: string };
    expect(state).toMatchObject({ status: 'exited', handoffUpdated: true });
    expect(state.sessionId, 'the session id for `codex resume`').toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(async () => (await codexProcesses(codexPath)).filter((p) => !before.has(p)).length === 0, { timeout: 10_000, message: 'no Codex process left' });
    expect(await home.config()).toBe(configBefore);
    expect((await home.files()).filter((f) => !f.startsWith('.codex/') || f.startsWith('.codex/packages/'))).toEqual([]);
  });
});
