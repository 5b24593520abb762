/**
 * Injection at start (SPEC §4.2): the team handoff plus the agent's task goes into the worktree's
 * HANDOFF.md, a run record goes into `.supervise/agents/`, and for Claude Code the hooks and the
 * handoff permission go into `.claude/settings.local.json`. Returns what the preset needs.
 */
import { join } from 'node:path';
import type { AgentConfig, LoadedConfig } from '../config/types.js';
import { writeFileAtomic } from '../fsutil.js';
import { briefFilePath, buildBrief } from '../agents/brief.js';
import { CLAUDE_HOOKS, claudeMcpArgs, hookCommand, installClaudeSettings, MEMORY_TOOL_RULES, type ClaudeHookEvent } from '../agents/claudeSettings.js';
import { codexAgentHookArgs } from '../agents/codexSettings.js';
import { GEMINI_HOOKS, geminiHookCommand, installGeminiSettings, type GeminiHookEvent } from '../agents/geminiSettings.js';
import { parseHandoff } from '../handoff/parse.js';
import { renderHandoff } from '../handoff/render.js';
import { memoryForBrief } from '../memory/inject.js';
import { hashText, writeAgentRecord } from './records.js';
import { worktreeCopy } from './team.js';

export interface InjectInput {
  loaded: LoadedConfig;
  agent: AgentConfig;
  worktree: string;
  teamText: string;
  /** The worktree's handoff to keep as it is (a chain's later step) instead of the team's. */
  keepText?: string;
  socket: string;
  /** How hooks call back: node and the built CLI, by absolute path. */
  nodePath: string;
  cliPath: string;
}

export interface Injected {
  handoffPath: string;
  /** The handoff as written into the worktree, and its hash. */
  text: string;
  hash: string;
  brief: string;
  /** Command-line arguments that install our hooks (codex takes them as `-c` overrides, no file). */
  hookArgs?: string[];
}

/** The team handoff as the agent gets it: its task first in Next Steps. */
export function agentHandoffText(teamText: string, agent: AgentConfig): string {
  const handoff = parseHandoff(teamText);
  const next = handoff.sections.find((s) => s.name === 'Next Steps');
  const item = { text: agent.task, marker: 'numbered' as const, agent: agent.name };
  if (next && !next.items.some((i) => i.text === agent.task)) next.items.unshift(item);
  else if (!next) handoff.sections.push({ name: 'Next Steps', known: true, items: [item], text: [], line: 0 });
  return renderHandoff(handoff);
}

export async function injectAgent(input: InjectInput): Promise<Injected> {
  const { loaded, agent, worktree } = input;
  const { config } = loaded;
  const handoffFile = config.handoff.file;
  const handoffPath = join(worktree, handoffFile);
  const memoryOn = config.memory?.store === 'on';
  const text = input.keepText ?? agentHandoffText(worktreeCopy(loaded.root, input.teamText), agent);
  await writeFileAtomic(handoffPath, text);
  const hash = hashText(text);
  await writeAgentRecord(loaded.root, {
    agent: agent.name,
    branch: agent.branch,
    worktree,
    handoffFile,
    injectedHash: hash,
    enforce: config.handoff.enforce,
    limits: { budget: config.handoff.budget, encoding: config.handoff.encoding },
    teamHandoffPath: loaded.handoffPath,
    socket: input.socket,
  });
  if (agent.preset === 'claude') {
    const commands = Object.fromEntries(
      Object.entries(CLAUDE_HOOKS).map(([event, verb]) => [event, hookCommand(input.nodePath, input.cliPath, verb, agent.name, loaded.root)]),
    ) as Record<ClaudeHookEvent, string>;
    await installClaudeSettings(worktree, commands, handoffFile, memoryOn ? MEMORY_TOOL_RULES : []);
  }
  if (agent.preset === 'gemini') {
    const commands = Object.fromEntries(
      Object.entries(GEMINI_HOOKS).map(([event, verb]) => [event, geminiHookCommand(input.nodePath, input.cliPath, verb, agent.name, loaded.root)]),
    ) as Record<GeminiHookEvent, string>;
    await installGeminiSettings(worktree, commands);
  }
  const memory = memoryOn ? await memoryForBrief({ root: loaded.root, agent, handoffText: text }) : undefined;
  const brief = buildBrief({
    agent,
    project: config.project,
    teammates: config.agents.map((a) => ({ name: a.name, task: a.task, branch: a.branch })),
    handoff: text,
    handoffFile,
    budget: config.handoff.budget,
    memory: memory?.section,
    memoryTools: memoryOn ? (agent.preset === 'claude' ? 'mcp' : 'shell') : undefined,
  });
  // Custom agents read the brief from a file (SUPERVISE_BRIEF_FILE, {brief_file}); kept for every agent.
  await writeFileAtomic(briefFilePath(loaded.root, agent.name), `${brief}\n`);
  const mcpArgs = memoryOn && agent.preset === 'claude' ? await claudeMcpArgs(loaded.root, agent.name, input.nodePath, input.cliPath) : undefined;
  const hookArgs = agent.preset === 'codex' ? codexAgentHookArgs(input.nodePath, input.cliPath, agent.name, loaded.root) : mcpArgs;
  return { handoffPath, text, hash, brief, hookArgs };
}
