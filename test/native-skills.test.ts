// The bundled skills as the agents' own: copied into a repository's .claude/skills, the real
// Claude Code (against the API stand-in) lists each with its description and loads a skill's
// prompt through its Skill tool, nested metadata.next and all; in .agents/skills, where a project
// overrides them, the real Codex lists each too.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { codexLaunchArgs } from '../src/agents/codexSettings.js';
import { loadSkills, PROJECT_SKILLS_DIR } from '../src/chains/skills.js';
import { templatePath } from '../src/paths.js';
import { AnthropicStandin, type MessagesRequest, type Reply } from './anthropic-standin.js';
import { CLAUDE_VERSION, ClaudeSandbox, PtyScreen, findClaude, skipReason } from './helpers/claude.js';
import { CODEX_VERSION, CodexHome, findCodex, skipReason as codexSkipReason } from './helpers/codex.js';
import { OpenAIStandin } from './openai-standin.js';

const claude = await findClaude();
const skipped = skipReason(claude, `Claude Code ${CLAUDE_VERSION} native skills`);
const claudePath = 'path' in claude ? claude.path : '';
const codex = await findCodex();
const codexSkipped = codexSkipReason(codex, `Codex ${CODEX_VERSION} native skills`);
const codexPath = 'path' in codex ? codex.path : '';

/** `- name: description` as each agent lists a skill, JSON-escaped as it sits in a request body. */
async function listings(root: string): Promise<string[]> {
  return [...(await loadSkills(root)).values()].map((s) => JSON.stringify(`\n- ${s.name}: ${s.description}`).slice(1, -1));
}

describe.skipIf(skipped !== undefined)(`the bundled skills in Claude Code ${CLAUDE_VERSION}${skipped ? ` (SKIPPED: ${skipped})` : ''}`, () => {
  let sb: ClaudeSandbox;
  let standin: AnthropicStandin | undefined;
  let screen: PtyScreen | undefined;

  beforeEach(async () => {
    sb = await ClaudeSandbox.create();
    await mkdir(join(sb.repo, '.claude'), { recursive: true });
    await cp(templatePath('skills'), join(sb.repo, '.claude', 'skills'), { recursive: true });
  });
  afterEach(async () => {
    await screen?.dispose();
    screen = undefined;
    await standin?.close();
    standin = undefined;
    await sb.cleanup();
  });

  async function run(script: Reply[], prompt: string): Promise<AnthropicStandin> {
    standin = await AnthropicStandin.start(script);
    screen = new PtyScreen(claudePath, [prompt], { cwd: sb.repo, env: sb.env(standin.url) });
    return standin;
  }

  test('lists each skill with its description for the Skill tool', async () => {
    const api = await run([{ text: 'Noted.' }], 'Which skills do you have?');
    await api.waitForMain(1);
    // The listing arrives as context in the request (its place there has moved between versions).
    const request = JSON.stringify(api.mainRequests[0]);
    expect(request).toContain('The following skills are available for use with the Skill tool');
    for (const line of await listings(sb.repo)) expect(request).toContain(`${line}\\n`);
  });

  test("loads review's prompt through the Skill tool", async () => {
    const api = await run([{ toolUse: { name: 'Skill', input: { skill: 'review' } } }, { text: 'Reviewed.' }], 'Review the work');
    await api.waitForMain(2);
    const second = JSON.stringify((api.mainRequests[1] as MessagesRequest).messages);
    expect(second).toContain('# Review (round {round}): {task}');
    expect(second).toContain('- Verdict: fix - <what>');
  });
});

describe.skipIf(codexSkipped !== undefined)(`the bundled skills in Codex ${CODEX_VERSION}${codexSkipped ? ` (SKIPPED: ${codexSkipped})` : ''}`, () => {
  let dir: string;
  let home: CodexHome | undefined;
  let standin: OpenAIStandin | undefined;
  let screen: PtyScreen | undefined;

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'codex-skills-')));
  });
  afterEach(async () => {
    await screen?.dispose();
    await standin?.close();
    await home?.cleanup();
    screen = undefined;
    standin = undefined;
    home = undefined;
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  test('lists each skill from the project’s .agents/skills with its description', async () => {
    const repo = join(dir, 'repo');
    await promisify(execFile)('git', ['init', '-q', repo]);
    await writeFile(join(repo, 'README.md'), '# test repo\n');
    await mkdir(join(repo, '.agents'), { recursive: true });
    await cp(templatePath('skills'), join(repo, PROJECT_SKILLS_DIR), { recursive: true });
    standin = await OpenAIStandin.start((_req, i) => ({ text: `reply ${i}` }));
    home = await CodexHome.create(standin.baseUrl);
    const args = [...codexLaunchArgs({ worktree: repo, brief: 'BRIEF', hookArgs: [] }), 'Which skills do you have?'];
    screen = new PtyScreen(codexPath, args, { cwd: repo, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...home.env() } });
    await standin.waitForMain(1);
    const request = JSON.stringify(standin.mainRequests[0]);
    for (const line of await listings(repo)) expect(request).toContain(`${line} (file: `);
  });
});
