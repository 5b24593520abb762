import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installClaudeShim, readNdjson, runFakeAgent, PtyRun } from './helpers/fakeAgent.js';
import { makeTempRepo, type TempRepo } from './helpers/tempRepo.js';
import { waitFor } from './helpers/wait.js';

interface HookInput {
  session_id: string;
  transcript_path: string;
  cwd: string;
  permission_mode: string;
  hook_event_name: string;
  source?: string;
  stop_hook_active?: boolean;
  reason?: string;
  message?: string;
  notification_type?: string;
  prompt?: string;
}
interface HookCall {
  input: HookInput;
  projectDir: string;
  transcriptExists: boolean;
  handoff: string | null;
}

// Records every call and answers the way a supervisor's hooks would, steered by HOOK_STOP.
const RECORDER = `
const fs = require('fs');
let raw = '';
process.stdin.on('data', (d) => (raw += d)).on('end', () => {
  const input = JSON.parse(raw);
  let handoff = null;
  try { handoff = fs.readFileSync('HANDOFF.md', 'utf8'); } catch {}
  fs.appendFileSync(process.env.HOOK_LOG, JSON.stringify({
    input, projectDir: process.env.CLAUDE_PROJECT_DIR, transcriptExists: fs.existsSync(input.transcript_path), handoff,
  }) + '\\n');
  const mode = process.env.HOOK_STOP || 'allow';
  if (input.hook_event_name === 'SessionStart') {
    process.stdout.write(JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'Team handoff injected\\nsecond line' } }));
  }
  if (input.hook_event_name === 'Stop') {
    if (mode === 'block-json' && !input.stop_hook_active) process.stdout.write(JSON.stringify({ decision: 'block', reason: 'HANDOFF.md was not updated' }));
    if (mode === 'block-exit2' && !input.stop_hook_active) { process.stderr.write('Blockers section is missing'); process.exit(2); }
    if (mode === 'block-always') process.stdout.write(JSON.stringify({ decision: 'block', reason: 'still not valid' }));
  }
});
`;

const EVENTS = ['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'SessionEnd'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let base: string;
let repo: TempRepo;
let hookLog: string;
let runs: PtyRun[];

function writeSettings(dir: string): void {
  const script = join(base, 'hook.cjs');
  writeFileSync(script, RECORDER);
  const command = `'${process.execPath}' '${script}'`;
  const hooks = Object.fromEntries(EVENTS.map((e) => [e, [{ matcher: '', hooks: [{ type: 'command', command, timeout: 30 }] }]]));
  mkdirSync(join(dir, '.claude'), { recursive: true });
  writeFileSync(join(dir, '.claude', 'settings.local.json'), JSON.stringify({ hooks }, null, 2));
}

function start(args: string[], env: Record<string, string> = {}, cwd = repo.dir): PtyRun {
  const run = runFakeAgent(['--fake-work', '40', ...args], { cwd, env: agentEnv(env) });
  runs.push(run);
  return run;
}

function agentEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SUPERVISE_') && !k.startsWith('FAKE_AGENT_')));
  return { ...clean, TMPDIR: join(base, 'tmp'), HOOK_LOG: hookLog, ...env };
}

const calls = (): HookCall[] => readNdjson<HookCall>(hookLog);
const named = (event: string): HookCall[] => calls().filter((c) => c.input.hook_event_name === event);
const handoff = (): string => readFileSync(join(repo.dir, 'HANDOFF.md'), 'utf8');

const TEMPLATE = readFileSync(new URL('../templates/HANDOFF.md', import.meta.url), 'utf8');

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'fake-agent-test-')));
  mkdirSync(join(base, 'tmp'));
  repo = makeTempRepo({ parent: base });
  hookLog = join(base, 'hooks.ndjson');
  writeFileSync(join(repo.dir, 'HANDOFF.md'), TEMPLATE.replace('{{project}}', 'Auth System'));
  writeSettings(repo.dir);
  runs = [];
});

afterEach(async () => {
  await Promise.all(runs.map((r) => r.dispose()));
  rmSync(base, { recursive: true, force: true });
});

