// Facts about aider that the `aider` preset relies on (docs/aider.md explains each), checked
// against the real `aider` on PATH in a real PTY, talking to a local chat-completions stand-in.
// Aider is a Python program this project does not install: without it on PATH the suite is
// skipped, loudly; SUPERVISE_REQUIRE_AIDER=1 turns the skip into a failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { aiderLaunchArgs, aiderReply } from '../src/agents/aiderSettings.js';
import { detectPrompt } from '../src/agents/prompts.js';
import { PtyScreen } from './helpers/claude.js';
import { waitFor } from './helpers/wait.js';

function findAider(): { version: string } | { skipped: string } {
  const r = spawnSync('aider', ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) return { skipped: `no working \`aider\` on PATH (${r.error?.message ?? `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`}); install it with python -m pip install aider-install && aider-install` };
  return { version: r.stdout.trim() };
}

const found = findAider();
const skipped = 'skipped' in found ? found.skipped : undefined;
if (skipped) {
  if (process.env.SUPERVISE_REQUIRE_AIDER === '1') throw new Error(`SUPERVISE_REQUIRE_AIDER=1 but ${skipped}`);
  console.warn(`\n!!! aider facts SKIPPED: ${skipped}\n`);
}

interface ChatRequest {
  messages: { role: string; content: string | { type: string; text?: string }[] }[];
  stream?: boolean;
}

const text = (m: ChatRequest['messages'][number]): string => (typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join(''));

/** A chat-completions endpoint answering every request with one short reply, streamed or not. */
async function chatStandin(requests: ChatRequest[]): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(body) as ChatRequest;
      requests.push(request);
      const reply = 'Done.';
      const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 0, model: 'standin', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null): string => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'standin', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(`${chunk({ role: 'assistant', content: reply }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, base: `http://127.0.0.1:${port}/v1` };
}

describe.skipIf(skipped !== undefined)(`aider facts${'version' in found ? ` (${found.version})` : ` (SKIPPED: ${skipped})`}`, () => {
  const dirs: string[] = [];
  let server: Server | undefined;
  let screen: PtyScreen | undefined;
  afterEach(async () => {
    screen?.kill('SIGKILL');
    if (screen) await screen.exited;
    server?.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    screen = server = undefined;
  });

  test('--help names every flag the preset passes', () => {
    const help = execFileSync('aider', ['--help'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '200' } });
    const flags = aiderLaunchArgs({ root: '/r', agent: 'a', handoffFile: 'HANDOFF.md', brief: '', task: 't', resumed: true }).filter((a) => a.startsWith('--'));
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of flags) expect(help, flag).toMatch(new RegExp(`${flag.replace(/[-]/g, '\\-')}\\b`));
  });

  test('takes the handoff to edit and the brief read-only, runs /code from --load, runs the notifications command through a shell on its terminal, takes a bracketed paste as one message, and commits nothing', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aider-facts-')));
    dirs.push(dir);
    const repo = join(dir, 'repo');
    const own = join(dir, 'own');
    mkdirSync(repo);
    mkdirSync(own);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# repo\n');
    git('add', 'README.md');
    git('commit', '-q', '-m', 'initial');
    // As in an agent's worktree: the handoff is there but git-ignored.
    writeFileSync(join(repo, '.git', 'info', 'exclude'), '/HANDOFF.md\n');
    writeFileSync(join(repo, 'HANDOFF.md'), '# HANDOFF - facts\n\n## Key Decisions\n- HANDOFF-MARKER-7\n');
    writeFileSync(join(own, 'brief.md'), 'You are backend. BRIEF-MARKER-3\n');
    writeFileSync(join(own, 'start.aider'), '/code Implement logout\n');
    const marker = join(own, 'notified');
    const head = git('rev-parse', 'HEAD');

    const requests: ChatRequest[] = [];
    const standin = await chatStandin(requests);
    server = standin.server;
    const home = join(dir, 'home');
    mkdirSync(home);
    const args = [
      '--file', 'HANDOFF.md', '--add-gitignore-files', '--read', join(own, 'brief.md'), '--load', join(own, 'start.aider'),
      '--notifications', '--notifications-command', `[ -t 0 ] && echo tty >> '${marker}' || echo no-tty >> '${marker}'`,
      '--no-auto-commits', '--no-dirty-commits', '--no-gitignore',
      '--chat-history-file', join(own, 'chat.md'), '--input-history-file', join(own, 'input'),
      '--model', 'openai/standin', '--openai-api-base', standin.base, '--openai-api-key', 'standin',
      '--no-check-update', '--no-show-release-notes', '--analytics-disable', '--no-show-model-warnings', '--map-tokens', '0',
    ];
    screen = new PtyScreen('aider', args, { cwd: repo, env: { ...(process.env as Record<string, string>), HOME: home, LITELLM_LOCAL_MODEL_COST_MAP: 'True' } });
    const s = screen;

    await waitFor(() => requests.length >= 1, { timeout: 60_000, message: () => `the first request\n${s.screen()}` });
    const first = requests[0]!;
    const all = first.messages.map(text).join('\n');
    expect(all).toContain('BRIEF-MARKER-3');
    expect(all).toContain('READ ONLY');
    expect(all).toContain('HANDOFF-MARKER-7');
    expect(text(first.messages.filter((m) => m.role === 'user').at(-1)!)).toContain('Implement logout');

    // After the reply: the command ran through sh with the terminal as stdin, then the prompt shows.
    await waitFor(() => readFileSync(marker, 'utf8').includes('tty'), { timeout: 30_000, message: () => `the notifications command\n${s.screen()}` });
    expect(readFileSync(marker, 'utf8').trim()).toBe('tty');
    await waitFor(() => detectPrompt('aider', s.screen().split('\n'), 1) === 'idle', { timeout: 30_000, message: () => `aider's prompt\n${s.screen()}` });

    s.write(aiderReply('Line one of the reason.\n- line two'));
    await waitFor(() => requests.length >= 2, { timeout: 30_000, message: () => `the second request\n${s.screen()}` });
    expect(text(requests[1]!.messages.filter((m) => m.role === 'user').at(-1)!)).toContain('Line one of the reason.\n- line two');
    await waitFor(() => readFileSync(marker, 'utf8').trim().split('\n').length === 2, { timeout: 30_000, message: 'the second notification' });

    s.write('/exit\r');
    expect((await s.exited).exitCode).toBe(0);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain', '--ignored=no')).not.toContain('.gitignore');
  }, 180_000);
});
