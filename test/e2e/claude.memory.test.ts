// Shared memory reaching the real, pinned Claude Code (against the API stand-in): the memories
// picked for its task are in its system prompt, the memory MCP server the supervisor hands it
// with --mcp-config is loaded without an approval question, and its tools run without a
// permission prompt (allowed in the worktree's .claude/settings.local.json): memory_search
// returns the stored lesson, memory_add keeps a new one. Skipped loudly when the CLI cannot be
// installed. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicStandin, lastUserText, systemText, type MessagesRequest, type Reply } from '../anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, GIT_IDENTITY, claudeBinDir, findClaude, skipReason } from '../helpers/claude.js';
import { CLI, makeTeam, startHeadless } from '../helpers/headless.js';
import { openMemory } from '../../src/memory/index.js';

const found = await findClaude();
const skipped = skipReason(found, `Claude Code ${CLAUDE_VERSION} with the memory MCP server`);
const claudePath = 'path' in found ? found.path : '';

const LESSON = 'Webhook signatures must be checked against the raw request body, not the parsed JSON';
const NEW_LESSON = 'The payments sandbox resets its webhook secret every night';

describe.skipIf(skipped !== undefined)(`memory in Claude Code ${CLAUDE_VERSION}${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  // Everything a test sets up is undone, last first, whatever it got to.
  const undo: (() => unknown)[] = [];
  afterEach(async () => {
    for (const u of undo.splice(0).reverse()) await u();
  });

  it('gets memories in its system prompt and calls memory_search and memory_add with no prompt', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const team = makeTeam(`version: 1\nproject: Hooks\nhandoff: { enforce: warn }\nagents:\n  - name: payments\n    task: Verify the webhook signatures of the payments provider\n`);
    undo.push(() => team.cleanup());
    const sandbox = await ClaudeSandbox.create([team.repo.dir]);
    undo.push(() => sandbox.cleanup());
    const script = (_req: MessagesRequest, index: number): Reply => {
      if (index === 0) return { toolUse: { name: 'mcp__supervise-memory__memory_search', input: { query: 'webhook signature raw body', limit: 3 } } };
      if (index === 1) return { toolUse: { name: 'mcp__supervise-memory__memory_add', input: { kind: 'learning', text: NEW_LESSON } } };
      return { text: 'Done.' };
    };
    const standin = await AnthropicStandin.start(script);
    undo.push(() => standin.close());
    const bin = await claudeBinDir(claudePath, team.scratch);
    // The store keeps a template of a new database in XDG_CACHE_HOME, shared by the tests.
    const memoryEnv = { SUPERVISE_MEMORY: 'on', SUPERVISE_MEMORY_DIR: join(sandbox.home, 'memory'), SUPERVISE_MEMORY_URL: '', XDG_CACHE_HOME: join(tmpdir(), 'supervise-test-cache') };
    team.env = { ...team.env, ...sandbox.env(standin.url), ...GIT_IDENTITY, ...memoryEnv, PATH: `${bin}:${team.env.PATH}` };

    // A lesson from another project, kept before the run. The store stays open here, as a running
    // supervisor keeps it, so the agent's start finds it ready however busy the machine is.
    const memory = openMemory({ settings: { store: 'on', embedder: { provider: 'local' }, inject: { budget: 150 } }, env: team.env })!;
    undo.push(() => memory.close());
    await memory.add({ kind: 'mistake', text: LESSON, project: 'Elsewhere' });

    const run = startHeadless(team);
    undo.push(() => run.child.exitCode === null && run.child.signalCode === null && (run.child.kill('SIGKILL'), run.exited));
    const r = run;
    const failure = (): string => `supervise stderr:\n${r.stderr}\nstdout:\n${r.stdout}`;
    await standin.waitForMain(3, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${failure()}`);
    });
    const [first, second, third] = standin.mainRequests;
    expect(systemText(first!)).toContain("## From the team's memory");
    expect(systemText(first!)).toContain(`[mistake · Elsewhere] ${LESSON}`);
    expect(systemText(first!)).toContain('memory_search and memory_add tools');
    // 2.1.332 defers MCP tools behind ToolSearch: the first request names the server (connecting),
    // and its permission context carries our allow rules from the worktree's local settings.
    const whole = JSON.stringify(first);
    expect(whole).toMatch(/their tools \(typically named mcp__<server>__\*\)[^"]*supervise-memory/);
    expect(whole).toContain('{"rule":"mcp__supervise-memory__memory_search","source":"localSettings"}');
    // The tool results come back as the next user turn: no permission question in between.
    const searched = lastUserText(second!);
    expect(searched, failure()).toContain(LESSON);
    expect(searched).not.toMatch(/permission|tool_use_error/i);
    const added = lastUserText(third!);
    expect(added).toMatch(/"id":\s*"m[0-9a-f]+"/);

    run.child.kill('SIGTERM');
    await run.exited;
    const list = spawnSync(process.execPath, [CLI, 'memory', 'search', 'payments sandbox webhook secret', '--json'], { env: team.env, encoding: 'utf8' });
    const rows = JSON.parse(list.stdout) as { text: string; agent?: string; project?: string }[];
    expect(rows.find((x) => x.text === NEW_LESSON)).toMatchObject({ agent: 'payments', project: 'Hooks' });
  }, 120_000);
});