describe('hooks', () => {
  it('calls SessionStart, UserPromptSubmit, Stop and SessionEnd in order with Claude Code fields', async () => {
    const run = start(['Implement logout']);
    expect(await run.exited).toEqual({ exitCode: 0, signal: 0 });
    const log = calls();
    expect(log.map((c) => c.input.hook_event_name)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd']);
    const [startCall, prompt, stop, end] = log.map((c) => c.input);
    expect(startCall?.session_id).toMatch(UUID);
    for (const c of log) {
      expect(c.input.session_id).toBe(startCall?.session_id);
      expect(c.input.cwd).toBe(repo.dir);
      expect(c.input.permission_mode).toBe('default');
      expect(c.input.transcript_path.startsWith(join(base, 'tmp'))).toBe(true);
      expect(c.transcriptExists).toBe(true);
      expect(c.projectDir).toBe(repo.dir);
    }
    expect(startCall?.source).toBe('startup');
    expect(prompt?.prompt).toBe('Implement logout');
    expect(stop?.stop_hook_active).toBe(false);
    expect(end?.reason).toBe('prompt_input_exit');
    expect(run.text).toContain('[context] Team handoff injected');
    expect(run.text).not.toContain('second line');
    expect(run.text).toMatch(/^✻ fake-agent · fake · Implement logout/);
  });

  it('reports source "resume" and keeps the session id given with --resume', async () => {
    const id = '0b5e3c1a-1111-4222-8333-944455556666';
    const run = start(['--resume', id, '--model', 'sonnet', 'Continue']);
    await run.exited;
    const first = calls()[0]?.input;
    expect(first).toMatchObject({ hook_event_name: 'SessionStart', source: 'resume', session_id: id });
  });

  it.each([
    ['block-json', 'HANDOFF.md was not updated'],
    ['block-exit2', 'Blockers section is missing'],
  ])('when Stop blocks (%s) it shows the feedback, updates the handoff and stops again', async (mode, reason) => {
    const run = start(['--fake-handoff', 'after-block', 'Implement logout'], { HOOK_STOP: mode, SUPERVISE_AGENT: 'backend' });
    expect((await run.exited).exitCode).toBe(0);
    const stops = named('Stop');
    expect(stops.map((s) => s.input.stop_hook_active)).toEqual([false, true]);
    expect(stops[0]?.handoff).toContain('Status: Not started');
    expect(stops[1]?.handoff).toContain('Last agent: backend');
    expect(run.text).toContain(`Stop hook feedback:\r\n${reason}`);
    expect(calls().at(-1)?.input.hook_event_name).toBe('SessionEnd');
  });

  it('with skip-always never updates and is released by stop_hook_active', async () => {
    const run = start(['--fake-handoff', 'skip-always', 'Implement logout'], { HOOK_STOP: 'block-always' });
    expect((await run.exited).exitCode).toBe(0);
    expect(named('Stop').map((s) => s.input.stop_hook_active)).toEqual([false, true]);
    expect(handoff()).toContain('Status: Not started');
    expect(named('SessionEnd')).toHaveLength(1);
  });

  it('ends with SessionEnd reason "other" on SIGTERM and SIGHUP', async () => {
    for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      writeFileSync(hookLog, '');
      const run = start(['--fake-interactive', 'Wait here']);
      await waitFor(() => named('Stop').length === 1, { message: 'the first Stop' });
      run.kill(signal);
      expect((await run.exited).exitCode).toBe(code);
      expect(named('SessionEnd').map((c) => c.input.reason)).toEqual(['other']);
    }
  });
  it('ends with SessionEnd reason "other" and exit 129 when its terminal hangs up', async () => {
    const run = start(['--fake-interactive', 'Wait here']);
    await waitFor(() => named('Stop').length === 1, { message: 'the first Stop' });
    await run.waitForOutput('> ');
    run.hangUp();
    expect((await run.exited).exitCode).toBe(129);
    expect(named('SessionEnd').map((c) => c.input.reason)).toEqual(['other']);
  });

  it('kills itself by signal without SessionEnd when asked for SIGTERM at the end', async () => {
    const run = start(['--fake-signal', 'TERM', 'Task']);
    expect((await run.exited).signal).toBe(15);
    expect(named('SessionEnd')).toEqual([]);
  });
});

