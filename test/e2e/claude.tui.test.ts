// The built `supervise` TUI in tmux with one agent of the `claude` preset running the real, pinned
// Claude Code against the API stand-in: its prompt box renders in the pane, typing after enter
// reaches it, the hooks move its status working → idle, and /exit ends it with its handoff
// captured. Skipped loudly when the CLI or tmux is missing.
// Needs `npm run build` first (the test script builds before it runs the tests).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandin, lastUserText, type MessagesRequest, type Reply } from '../anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, GIT_IDENTITY, claudeBinDir, findClaude, skipReason } from '../helpers/claude.js';
import { CLI, makeTeam, savedState, supervisorExited, type Team } from '../helpers/headless.js';
import { Tmux, tmuxMissing } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';


const found = await findClaude();
const noTmux = tmuxMissing();
if (noTmux) console.warn(`\n!!! Claude Code ${CLAUDE_VERSION} TUI end-to-end SKIPPED: ${noTmux}\n`);
const skipped = skipReason(found, `Claude Code ${CLAUDE_VERSION} TUI end-to-end`) ?? noTmux;
const claudePath = 'path' in found ? found.path : '';

const TASK = 'Add a health check endpoint';
const DONE_ITEM = 'GET /health answers 200 with the build version';
const TYPED = 'how-is-it-going-7431';


/** A promise and the function that settles it: holds a stand-in reply until the test saw `working`. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe.skipIf(skipped !== undefined)(`the claude preset with Claude Code ${CLAUDE_VERSION} in the TUI${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let team: Team;
  let sandbox: ClaudeSandbox;
  let standin: AnthropicStandin;
  const tmux = new Tmux('supervise-claude-e2e', { cols: 140, rows: 45 });
  const firstTurn = gate();
  const typedTurn = gate();
  let handoffPath = '';

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    team = makeTeam(`version: 1
project: Claude TUI
handoff: { enforce: warn }
agents:
  - name: coder
    task: ${TASK}
`);
    const repo = team.repo.dir;
    handoffPath = join(repo, '.supervise', 'worktrees', 'coder', 'HANDOFF.md');
    sandbox = await ClaudeSandbox.create([repo]);
    const script = (req: MessagesRequest, index: number): Reply => {
      switch (index) {
        case 0:
          return { toolUse: { name: 'Read', input: { file_path: handoffPath } }, until: firstTurn.wait };
        case 1: {
          const text = readFileSync(handoffPath, 'utf8').replace('## Completed\n', `## Completed\n- [x] ${DONE_ITEM}\n`);
          return { toolUse: { name: 'Write', input: { file_path: handoffPath, content: text } } };
        }
        case 2:
          return { text: 'The health check is in.' };
        default:
          return { text: `You said: ${lastUserText(req).trim().split('\n').pop() ?? ''}`, until: typedTurn.wait };
      }
    };
    standin = await AnthropicStandin.start(script);
    const bin = await claudeBinDir(claudePath, team.scratch);
    const env: Record<string, string> = { ...sandbox.env(standin.url), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };
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
    tmux.start(repo, runScript);
  });

  afterAll(async () => {
    firstTurn.open();
    typedTurn.open();
    tmux.kill();
    if (team) await supervisorExited(team.repo.dir);
    await standin?.close();
    await sandbox?.cleanup();
    team?.cleanup();
  });

  it('renders the real prompt box inside the pane, and the hooks move the status working → idle', async () => {
    await tmux.until((s) => s.includes('┌ coder · agent/coder'), 'the coder pane');
    await standin.waitForMain(1, 30_000);
    // The first reply is held back: the agent is working on its task.
    await tmux.until((s) => /1 ● coder\s+working/.test(s), 'coder working');
    const banner = await tmux.until((s) => s.includes(`Claude Code v${CLAUDE_VERSION}`), 'the Claude Code banner in the pane');
    // The banner (an animated logo beside name, version, model and folder) names the worktree.
    expect(banner).toContain('.supervise/worktrees/coder');
    firstTurn.open();
    const idle = await tmux.until((s) => /1 ○ coder\s+idle/.test(s), 'coder idle after its turn', 30_000);
    expect(idle).toContain('The health check is in.');
    // Claude's own input box: a rule of ─, the ❯ prompt, another rule, then the footer naming the
    // permission mode (auto by default), inside the pane's frame.
    const box = await tmux.until((s) => /│─{20,}[^\n]*\n[^\n]*│❯[^\n]*\n[^\n]*│─{20,}[^\n]*\n[^\n]*│ {2}⏵⏵ auto mode on/.test(s), 'the prompt box and its footer');
    expect(box).toMatch(/1 ○ coder\s+idle/);
    expect(readFileSync(handoffPath, 'utf8')).toContain(DONE_ITEM);
  });

  it('after enter, what is typed reaches Claude Code; it works, then idles again', async () => {
    tmux.keys('Enter');
    await tmux.until((s) => s.includes('ATTACHED'), 'the attached marker');
    tmux.type(TYPED);
    await tmux.until((s) => s.includes(`❯ ${TYPED}`) || s.includes(`❯\u00a0${TYPED}`), 'the typed text in the prompt box');
    tmux.keys('Enter');
    await standin.waitForMain(4, 20_000);
    expect(lastUserText(standin.mainRequests[3]!)).toContain(TYPED);
    await tmux.until((s) => /1 ● coder\s+working/.test(s), 'coder working on the typed line');
    typedTurn.open();
    await tmux.until((s) => s.includes(`You said: ${TYPED}`) && /1 ○ coder\s+idle/.test(s), 'the reply and coder idle');
  });

  it('/exit ends it with exit 0 and its handoff is captured into the team handoff', async () => {
    tmux.type('/exit');
    await tmux.until((s) => s.includes('Exit the CLI'), 'the /exit command menu');
    tmux.keys('Enter');
    await tmux.until((s) => /1 ✓ coder\s+exit 0/.test(s), 'coder exited 0', 20_000);
    const root = join(team.repo.dir, 'HANDOFF.md');
    const text = await waitFor(
      () => {
        const t = readFileSync(root, 'utf8');
        return t.includes(DONE_ITEM) ? t : undefined;
      },
      { timeout: 10_000, message: () => `the captured item in the team handoff:\n${readFileSync(root, 'utf8')}` },
    );
    expect(text).toMatch(/coder · agent\/coder · exited/);
    await waitFor(() => savedState(team).agents[0]?.handoffCaptured === true, { message: 'the state file to say the handoff was captured' });
    expect(savedState(team).agents[0]).toMatchObject({ name: 'coder', status: 'exited', handoffUpdated: true });
  });
});
