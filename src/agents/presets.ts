/**
 * How each agent CLI is launched and given its context (SPEC §4.2). argv arrays only: a task
 * or handoff never passes through a shell.
 */
import type { AgentConfig } from '../config/types.js';
import { briefFilePath } from './brief.js';
import { aiderLaunchArgs } from './aiderSettings.js';
import { codexLaunchArgs } from './codexSettings.js';
import { geminiEnv } from './geminiSettings.js';

export interface LaunchContext {
  /** Repository root. */
  root: string;
  /** The agent's worktree (the PTY's cwd). */
  worktree: string;
  /** Absolute path of the handoff inside the worktree. */
  handoffPath: string;
  /** Handoff file name relative to the worktree. */
  handoffFile: string;
  /** The brief (who you are + the team handoff + the exit rule). */
  brief: string;
  /** A Claude session to resume, when restarting an agent that had one. */
  resumeSessionId?: string;
  /** The agent continues an earlier run: SUPERVISE_RESUMED=1, and codex/gemini resume their session when one is known. */
  resumed?: boolean;
  /** Arguments that install the supervisor's hooks for agents whose CLI takes them on the command line (codex). */
  hookArgs?: string[];
  /** Extra environment the supervisor adds (socket path and the like). */
  supervisorEnv: Record<string, string>;
  /** The environment the supervisor runs in (PATH, HOME…). */
  baseEnv: NodeJS.ProcessEnv;
  /** A chain step: its skill, review round and SKILL.md, and the agent's own task. */
  step?: { skill: string; round: number; skillFile: string; task: string };
}

export interface Launch {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Text typed into the agent once its output goes quiet (no preset needs it now). */
  typeAfterStart?: string;
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` has the shape of a Claude Code session id (a UUID): never an option like `--x`. */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}

const RESUME_PROMPT = 'The team handoff was refreshed: re-read it in the system prompt and continue your task.';

/** Builds argv and env for an agent. */
export function buildLaunch(agent: AgentConfig, ctx: LaunchContext): Launch {
  const env = agentEnv(agent, ctx);
  const prompt = `${ctx.brief}\n\nYour task: ${agent.task}`;
  switch (agent.preset) {
    case 'claude': {
      // Only a UUID goes after --resume: anything else (a state file edited by hand) starts afresh.
      const resume = isSessionId(ctx.resumeSessionId) ? ctx.resumeSessionId : undefined;
      const head = resume ? ['--resume', resume] : [];
      const task = resume ? RESUME_PROMPT : agent.task;
      // hookArgs: the memory MCP server (--mcp-config=FILE), when memory is on.
      return { file: 'claude', args: [...head, ...(ctx.hookArgs ?? []), '--append-system-prompt', ctx.brief, ...agent.args, task], env };
    }
    case 'codex': {
      // Only with a known session id: without one, the agent starts over with the current handoff.
      const resume = ctx.resumed && isSessionId(ctx.resumeSessionId) ? ctx.resumeSessionId : undefined;
      const head = resume ? ['resume', resume] : [];
      // The brief goes into the developer message, so the first prompt is the task alone.
      const own = codexLaunchArgs({ worktree: ctx.worktree, brief: ctx.brief, hookArgs: ctx.hookArgs ?? [] });
      return { file: 'codex', args: [...head, ...own, ...agent.args, resume ? RESUME_PROMPT : agent.task], env };
    }
    case 'gemini': {
      const head = ctx.resumed && isSessionId(ctx.resumeSessionId) ? ['--resume', ctx.resumeSessionId] : [];
      return { file: 'gemini', args: [...head, ...agent.args, '-i', prompt], env: geminiEnv(env, 'SUPERVISE_HOOK_SECRET') };
    }
    case 'aider': {
      // The handoff in the chat, the brief read-only, the task run from a --load file, the turn end reported.
      const own = aiderLaunchArgs({ root: ctx.root, agent: agent.name, handoffFile: ctx.handoffFile, brief: ctx.brief, task: agent.task, resumed: ctx.resumed });
      return { file: 'aider', args: [...own, ...agent.args], env };
    }
    case 'custom': {
      const [file, ...rest] = (agent.command ?? []).map((a) => fillPlaceholders(a, agent, ctx));
      if (!file) throw new Error(`agent ${agent.name}: custom preset without a command`);
      return { file, args: [...rest, ...agent.args.map((a) => fillPlaceholders(a, agent, ctx))], env };
    }
  }
}

function fillPlaceholders(arg: string, agent: AgentConfig, ctx: LaunchContext): string {
  return arg
    .replaceAll('{task}', ctx.step?.task ?? agent.task)
    .replaceAll('{handoff_file}', ctx.handoffPath)
    .replaceAll('{brief_file}', briefFilePath(ctx.root, agent.name))
    .replaceAll('{skill}', ctx.step?.skill ?? '');
}

/** The environment an agent runs in: the supervisor's, minus what would confuse a nested agent, plus ours and the agent's. */
export function agentEnv(agent: AgentConfig, ctx: LaunchContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.baseEnv)) if (v !== undefined) env[k] = v;
  // A supervisor started from inside Claude Code must not make its agents think they are nested.
  delete env.CLAUDECODE;
  delete env.CLAUDE_CODE_ENTRYPOINT;
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  Object.assign(env, {
    SUPERVISE_AGENT: agent.name,
    SUPERVISE_TASK: ctx.step?.task ?? agent.task,
    SUPERVISE_HANDOFF_FILE: ctx.handoffPath,
    SUPERVISE_BRIEF_FILE: briefFilePath(ctx.root, agent.name),
    SUPERVISE_ROOT: ctx.root,
    ...(ctx.step ? { SUPERVISE_SKILL: ctx.step.skill, SUPERVISE_ROUND: String(ctx.step.round), SUPERVISE_SKILL_FILE: ctx.step.skillFile } : {}),
    ...ctx.supervisorEnv,
    ...agent.env,
  });
  if (ctx.resumed) env.SUPERVISE_RESUMED = '1';
  else delete env.SUPERVISE_RESUMED;
  return env;
}