describe('record', () => {
  it('writes argv, cwd, pid, SUPERVISE_* env, the system prompt, the prompt and the handoff it found', async () => {
    const record = join(base, 'rec.json');
    const env = { SUPERVISE_AGENT: 'backend', SUPERVISE_TASK: 'Implement logout', SUPERVISE_ROOT: repo.dir };
    const args = ['--append-system-prompt', 'You are backend.', '--model', 'sonnet', '--fake-record', record, 'Implement logout'];
    const run = start(args, env);
    await run.exited;
    const rec = JSON.parse(readFileSync(record, 'utf8'));
    expect(rec.argv).toEqual(['--fake-work', '40', ...args]);
    expect(rec.cwd).toBe(repo.dir);
    expect(rec.pid).toBe(run.pid);
    expect(rec.env).toEqual(env);
    expect(rec.appendSystemPrompt).toBe('You are backend.');
    expect(rec.prompt).toBe('Implement logout');
    expect(rec.handoffAtStart).toContain('# HANDOFF - Auth System');
    expect(rec.hooksConfigured).toBe(true);
    const events = readNdjson<{ type: string; event?: string; blocked?: boolean; contexts?: string[] }>(`${record}.events`);
    const hooks = events.filter((e) => e.type === 'hook');
    expect(hooks.map((e) => e.event)).toEqual(['SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd']);
    expect(hooks[0]?.contexts).toEqual(['Team handoff injected\nsecond line']);
    expect(hooks[2]?.blocked).toBe(false);
  });

  it('records hooksConfigured false without settings', async () => {
    rmSync(join(repo.dir, '.claude'), { recursive: true });
    const record = join(base, 'rec.json');
    await start(['--fake-record', record, 'Task']).exited;
    expect(JSON.parse(readFileSync(record, 'utf8')).hooksConfigured).toBe(false);
    expect(calls()).toEqual([]);
  });
});

