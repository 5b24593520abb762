// Facts about the pinned Gemini CLI that the gemini preset relies on, checked against the real
// CLI in a real PTY talking to the local stand-in of the Gemini API (docs/gemini.md explains
// each). When the CLI cannot be installed the whole suite is skipped, loudly.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GeminiStandin, firstUserText, lastUserText, type GenerateRequest, type Reply } from './gemini-standin.js';
import { GEMINI_VERSION, GeminiHome, TEST_MODEL, findGemini, skipReason } from './helpers/gemini.js';
import { PtyScreen } from './helpers/claude.js';
import { waitFor } from './helpers/wait.js';
import { GEMINI_SECRET_ENV } from '../src/agents/geminiSettings.js';

const found = await findGemini();
const skipped = skipReason(found, `Gemini CLI ${GEMINI_VERSION} facts`);
const geminiPath = 'path' in found ? found.path : '';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDLE = 'Type your message or @path/to/file';
const EVENTS = ['SessionStart', 'BeforeAgent', 'AfterAgent', 'BeforeTool', 'AfterTool', 'Notification', 'SessionEnd'];

type HookEvent = Record<string, unknown> & { hook_event_name: string };

describe.skipIf(skipped !== undefined)(`Gemini CLI ${GEMINI_VERSION} facts${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let home: GeminiHome;
  let repo: string;
  let hookLog: string;
  let envLog: string;
  let standin: GeminiStandin | undefined;
  const screens: PtyScreen[] = [];

  beforeEach(async () => {
    home = await GeminiHome.create();
    repo = await realpath(await mkdtemp(join(tmpdir(), 'gemini-facts-')));
    spawnSync('git', ['init', '-q', repo]);
    hookLog = join(home.dir, 'hooks.jsonl');
    envLog = join(home.dir, 'hook-env.txt');
    await writeFile(hookLog, '');
    await writeFile(join(repo, 'GEMINI.md'), 'GEMINI-MD-MARKER: the context file of this repository.\n');
    // Every event recorded; SessionStart also answers with additionalContext and notes which
    // secret variables its hook still sees.
    const record = `{ tr -d '\\n'; echo; } >> '${hookLog}'`;
    const sessionStart = `${record}; printf '%s %s\\n' "\${${GEMINI_SECRET_ENV}:-none}" "\${SUPERVISE_HOOK_SECRET:-none}" >> '${envLog}'; printf '%s' '{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"SESSION-START-CONTEXT"}}'`;
    const hooks = Object.fromEntries(EVENTS.map((e) => [e, [{ hooks: [{ type: 'command', command: e === 'SessionStart' ? sessionStart : record }] }]]));
    await mkdir(join(repo, '.gemini'));
    // Redaction on, as a careful user sets it: hooks then lose variables named like secrets.
    const security = { environmentVariableRedaction: { enabled: true } };
    await writeFile(join(repo, '.gemini', 'settings.json'), `${JSON.stringify({ security, hooks }, null, 2)}\n`);
  });
  afterEach(async () => {
    for (const s of screens.splice(0)) await s.dispose();
    await standin?.close();
    standin = undefined;
    await home.cleanup();
    await rm(repo, { recursive: true, force: true });
  });

  function launch(args: string[], extraEnv: Record<string, string> = {}): PtyScreen {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...home.env(standin!.url), GEMINI_CLI_TRUST_WORKSPACE: 'true', ...extraEnv };
    const s = new PtyScreen(process.execPath, [geminiPath, '-m', TEST_MODEL, ...args], { cwd: repo, env });
    screens.push(s);
    return s;
  }

  async function events(name?: string): Promise<HookEvent[]> {
    const all = (await readFile(hookLog, 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as HookEvent);
    return name ? all.filter((e) => e.hook_event_name === name) : all;
  }

  function showing<T>(s: PtyScreen, pending: Promise<T>): Promise<T> {
    return pending.catch((err: Error) => {
      throw new Error(`${err.message}\nscreen:\n${s.screen()}`);
    });
  }

  test('-i, GEMINI.md, hooks with their fields, the approval prompt, /quit and --resume', async () => {
    const script = (_req: GenerateRequest, index: number): Reply =>
      index === 0 ? { call: { name: 'run_shell_command', args: { command: 'touch made-by-shell' } } } : { text: `done ${index}` };
    standin = await GeminiStandin.start(script);
    const s = launch(['-i', 'THE-FIRST-PROMPT'], { SUPERVISE_HOOK_SECRET: 'plain', [GEMINI_SECRET_ENV]: 'kept' });

    // The first request: streamed, the key in a header, the -i prompt and GEMINI.md in the first user turn.
    await showing(s, standin.waitForMain(1, 60_000));
    const first = standin.requests.find((r) => r.path.includes(':streamGenerateContent'))!;
    expect(first.path).toBe(`/v1beta/models/${TEST_MODEL}:streamGenerateContent?alt=sse`);
    expect(first.headers['x-goog-api-key']).toBe(home.env('').GEMINI_API_KEY);
    expect(standin.requests.some((r) => r.path.includes(':generateContent'))).toBe(false);
    const firstTurn = firstUserText(standin.mainRequests[0]!);
    expect(firstTurn).toContain('THE-FIRST-PROMPT');
    expect(firstTurn).toContain('GEMINI-MD-MARKER');
    // SessionStart's additionalContext at startup reaches the first request too.
    const sessionStartContext = JSON.stringify(standin.mainRequests[0]).includes('SESSION-START-CONTEXT');
    expect(sessionStartContext).toBe(true);

    // The shell command asks first: the screen shows it and Notification says ToolPermission.
    // The question and its menu are drawn in more than one frame: wait for the whole of it.
    const asking = await showing(s, s.waitForScreen(/Allow execution of[\s\S]*●\s*1\. Allow once/, 30_000));
    expect(asking).toMatch(/●\s*1\. Allow once/);
    await waitFor(async () => (await events('Notification')).length > 0, { timeout: 10_000, message: 'a Notification hook' });
    expect((await events('Notification'))[0]).toMatchObject({ notification_type: 'ToolPermission' });
    s.write('\r');
    await showing(s, standin.waitForMain(2, 30_000));
    await waitFor(async () => (await events('AfterAgent')).length > 0, { timeout: 20_000, message: 'an AfterAgent hook' });
    await showing(s, s.waitForScreen(IDLE, 20_000));

    const start = (await events('SessionStart'))[0]!;
    expect(start.source).toBe('startup');
    expect(start.session_id).toMatch(UUID);
    const sessionId = start.session_id as string;
    expect((await events('BeforeAgent'))[0]).toMatchObject({ prompt: 'THE-FIRST-PROMPT' });
    expect((await events('AfterTool'))[0]).toMatchObject({ tool_name: 'run_shell_command' });
    expect((await events('AfterAgent'))[0]).toMatchObject({ prompt: 'THE-FIRST-PROMPT', prompt_response: 'done 1', stop_hook_active: false, session_id: sessionId });
    // The hook sees the secret under its GEMINI_CLI_ name, which the CLI's redaction never removes
    // (in this version the plain name got through too, even with redaction on).
    const hookEnv = (await readFile(envLog, 'utf8')).trim();
    expect(hookEnv).toMatch(/^kept /);
    const order = (await events()).map((e) => e.hook_event_name);
    expect(order.slice(0, 3)).toEqual(['SessionStart', 'BeforeAgent', 'BeforeTool']);

    // /quit: exit 0, the resume command on screen, SessionEnd with reason exit (more than once).
    s.write('/quit');
    await s.waitForScreen('/quit');
    // On a busy machine the CLI can drop an Enter that arrives while it draws its command menu:
    // press it again until it exits (at most ten times, two seconds each).
    const exit = await showing(
      s,
      (async () => {
        for (let i = 0; i < 10; i++) {
          s.write('\r');
          const done = await Promise.race([s.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000))]);
          if (done) return done;
        }
        throw new Error('no exit after /quit');
      })(),
    );
    expect(exit.exitCode).toBe(0);
    await s.drained();
    expect(s.screen()).toContain(`gemini --resume ${sessionId}`);
    const ends = await events('SessionEnd');
    expect(ends.length).toBeGreaterThanOrEqual(1);
    expect(ends.every((e) => e.reason === 'exit')).toBe(true);

    // --resume <id> with -i: the earlier conversation is sent again, SessionStart says resume.
    const again = launch(['--resume', sessionId, '-i', 'THE-SECOND-PROMPT']);
    await showing(again, standin.waitForMain(3, 60_000));
    const resumed = standin.mainRequests[2]!;
    expect(JSON.stringify(resumed)).toContain('THE-FIRST-PROMPT');
    expect(lastUserText(resumed)).toContain('THE-SECOND-PROMPT');
    await waitFor(async () => (await events('SessionStart')).length >= 2, { timeout: 10_000, message: 'the second SessionStart' });
    expect((await events('SessionStart'))[1]).toMatchObject({ source: 'resume', session_id: sessionId });

    await writeFile(
      join(tmpdir(), 'gemini-facts-observed.txt'),
      `SessionStart additionalContext in the first request: ${sessionStartContext}\nsecrets the hook saw (GEMINI_CLI_ name, plain name): ${hookEnv}\nSessionEnd on /quit: ${ends.length}\nhook order: ${order.join(' → ')}\n`,
    );
  }, 240_000);

  test('without auth settings it exits 41; an untrusted folder run headless exits 55', async () => {
    standin = await GeminiStandin.start(() => ({ text: 'unused' }));
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...home.env(standin.url) };
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [geminiPath, '-m', TEST_MODEL, '-p', 'hello'], { cwd: repo, env, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const untrusted = run(base);
    expect(untrusted.status, untrusted.stderr).toBe(55);
    expect(untrusted.stderr).toContain('GEMINI_CLI_TRUST_WORKSPACE=true');
    await writeFile(join(home.dir, '.gemini', 'settings.json'), '{}\n');
    const noAuth = run({ ...base, GEMINI_CLI_TRUST_WORKSPACE: 'true' });
    expect(noAuth.status, noAuth.stderr).toBe(41);
    expect(standin.mainRequests).toHaveLength(0);
  }, 120_000);
});
