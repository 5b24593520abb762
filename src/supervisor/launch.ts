/**
 * One session of an agent, from injection to captured handoff: what the supervisor does before a
 * launch (inject the handoff, build argv and env, keep a chain step's brief in history) and
 * after its exit (capture the handoff into the team's).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { briefFilePath } from '../agents/brief.js';
import { buildLaunch } from '../agents/presets.js';
import { writeFileAtomic } from '../fsutil.js';
import { usesHooks } from '../agents/status.js';
import { writeHistory } from '../handoff/history.js';
import { Session } from '../session/session.js';
import { addWarning, applyCapture, statusText, teamLine } from './agentState.js';
import { captureHandoff } from './capture.js';
import type { HookChannel } from './channel.js';
import { injectAgent } from './inject.js';
import { beforeLaunch } from './restore.js';
import type { Run } from './run.js';
import type { SupervisorOptions } from './supervisor.js';
import { historyDir, readTeamText, type TeamContext } from './team.js';

/** What a chain step adds to a launch (SPEC §6). */
export interface StepLaunch {
  /** The skill; absent for a plain agent started after its wave. */
  skill?: string;
  round: number;
  skillFile?: string;
  /** The skill's filled prompt: the agent's first prompt in place of its task. */
  prompt?: string;
  /** Deploy: this argv runs in the worktree instead of the agent. */
  command?: string[];
  /** Added to the brief: the previous wave's summary. */
  context?: string;
  /** Keep the handoff the last step left in the worktree instead of injecting the team's. */
  keepHandoff?: boolean;
}

/** The supervisor's options a launch needs, its hook channel and the team handoff. */
export interface LaunchDeps extends Pick<SupervisorOptions, 'loaded' | 'spawner' | 'env' | 'cols' | 'rows' | 'scrollback' | 'nodePath' | 'cliPath'> {
  channel: HookChannel;
  team: TeamContext;
}

/** Injects the agent's handoff and builds its session, not started yet. */
export async function openSession(deps: LaunchDeps, run: Run): Promise<Session> {
  const { loaded } = deps;
  const step = run.step;
  await beforeLaunch(run, loaded.root, deps.env);
  const kept = step?.keepHandoff ? await readFile(join(run.state.worktree, loaded.config.handoff.file), 'utf8').catch(() => undefined) : undefined;
  const injected = await injectAgent({
    loaded,
    agent: run.config,
    worktree: run.state.worktree,
    teamText: await readTeamText(deps.team),
    keepText: kept,
    socket: deps.channel.path,
    nodePath: deps.nodePath,
    cliPath: deps.cliPath,
  });
  run.injectedHash = injected.hash;
  run.injectedText = injected.text;
  const brief = step?.context ? `${injected.brief}\n\n${step.context.trim()}` : injected.brief;
  const agent = step?.prompt ? { ...run.config, task: step.prompt } : run.config;
  const launch = buildLaunch(agent, {
    root: loaded.root,
    worktree: run.state.worktree,
    handoffPath: injected.handoffPath,
    handoffFile: loaded.config.handoff.file,
    brief,
    hookArgs: injected.hookArgs,
    resumeSessionId: run.state.sessionId,
    resumed: run.resumed,
    supervisorEnv: deps.channel.agentEnv(run.config.name, usesHooks(run.config.preset)),
    baseEnv: deps.env,
    step: step?.skill ? { skill: step.skill, round: step.round, skillFile: step.skillFile ?? '', task: run.config.task } : undefined,
  });
  if (step?.skill) {
    const shown = step.command ? `Runs: ${JSON.stringify(step.command)}` : `${brief}\n\n## Prompt (${step.skill}, round ${step.round})\n\n${step.prompt ?? run.config.task}`;
    await writeHistory(historyDir(loaded.root), `${run.config.name}-${step.skill}-brief`, `${shown.trimEnd()}\n`);
    // A custom agent reads its brief from the file ({brief_file}): there, it ends with the step's prompt.
    if (!step.command) await writeFileAtomic(briefFilePath(loaded.root, run.config.name), `${shown.trimEnd()}\n`);
  } else if (step?.context) await writeFileAtomic(briefFilePath(loaded.root, run.config.name), `${brief}\n`);
  const [file, ...args] = step?.command ?? [launch.file, ...launch.args];
  run.typeAfterStart = step?.command ? undefined : launch.typeAfterStart;
  return new Session({ spawner: deps.spawner, file: file!, args, cwd: run.state.worktree, env: launch.env, cols: deps.cols, rows: deps.rows, scrollback: deps.scrollback });
}

/** Captures the run's handoff into the team's; a chain step's brief is named with its skill (or `historyName`). */
export async function captureRun(deps: LaunchDeps, run: Run, others: Run[], historyName = run.step?.skill): Promise<void> {
  const state = run.state;
  try {
    const cap = await captureHandoff(deps.team, {
      agent: run.config.name,
      historyName: historyName ? `${run.config.name}-${historyName}` : undefined,
      branch: run.config.branch,
      worktree: state.worktree,
      handoffFile: deps.loaded.config.handoff.file,
      injectedHash: run.injectedHash,
      injectedText: run.injectedText,
      updatedBeforeSync: run.updatedBeforeSync,
      status: statusText(state),
      files: state.diff?.files ?? [],
      others: () => others.map((r) => ({ agent: r.config.name, branch: r.config.branch, ...teamLine(r.state), files: r.state.diff?.files ?? [] })),
    });
    applyCapture(state, cap);
  } catch (err) {
    addWarning(state, `capture failed: ${(err as Error).message}`);
  }
}