describe('handoff', () => {
  it('update writes every section, keeps what was completed and stays within budget', async () => {
    writeFileSync(join(repo.dir, 'HANDOFF.md'), handoffWithCompleted('- [x] User model with password hashing (alice)'));
    repo.git('checkout', '-q', '-b', 'agent/bob');
    await start(['Write integration tests'], { SUPERVISE_AGENT: 'bob' }).exited;
    const text = handoff();
    const headings = text.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## Current State', '## Completed', '## In Progress', '## Blockers', '## Next Steps', '## Key Decisions']);
    expect(text).toMatch(/^# HANDOFF - Auth System\n/);
    expect(text).toContain('- Branch: agent/bob');
    expect(text).toContain('- Last agent: bob');
    expect(text).toContain('- Status: Done');
    expect(text).toContain('- [x] User model with password hashing (alice)');
    expect(text).toContain('- [x] Write integration tests (bob)');
    expect(text).toMatch(/## Blockers\n- Decided AGAINST .+ because .+\n/);
    expect(getEncoding('cl100k_base').encode(text).length).toBeLessThan(500);
  });

  it('invalid leaves out Blockers; skip leaves the file alone', async () => {
    await start(['--fake-handoff', 'invalid', 'Task A']).exited;
    expect(handoff()).toContain('- Last agent: fake');
    expect(handoff()).not.toContain('## Blockers');
    writeFileSync(join(repo.dir, 'HANDOFF.md'), TEMPLATE);
    await start(['--fake-handoff', 'skip', 'Task B']).exited;
    expect(handoff()).toBe(TEMPLATE);
  });

  it('as a custom agent takes the task and handoff file from the environment', async () => {
    const other = join(base, 'team');
    mkdirSync(other);
    const file = join(other, 'HANDOFF.md');
    writeFileSync(file, TEMPLATE);
    const record = join(base, 'rec.json');
    const env = { SUPERVISE_AGENT: 'tests', SUPERVISE_TASK: 'Cover the auth flow', SUPERVISE_HANDOFF_FILE: file, SUPERVISE_ROOT: repo.dir };
    await start(['--fake-record', record], env).exited;
    expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({ prompt: null, task: 'Cover the auth flow', handoffAtStart: TEMPLATE });
    expect(readFileSync(file, 'utf8')).toContain('- [x] Cover the auth flow (tests)');
    expect(handoff()).toContain('Status: Not started');
  });
});

describe('terminal behaviour', () => {
  it('asks for permission, fires the Notification hook while waiting and echoes the answer', async () => {
    const run = start(['--fake-ask', 'Implement logout']);
    await run.waitForOutput('Allow edit to src/app.ts? (y/n)');
    const note = await waitFor(() => named('Notification')[0], { message: 'the Notification hook' });
    expect(note.input).toMatchObject({ notification_type: 'permission_prompt', message: 'Claude needs your permission to use Edit' });
    expect(named('Stop')).toEqual([]);
    run.write('yes please\r');
    await run.waitForOutput('you answered: yes please');
    expect((await run.exited).exitCode).toBe(0);
    expect(named('Stop')).toHaveLength(1);
  });

  it('in interactive mode echoes lines, runs Stop at the end of each turn and ends on /exit', async () => {
    const run = start(['--fake-interactive', '--fake-idle-notify-ms', '50', 'Start']);
    await waitFor(() => named('Notification')[0], { message: 'the idle notification' });
    expect(named('Notification')[0]?.input.notification_type).toBe('idle_prompt');
    run.write('hello there\r');
    await run.waitForOutput('echo: hello there');
    await waitFor(() => named('Stop').length === 2, { message: 'a second Stop' });
    expect(named('UserPromptSubmit').map((c) => c.input.prompt)).toEqual(['Start', 'hello there']);
    run.write('/exit\r');
    expect((await run.exited).exitCode).toBe(0);
    expect(named('SessionEnd').map((c) => c.input.reason)).toEqual(['prompt_input_exit']);
  });

  it('exits with the chosen code, from a flag or from the environment (the flag wins)', async () => {
    expect((await start(['--fake-exit', '3', 'Task']).exited).exitCode).toBe(3);
    expect((await start(['Task'], { FAKE_AGENT_EXIT: '4', FAKE_AGENT_HANDOFF: 'skip' }).exited).exitCode).toBe(4);
    expect(handoff()).toContain('Status: Done'); // from the first run; skip left it alone
    expect((await start(['--fake-exit', '5', 'Task'], { FAKE_AGENT_EXIT: '4' }).exited).exitCode).toBe(5);
  });

  it('kills itself with the chosen signal, at the end or after a delay', async () => {
    expect((await start(['--fake-signal', 'SIGKILL', 'Task']).exited).signal).toBe(9);
    expect(named('Stop')).toHaveLength(1);
    expect(named('SessionEnd')).toEqual([]);
    const later = start(['--fake-interactive', '--fake-signal-after', '300', 'Task']);
    expect((await later.exited).signal).toBe(9);
  });

  it('emits OSC 52, a title change and a DA query', async () => {
    const run = start(['--fake-osc', 'Task']);
    await run.exited;
    await waitFor(() => run.output.includes('\x1b]0;fake title\x07'), { message: 'the OSC 0 title' });
    expect(run.output).toMatch(/\x1b\]52;c;[A-Za-z0-9+/=]+\x07/);
    expect(run.output).toContain('\x1b[c');
  });

  it('floods at least the requested bytes of coloured lines', async () => {
    const run = start(['--fake-flood', '300000', '--fake-spinner-hz', '20', 'Task']);
    await waitFor(() => run.bytes >= 300_000, { message: () => `300000 bytes, got ${run.bytes}` });
    expect((await run.exited).exitCode).toBe(0);
    expect(run.output).toMatch(/\x1b\[3\dm(INFO |WARN |DEBUG|ERROR)/);
  });

  it('prints no SGR colours with NO_COLOR', async () => {
    const run = start(['Task'], { NO_COLOR: '1' });
    await run.exited;
    await run.waitForOutput('Done: Task');
    expect(run.output).not.toMatch(/\x1b\[[0-9;]*m/);
  });

  it('runs as `claude` from PATH', async () => {
    const bin = join(base, 'bin');
    mkdirSync(bin);
    installClaudeShim(bin);
    const env = agentEnv({ PATH: `${bin}:${process.env.PATH ?? ''}` });
    const run = new PtyRun('claude', ['--fake-work', '10', '--dangerously-skip-permissions', 'Via PATH'], { cwd: repo.dir, env });
    runs.push(run);
    expect((await run.exited).exitCode).toBe(0);
    expect(named('UserPromptSubmit')[0]?.input.prompt).toBe('Via PATH');
  });

  it('plays a demo session that edits files and updates the handoff', async () => {
    const run = start(['--fake-demo', '--fake-speed', '40', 'Implement logout with token invalidation'], { SUPERVISE_AGENT: 'backend' });
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text).toContain('● Read(src/auth/session.ts)');
    expect(repo.git('status', '--porcelain', '--', 'src')).toContain('src/');
    expect(handoff()).toContain('- [x] Implement logout with token invalidation (backend)');
  });

  it('prints help listing every flag, and refuses an unknown --fake flag', async () => {
    const help = start(['--help']);
    await help.exited;
    for (const flag of ['--fake-record', '--fake-handoff', '--fake-edit', '--fake-ask', '--fake-interactive', '--fake-exit', '--fake-signal', '--fake-osc', '--fake-flood', '--fake-rate', '--fake-demo']) {
      expect(help.text).toContain(flag);
    }
    const bad = start(['--fake-nope', 'Task']);
    expect((await bad.exited).exitCode).toBe(2);
    expect(bad.text).toContain('unknown flag --fake-nope');
  });

  it('edits files named with --fake-edit', async () => {
    await start(['--fake-edit', 'src/app.ts', '--fake-edit', 'README.md', 'Task']).exited;
    expect(readFileSync(join(repo.dir, 'src/app.ts'), 'utf8')).toContain('edited by fake');
    expect(repo.git('diff', '--stat')).toContain('README.md');
  });
});

function handoffWithCompleted(item: string): string {
  return TEMPLATE.replace('{{project}}', 'Auth System').replace('<!-- - [x] what is done, one line each -->', item);
}

describe('skills mode (--fake-skills)', () => {
  const step = async (skill: string, round: number, extra: string[] = []): Promise<string> => {
    const run = start(['--fake-skills', ...extra, 'Add the parser'], { SUPERVISE_SKILL: skill, SUPERVISE_ROUND: String(round) });
    expect(await run.exited).toEqual({ exitCode: 0, signal: 0 });
    return handoff();
  };

  it('asks for a fix in round 1 of review and passes in round 2; fix reads the verdict; build edits its work file', async () => {
    const built = await step('build', 1);
    expect(built).toContain('- Step: build (round 1)');
    expect(readFileSync(join(repo.dir, 'work-fake.txt'), 'utf8')).toContain('edited by fake');
    const review1 = await step('review', 1);
    expect(review1).toMatch(/^- Verdict: fix - handle the empty input in work-fake\.txt \(round 1\)$/m);
    const fixed = await step('fix', 1);
    expect(fixed).toContain('- [x] Fixed: handle the empty input in work-fake.txt (round 1)');
    expect(await step('review', 2)).toContain('- Verdict: pass');
  });

  it('never passes with --fake-review never, writes no verdict with none, and skips its update where told', async () => {
    expect(await step('review', 3, ['--fake-review', 'never'])).toContain('- Verdict: fix - ');
    expect(await step('review', 1, ['--fake-review', 'none'])).not.toContain('Verdict');
    const before = handoff();
    expect(await step('build', 1, ['--fake-skip-update', 'build', '--fake-handoff', 'update'])).toBe(before);
    expect(readFileSync(join(repo.dir, 'work-fake.txt'), 'utf8')).toContain('edited by fake');
  });

  it('documents the mode in --help and refuses an unknown review mode', async () => {
    const help = start(['--help']);
    await help.exited;
    expect(help.text).toContain('--fake-skills');
    expect(help.text).toContain('SUPERVISE_SKILL');
    const bad = start(['--fake-skills', '--fake-review', 'maybe']);
    expect((await bad.exited).exitCode).toBe(2);
    expect(bad.text).toContain('--fake-review expects one of fix-once, pass, never, none');
  });
});
