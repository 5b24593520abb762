// The built `supervise` TUI in tmux with one agent of the `gemini` preset running the real, pinned
// Gemini CLI against the API stand-in: its hooks move the status working → input (its approval
// prompt) → working → idle, the answer typed after enter reaches it, and /quit ends it with exit 0,
// its handoff captured, no CLI process left and the user's ~/.gemini settings untouched.
// Skipped loudly when the CLI or tmux is missing. Needs `npm run build` first.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiStandin, type GenerateRequest, type Reply } from '../gemini-standin.js';
import { GEMINI_VERSION, GeminiHome, TEST_MODEL, findGemini, geminiBinDir, processesIn, skipReason } from '../helpers/gemini.js';
import { GIT_IDENTITY } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, supervisorExited, type Team } from '../helpers/headless.js';
import { Tmux, tmuxMissing } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const found = await findGemini();
const noTmux = tmuxMissing();
if (noTmux) console.warn(`\n!!! Gemini CLI ${GEMINI_VERSION} TUI end-to-end SKIPPED: ${noTmux}\n`);
const skipped = skipReason(found, `Gemini CLI ${GEMINI_VERSION} TUI end-to-end`) ?? noTmux;
const geminiPath = 'path' in found ? found.path : '';

const TASK = 'Add a health check endpoint';
const DONE_ITEM = 'GET /health answers 200 with the build version';
const MARK = 'made-by-gemini';

describe.skipIf(skipped !== undefined)(`the gemini preset with the Gemini CLI ${GEMINI_VERSION} in the TUI${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let team: Team;
  let home: GeminiHome;
  let standin: GeminiStandin;
  let homeBefore = '';
  const tmux = new Tmux('supervise-gemini-e2e', { cols: 140, rows: 45 });
  let worktree = '';

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    team = makeTeam(`version: 1
project: Gemini TUI
handoff: { enforce: warn }
agents:
  - name: coder
    preset: gemini
    task: ${TASK}
    args: [-m, ${TEST_MODEL}, --approval-mode, auto_edit]
`);
    worktree = join(team.repo.dir, '.supervise', 'worktrees', 'coder');
    const handoffPath = join(worktree, 'HANDOFF.md');
    const script = (_req: GenerateRequest, index: number): Reply => {
      switch (index) {
        case 0:
          // A shell command is not an edit: auto_edit still asks.
          return { call: { name: 'run_shell_command', args: { command: `touch ${MARK}` } } };
        case 1: {
          const text = readFileSync(handoffPath, 'utf8').replace('## Completed\n', `## Completed\n- [x] ${DONE_ITEM}\n`);
          return { call: { name: 'write_file', args: { file_path: handoffPath, content: text } } };
        }
        default:
          return { text: 'The health check is in.' };
      }
    };
    standin = await GeminiStandin.start(script);
    home = await GeminiHome.create();
    homeBefore = await home.settingsSnapshot();
    const bin = await geminiBinDir(geminiPath, team.scratch);
    const env: Record<string, string> = { ...home.env(standin.url), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}`, LANG: 'C.UTF-8' };
    const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
    const runScript = join(team.scratch, 'run.sh');
    // Ink draws nothing when it believes it runs under CI, so those variables stay out.
    writeFileSync(
      runScript,
      [
        ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
        `env -u CI -u CONTINUOUS_INTEGRATION -u GEMINI_CLI_TRUST_WORKSPACE ${q(process.execPath)} ${q(CLI)}`,
        "printf 'supervise exited %s\\n' \"$?\"",
        'exec sleep 600',
      ].join('\n'),
    );
    tmux.start(team.repo.dir, runScript);
  }, 60_000);

  afterAll(async () => {
    tmux.kill();
    if (team) await supervisorExited(team.repo.dir);
    await standin?.close();
    await home?.cleanup();
    team?.cleanup();
  }, 60_000);

  it('its approval prompt shows in the pane and its Notification hook says input', async () => {
    await tmux.until((s) => s.includes('┌ coder · agent/coder'), 'the coder pane');
    await standin.waitForMain(1, 60_000);
    const asking = await tmux.until((s) => /coder\s+input/.test(s) && s.includes('Allow execution of'), 'coder asking to run its command', 30_000);
    expect(asking).toContain(`touch ${MARK}`);
  }, 90_000);

  it('after enter, the answer reaches the CLI; its hooks move it to working, then idle', async () => {
    tmux.keys('Enter');
    await tmux.until((s) => s.includes('ATTACHED'), 'the attached marker');
    tmux.keys('Enter'); // ● 1. Allow once
    await waitFor(() => existsSync(join(worktree, MARK)), { timeout: 20_000, message: () => `the command to run\n${tmux.screen()}` });
    await standin.waitForMain(3, 30_000);
    // The input box comes back a moment after the reply: wait for it too.
    const idle = await tmux.until((s) => /coder\s+idle/.test(s) && s.includes('The health check is in.') && s.includes('Type your message'), 'coder idle after its turn, its input box back', 30_000);
    expect(idle).toContain('Type your message');
    expect(readFileSync(join(worktree, 'HANDOFF.md'), 'utf8')).toContain(DONE_ITEM);
  }, 60_000);

  it('/quit ends it with exit 0, its handoff captured, no CLI left and ~/.gemini untouched', async () => {
    tmux.type('/quit');
    await tmux.until((s) => s.includes('Exit the cli'), 'the /quit command menu');
    tmux.keys('Enter');
    // Enter may first only complete the command from its menu; then a second one runs it.
    const exited = (s: string) => /coder\s+exit 0/.test(s);
    await tmux.until(exited, 'coder exited 0', 5_000).catch(() => tmux.keys('Enter'));
    await tmux.until(exited, 'coder exited 0', 30_000);
    await waitFor(() => savedState(team).agents[0]?.handoffCaptured === true, { message: 'the state file to say the handoff was captured' });
    expect(savedState(team).agents[0]).toMatchObject({ name: 'coder', status: 'exited', handoffUpdated: true });
    expect(readFileSync(join(team.repo.dir, 'HANDOFF.md'), 'utf8')).toContain(DONE_ITEM);
    // No Gemini CLI is left; what may still run there briefly is the supervisor's own capture
    // (seen: `git write-tree`) or a last SessionEnd hook finishing its report.
    expect(processesIn(worktree).filter((p) => p.includes('gemini'))).toEqual([]);
    await waitFor(() => processesIn(worktree).length === 0, { timeout: 10_000, message: () => `processes left in the worktree:\n${processesIn(worktree).join('\n')}` });
    expect(await home.settingsSnapshot()).toBe(homeBefore);
    expect(await home.files()).not.toContain('trustedFolders.json');
  }, 60_000);
});
