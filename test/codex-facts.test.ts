// Facts about the pinned Codex CLI that the `codex` preset relies on, checked against the real CLI
// in a real PTY, talking to the local Responses stand-in (docs/codex.md explains each). When the
// CLI cannot be installed the whole suite is skipped, loudly.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { codexHookArgs, codexLaunchArgs, type CodexHookEvent } from '../src/agents/codexSettings.js';
import { nudgeLine } from '../src/supervisor/nudge.js';
import { OpenAIStandin, lastUserText, messagesOf, type Script } from './openai-standin.js';
import { CODEX_VERSION, CodexHome, codexProcesses, findCodex, skipReason } from './helpers/codex.js';
import { PtyScreen, waitFor } from './helpers/claude.js';
import { waitFor as waitUntil } from './helpers/wait.js';

const run = promisify(execFile);
const found = await findCodex();
const skipped = skipReason(found, `Codex ${CODEX_VERSION} facts`);
const codexPath = 'path' in found ? found.path : '';

const EVENTS: CodexHookEvent[] = ['SessionStart', 'UserPromptSubmit', 'PermissionRequest', 'PostToolUse', 'Stop', 'SessionEnd'];
const REASON = 'Stand-in reason: update HANDOFF.md first.';
const IDLE = /› Ask Codex to do anything/;

type HookEvent = Record<string, unknown> & { hook_event_name: string };

