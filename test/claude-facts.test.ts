// Facts about the pinned Claude Code that the supervisor relies on, checked against the real CLI
// in a real PTY, talking to a local stand-in for the Anthropic API (docs/claude-code.md explains
// each). When the CLI cannot be installed the whole suite is skipped, loudly.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AnthropicStandin, lastUserText, systemText, type MessagesRequest, type Reply } from './anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, PtyScreen, findClaude, waitFor, type HookEvent } from './helpers/claude.js';

const claude = await findClaude();
const skipped = 'skipped' in claude ? claude.skipped : undefined;
if (skipped && process.env.SUPERVISE_REQUIRE_CLAUDE === '1') throw new Error(`SUPERVISE_REQUIRE_CLAUDE=1 but ${skipped}`);
if (skipped) console.warn(`\n!!! Claude Code ${CLAUDE_VERSION} facts SKIPPED: ${skipped}\n`);
const claudePath = 'path' in claude ? claude.path : '';

// A network namespace lets the no-network test run without any traffic leaving the machine.
const netns = await promisify(execFile)('unshare', ['-n', 'true']).then(
  () => undefined,
  (err: Error) => `unshare -n is not available (${err.message.split('\n')[0]})`,
);

/** A loopback port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const HANDOFF = '# Handoff\n\n## Current State\nAll tasks finished.\n';
// Auto mode is the default permission mode: the footer names it, and adds "· esc to interrupt"
// while the model works, so idle is the footer line ending right after the mode.
const IDLE_FOOTER = /⏵⏵ auto mode on \(shift\+tab to cycle\) *(\n|$)/;

describe.skipIf(skipped !== undefined)(`Claude Code ${CLAUDE_VERSION} facts${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let sb: ClaudeSandbox;
  let standin: AnthropicStandin | undefined;
  const screens: PtyScreen[] = [];

  beforeEach(async () => {
    sb = await ClaudeSandbox.create();
  });
  afterEach(async () => {
    for (const s of screens.splice(0)) await s.dispose();
    await standin?.close();
    standin = undefined;
    await sb.cleanup();
  });

  async function serve(script: Reply[] | ((req: MessagesRequest, index: number) => Reply)): Promise<AnthropicStandin> {
    standin = await AnthropicStandin.start(script);
    return standin;
  }

  function launch(args: string[], options: { cwd?: string; env?: Record<string, string>; file?: string; pre?: string[] } = {}): PtyScreen {
    if (!options.env && !standin) throw new Error('serve() a stand-in before launching, or pass env');
    const env = options.env ?? sb.env(standin!.url);
    const s = new PtyScreen(options.file ?? claudePath, [...(options.pre ?? []), ...args], { cwd: options.cwd ?? sb.repo, env });
    screens.push(s);
    return s;
  }

  /** Adds the program's screen to a failure, since that is where Claude Code says what went wrong. */
  async function showing<T>(s: PtyScreen, pending: Promise<T>): Promise<T> {
    return pending.catch((err: Error) => {
      throw new Error(`${err.message}\nscreen:\n${s.screen()}`);
    });
  }

  async function events(name: string): Promise<HookEvent[]> {
    return (await sb.hookEvents()).filter((e) => e.hook_event_name === name);
  }

  async function exitByTyping(s: PtyScreen): Promise<{ exitCode: number }> {
    await s.waitForScreen(IDLE_FOOTER);
    s.write('/exit');
    await s.waitForScreen('Exit the CLI');
    s.write('\r');
    return s.exited;
  }

  test('--append-system-prompt text arrives in system; the task is the first user message', async () => {
    await sb.writeSettings({ hooks: sb.recordingHooks() });
    const api = await serve([{ text: 'Hello from the stand-in.' }]);
    const s = launch(['--append-system-prompt', 'TEAM-BRIEF-7731', 'Build the parser']);
    await api.waitForMain(1);
    const req = api.mainRequests[0]!;
    expect(systemText(req)).toContain('TEAM-BRIEF-7731');
    expect(Array.isArray(req.system)).toBe(true);
    expect(req.stream).toBe(true);
    expect(lastUserText(req)).toContain('Build the parser');
    // The idle screen: the reply, then the empty prompt between two rules, then the footer. No
    // side request (session title, HEAD probe) is sent any more: only main-loop requests.
    const screen = await s.waitForScreen(/Hello from the stand-in\.[\s\S]*\n─{20,}\n❯[\u00a0 ]*\n─{20,}\n {2}⏵⏵ auto mode on/);
    expect(screen).toContain(`Claude Code v${CLAUDE_VERSION}`);
    expect(api.requests.map((r) => r.kind)).toEqual(['main']);
    expect(api.exhausted).toBe(0);
  });

  test('the footer says "esc to interrupt" while the model works, and only names the mode when idle', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const api = await serve([{ text: 'Slow answer.', until: held }]);
    const s = launch(['Think']);
    await api.waitForMain(1);
    const working = await s.waitForScreen('esc to interrupt');
    expect(working).not.toContain(IDLE_FOOTER);
    release();
    const idle = await s.waitForScreen(new RegExp(`Slow answer\\.[\\s\\S]*${IDLE_FOOTER.source}`));
    expect(idle).not.toContain('esc to interrupt');
  });

  test('--settings JSON carries hooks and permission rules without touching the worktree', async () => {
    const handoffPath = join(sb.repo, 'HANDOFF.md');
    await serve([{ toolUse: { name: 'Write', input: { file_path: handoffPath, content: HANDOFF } } }, { text: 'Written.' }]);
    const settings = { hooks: sb.recordingHooks(), permissions: { allow: ['Edit(HANDOFF.md)'] } };
    launch(['--settings', JSON.stringify(settings), 'Write the handoff']);
    expect(await sb.waitForHook('Stop')).toMatchObject({ last_assistant_message: 'Written.' });
    expect(await readFile(handoffPath, 'utf8')).toBe(HANDOFF);
    expect(await events('Notification')).toEqual([]);
  });

  test('hooks in settings.local.json receive SessionStart, UserPromptSubmit and Stop as JSON', async () => {
    const context = { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'SESSION-CONTEXT-5150' } };
    const hooks = sb.recordingHooks();
    hooks.SessionStart = [{ hooks: [{ type: 'command', command: sb.recorder(JSON.stringify(context)) }] }];
    await sb.writeSettings({ hooks });
    const api = await serve([{ text: 'Done here.' }]);
    launch(['Say hello']);
    const stop = await sb.waitForHook('Stop');
    const [start] = await events('SessionStart');
    const [prompt] = await events('UserPromptSubmit');
    expect(start).toMatchObject({ hook_event_name: 'SessionStart', source: 'startup', cwd: sb.repo });
    expect(start!.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(start!.transcript_path)).toContain(join(sb.home, '.claude', 'projects'));
    expect(prompt).toMatchObject({ prompt: 'Say hello', session_id: start!.session_id, permission_mode: 'auto' });
    expect(stop).toMatchObject({ stop_hook_active: false, last_assistant_message: 'Done here.', session_id: start!.session_id });
    // SessionStart's additionalContext comes back as a system-role message inside `messages`.
    const system = api.mainRequests[0]!.messages.filter((m) => m.role === 'system');
    expect(JSON.stringify(system)).toContain('SessionStart hook additional context: SESSION-CONTEXT-5150');
  });

  test('/exit ends the session with SessionEnd prompt_input_exit and exit code 0', async () => {
    await sb.writeSettings({ hooks: sb.recordingHooks() });
    await serve([{ text: 'Ready.' }]);
    const s = launch(['Start']);
    await sb.waitForHook('Stop');
    expect((await exitByTyping(s)).exitCode).toBe(0);
    expect(await sb.waitForHook('SessionEnd')).toMatchObject({ reason: 'prompt_input_exit' });
  });

  test.each([
    ['SIGHUP', 129],
    ['SIGTERM', 143],
  ] as const)('%s ends the session with SessionEnd reason other', async (signal, code) => {
    await sb.writeSettings({ hooks: sb.recordingHooks() });
    await serve([{ text: 'Ready.' }]);
    const s = launch(['Start']);
    await sb.waitForHook('Stop');
    s.kill(signal);
    expect((await s.exited).exitCode).toBe(code);
    expect(await sb.waitForHook('SessionEnd')).toMatchObject({ reason: 'other' });
  });

  test('a Stop hook block reaches the model as "Stop hook feedback"; the next Stop has stop_hook_active', async () => {
    const block = JSON.stringify({ decision: 'block', reason: 'HANDOFF.md was not updated.' });
    const log = `'${sb.hookLog}'`;
    // Record the event, then block unless this Stop already follows a block (as the supervisor's hook must).
    const stopHook = `IN=$(cat); printf '%s\\n' "$IN" | tr -d '\\n' >> ${log}; echo >> ${log}; case "$IN" in *'"stop_hook_active":true'*) ;; *) printf '%s' '${block}';; esac`;
    const hooks = sb.recordingHooks();
    hooks.Stop = [{ hooks: [{ type: 'command', command: stopHook }] }];
    await sb.writeSettings({ hooks, permissions: { allow: ['Edit(HANDOFF.md)'] } });
    const handoffPath = join(sb.repo, 'HANDOFF.md');
    const api = await serve((req) =>
      lastUserText(req).includes('Stop hook feedback')
        ? { text: 'Updating the handoff.', toolUse: { name: 'Write', input: { file_path: handoffPath, content: HANDOFF } } }
        : { text: 'Finished.' },
    );
    launch(['Do the work']);
    await waitFor(async () => (await events('Stop')).length >= 2, 'a second Stop');
    const stops = await events('Stop');
    expect(stops.map((e) => e.stop_hook_active)).toEqual([false, true]);
    // The feedback comes wrapped in a <system-reminder> that says it is a hook's, not the user's.
    const feedback = lastUserText(api.mainRequests[1]!);
    expect(feedback).toMatch(/^<system-reminder>\n[\s\S]*output of a hook[\s\S]*\nStop hook feedback:\nHANDOFF\.md was not updated\.\n<\/system-reminder>$/);
    // Edit(HANDOFF.md) let the Write through without a permission prompt.
    expect(await readFile(handoffPath, 'utf8')).toBe(HANDOFF);
    expect(lastUserText(api.mainRequests[2]!)).toContain('File created successfully');
    expect(await events('Notification')).toEqual([]);
  });

  test('a Write rule does not allow Write: PermissionRequest at once, the prompt, then Notification permission_prompt', async () => {
    const hooks = sb.recordingHooks(['UserPromptSubmit', 'PermissionRequest', 'PostToolUse', 'Notification', 'Stop']);
    await sb.writeSettings({ hooks, permissions: { allow: ['Write(HANDOFF.md)', 'Write(./HANDOFF.md)'] } });
    const handoffPath = join(sb.repo, 'HANDOFF.md');
    await serve([{ toolUse: { name: 'Write', input: { file_path: handoffPath, content: HANDOFF } } }, { text: 'Written.' }]);
    // In auto mode (the default) the Write goes through; a user in the default mode gets the prompt.
    const s = launch(['--permission-mode', 'default', 'Write the handoff']);
    const screen = await s.waitForScreen(/Do you want to create HANDOFF\.md\?[\s\S]*❯ 1\. Yes/);
    expect(screen).toContain('Esc to cancel');
    expect(await sb.waitForHook('PermissionRequest')).toMatchObject({ tool_name: 'Write', tool_input: { file_path: handoffPath } });
    const note = await sb.waitForHook('Notification', () => true, 30_000);
    expect(note).toMatchObject({ notification_type: 'permission_prompt', message: 'Claude needs your permission' });
    s.write('\r');
    await sb.waitForHook('Stop');
    expect(await readFile(handoffPath, 'utf8')).toBe(HANDOFF);
    const order = (await sb.hookEvents()).map((e) => e.hook_event_name);
    expect(order).toEqual(['UserPromptSubmit', 'PermissionRequest', 'Notification', 'PostToolUse', 'Stop']);
  }, 60_000);

  test('an existing HANDOFF.md is replaced by a Write without a Read first', async () => {
    await sb.writeSettings({ permissions: { allow: ['Edit(HANDOFF.md)'] } });
    const handoffPath = join(sb.repo, 'HANDOFF.md');
    await writeFile(handoffPath, '# Old handoff\n');
    const write: Reply = { toolUse: { name: 'Write', input: { file_path: handoffPath, content: HANDOFF } } };
    const api = await serve([write, { text: 'Replaced.' }]);
    launch(['Update the handoff']);
    await api.waitForMain(2);
    expect(lastUserText(api.mainRequests[1]!)).toContain('has been updated successfully');
    expect(await readFile(handoffPath, 'utf8')).toBe(HANDOFF);
  });

  test('--resume <session id> works offline: SessionStart source resume, the history is sent again', async () => {
    await sb.writeSettings({ hooks: sb.recordingHooks() });
    const api = await serve((_req, i) => ({ text: `Answer ${i}.` }));
    const first = launch(['First task']);
    const start = await sb.waitForHook('SessionStart');
    await sb.waitForHook('Stop');
    // The transcript is written a little after Stop, its lines not always in turn order; a
    // hang-up before both are there loses the turn and --resume then answers "No conversation
    // found with session ID".
    const transcript = String(start.transcript_path);
    await waitFor(async () => {
      const lines = (await readFile(transcript, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      const has = (type: string, text: string): boolean => lines.some((l) => l.includes(`"type":"${type}"`) && l.includes(text));
      return has('user', 'First task') && has('assistant', 'Answer 0.');
    }, 'the transcript');
    first.kill('SIGHUP');
    await first.exited;
    const id = String(start.session_id);
    // --append-system-prompt is dropped on --resume: the supervisor's SessionStart hook re-injects
    // the team handoff as additionalContext (source "resume") instead.
    const second = launch(['--resume', id, '--append-system-prompt', 'RESUMED-BRIEF', 'Second task']);
    expect(await showing(second, sb.waitForHook('SessionStart', (e) => e.source === 'resume'))).toMatchObject({ session_id: id });
    await api.waitForMain(2);
    const req = api.mainRequests[1]!;
    expect(JSON.stringify(req.messages)).toContain('Answer 0.');
    expect(lastUserText(req)).toBe('Second task');
    expect(JSON.stringify(req)).not.toContain('RESUMED-BRIEF');
  });

  describe('trust', () => {
    async function startsWithoutDialog(cwd: string): Promise<void> {
      await sb.writeSettings({ hooks: sb.recordingHooks() }, cwd);
      await serve([{ text: 'Trusted.' }]);
      const s = launch(['Hi'], { cwd });
      await s.waitForScreen(/Trusted\.|Quick safety check/);
      expect(s.screen()).not.toContain('Quick safety check');
      expect(await sb.waitForHook('SessionStart')).toMatchObject({ cwd });
    }

    test('a worktree inside the trusted repository needs no dialog', async () => {
      const cwd = join(sb.repo, '.worktrees', 'backend');
      await sb.git('worktree', 'add', '-q', '-b', 'agent/backend', cwd);
      await startsWithoutDialog(cwd);
    });

    test('a linked worktree outside the repository is trusted through its main repository', async () => {
      const cwd = join(sb.dir, 'worktrees', 'backend');
      await sb.git('worktree', 'add', '-q', '-b', 'agent/backend', cwd);
      await startsWithoutDialog(cwd);
    });

    test('a plain directory outside shows the trust dialog and runs no hooks', async () => {
      const cwd = join(sb.dir, 'elsewhere');
      await mkdir(cwd);
      await sb.writeSettings({ hooks: sb.recordingHooks() }, cwd);
      await serve([{ text: 'Trusted.' }]);
      const s = launch(['Hi'], { cwd });
      const screen = await s.waitForScreen('Quick safety check: Is this a project you created or one you trust?');
      // "No, exit" is the default choice now.
      expect(screen).toMatch(/❯ No, exit\s+Yes, I trust this folder/);
      expect(await sb.hookEvents()).toEqual([]);
      expect(standin!.mainRequests).toEqual([]);
    });

    test('CLAUDE_CODE_SANDBOXED=1 skips the dialog for an untrusted directory', async () => {
      const cwd = join(sb.dir, 'elsewhere');
      await mkdir(cwd);
      await sb.writeSettings({ hooks: sb.recordingHooks() }, cwd);
      await serve([{ text: 'Trusted.' }]);
      const s = launch(['Hi'], { cwd, env: { ...sb.env(standin!.url), CLAUDE_CODE_SANDBOXED: '1' } });
      await s.waitForScreen(/Trusted\.|Quick safety check/);
      expect(s.screen()).not.toContain('Quick safety check');
      expect(await sb.waitForHook('SessionStart')).toMatchObject({ cwd });
    });
  });

  describe('without a reachable API', () => {
    test('an onboarded CLI starts anyway and retries the request', async () => {
      const s = launch(['Hi'], { env: sb.env(`http://127.0.0.1:${await closedPort()}`) });
      await s.waitForScreen(/Connection refused — a firewall or proxy may be blocking it \(ECONNREFUSED\)[\s\S]*attempt [2-9]\/10/);
      expect(s.exitStatus).toBeUndefined();
      expect(s.screen()).not.toContain('Unable to connect to Anthropic services');
    });

    test.skipIf(netns !== undefined)(`without onboarding it prints "Unable to connect to Anthropic services" and exits 1${netns ? ` (SKIPPED: ${netns})` : ''}`, async () => {
      await rm(join(sb.home, '.claude.json'));
      const env = sb.env(`http://127.0.0.1:${await closedPort()}`);
      const s = launch(['Hi'], { env, file: 'unshare', pre: ['-n', '--', claudePath] });
      expect((await s.exited).exitCode).toBe(1);
      await s.drained();
      expect(s.screen()).toContain('Unable to connect to Anthropic services');
    });
  });
});
