// A two-step chain (build → review) of the claude preset running the real, pinned Claude Code
// against the API stand-in: each step is a fresh session with the skill's prompt, the Stop hook
// accepting the updated handoff ends the step, and the review's verdict ends the chain. Skipped
// loudly when the CLI cannot be installed. Needs `npm run build` first.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicStandin, systemText, type ContentBlock, type MessagesRequest, type Reply } from '../anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, GIT_IDENTITY, claudeBinDir, findClaude, skipReason } from '../helpers/claude.js';
import { CLI, historyFiles, makeTeam, startHeadless } from '../helpers/headless.js';

const found = await findClaude();
const skipped = skipReason(found, `Claude Code ${CLAUDE_VERSION} chain end-to-end`);
const claudePath = 'path' in found ? found.path : '';

const TASK = 'Add a word counter';
const BUILT = 'Word counter counts words split on white space';

function firstUserText(req: MessagesRequest): string {
  const first = req.messages.find((m) => m.role === 'user');
  if (!first) return '';
  return typeof first.content === 'string' ? first.content : first.content.map((b) => b.text ?? '').join('\n');
}

function toolResults(req: MessagesRequest): number {
  return req.messages.reduce((n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((b: ContentBlock) => b.type === 'tool_result').length), 0);
}

describe.skipIf(skipped !== undefined)(`a chain of the claude preset with Claude Code ${CLAUDE_VERSION}${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  /** What the test set up, undone last first. */
  const undo: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of undo.splice(0).reverse()) await step();
  });

  it('runs build then review, each a fresh session ended once its Stop hook accepts the handoff; the pass verdict ends the chain', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const team = makeTeam(`version: 1
project: Claude Chain
handoff: { enforce: block }
agents:
  - name: backend
    task: ${TASK}
    chain: [build, review]
`);
    const repo = team.repo.dir;
    undo.push(() => team.cleanup());
    const sandbox = await ClaudeSandbox.create([repo]);
    undo.push(() => sandbox.cleanup());
    const handoff = join(repo, '.supervise', 'worktrees', 'backend', 'HANDOFF.md');
    // Each session: read the handoff, write it updated (the review adds its verdict), then stop.
    const script = (req: MessagesRequest): Reply => {
      const review = firstUserText(req).includes('# Review');
      switch (toolResults(req)) {
        case 0:
          return { toolUse: { name: 'Read', input: { file_path: handoff } } };
        case 1: {
          let text = readFileSync(handoff, 'utf8');
          text = review
            ? text.replace('## Current State\n', '## Current State\n- Verdict: pass\n').replace('## Completed\n', '## Completed\n- [x] Reviewed the word counter: tests pass\n')
            : text.replace('## Completed\n', `## Completed\n- [x] ${BUILT}\n`).replace('## Key Decisions\n', '## Key Decisions\n- Split on white space, because the spec counts words that way\n');
          return { toolUse: { name: 'Write', input: { file_path: handoff, content: text } } };
        }
        default:
          return { text: review ? 'Review done: pass.' : 'Build done.' };
      }
    };
    const standin = await AnthropicStandin.start(script);
    undo.push(() => standin.close());
    const bin = await claudeBinDir(claudePath, team.scratch);
    team.env = { ...team.env, ...sandbox.env(standin.url), ...GIT_IDENTITY, PATH: `${bin}:${team.env.PATH}` };

    const run = startHeadless(team, ['--timeout', '100']);
    undo.push(() => run.child.exitCode === null && run.child.signalCode === null && (run.child.kill('SIGKILL'), run.exited));
    const { code } = await run.exited;
    const failure = `supervise stderr:\n${run.stderr}\nstdout:\n${run.stdout}`;
    expect(code, failure).toBe(0);

    // Two sessions, each started with its skill's prompt and the brief in the system prompt.
    const firsts = standin.mainRequests.filter((r) => toolResults(r) === 0);
    expect(firsts.map((r) => (firstUserText(r).includes('# Review') ? 'review' : 'build'))).toEqual(['build', 'review']);
    expect(firstUserText(firsts[0]!)).toContain(TASK);
    expect(systemText(firsts[1]!)).toContain('You are "backend"');
    // The review started over: its first request carries no turn of the build's conversation.
    expect(firsts[1]!.messages.filter((m) => m.role === 'assistant')).toEqual([]);

    const lines = run.lines().filter((l) => l.agent === 'backend');
    const steps = lines.map((l) => l.step).filter((s, i, all) => s !== all[i - 1]);
    expect(steps).toEqual(['build', 'review', null]);
    expect(run.lines().some((l) => l.message === 'backend: chain finished (build → review)'), failure).toBe(true);

    const root = readFileSync(join(repo, 'HANDOFF.md'), 'utf8');
    expect(root).toContain(BUILT);
    expect(root).toContain('Verdict: pass');
    expect(historyFiles(team).filter((f) => /backend-(build|review)-brief/.test(f))).toHaveLength(2);
  }, 120_000);
});