describe.skipIf(skipped !== undefined)(`Codex ${CODEX_VERSION} facts${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let dir: string;
  let repo: string;
  let log: string;
  let home: CodexHome | undefined;
  let standin: OpenAIStandin | undefined;
  const screens: PtyScreen[] = [];

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'codex-facts-')));
    repo = join(dir, 'repo');
    log = join(dir, 'hooks.jsonl');
    await run('git', ['init', '-q', repo]);
    await writeFile(join(repo, 'README.md'), '# test repo\n');
    await writeFile(log, '');
  });
  afterEach(async () => {
    for (const s of screens.splice(0)) await s.dispose();
    await standin?.close();
    await home?.cleanup();
    standin = undefined;
    home = undefined;
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  /** A hook that appends its stdin JSON as one line to the log; Stop refuses the first turn end. */
  function recorder(event: CodexHookEvent): string {
    const append = `{ printf '%s' "$input" | tr -d '\\n'; echo; } >> '${log}'`;
    if (event !== 'Stop') return `input=$(cat); ${append}`;
    return `input=$(cat); ${append}; case "$input" in *'"stop_hook_active":false'*) printf '%s' '{"decision":"block","reason":"${REASON}"}';; esac`;
  }

  async function launch(script: Script, prompt: string, opts: { hookArgs?: string[] } = {}): Promise<PtyScreen> {
    standin = await OpenAIStandin.start(script);
    home = await CodexHome.create(standin.baseUrl);
    const hookArgs = opts.hookArgs ?? codexHookArgs(Object.fromEntries(EVENTS.map((e) => [e, recorder(e)])) as Record<CodexHookEvent, string>);
    const args = [...codexLaunchArgs({ worktree: repo, brief: 'DEVELOPER-BRIEF-7731', hookArgs }), prompt];
    const screen = new PtyScreen(codexPath, args, { cwd: repo, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...home.env() } });
    screens.push(screen);
    return screen;
  }

  async function hooks(): Promise<HookEvent[]> {
    return (await readFile(log, 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as HookEvent);
  }

  test('--version names the pin', async () => {
    const { stdout } = await run(codexPath, ['--version']);
    expect(stdout.trim()).toBe(`codex-cli ${CODEX_VERSION}`);
  });

  test('with our -c overrides: no trust or hook review screen, brief in the developer message, task as the prompt, Stop refuses once, Ctrl-D exits 0 with the resume line, nothing written to config.toml', async () => {
    const screen = await launch((_req, i) => ({ text: `reply ${i}` }), 'TASK-PROMPT-4417');
    const configBefore = await home!.config();
    await standin!.waitForMain(2, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${screen.screen()}`);
    });
    const [first, second] = standin!.mainRequests;
    expect(messagesOf(first!, 'developer').join('\n')).toContain('DEVELOPER-BRIEF-7731');
    expect(lastUserText(first!)).toBe('TASK-PROMPT-4417');
    expect(lastUserText(second!)).toMatch(new RegExp(`^<hook_prompt [^>]*>${REASON.replace(/[.]/g, '\\.')}</hook_prompt>$`));
    await waitFor(async () => (await hooks()).filter((e) => e.hook_event_name === 'Stop').length === 2, 'the second Stop');
    await screen.waitForScreen(IDLE);
    expect(screen.screen()).not.toMatch(/Trust this folder|Hooks need review/);

    screen.write('\x04');
    const exit = await screen.exited;
    expect(exit.exitCode).toBe(0);
    const events = await hooks();
    const id = events[0]?.session_id as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(screen.screen()).toContain(`codex resume ${id}`);
    expect(events.map((e) => e.hook_event_name)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'Stop', 'SessionEnd']);
    expect(events[0]).toMatchObject({ source: 'startup', cwd: repo });
    expect(events.filter((e) => e.hook_event_name === 'Stop').map((e) => e.stop_hook_active)).toEqual([false, true]);
    expect(events.at(-1)).toMatchObject({ session_id: id, reason: 'other' });
    expect(await home!.config()).toBe(configBefore);
    expect(existsSync(join(home!.dir, '.codex', 'packages'))).toBe(false);
    expect(await codexProcesses(codexPath)).not.toContain(screen.pid);
  }, 60_000);

  test('`codex resume <id>` before our arguments continues the session: earlier turns in the request, SessionStart with source resume', async () => {
    const screen = await launch((_req, i) => ({ text: `reply ${i}` }), 'FIRST-RUN-PROMPT');
    await standin!.waitForMain(2, 30_000);
    await screen.waitForScreen(IDLE);
    screen.write('\x04');
    expect((await screen.exited).exitCode).toBe(0);
    const id = (await hooks())[0]?.session_id as string;
    const hookArgs = codexHookArgs(Object.fromEntries(EVENTS.map((e) => [e, recorder(e)])) as Record<CodexHookEvent, string>);
    const args = ['resume', id, ...codexLaunchArgs({ worktree: repo, brief: 'DEVELOPER-BRIEF-7731', hookArgs }), 'RESUMED-PROMPT'];
    const again = new PtyScreen(codexPath, args, { cwd: repo, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...home!.env() } });
    screens.push(again);
    await standin!.waitForMain(3, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${again.screen()}`);
    });
    const third = standin!.mainRequests[2]!;
    expect(messagesOf(third, 'user').join('\n')).toContain('FIRST-RUN-PROMPT');
    expect(lastUserText(third)).toBe('RESUMED-PROMPT');
    const starts = (await hooks()).filter((e) => e.hook_event_name === 'SessionStart');
    expect(starts.at(-1)).toMatchObject({ session_id: id, source: 'resume' });
  }, 60_000);

  test('a line written in one go with Enter stays in the composer (a paste); as a bracketed paste then Enter it is sent', async () => {
    const screen = await launch((_req, i) => ({ text: `reply ${i}` }), 'hello');
    await standin!.waitForMain(2, 30_000); // the first turn and its refused stop
    await screen.waitForScreen(/reply 1[\s\S]*› Ask Codex to do anything/);
    screen.write('PLAIN-LINE-5521\r');
    await screen.waitForScreen(/› PLAIN-LINE-5521/);
    // Then the nudge's way (src/supervisor/nudge.ts nudgeLine): one request carries both lines,
    // so the first was never sent on its own.
    screen.write(nudgeLine([], 'codex'));
    await standin!.waitForMain(3, 15_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${screen.screen()}`);
    });
    const sent = lastUserText(standin!.mainRequests[2]!);
    expect(sent).toContain('PLAIN-LINE-5521');
    expect(sent).toContain('The team handoff was synced');
  }, 60_000);

  test('a hook whose trusted hash does not match is held back behind the review screen', async () => {
    const good = codexHookArgs(Object.fromEntries(EVENTS.map((e) => [e, recorder(e)])) as Record<CodexHookEvent, string>);
    const bad = good.map((a) => (a.startsWith('hooks.state=') ? a.replace(/sha256:[0-9a-f]{8}/, 'sha256:00000000') : a));
    const screen = await launch((_req, i) => ({ text: `reply ${i}` }), 'hello', { hookArgs: bad });
    await screen.waitForScreen(/Hooks need review[\s\S]*1 hook is new or changed/);
    expect(await hooks()).toEqual([]);
  }, 60_000);

  test('a command outside the sandbox: the approval screen shows with PermissionRequest, busy shows Working, PostToolUse after the answer', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const screen = await launch(
      (_req, i) =>
        i === 0
          ? { call: { name: 'exec_command', arguments: { cmd: 'echo ok > marker.txt', sandbox_permissions: 'require_escalated', justification: 'Write a marker' } } }
          : { text: 'done', until: held },
      'run it',
    );
    const asking = await screen.waitForScreen(/Would you like to run the following command\?[\s\S]*› 1\. Yes, proceed \(y\)/, 30_000);
    expect(asking).toContain('$ echo ok > marker.txt');
    await waitFor(async () => (await hooks()).some((e) => e.hook_event_name === 'PermissionRequest'), 'PermissionRequest');
    expect((await hooks()).find((e) => e.hook_event_name === 'PermissionRequest')).toMatchObject({ tool_name: 'Bash', tool_input: { command: 'echo ok > marker.txt' } });
    // A key that comes right as the dialog opens is dropped (no accidental approvals): confirm the
    // preselected "Yes" with Enter until Codex takes it (an extra Enter on an empty prompt does nothing).
    await waitUntil(() => {
      if (screen.screen().includes('You approved codex')) return true;
      screen.write('\r');
      return false;
    }, { interval: 500, timeout: 15_000, message: () => `the approval taken; the screen:\n${screen.screen()}` });
    await screen.waitForScreen(/• Working \(\d+s • esc to interrupt\)/);
    await waitFor(async () => (await hooks()).some((e) => e.hook_event_name === 'PostToolUse'), 'PostToolUse');
    release();
    await screen.waitForScreen(IDLE);
    expect(existsSync(join(repo, 'marker.txt'))).toBe(true);
  }, 60_000);
});
